/* SPDX-License-Identifier: MIT */
/* posix_spawn, posix_spawnp and their attributes and file actions;
 * waitpid, wait, waitid; SIGCHLD; SA_NOCLDWAIT, SA_NOCLDSTOP; getppid,
 * getpgrp, getpgid, setpgid, setsid (XSH). */
#include "common.h"

static volatile sig_atomic_t hits, c_code, c_status;
static volatile long c_pid;
static void on_chld(int sig, siginfo_t *si, void *ctx)
{
  (void)sig;
  (void)ctx;
  c_code = si->si_code;
  c_status = si->si_status;
  c_pid = (long)si->si_pid;
  hits++;
}

/* stop_self FILE: says it is ready, stops itself with raise(SIGSTOP),
 * and once continued writes "continued" to FILE and exits 7. */
HELPER(stop_self)
{
  if (argc < 2)
    return 2;
  pt_write_file(pt_ready_name(argv[1]), "ready\n");
  if (raise(SIGSTOP) != 0)
    return 3;
  pt_write_file(argv[1], "continued\n");
  return 7;
}

/* stop_other PID: sends SIGSTOP to PID (not its child) and exits 0. */
HELPER(stop_other)
{
  if (argc < 2)
    return 2;
  return kill((pid_t)atol(argv[1]), SIGSTOP) == 0 ? 0 : 3;
}

/* report_state FILE: what a spawned child sees of itself. */
HELPER(report_state)
{
  char text[256];
  struct sigaction sa;
  sigset_t m;
  const char *mark = getenv("PT_MARK");
  int disp;
  if (argc < 2)
    return 2;
  sigaction(SIGUSR1, NULL, &sa);
  disp = sa.sa_handler == SIG_DFL ? 0 : sa.sa_handler == SIG_IGN ? 1 : 2;
  sigprocmask(SIG_BLOCK, NULL, &m);
  snprintf(text, sizeof text, "pid=%ld ppid=%ld pgrp=%ld usr1_blocked=%d usr1_disp=%d mark=%s\n",
           (long)getpid(), (long)getppid(), (long)getpgrp(), sigismember(&m, SIGUSR1), disp,
           mark ? mark : "-");
  pt_write_file(argv[1], text);
  return 0;
}

static void state_of(pid_t pid, const char *f, char *out, size_t size)
{
  CHECK_EQ(pt_reap(pid, 20000), 0);
  CHECK_OK(pt_read_file(f, out, size));
}

static void expect_in(const char *text, const char *part)
{
  if (!strstr(text, part))
    pt_fail(__FILE__, __LINE__, "\"%s\" not in the child's report: %s", part, text);
}

/* posix_spawn: the new process's pid is returned in *pid; getppid() in it
 * is ours; it is in our group; the signal mask is inherited; a signal
 * we catch is SIG_DFL in it, one we ignore stays ignored. */
TEST(spawn_defaults_inherit)
{
  const char *f = pt_file("state");
  const char *args[2];
  char text[256], want[64];
  pid_t pid;
  pt_block(SIGUSR1);
  pt_set_handler(SIGUSR1, SIG_IGN, 0);
  args[0] = f;
  args[1] = NULL;
  pid = pt_spawn("report_state", args, NULL, NULL);
  state_of(pid, f, text, sizeof text);
  snprintf(want, sizeof want, "pid=%ld ", (long)pid);
  expect_in(text, want);
  snprintf(want, sizeof want, "ppid=%ld ", (long)getpid());
  expect_in(text, want);
  snprintf(want, sizeof want, "pgrp=%ld ", (long)getpgrp());
  expect_in(text, want);
  expect_in(text, "usr1_blocked=1 ");
  expect_in(text, "usr1_disp=1 ");
  return 0;
}

static void noop(int sig)
{
  (void)sig;
}

TEST(spawn_caught_becomes_default)
{
  const char *f = pt_file("state");
  const char *args[2] = { NULL, NULL };
  char text[256];
  pt_set_handler(SIGUSR1, noop, 0);
  args[0] = f;
  state_of(pt_spawn("report_state", args, NULL, NULL), f, text, sizeof text);
  expect_in(text, "usr1_disp=0 ");
  expect_in(text, "usr1_blocked=0 ");
  return 0;
}

