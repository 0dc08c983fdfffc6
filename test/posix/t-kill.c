/* SPDX-License-Identifier: MIT */
/* kill, killpg (XSH kill, killpg) and delivery from another process. */
#include "common.h"

static volatile sig_atomic_t hits;
static void count(int sig)
{
  (void)sig;
  hits++;
}

/* "If sig is 0 (the null signal), error checking is performed but no signal
 * is actually sent": 0 for this process and a live child; once the child
 * is reaped, ESRCH. A child that ended but was not waited for still exists
 * (its process ID is not yet free). */
TEST(kill_null_signal_and_esrch)
{
  pid_t pid;
  siginfo_t si;
  CHECK_OK(kill(getpid(), 0));
  pid = pt_spawn3("exit_after", "300", "0", NULL);
  CHECK_OK(kill(pid, 0));
  memset(&si, 0, sizeof si);
  CHECK_OK(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT));
  CHECK_EQ(si.si_pid, pid);
  CHECK_OK(kill(pid, 0));
  CHECK_EQ(pt_reap(pid, 10000), 0);
  CHECK_ERRNO(kill(pid, 0), ESRCH);
  CHECK_ERRNO(kill(pid, SIGTERM), ESRCH);
  return 0;
}

/* "[EINVAL] The value of the sig argument is an invalid or unsupported
 * signal number." */
TEST(kill_invalid_signal)
{
  pt_set_handler(SIGUSR1, count, 0);
  CHECK_ERRNO(kill(getpid(), -1), EINVAL);
  CHECK_ERRNO(kill(getpid(), 100000), EINVAL);
  CHECK_EQ(hits, 0);
  return 0;
}

/* kill to this process, with the signal unblocked in the only thread that
 * can take it: delivered before kill() returns. */
TEST(kill_self_delivers_before_return)
{
  pt_set_handler(SIGUSR1, count, 0);
  CHECK_OK(kill(getpid(), SIGUSR1));
  CHECK_EQ(hits, 1);
  pt_set_handler(SIGRTMIN + 2, count, 0);
  CHECK_OK(kill(getpid(), SIGRTMIN + 2));
  CHECK_EQ(hits, 2);
  return 0;
}

/* pid > 0: the signal reaches that process; its handler sees si_code
 * SI_USER and si_pid of the sender. */
TEST(kill_other_process_siginfo)
{
  const char *f = pt_file("report");
  struct pt_report r;
  pid_t pid = pt_spawn3("catch_report", pt_num(SIGUSR1), f, NULL);
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGUSR1));
  CHECK_OK(pt_read_report(f, &r, 20000));
  CHECK_EQ(r.signo, SIGUSR1);
  CHECK_EQ(r.code, SI_USER);
  CHECK_EQ(r.pid, getpid());
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* A real-time signal from another process, likewise. */
TEST(kill_other_process_realtime)
{
  const char *f = pt_file("report");
  struct pt_report r;
  pid_t pid = pt_spawn3("catch_report", pt_num(SIGRTMIN + 3), f, NULL);
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGRTMIN + 3));
  CHECK_OK(pt_read_report(f, &r, 20000));
  CHECK_EQ(r.signo, SIGRTMIN + 3);
  CHECK_EQ(r.code, SI_USER);
  CHECK_EQ(r.pid, getpid());
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* A process spinning on a volatile sig_atomic_t, making no call, sees the
 * flag its handler sets for a signal from another process. */
TEST(kill_busy_loop_sees_flag)
{
  const char *f = pt_file("report");
  struct pt_report r;
  pid_t pid = pt_spawn3("busy_report", pt_num(SIGUSR2), f, NULL);
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGUSR2));
  CHECK_OK(pt_read_report(f, &r, 20000));
  CHECK_EQ(r.signo, SIGUSR2);
  CHECK_EQ(r.pid, getpid());
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* The same in this process: the main thread spins while a child sends. */
TEST(busy_loop_here_sees_flag_from_child)
{
  unsigned long spins = 0;
  long long until = pt_now_ms() + 20000;
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  pid = pt_pester(SIGUSR1, 200, 1, 0);
  while (!hits) {
    if ((++spins & 0xfffff) == 0 && pt_now_ms() > until)
      break;
  }
  CHECK_EQ(hits, 1);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* TERM with no handler: "abnormal termination of the process", and the
 * parent's waitpid says it was TERM. */
TEST(kill_default_action_ends_child)
{
  const char *f = pt_file("idle");
  pid_t pid = pt_spawn3("idle", f, NULL, NULL);
  int st;
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGTERM));
  st = pt_reap(pid, 20000);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGTERM);
  CHECK(!WIFEXITED(st));
  return 0;
}

