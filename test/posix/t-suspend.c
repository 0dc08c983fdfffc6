/* SPDX-License-Identifier: MIT */
/* sigsuspend, pause, sigwait, sigwaitinfo, sigtimedwait (XSH). */
#include "common.h"

static volatile sig_atomic_t hits;
static sigset_t mask_in_handler;
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

/* "sigsuspend() shall replace the current signal mask ... with the set of
 * signals pointed to by sigmask and then suspend the thread until delivery
 * of a signal whose action is ... to execute a signal-catching function";
 * then it returns -1/EINTR "and the signal mask shall be restored to the
 * set that existed prior to the sigsuspend() call". A signal pending before
 * the call and unblocked by sigmask ends it at once: the swap and the wait
 * are one step. */
TEST(sigsuspend_pending_signal_atomic)
{
  sigset_t wait_mask;
  pt_set_handler(SIGUSR1, take_mask, 0);
  pt_block(SIGUSR1);
  pt_block(SIGUSR2);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 0);
  sigemptyset(&wait_mask);
  sigaddset(&wait_mask, SIGUSR2);
  sigaddset(&wait_mask, SIGRTMIN);
  CHECK_ERRNO(sigsuspend(&wait_mask), EINTR);
  CHECK_EQ(hits, 1);
  /* inside the handler: sigmask plus the signal */
  CHECK_EQ(sigismember(&mask_in_handler, SIGRTMIN), 1);
  CHECK_EQ(sigismember(&mask_in_handler, SIGUSR1), 1);
  /* after: the mask from before */
  CHECK_EQ(pt_is_blocked(SIGUSR1), 1);
  CHECK_EQ(pt_is_blocked(SIGUSR2), 1);
  CHECK_EQ(pt_is_blocked(SIGRTMIN), 0);
  return 0;
}

/* The signal from another process, sent while the thread waits (it blocks
 * the signal outside sigsuspend, so none can slip in before it). */
