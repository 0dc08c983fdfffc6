/* SPDX-License-Identifier: MIT */
/* sigaction (XSH sigaction, 2.4.3 Signal Actions). */
#include "common.h"

static volatile sig_atomic_t hits;
static volatile sig_atomic_t seen_signo, seen_code, seen_pid_ok, seen_value;
static sigset_t mask_in_handler;
static volatile sig_atomic_t nested_depth, max_depth;

static void count(int sig)
{
  (void)sig;
  hits++;
}

static void take_mask(int sig)
{
  (void)sig;
  pthread_sigmask(SIG_BLOCK, NULL, &mask_in_handler);
  hits++;
}

static void set_handler(int sig, void (*fn)(int), int flags, const sigset_t *mask)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  if (mask)
    sa.sa_mask = *mask;
  else
    sigemptyset(&sa.sa_mask);
  CHECK_OK(sigaction(sig, &sa, NULL));
}

/* "If the argument oact is not a null pointer, the action previously
 * associated with the signal is stored in the location pointed to by
 * oact"; act NULL leaves the action unchanged. */
TEST(sigaction_old_action)
{
  struct sigaction sa, old, now;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = count;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaddset(&sa.sa_mask, SIGRTMIN);
  sa.sa_flags = SA_RESTART;
  CHECK_OK(sigaction(SIGUSR1, NULL, &old));
  CHECK(old.sa_handler == SIG_DFL);
  CHECK_OK(sigaction(SIGUSR1, &sa, &old));
  CHECK(old.sa_handler == SIG_DFL);
  CHECK_OK(sigaction(SIGUSR1, NULL, &now));
  CHECK(now.sa_handler == count);
  CHECK(now.sa_flags & SA_RESTART);
  CHECK_EQ(sigismember(&now.sa_mask, SIGUSR2), 1);
  CHECK_EQ(sigismember(&now.sa_mask, SIGRTMIN), 1);
  CHECK_EQ(sigismember(&now.sa_mask, SIGTERM), 0);
  sa.sa_handler = SIG_IGN;
  sa.sa_flags = 0;
  CHECK_OK(sigaction(SIGUSR1, &sa, &old));
  CHECK(old.sa_handler == count);
  CHECK_OK(sigaction(SIGUSR1, NULL, &now));
  CHECK(now.sa_handler == SIG_IGN);
  /* a query with neither: allowed, changes nothing */
  CHECK_OK(sigaction(SIGUSR1, NULL, NULL));
  CHECK_OK(sigaction(SIGUSR1, NULL, &now));
  CHECK(now.sa_handler == SIG_IGN);
  return 0;
}

/* "[EINVAL] The sig argument is not a valid signal number or an attempt is
 * made to catch a signal that cannot be caught or ignore a signal that
 * cannot be ignored." Querying them is fine. */
TEST(sigaction_einval)
{
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = count;
  CHECK_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
  CHECK_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL);
  sa.sa_handler = SIG_IGN;
  CHECK_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
  CHECK_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL);
  CHECK_ERRNO(sigaction(0, &sa, NULL), EINVAL);
  CHECK_ERRNO(sigaction(-3, &sa, NULL), EINVAL);
  CHECK_ERRNO(sigaction(100000, &sa, NULL), EINVAL);
  CHECK_ERRNO(sigaction(0, NULL, &old), EINVAL);
  CHECK_OK(sigaction(SIGKILL, NULL, &old));
  CHECK(old.sa_handler == SIG_DFL);
  /* the failed call changed nothing */
  CHECK_OK(sigaction(SIGKILL, NULL, &old));
  CHECK(old.sa_handler == SIG_DFL);
  return 0;
}

/* "sa_mask ... set of signals to be blocked during execution of the
 * signal-catching function"; the signal itself is added too (without
 * SA_NODEFER); the mask is restored when the handler returns. */
TEST(sigaction_mask_during_handler)
{
  sigset_t m, after;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  sigaddset(&m, SIGRTMIN + 1);
  set_handler(SIGUSR1, take_mask, 0, &m);
  hits = 0;
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(sigismember(&mask_in_handler, SIGUSR1), 1);
  CHECK_EQ(sigismember(&mask_in_handler, SIGUSR2), 1);
  CHECK_EQ(sigismember(&mask_in_handler, SIGRTMIN + 1), 1);
  CHECK_EQ(sigismember(&mask_in_handler, SIGTERM), 0);
  CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &after));
  CHECK_EQ(sigismember(&after, SIGUSR1), 0);
  CHECK_EQ(sigismember(&after, SIGUSR2), 0);
  CHECK_EQ(sigismember(&after, SIGRTMIN + 1), 0);
  return 0;
}

/* A signal of sa_mask sent from inside the handler waits until it
 * returns. */
static volatile sig_atomic_t usr2_during, usr2_ran;
static void usr2(int sig)
{
  (void)sig;
  usr2_ran++;
}
static void raise_usr2(int sig)
{
  (void)sig;
  raise(SIGUSR2);
  usr2_during = usr2_ran;
  hits++;
}

TEST(sigaction_mask_defers_signal)
{
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  set_handler(SIGUSR2, usr2, 0, NULL);
  set_handler(SIGUSR1, raise_usr2, 0, &m);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(usr2_during, 0);
  CHECK_EQ(usr2_ran, 1);
  return 0;
}

/* SA_NODEFER: the signal is not added to the mask while its handler runs,
 * so the handler can be entered again from inside itself. */
static volatile sig_atomic_t calls;
static void nest(int sig)
{
  calls++;
  nested_depth++;
  if (nested_depth > max_depth)
    max_depth = nested_depth;
  if (calls < 3)
    raise(sig);
  nested_depth--;
}

