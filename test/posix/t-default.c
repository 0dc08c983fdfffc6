/* SPDX-License-Identifier: MIT */
/* Default actions (XSH 2.4.3, <signal.h> table): T ends the process, A ends
 * it abnormally (with possible core), I ignores, S stops, C continues. The
 * parent's waitpid reports the signal. */
#include "common.h"

/* raise_default SIG: raises SIG with its default action; exits 0 if it
 * lived on. */
HELPER(raise_default)
{
  if (argc < 2)
    return 2;
  raise(atoi(argv[1]));
  return 0;
}

static int raise_in_child(int sig)
{
  return pt_reap(pt_spawn3("raise_default", pt_num(sig), NULL, NULL), 30000);
}

TEST(default_action_terminate)
{
  static const int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE,
                              SIGQUIT, SIGABRT, SIGKILL };
  size_t i;
  for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    int st = raise_in_child(sigs[i]);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != sigs[i] || WIFEXITED(st))
      pt_fail(__FILE__, __LINE__, "signal %d: status %#x", sigs[i], st);
  }
  return 0;
}

TEST(default_action_realtime_terminates)
{
  int st = raise_in_child(SIGRTMIN);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGRTMIN);
  st = raise_in_child(SIGRTMAX);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGRTMAX);
  return 0;
}

TEST(default_action_ignore)
{
  static const int sigs[] = { SIGCHLD, SIGURG, SIGCONT };
  size_t i;
  for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    int st = raise_in_child(sigs[i]);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
      pt_fail(__FILE__, __LINE__, "signal %d: status %#x, want exit 0", sigs[i], st);
  }
  return 0;
}

/* A handler for everything that can be caught; SIGKILL still ends it. */
static void ignore_it(int sig)
{
  (void)sig;
}

HELPER(catch_all)
{
  int s;
  if (argc < 2)
    return 2;
  for (s = 1; s <= SIGRTMAX && s < 65; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal(s, ignore_it);
  pt_write_file(pt_ready_name(argv[1]), "ready\n");
  for (;;)
    pause();
  return 0;
}

TEST(sigkill_cannot_be_caught)
{
  const char *f = pt_file("all");
  pid_t pid = pt_spawn3("catch_all", f, NULL, NULL);
  int st;
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGTERM));
  CHECK_OK(kill(pid, SIGINT));
  pt_sleep_ms(100);
  CHECK_OK(kill(pid, 0));
  CHECK_OK(kill(pid, SIGKILL));
  st = pt_reap(pid, 20000);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGKILL);
  return 0;
}

/* SIGSTOP stops, SIGCONT continues: waitpid with WUNTRACED reports
 * WIFSTOPPED/WSTOPSIG, with WCONTINUED WIFCONTINUED. */
TEST(default_action_stop_continue)
{
  const char *f = pt_file("idle");
  pid_t pid = pt_spawn3("idle", f, NULL, NULL);
  int st = 0;
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGSTOP));
  CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
  CHECK(WIFSTOPPED(st));
  CHECK_EQ(WSTOPSIG(st), SIGSTOP);
  CHECK(!WIFEXITED(st) && !WIFSIGNALED(st));
  CHECK_OK(kill(pid, SIGCONT));
  CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
  CHECK(WIFCONTINUED(st));
  CHECK(!WIFSTOPPED(st));
  CHECK_OK(kill(pid, SIGSTOP));
  CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
  CHECK(WIFSTOPPED(st));
  /* stopped, it takes TERM only once continued (as Linux) */
  CHECK_OK(kill(pid, SIGTERM));
  pt_sleep_ms(200);
  CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
  CHECK_OK(kill(pid, SIGCONT));
  st = pt_reap(pid, 20000);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGTERM);
  return 0;
}

/* SIGTSTP at its default action stops the child: its parent's waitpid
 * with WUNTRACED reports WIFSTOPPED with WSTOPSIG SIGTSTP. The child leads
 * a group of its own, so that its group is not orphaned (its parent is in
 * another group of the same session): POSIX discards TSTP's stop in an
 * orphaned group, and a test runner's group may be one. */
TEST(default_action_tstp_stops)
{
  const char *f = pt_file("idle");
  const char *args[2];
  posix_spawnattr_t at;
  pid_t pid;
  args[0] = f;
  args[1] = NULL;
  CHECK_RET(posix_spawnattr_init(&at), 0);
  CHECK_RET(posix_spawnattr_setpgroup(&at, 0), 0);
  CHECK_RET(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP), 0);
  pid = pt_spawn("idle", args, &at, NULL);
  posix_spawnattr_destroy(&at);
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGTSTP));
  pt_stopped_then_cont_and_kill(pid, SIGTSTP);
  return 0;
}
