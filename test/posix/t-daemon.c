/* SPDX-License-Identifier: MIT */
/* The example daemon (examples/posix/daemon.c), run as a user would: HUP
 * from outside starts a new generation of workers, TERM stops it; every
 * worker it started was reaped, and it exits 0. */
#include "common.h"

/* The daemon's path: built beside this program's build folder, in
 * examples/posix (a '/' or '\\' ends the folder; ".exe" kept). */
static const char *daemon_path(void)
{
  static char path[1024];
  const char *slash = NULL, *p, *ext = "";
  size_t n;
  for (p = pt_self; *p; p++)
    if (*p == '/' || *p == '\\')
      slash = p;
  n = slash ? (size_t)(slash - pt_self + 1) : 0;
  if (strlen(pt_self) > 4 && strcmp(pt_self + strlen(pt_self) - 4, ".exe") == 0)
    ext = ".exe";
  snprintf(path, sizeof path, "%.*s../../examples/posix/xsig-posix-daemon%s", (int)n, pt_self, ext);
  return path;
}

static int count_lines(const char *text, const char *part)
{
  int n = 0;
  const char *p = text;
  while ((p = strstr(p, part)) != NULL) {
    n++;
    p += strlen(part);
  }
  return n;
}

static int wait_lines(const char *log, const char *part, int n, char *text, size_t size)
{
  long long until = pt_now_ms() + 30000;
  for (;;) {
    if (pt_read_file(log, text, size) == 0 && count_lines(text, part) >= n)
      return 0;
    if (pt_now_ms() > until)
      return -1;
    pt_sleep_ms(20);
  }
}

TEST(daemon_hup_then_term)
{
  static char text[16384];
  const char *log = pt_file("daemon.log");
  char *argv[4];
  pid_t pid;
  int st, started, i;
  const char *p;
  argv[0] = (char *)daemon_path();
  argv[1] = (char *)log;
  argv[2] = (char *)"2";
  argv[3] = NULL;
  CHECK_RET(posix_spawn(&pid, argv[0], NULL, NULL, argv, pt_environ()), 0);
  pt_track_group(pid);
  if (wait_lines(log, "worker up", 2, text, sizeof text) != 0 || !strstr(text, "ready: pid"))
    pt_fail(__FILE__, __LINE__, "the daemon did not start 2 workers:\n%s", text);
  CHECK_OK(kill(pid, SIGHUP));
  if (wait_lines(log, "worker up", 4, text, sizeof text) != 0)
    pt_fail(__FILE__, __LINE__, "no new generation after HUP:\n%s", text);
  CHECK_OK(kill(pid, SIGTERM));
  CHECK_EQ(waitpid(pid, &st, 0), pid);
  CHECK_OK(pt_read_file(log, text, sizeof text));
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    pt_fail(__FILE__, __LINE__, "daemon status %#x:\n%s", st, text);
  started = count_lines(text, "started worker ");
  if (started != 4 || count_lines(text, ": exit 0") != 4 || !strstr(text, "exit: all workers reaped") ||
      !strstr(text, "HUP: restarting 2 workers") || !strstr(text, "TERM: stopping 2 workers"))
    pt_fail(__FILE__, __LINE__, "unexpected log:\n%s", text);
  /* each started worker was reaped by it, and is gone */
  for (p = text, i = 0; (p = strstr(p, "started worker ")) != NULL; i++) {
    char want[64];
    long w = atol(p + strlen("started worker "));
    snprintf(want, sizeof want, "reaped worker %ld: exit 0", w);
    if (!strstr(text, want))
      pt_fail(__FILE__, __LINE__, "worker %ld was not reaped:\n%s", w, text);
    CHECK_ERRNO(kill((pid_t)w, 0), ESRCH);
    p += strlen("started worker ");
  }
  CHECK_EQ(i, 4);
  return 0;
}