/* POSIX_SPAWN_SETSIGMASK: the child starts with the attribute's mask;
 * POSIX_SPAWN_SETSIGDEF: the signals of sigdefault get SIG_DFL;
 * POSIX_SPAWN_SETPGROUP: pgroup 0 makes a new group led by the child. */
TEST(spawn_attributes)
{
  const char *f = pt_file("state");
  const char *args[2] = { NULL, NULL };
  posix_spawnattr_t at;
  sigset_t m, got;
  short flags = 0;
  pid_t pg = -1, pid;
  char text[256], want[64];
  pt_set_handler(SIGUSR1, SIG_IGN, 0);
  CHECK_RET(posix_spawnattr_init(&at), 0);
  CHECK_RET(posix_spawnattr_getflags(&at, &flags), 0);
  CHECK_EQ(flags, 0);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  CHECK_RET(posix_spawnattr_setsigmask(&at, &m), 0);
  CHECK_RET(posix_spawnattr_setsigdefault(&at, &m), 0);
  CHECK_RET(posix_spawnattr_setpgroup(&at, 0), 0);
  CHECK_RET(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                     POSIX_SPAWN_SETPGROUP), 0);
  CHECK_RET(posix_spawnattr_getflags(&at, &flags), 0);
  CHECK_EQ(flags, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  CHECK_RET(posix_spawnattr_getsigmask(&at, &got), 0);
  CHECK_EQ(sigismember(&got, SIGUSR1), 1);
  CHECK_RET(posix_spawnattr_getsigdefault(&at, &got), 0);
  CHECK_EQ(sigismember(&got, SIGUSR1), 1);
  CHECK_RET(posix_spawnattr_getpgroup(&at, &pg), 0);
  CHECK_EQ(pg, 0);
  args[0] = f;
  pid = pt_spawn("report_state", args, &at, NULL);
  CHECK_RET(posix_spawnattr_destroy(&at), 0);
  state_of(pid, f, text, sizeof text);
  snprintf(want, sizeof want, "pgrp=%ld ", (long)pid);
  expect_in(text, want);
  expect_in(text, "usr1_blocked=1 ");
  expect_in(text, "usr1_disp=0 ");
  return 0;
}

/* SETPGROUP with a group's id: the child joins that group. */
TEST(spawn_join_group)
{
  const char *fa = pt_file("a"), *fb = pt_file("state");
  const char *args[2] = { NULL, NULL };
  posix_spawnattr_t at;
  pid_t leader, pid;
  char text[256], want[64];
  CHECK_RET(posix_spawnattr_init(&at), 0);
  CHECK_RET(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP), 0);
  CHECK_RET(posix_spawnattr_setpgroup(&at, 0), 0);
  args[0] = fa;
  leader = pt_spawn("idle", args, &at, NULL);
  pt_wait_ready(fa);
  CHECK_RET(posix_spawnattr_setpgroup(&at, leader), 0);
  args[0] = fb;
  pid = pt_spawn("report_state", args, &at, NULL);
  posix_spawnattr_destroy(&at);
  state_of(pid, fb, text, sizeof text);
  snprintf(want, sizeof want, "pgrp=%ld ", (long)leader);
  expect_in(text, want);
  CHECK_OK(kill(leader, SIGKILL));
  pt_reap(leader, 20000);
  return 0;
}

/* The environment is envp. */
TEST(spawn_environment)
{
  const char *f = pt_file("state");
  char *argv[5], *envp[4], text[256];
  pid_t pid;
  char **e = pt_environ();
  int n = 0;
  argv[0] = (char *)pt_self;
  argv[1] = (char *)"--helper";
  argv[2] = (char *)"report_state";
  argv[3] = (char *)f;
  argv[4] = NULL;
  envp[n++] = (char *)"PT_MARK=spawned-42";
  /* Windows needs its SystemRoot to start a process; kept if present */
  for (; e && *e && n < 3; e++)
    if (strncmp(*e, "SystemRoot=", 11) == 0 || strncmp(*e, "SYSTEMROOT=", 11) == 0)
      envp[n++] = *e;
  envp[n] = NULL;
  CHECK_RET(posix_spawn(&pid, pt_self, NULL, NULL, argv, envp), 0);
  state_of(pid, f, text, sizeof text);
  expect_in(text, "mark=spawned-42");
  return 0;
}