TEST(sigsuspend_other_process)
{
  sigset_t none;
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  pt_block(SIGUSR1);
  pid = pt_pester(SIGUSR1, 200, 1, 0);
  sigemptyset(&none);
  CHECK_ERRNO(sigsuspend(&none), EINTR);
  CHECK_EQ(hits, 1);
  CHECK_EQ(pt_is_blocked(SIGUSR1), 1);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* A signal that sigmask blocks does not end sigsuspend; an unblocked one
 * does, and the blocked one stays pending. */
TEST(sigsuspend_blocked_signal_waits)
{
  sigset_t wait_mask;
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  pt_set_handler(SIGUSR2, count, 0);
  pt_block(SIGUSR1);
  pt_block(SIGUSR2);
  CHECK_OK(raise(SIGUSR2));
  pid = pt_pester(SIGUSR1, 300, 1, 0);
  sigemptyset(&wait_mask);
  sigaddset(&wait_mask, SIGUSR2);
  CHECK_ERRNO(sigsuspend(&wait_mask), EINTR);
  CHECK_EQ(hits, 1);
  CHECK_EQ(pt_is_pending(SIGUSR2), 1);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  pt_unblock(SIGUSR2);
  CHECK_EQ(hits, 2);
  return 0;
}

/* An ignored signal does not end it (its action is not a handler). */
TEST(sigsuspend_ignored_signal_does_not_end)
{
  sigset_t none;
  pid_t a, b;
  long long t0;
  pt_set_handler(SIGUSR2, SIG_IGN, 0);
  pt_set_handler(SIGUSR1, count, 0);
  pt_block(SIGUSR1);
  a = pt_pester(SIGUSR2, 100, 3, 0);
  b = pt_pester(SIGUSR1, 800, 1, 0);
  sigemptyset(&none);
  t0 = pt_now_ms();
  CHECK_ERRNO(sigsuspend(&none), EINTR);
  CHECK(pt_now_ms() - t0 >= 500);
  CHECK_EQ(hits, 1);
  CHECK_EQ(pt_reap(a, 10000), 0);
  CHECK_EQ(pt_reap(b, 10000), 0);
  return 0;
}

/* pause: "suspend the calling thread until delivery of a signal whose
 * action is either to execute a signal-catching function or to terminate
 * the process"; it returns -1 with EINTR. */
TEST(pause_returns_eintr)
{
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  /* three, 200 ms apart: one lands while it waits, also on a slow day */
  pid = pt_pester(SIGUSR1, 200, 3, 0);
  CHECK_ERRNO(pause(), EINTR);
  CHECK(hits >= 1);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* A signal whose action is to end the process ends a paused one. */
TEST(pause_default_action_terminates)
{
  const char *f = pt_file("idle");
  pid_t pid = pt_spawn3("idle", f, NULL, NULL);
  int st;
  pt_wait_ready(f);
  CHECK_OK(kill(pid, SIGUSR2));
  st = pt_reap(pid, 20000);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGUSR2);
  return 0;
}

/* sigwait: "select a pending signal from set, atomically clear it from the
 * system's set of pending signals, and return that signal number in the
 * location referenced by sig"; it returns 0. No handler runs. */
TEST(sigwait_takes_pending)
{
  sigset_t set;
  int sig = 0;
  pt_set_handler(SIGUSR1, count, 0);
  pt_block(SIGUSR1);
  CHECK_OK(raise(SIGUSR1));
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  CHECK_RET(sigwait(&set, &sig), 0);
  CHECK_EQ(sig, SIGUSR1);
  CHECK_EQ(hits, 0);
  CHECK_EQ(pt_is_pending(SIGUSR1), 0);
  pt_unblock(SIGUSR1);
  CHECK_EQ(hits, 0);
  return 0;
}

/* "If no signal in set is pending at the time of the call, the thread
 * shall be suspended until one or more becomes pending": from another
 * process. */
TEST(sigwait_other_process)
{
  sigset_t set;
  int sig = 0;
  pid_t pid;
  pt_block(SIGUSR2);
  pid = pt_pester(SIGUSR2, 200, 1, 0);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  sigaddset(&set, SIGUSR1);
  CHECK_RET(sigwait(&set, &sig), 0);
  CHECK_EQ(sig, SIGUSR2);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* sigwaitinfo returns the signal number and fills si_signo, si_code, and
 * for kill() si_pid. */
TEST(sigwaitinfo_info)
{
  sigset_t set;
  siginfo_t si;
  pid_t pid;
  pt_block(SIGUSR1);
  pid = pt_pester(SIGUSR1, 100, 1, 0);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  memset(&si, 0, sizeof si);
  CHECK_EQ(sigwaitinfo(&set, &si), SIGUSR1);
  CHECK_EQ(si.si_signo, SIGUSR1);
  CHECK_EQ(si.si_code, SI_USER);
  CHECK_EQ(si.si_pid, pid);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  /* info may be NULL */
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(sigwaitinfo(&set, NULL), SIGUSR1);
  return 0;
}

/* "If the timespec structure pointed to by timeout is zero-valued and if
 * none of the signals specified by set are pending, then sigtimedwait()
 * shall return immediately with an error" [EAGAIN]; otherwise it waits
 * the time given, then EAGAIN. */
TEST(sigtimedwait_timeout_eagain)
{
  sigset_t set;
  siginfo_t si;
  struct timespec zero = { 0, 0 }, t = { 0, 300000000 };
  long long t0, took;
  pt_block(SIGUSR1);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  t0 = pt_now_ms();
  CHECK_ERRNO(sigtimedwait(&set, &si, &zero), EAGAIN);
  CHECK(pt_now_ms() - t0 < 200);
  t0 = pt_now_ms();
  CHECK_ERRNO(sigtimedwait(&set, &si, &t), EAGAIN);
  took = pt_now_ms() - t0;
  CHECK(took >= 290);
  CHECK(took < 5000);
  /* a pending one is taken at once, also with a zero timeout */
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(sigtimedwait(&set, &si, &zero), SIGUSR1);
  CHECK_EQ(si.si_signo, SIGUSR1);
  return 0;
}

/* An empty set is no error ("[EAGAIN] No signal specified by set was
 * generated within the specified timeout period"; the EINVAL listed is
 * for the timeout only), and neither is one of KILL alone. */
TEST(sigtimedwait_empty_set_times_out)
{
  sigset_t set;
  siginfo_t si;
  struct timespec t = { 0, 200000000 };
  long long t0, took;
  sigemptyset(&set);
  t0 = pt_now_ms();
  CHECK_ERRNO(sigtimedwait(&set, &si, &t), EAGAIN);
  took = pt_now_ms() - t0;
  CHECK(took >= 190);
  CHECK(took < 5000);
  sigaddset(&set, SIGKILL);
  CHECK_ERRNO(sigtimedwait(&set, &si, &t), EAGAIN);
  return 0;
}

/* "[EINVAL] The timeout argument specified a tv_nsec value less than zero
 * or greater than or equal to 1000 million". */
TEST(sigtimedwait_einval)
{
  sigset_t set;
  siginfo_t si;
  struct timespec big = { 0, 1000000000 }, neg = { 0, -1 };
  pt_block(SIGUSR1);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  CHECK_ERRNO(sigtimedwait(&set, &si, &big), EINVAL);
  CHECK_ERRNO(sigtimedwait(&set, &si, &neg), EINVAL);
  return 0;
}

/* sigtimedwait woken by a signal from another process before its time. */
TEST(sigtimedwait_other_process)
{
  sigset_t set;
  siginfo_t si;
  struct timespec t = { 20, 0 };
  pid_t pid;
  long long t0;
  pt_block(SIGRTMIN);
  pid = pt_pester(SIGRTMIN, 200, 1, 0);
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  t0 = pt_now_ms();
  CHECK_EQ(sigtimedwait(&set, &si, &t), SIGRTMIN);
  CHECK(pt_now_ms() - t0 < 15000);
  CHECK_EQ(si.si_pid, pid);
  CHECK_EQ(si.si_code, SI_USER);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* "If there are multiple signals queued for the selected signal number,
 * sigwaitinfo() shall cause the first such queued signal to be returned
 * and the remainder shall remain queued"; of several pending real-time
 * signals the lowest numbered is selected. */
TEST(sigwaitinfo_realtime_order)
{
  sigset_t set;
  siginfo_t si;
  union sigval v;
  int i;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  sigaddset(&set, SIGRTMIN + 1);
  sigaddset(&set, SIGRTMIN + 4);
  CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
  v.sival_int = 1;
  CHECK_OK(sigqueue(getpid(), SIGRTMIN + 4, v));
  v.sival_int = 2;
  CHECK_OK(sigqueue(getpid(), SIGRTMIN + 1, v));
  v.sival_int = 3;
  CHECK_OK(sigqueue(getpid(), SIGRTMIN, v));
  v.sival_int = 4;
  CHECK_OK(sigqueue(getpid(), SIGRTMIN + 1, v));
  {
    static const int want_sig[4] = { 0, 1, 1, 4 }, want_val[4] = { 3, 2, 4, 1 };
    for (i = 0; i < 4; i++) {
      memset(&si, 0, sizeof si);
      CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN + want_sig[i]);
      CHECK_EQ(si.si_value.sival_int, want_val[i]);
      CHECK_EQ(si.si_code, SI_QUEUE);
      CHECK_EQ(si.si_pid, getpid());
    }
  }
  CHECK_OK(sigpending(&set));
  CHECK_EQ(sigismember(&set, SIGRTMIN + 1), 0);
  return 0;
}

/* A thread waiting in sigwait takes a process-directed signal that every
 * thread blocks (and no handler runs). */
static volatile sig_atomic_t waiter_got;
static void *waiter(void *arg)
{
  sigset_t set;
  int sig = 0;
  (void)arg;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  if (sigwait(&set, &sig) == 0)
    waiter_got = sig;
  return NULL;
}

TEST(sigwait_in_thread_other_process)
{
  pthread_t t;
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  pt_block(SIGUSR1);
  CHECK_RET(pthread_create(&t, NULL, waiter, NULL), 0);
  pid = pt_pester(SIGUSR1, 200, 1, 0);
  CHECK_RET(pthread_join(t, NULL), 0);
  CHECK_EQ(waiter_got, SIGUSR1);
  CHECK_EQ(hits, 0);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}