/* kill(-pgid) and killpg(pgid): every process of that group, and not the
 * sender outside it. */
static pid_t spawn_in_new_group(const char *helper, const char *a, const char *b)
{
  posix_spawnattr_t at;
  const char *args[3];
  pid_t pid;
  args[0] = a;
  args[1] = b;
  args[2] = NULL;
  CHECK_RET(posix_spawnattr_init(&at), 0);
  CHECK_RET(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP), 0);
  CHECK_RET(posix_spawnattr_setpgroup(&at, 0), 0);
  pid = pt_spawn(helper, args, &at, NULL);
  posix_spawnattr_destroy(&at);
  return pid;
}

static void group_signal(int use_killpg)
{
  const char *f = pt_file("report");
  struct pt_report r;
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  pid = spawn_in_new_group("catch_report", pt_num(SIGUSR1), f);
  pt_wait_ready(f);
  CHECK_EQ(getpgid(pid), pid);
  if (use_killpg)
    CHECK_OK(killpg(pid, SIGUSR1));
  else
    CHECK_OK(kill(-pid, SIGUSR1));
  CHECK_OK(pt_read_report(f, &r, 20000));
  CHECK_EQ(r.signo, SIGUSR1);
  CHECK_EQ(r.pid, getpid());
  CHECK_EQ(pt_reap(pid, 10000), 0);
  pt_sleep_ms(100);
  CHECK_EQ(hits, 0);
  /* the group is gone with its last member */
  if (use_killpg)
    CHECK_ERRNO(killpg(pid, SIGUSR1), ESRCH);
  else
    CHECK_ERRNO(kill(-pid, SIGUSR1), ESRCH);
}

TEST(kill_negative_pid_group)
{
  group_signal(0);
  return 0;
}

TEST(killpg_group)
{
  group_signal(1);
  return 0;
}

/* killpg with a bad signal: EINVAL. */
TEST(killpg_invalid_signal)
{
  CHECK_ERRNO(killpg(getpgrp(), -1), EINVAL);
  CHECK_ERRNO(killpg(getpgrp(), 100000), EINVAL);
  return 0;
}

/* kill(0, sig): "sig shall be sent to all processes ... whose process group
 * ID is equal to the process group ID of the sender". Played inside a
 * group of its own, so that nothing else running here is touched. */
HELPER(group_leader_kill0)
{
  const char *f;
  struct pt_report r;
  pid_t pid;
  (void)argc;
  (void)argv;
  if (getpgrp() != getpid())
    return 10;
  pt_set_handler(SIGUSR1, count, 0);
  f = pt_file("member");
  pid = pt_spawn3("catch_report", pt_num(SIGUSR1), f, NULL);
  pt_wait_ready(f);
  if (getpgid(pid) != getpid())
    return 11;
  if (kill(0, SIGUSR1) != 0)
    return 12;
  if (hits != 1) /* to itself, unblocked: before kill returns */
    return 13;
  if (pt_read_report(f, &r, 20000) != 0 || r.signo != SIGUSR1 || r.pid != getpid())
    return 14;
  if (pt_reap(pid, 10000) != 0)
    return 15;
  remove(f);
  return 0;
}

TEST(kill_zero_own_group)
{
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  pid = spawn_in_new_group("group_leader_kill0", NULL, NULL);
  CHECK_EQ(pt_reap(pid, 30000), 0);
  CHECK_EQ(hits, 0);
  return 0;
}

/* kill(-1, 0): "sig shall be sent to all processes ... for which the
 * process has permission": there is at least this one, so it succeeds. A
 * real signal to -1 is not sent here (it would reach every process of the
 * user). */
TEST(kill_minus_one_null_signal)
{
  CHECK_OK(kill(-1, 0));
  return 0;
}