/* fd_report FILE: writes to stdout, then says which of fds 1, 5 and 6
 * are open (a write to a closed one fails with EBADF). */
HELPER(fd_report)
{
  char text[128];
  int w1, w5, e5, w6, e6;
  if (argc < 2)
    return 2;
  w1 = (int)write(1, "out\n", 4);
  errno = 0;
  w5 = (int)write(5, "", 0) == 0 ? (int)write(5, "x", 1) : -1;
  e5 = errno;
  errno = 0;
  w6 = (int)write(6, "y", 1);
  e6 = errno;
  snprintf(text, sizeof text, "w1=%d w5=%d e5=%s w6=%d e6=%s\n", w1, w5,
           e5 == EBADF ? "EBADF" : "other", w6, e6 == EBADF ? "EBADF" : "other");
  pt_write_file(argv[1], text);
  return 0;
}

/* File actions, in order: addopen opens a file at a descriptor,
 * adddup2 duplicates it, addclose closes one. */
TEST(spawn_file_actions)
{
  const char *f = pt_file("fds"), *out = pt_file("stdout");
  const char *args[2] = { NULL, NULL };
  posix_spawn_file_actions_t fa;
  char text[256];
  pid_t pid;
  CHECK_RET(posix_spawn_file_actions_init(&fa), 0);
  CHECK_RET(posix_spawn_file_actions_addopen(&fa, 5, out, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
  CHECK_RET(posix_spawn_file_actions_adddup2(&fa, 5, 1), 0);
  CHECK_RET(posix_spawn_file_actions_addclose(&fa, 5), 0);
  args[0] = f;
  pid = pt_spawn("fd_report", args, NULL, &fa);
  CHECK_RET(posix_spawn_file_actions_destroy(&fa), 0);
  CHECK_EQ(pt_reap(pid, 20000), 0);
  CHECK_OK(pt_read_file(f, text, sizeof text));
  expect_in(text, "w1=4 ");
  expect_in(text, "w5=-1 e5=EBADF");
  expect_in(text, "w6=-1 e6=EBADF");
  CHECK_OK(pt_read_file(out, text, sizeof text));
  CHECK(strcmp(text, "out\n") == 0);
  return 0;
}

/* "[EBADF] The value specified by fildes is negative or greater than or
 * equal to {OPEN_MAX}" for the file-action adders. */
TEST(spawn_file_actions_ebadf)
{
  posix_spawn_file_actions_t fa;
  CHECK_RET(posix_spawn_file_actions_init(&fa), 0);
  CHECK_RET(posix_spawn_file_actions_addclose(&fa, -1), EBADF);
  CHECK_RET(posix_spawn_file_actions_adddup2(&fa, -1, 1), EBADF);
  CHECK_RET(posix_spawn_file_actions_adddup2(&fa, 1, -1), EBADF);
  CHECK_RET(posix_spawn_file_actions_addopen(&fa, -1, "x", O_RDONLY, 0), EBADF);
  CHECK_RET(posix_spawn_file_actions_destroy(&fa), 0);
  return 0;
}

/* A program that is not there: posix_spawn fails with an error number, or
 * the child exits 127 ("as if the child process had called _exit(127)"). */
TEST(spawn_missing_program)
{
  char *argv[2] = { (char *)"pt-no-such-program", NULL };
  pid_t pid = 0;
  int r = posix_spawn(&pid, "./pt-no-such-program", NULL, NULL, argv, pt_environ());
  if (r == 0) {
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 127);
  } else
    CHECK_EQ(r, ENOENT);
  r = posix_spawnp(&pid, "pt-no-such-program", NULL, NULL, argv, pt_environ());
  if (r == 0) {
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 127);
  } else
    CHECK_EQ(r, ENOENT);
  return 0;
}