TEST(sigaction_nodefer)
{
  set_handler(SIGUSR1, take_mask, SA_NODEFER, NULL);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(sigismember(&mask_in_handler, SIGUSR1), 0);
  set_handler(SIGUSR1, nest, SA_NODEFER, NULL);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(calls, 3);
  CHECK_EQ(max_depth, 3);
  /* without it, each inner raise waits until the handler returns */
  max_depth = 0;
  calls = 0;
  set_handler(SIGUSR1, nest, 0, NULL);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(calls, 3);
  CHECK_EQ(max_depth, 1);
  return 0;
}

/* SA_RESETHAND: "the disposition of the signal shall be reset to SIG_DFL
 * ... on entry to the signal handler". */
static volatile sig_atomic_t dfl_in_handler;
static void check_reset(int sig)
{
  struct sigaction now;
  sigaction(sig, NULL, &now);
  dfl_in_handler = now.sa_handler == SIG_DFL;
  hits++;
}

TEST(sigaction_resethand)
{
  struct sigaction now;
  set_handler(SIGUSR1, check_reset, SA_RESETHAND, NULL);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(dfl_in_handler, 1);
  CHECK_OK(sigaction(SIGUSR1, NULL, &now));
  CHECK(now.sa_handler == SIG_DFL);
  CHECK_EQ(now.sa_flags & SA_SIGINFO, 0);
  return 0;
}

/* The second SIGUSR1 after SA_RESETHAND takes the default action: the
 * child ends by it. */
HELPER(resethand_twice)
{
  (void)argc;
  (void)argv;
  set_handler(SIGUSR1, count, SA_RESETHAND, NULL);
  raise(SIGUSR1);
  if (hits != 1)
    return 10;
  raise(SIGUSR1);
  return 11;
}

TEST(sigaction_resethand_then_default)
{
  int st = pt_reap(pt_spawn3("resethand_twice", NULL, NULL, NULL), 20000);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGUSR1);
  return 0;
}

/* SA_SIGINFO: the handler gets (sig, siginfo_t *, void *); kill() from
 * this process gives si_code SI_USER and si_pid our pid; sigqueue gives
 * SI_QUEUE and the value. */
static void info_handler(int sig, siginfo_t *info, void *ctx)
{
  (void)ctx;
  seen_signo = sig == info->si_signo ? sig : -1;
  seen_code = info->si_code;
  seen_pid_ok = info->si_pid == getpid();
  seen_value = info->si_value.sival_int;
  hits++;
}

TEST(sigaction_siginfo)
{
  struct sigaction sa, now;
  union sigval v;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = info_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
  CHECK_OK(sigaction(SIGUSR1, NULL, &now));
  CHECK(now.sa_flags & SA_SIGINFO);
  CHECK(now.sa_sigaction == info_handler);
  CHECK_OK(kill(getpid(), SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(seen_signo, SIGUSR1);
  CHECK_EQ(seen_code, SI_USER);
  CHECK_EQ(seen_pid_ok, 1);
  v.sival_int = 4242;
  CHECK_OK(sigaction(SIGRTMIN, &sa, NULL));
  CHECK_OK(sigqueue(getpid(), SIGRTMIN, v));
  CHECK_EQ(hits, 2);
  CHECK_EQ(seen_signo, SIGRTMIN);
  CHECK_EQ(seen_code, SI_QUEUE);
  CHECK_EQ(seen_pid_ok, 1);
  CHECK_EQ(seen_value, 4242);
  return 0;
}

/* "Setting a signal action to SIG_IGN for a signal that is pending shall
 * cause the pending signal to be discarded". */
TEST(sigaction_ignore_discards_pending)
{
  sigset_t m, pend;
  struct sigaction sa;
  set_handler(SIGUSR1, count, 0, NULL);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
  CHECK_OK(kill(getpid(), SIGUSR1));
  CHECK_OK(sigpending(&pend));
  CHECK_EQ(sigismember(&pend, SIGUSR1), 1);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
  CHECK_OK(sigpending(&pend));
  CHECK_EQ(sigismember(&pend, SIGUSR1), 0);
  set_handler(SIGUSR1, count, 0, NULL);
  CHECK_OK(sigprocmask(SIG_UNBLOCK, &m, NULL));
  CHECK_EQ(hits, 0);
  return 0;
}

/* SIG_IGN: "delivery of the signal shall have no effect on the process";
 * it is not left pending either. */
TEST(sigaction_ignored_no_effect)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
  CHECK_OK(sigaction(SIGTERM, &sa, NULL));
  CHECK_OK(raise(SIGUSR2));
  CHECK_OK(kill(getpid(), SIGTERM));
  CHECK_EQ(pt_is_pending(SIGUSR2), 0);
  CHECK_EQ(pt_is_pending(SIGTERM), 0);
  return 0;
}

/* signal(): returns the previous disposition; SIG_ERR with EINVAL for a
 * bad number or a signal that cannot be caught. */
TEST(signal_function)
{
  void (*old)(int);
  old = signal(SIGUSR1, count);
  CHECK(old == SIG_DFL);
  old = signal(SIGUSR1, SIG_IGN);
  CHECK(old == count);
  old = signal(SIGUSR1, count);
  CHECK(old == SIG_IGN);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  errno = 0;
  CHECK(signal(SIGKILL, count) == SIG_ERR);
  CHECK_EQ(errno, EINVAL);
  errno = 0;
  CHECK(signal(SIGSTOP, SIG_IGN) == SIG_ERR);
  CHECK_EQ(errno, EINVAL);
  errno = 0;
  CHECK(signal(0, count) == SIG_ERR);
  CHECK_EQ(errno, EINVAL);
  errno = 0;
  CHECK(signal(100000, count) == SIG_ERR);
  CHECK_EQ(errno, EINVAL);
  return 0;
}
