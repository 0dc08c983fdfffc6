/* SPDX-License-Identifier: MIT */
/* psignal, psiginfo, strsignal (XSH). */
#include "common.h"

/* "strsignal() shall map the signal number in signum to an
 * implementation-defined string": a non-empty string for each signal, and
 * different signals differ. */
TEST(strsignal_strings)
{
  static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD, SIGSEGV,
                              SIGKILL, SIGALRM };
  char seen[9][128];
  size_t i, j;
  for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    const char *s = strsignal(sigs[i]);
    CHECK(s != NULL);
    CHECK(s[0] != 0);
    snprintf(seen[i], sizeof seen[i], "%s", s);
    for (j = 0; j < i; j++)
      if (strcmp(seen[i], seen[j]) == 0)
        pt_fail(__FILE__, __LINE__, "signals %d and %d both read \"%s\"", sigs[i], sigs[j], s);
  }
  return 0;
}

/* print_signal WHICH MSG: psignal or psiginfo of SIGTERM to stderr. */
HELPER(print_signal)
{
  siginfo_t si;
  const char *msg;
  if (argc < 3)
    return 2;
  msg = strcmp(argv[2], "-") == 0 ? NULL : argv[2];
  if (strcmp(argv[1], "psignal") == 0)
    psignal(SIGTERM, msg);
  else {
    memset(&si, 0, sizeof si);
    si.si_signo = SIGTERM;
    si.si_code = SI_USER;
    psiginfo(&si, msg);
  }
  return 0;
}

static void run_print(const char *which, const char *msg, char *out, size_t size)
{
  posix_spawn_file_actions_t fa;
  const char *f = pt_file("stderr");
  const char *args[3];
  pid_t pid;
  args[0] = which;
  args[1] = msg;
  args[2] = NULL;
  CHECK_RET(posix_spawn_file_actions_init(&fa), 0);
  CHECK_RET(posix_spawn_file_actions_addopen(&fa, 2, f, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
  pid = pt_spawn("print_signal", args, NULL, &fa);
  posix_spawn_file_actions_destroy(&fa);
  CHECK_EQ(pt_reap(pid, 20000), 0);
  CHECK_OK(pt_read_file(f, out, size));
}

/* psignal: "the string pointed to by message ... followed by a <colon> and
 * a <space> character ... then a string that describes the signal ...
 * followed by a <newline>"; with a null or empty message, only the
 * description. psiginfo likewise for pinfo->si_signo. */
static void check_print(const char *which)
{
  char out[512], want[300];
  run_print(which, "hello", out, sizeof out);
  CHECK(strncmp(out, "hello: ", 7) == 0);
  CHECK(strlen(out) > 8);
  CHECK(out[strlen(out) - 1] == '\n');
  CHECK(strchr(out, '\n') == out + strlen(out) - 1);
  snprintf(want, sizeof want, "hello: %s", strsignal(SIGTERM));
  if (strncmp(out, want, strlen(want)) != 0)
    fprintf(stderr, "note: %s says \"%s\", strsignal says \"%s\"\n", which, out, want);
  run_print(which, "", out, sizeof out);
  CHECK(out[0] != ':');
  CHECK(strlen(out) > 1);
  CHECK(out[strlen(out) - 1] == '\n');
  run_print(which, "-", out, sizeof out);
  CHECK(out[0] != ':');
  CHECK(strlen(out) > 1);
}

TEST(psignal_format)
{
  check_print("psignal");
  return 0;
}

TEST(psiginfo_format)
{
  check_print("psiginfo");
  return 0;
}