/* posix_spawnp with a path (it has a slash: no search). */
TEST(spawnp_path)
{
  char *argv[5];
  pid_t pid;
  argv[0] = (char *)pt_self;
  argv[1] = (char *)"--helper";
  argv[2] = (char *)"exit_after";
  argv[3] = (char *)"0";
  argv[4] = (char *)"9";
  {
    char *args6[6] = { argv[0], argv[1], argv[2], argv[3], argv[4], NULL };
    CHECK_RET(posix_spawnp(&pid, pt_self, NULL, NULL, args6, pt_environ()), 0);
  }
  {
    int st = pt_reap(pid, 20000);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 9);
  }
  return 0;
}

/* waitpid: WNOHANG gives 0 while the child runs; then its pid and status.
 * WEXITSTATUS is the low 8 bits of the exit value. */
TEST(waitpid_wnohang_and_status)
{
  int st = -1;
  pid_t pid = pt_spawn3("exit_after", "300", "258", NULL);
  CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
  CHECK_EQ(waitpid(pid, &st, 0), pid);
  pt_forget(pid);
  CHECK(WIFEXITED(st));
  CHECK(!WIFSIGNALED(st));
  CHECK(!WIFSTOPPED(st));
  CHECK_EQ(WEXITSTATUS(st), 2);
  /* status may be NULL */
  pid = pt_spawn3("exit_after", "0", "0", NULL);
  CHECK_EQ(waitpid(pid, NULL, 0), pid);
  pt_forget(pid);
  return 0;
}

/* wait() and waitpid(-1): any child; ECHILD when there is none. */
TEST(wait_any_child_and_echild)
{
  pid_t a, b, r1, r2;
  int st;
  CHECK_ERRNO(wait(&st), ECHILD);
  CHECK_ERRNO(waitpid(-1, &st, 0), ECHILD);
  CHECK_ERRNO(waitpid(-1, &st, WNOHANG), ECHILD);
  a = pt_spawn3("exit_after", "0", "3", NULL);
  b = pt_spawn3("exit_after", "100", "4", NULL);
  r1 = wait(&st);
  CHECK(r1 == a || r1 == b);
  CHECK_EQ(WEXITSTATUS(st), r1 == a ? 3 : 4);
  r2 = waitpid(-1, &st, 0);
  CHECK(r2 == (r1 == a ? b : a));
  CHECK_EQ(WEXITSTATUS(st), r2 == a ? 3 : 4);
  pt_forget(a);
  pt_forget(b);
  CHECK_ERRNO(wait(&st), ECHILD);
  /* not our child */
  CHECK_ERRNO(waitpid(getppid(), &st, WNOHANG), ECHILD);
  return 0;
}

/* waitpid(0): a child of our group; waitpid(-pgid): a child of that
 * group. */
TEST(waitpid_by_group)
{
  posix_spawnattr_t at;
  const char *args[3] = { "0", "5", NULL };
  pid_t other, same;
  int st;
  CHECK_RET(posix_spawnattr_init(&at), 0);
  CHECK_RET(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP), 0);
  CHECK_RET(posix_spawnattr_setpgroup(&at, 0), 0);
  other = pt_spawn("exit_after", args, &at, NULL);
  posix_spawnattr_destroy(&at);
  pt_sleep_ms(200);
  same = pt_spawn3("exit_after", "300", "6", NULL);
  CHECK_EQ(waitpid(0, &st, 0), same);
  CHECK_EQ(WEXITSTATUS(st), 6);
  CHECK_EQ(waitpid(-other, &st, 0), other);
  CHECK_EQ(WEXITSTATUS(st), 5);
  pt_forget(other);
  pt_forget(same);
  return 0;
}

/* "[EINVAL] The options argument is not valid." */
TEST(waitpid_einval)
{
  int st;
  pid_t pid = pt_spawn3("exit_after", "0", "0", NULL);
  CHECK_ERRNO(waitpid(pid, &st, 0x00100000), EINVAL);
  CHECK_EQ(pt_reap(pid, 20000), 0);
  return 0;
}

/* waitid: si_signo SIGCHLD, si_pid, si_code CLD_EXITED/CLD_KILLED and
 * si_status the exit value or the signal; WNOWAIT leaves it waitable;
 * WNOHANG with nothing ready returns 0. */
TEST(waitid_info)
{
  siginfo_t si;
  const char *f = pt_file("idle");
  pid_t pid = pt_spawn3("exit_after", "200", "42", NULL);
  memset(&si, 0, sizeof si);
  CHECK_OK(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG));
  CHECK_EQ(si.si_pid, 0);
  CHECK_OK(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT));
  CHECK_EQ(si.si_signo, SIGCHLD);
  CHECK_EQ(si.si_pid, pid);
  CHECK_EQ(si.si_code, CLD_EXITED);
  CHECK_EQ(si.si_status, 42);
  memset(&si, 0, sizeof si);
  CHECK_OK(waitid(P_ALL, 0, &si, WEXITED));
  CHECK_EQ(si.si_pid, pid);
  CHECK_EQ(si.si_status, 42);
  pt_forget(pid);
  CHECK_ERRNO(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG), ECHILD);
  pid = pt_spawn3("idle", f, NULL, NULL);
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGTERM));
  memset(&si, 0, sizeof si);
  CHECK_OK(waitid(P_PGID, (id_t)getpgrp(), &si, WEXITED));
  CHECK_EQ(si.si_pid, pid);
  CHECK_EQ(si.si_code, CLD_KILLED);
  CHECK_EQ(si.si_status, SIGTERM);
  pt_forget(pid);
  return 0;
}

/* "[EINVAL] An invalid value was specified for options, or idtype and id
 * specify an invalid set of processes." Options must name at least one of
 * WEXITED, WSTOPPED, WCONTINUED. */
TEST(waitid_einval)
{
  siginfo_t si;
  pid_t pid = pt_spawn3("exit_after", "0", "0", NULL);
  CHECK_ERRNO(waitid(P_PID, (id_t)pid, &si, 0), EINVAL);
  CHECK_ERRNO(waitid(P_PID, (id_t)pid, &si, WNOHANG), EINVAL);
  CHECK_ERRNO(waitid((idtype_t)77, (id_t)pid, &si, WEXITED), EINVAL);
  CHECK_EQ(pt_reap(pid, 20000), 0);
  return 0;
}

/* waitid with WSTOPPED and WCONTINUED: CLD_STOPPED, CLD_CONTINUED. */
TEST(waitid_stopped_continued)
{
  siginfo_t si;
  const char *f = pt_file("idle");
  pid_t pid = pt_spawn3("idle", f, NULL, NULL);
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGSTOP));
  memset(&si, 0, sizeof si);
  CHECK_OK(waitid(P_PID, (id_t)pid, &si, WSTOPPED));
  CHECK_EQ(si.si_code, CLD_STOPPED);
  CHECK_EQ(si.si_status, SIGSTOP);
  CHECK_OK(kill(pid, SIGCONT));
  memset(&si, 0, sizeof si);
  CHECK_OK(waitid(P_PID, (id_t)pid, &si, WCONTINUED));
  CHECK_EQ(si.si_code, CLD_CONTINUED);
  CHECK_EQ(si.si_status, SIGCONT);
  CHECK_OK(kill(pid, SIGKILL));
  pt_reap(pid, 20000);
  return 0;
}

/* SIGCHLD when a child ends: si_pid, si_code CLD_EXITED and si_status the
 * exit value; for a child ended by a signal CLD_KILLED and that signal. */
TEST(sigchld_siginfo)
{
  const char *f = pt_file("idle");
  pid_t pid;
  pt_set_action(SIGCHLD, on_chld, 0);
  pid = pt_spawn3("exit_after", "0", "7", NULL);
  CHECK_OK(pt_wait_flag(&hits, 20000));
  CHECK_EQ(c_pid, pid);
  CHECK_EQ(c_code, CLD_EXITED);
  CHECK_EQ(c_status, 7);
  CHECK_EQ(WEXITSTATUS(pt_reap(pid, 20000)), 7);
  hits = 0;
  pid = pt_spawn3("idle", f, NULL, NULL);
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGTERM));
  CHECK_OK(pt_wait_flag(&hits, 20000));
  CHECK_EQ(c_pid, pid);
  CHECK_EQ(c_code, CLD_KILLED);
  CHECK_EQ(c_status, SIGTERM);
  pt_reap(pid, 20000);
  return 0;
}

/* "WUNTRACED: The status of any child processes specified by pid that
 * are stopped, and whose status has not yet been reported since they
 * stopped, shall also be reported": also when the child stopped itself.
 * It goes on only at SIGCONT, and then runs to its end. */
TEST(child_stops_itself_seen_by_parent)
{
  const char *f = pt_file("stopper");
  char text[32];
  pid_t pid = pt_spawn3("stop_self", f, NULL, NULL);
  int st = 0;
  pt_wait_ready(f);
  CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
  CHECK(WIFSTOPPED(st));
  CHECK_EQ(WSTOPSIG(st), SIGSTOP);
  pt_sleep_ms(200);
  CHECK(pt_read_file(f, text, sizeof text) < 0); /* still stopped */
  CHECK_EQ(waitpid(pid, &st, WUNTRACED | WNOHANG), 0); /* reported once */
  CHECK_OK(kill(pid, SIGCONT));
  st = pt_reap(pid, 20000);
  CHECK(WIFEXITED(st));
  CHECK_EQ(WEXITSTATUS(st), 7);
  CHECK(pt_read_file(f, text, sizeof text) >= 0 && strcmp(text, "continued\n") == 0);
  return 0;
}

/* A stop that another process (not the parent) causes is the parent's to
 * see as well (waitpid with WUNTRACED), and so is the SIGCONT after it
 * (WCONTINUED). */
TEST(stop_by_another_process_seen_by_parent)
{
  const char *f = pt_file("idle");
  pid_t pid, stopper;
  int st = 0;
  pid = pt_spawn3("idle", f, NULL, NULL);
  pt_wait_ready(f);
  stopper = pt_spawn3("stop_other", pt_num(pid), NULL, NULL);
  st = pt_reap(stopper, 20000);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  pt_stopped_then_cont_and_kill(pid, SIGSTOP);
  return 0;
}

/* Without SA_NOCLDSTOP a stop gives SIGCHLD with CLD_STOPPED (and
 * CLD_CONTINUED on continuing); with it, no SIGCHLD for the stop. */
TEST(sigchld_stop_and_nocldstop)
{
  const char *f = pt_file("idle");
  pid_t pid;
  int st;
  pt_set_action(SIGCHLD, on_chld, 0);
  pid = pt_spawn3("idle", f, NULL, NULL);
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGSTOP));
  CHECK_OK(pt_wait_flag(&hits, 20000));
  CHECK_EQ(c_code, CLD_STOPPED);
  CHECK_EQ(c_status, SIGSTOP);
  CHECK_EQ(c_pid, pid);
  CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
  hits = 0;
  CHECK_OK(kill(pid, SIGCONT));
  CHECK_OK(pt_wait_flag(&hits, 20000));
  CHECK_EQ(c_code, CLD_CONTINUED);
  CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
  pt_set_action(SIGCHLD, on_chld, SA_NOCLDSTOP);
  hits = 0;
  CHECK_OK(kill(pid, SIGSTOP));
  CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
  CHECK(WIFSTOPPED(st));
  pt_sleep_ms(300);
  CHECK_EQ(hits, 0);
  CHECK_OK(kill(pid, SIGKILL));
  CHECK_OK(pt_wait_flag(&hits, 20000));
  CHECK_EQ(c_code, CLD_KILLED);
  pt_reap(pid, 20000);
  return 0;
}

/* SA_NOCLDWAIT, or SIGCHLD set to SIG_IGN: "child processes of the calling
 * processes shall not be transformed into zombie processes when they
 * terminate. If the calling process subsequently waits for its children,
 * and the process has no unwaited-for children that were transformed into
 * zombie processes, it shall block until all of its children terminate,
 * and wait(), waitid(), and waitpid() shall fail and set errno to
 * [ECHILD]." */
static void no_zombies(int use_ignore)
{
  pid_t a, b;
  int st;
  long long t0;
  if (use_ignore)
    pt_set_handler(SIGCHLD, SIG_IGN, 0);
  else
    pt_set_action(SIGCHLD, on_chld, SA_NOCLDWAIT | SA_RESTART); /* the SIGCHLD may still come; its handler must not end wait() with EINTR */
  a = pt_spawn3("exit_after", "0", "1", NULL);
  b = pt_spawn3("exit_after", "500", "1", NULL);
  t0 = pt_now_ms();
  CHECK_ERRNO(wait(&st), ECHILD);
  CHECK(pt_now_ms() - t0 >= 300);
  pt_forget(a);
  pt_forget(b);
  CHECK_ERRNO(kill(a, 0), ESRCH);
  CHECK_ERRNO(kill(b, 0), ESRCH);
}

TEST(sa_nocldwait_no_zombies)
{
  no_zombies(0);
  return 0;
}

TEST(sigchld_ignored_no_zombies)
{
  no_zombies(1);
  return 0;
}

/* getpgrp() is getpgid(0); getpgid of a child; ESRCH for none. */
TEST(getpgid_getpgrp)
{
  pid_t pid;
  CHECK_EQ(getpgrp(), getpgid(0));
  CHECK_EQ(getpgid(getpid()), getpgrp());
  pid = pt_spawn3("exit_after", "0", "0", NULL);
  CHECK_EQ(getpgid(pid), getpgrp());
  CHECK_EQ(pt_reap(pid, 20000), 0);
  CHECK_ERRNO(getpgid(pid), ESRCH);
  return 0;
}

/* pgrp_play FILE: setpgid(0, 0) makes it a group leader; then setsid()
 * fails with EPERM ("The calling process is already a process group
 * leader"); setpgid with a negative pgid is EINVAL. */
HELPER(pgrp_play)
{
  char text[128];
  int a, b, e1, c, e2;
  if (argc < 2)
    return 2;
  errno = 0;
  c = setpgid(0, -1);
  e2 = errno;
  a = setpgid(0, 0);
  b = getpgrp() == getpid();
  errno = 0;
  (void)setsid();
  e1 = errno;
  snprintf(text, sizeof text, "setpgid=%d leader=%d setsid_errno=%s neg=%d neg_errno=%s\n", a, b,
           e1 == EPERM ? "EPERM" : "other", c, e2 == EINVAL ? "EINVAL" : "other");
  pt_write_file(argv[1], text);
  return 0;
}

TEST(setpgid_and_setsid)
{
  const char *f = pt_file("pgrp");
  char text[256];
  pid_t pid = pt_spawn3("pgrp_play", f, NULL, NULL);
  CHECK_EQ(pt_reap(pid, 20000), 0);
  CHECK_OK(pt_read_file(f, text, sizeof text));
  expect_in(text, "setpgid=0 leader=1 setsid_errno=EPERM neg=-1 neg_errno=EINVAL");
  return 0;
}

/* setsid_play FILE: not a group leader (a fresh child in our group):
 * setsid() returns the new session id, its pid, and it leads a new
 * group. */
HELPER(setsid_play)
{
  char text[128];
  pid_t s;
  if (argc < 2)
    return 2;
  s = setsid();
  snprintf(text, sizeof text, "sid_is_pid=%d pgrp_is_pid=%d\n", s == getpid(), getpgrp() == getpid());
  pt_write_file(argv[1], text);
  return 0;
}

TEST(setsid_new_session)
{
  const char *f = pt_file("sid");
  char text[256];
  pid_t pid = pt_spawn3("setsid_play", f, NULL, NULL);
  CHECK_EQ(pt_reap(pid, 20000), 0);
  CHECK_OK(pt_read_file(f, text, sizeof text));
  expect_in(text, "sid_is_pid=1 pgrp_is_pid=1");
  return 0;
}

/* setpgid on a child that has executed a new image: EACCES; on a process
 * that is not this one nor a child: ESRCH. */
TEST(setpgid_errors)
{
  const char *f = pt_file("idle");
  pid_t pid = pt_spawn3("idle", f, NULL, NULL);
  pt_wait_ready(f);
  CHECK_ERRNO(setpgid(pid, pid), EACCES);
  CHECK_ERRNO(setpgid(getppid(), getppid()), ESRCH);
  CHECK_OK(kill(pid, SIGKILL));
  pt_reap(pid, 20000);
  return 0;
}
