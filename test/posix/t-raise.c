/* SPDX-License-Identifier: MIT */
/* raise, pthread_kill (XSH raise, pthread_kill). */
#include "pt.h"

static volatile sig_atomic_t hits;
static pthread_t handler_thread;

static void note_thread(int sig)
{
  (void)sig;
  handler_thread = pthread_self();
  hits++;
}

static void set_handler(int sig, void (*fn)(int))
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  CHECK_OK(sigaction(sig, &sa, NULL));
}

/* "If a signal-catching function is called, the raise() function shall not
 * return until after the signal-catching function does"; raise is
 * pthread_kill(pthread_self(), sig): the handler runs on this thread. */
TEST(raise_runs_handler_before_return)
{
  set_handler(SIGUSR1, note_thread);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK(pthread_equal(handler_thread, pthread_self()));
  set_handler(SIGRTMIN, note_thread);
  CHECK_OK(raise(SIGRTMIN));
  CHECK_EQ(hits, 2);
  return 0;
}

static void *unblock_and_raise(void *arg)
{
  sigset_t m;
  (void)arg;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  pthread_sigmask(SIG_UNBLOCK, &m, NULL);
  raise(SIGUSR2);
  return hits == 1 && pthread_equal(handler_thread, pthread_self()) ? (void *)1 : NULL;
}

TEST(raise_in_thread_while_main_blocks)
{
  pthread_t t;
  void *ok = NULL;
  sigset_t m, pend;
  set_handler(SIGUSR2, note_thread);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  CHECK_OK(pthread_sigmask(SIG_BLOCK, &m, NULL));
  CHECK_RET(pthread_create(&t, NULL, unblock_and_raise, NULL), 0);
  CHECK_RET(pthread_join(t, &ok), 0);
  CHECK(ok == (void *)1);
  CHECK_OK(sigpending(&pend));
  CHECK_EQ(sigismember(&pend, SIGUSR2), 0);
  return 0;
}

/* raise of a blocked signal: pending, the handler waits for the unblock. */
TEST(raise_blocked_stays_pending)
{
  sigset_t m, pend;
  set_handler(SIGUSR1, note_thread);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 0);
  CHECK_OK(sigpending(&pend));
  CHECK_EQ(sigismember(&pend, SIGUSR1), 1);
  CHECK_OK(sigprocmask(SIG_UNBLOCK, &m, NULL));
  CHECK_EQ(hits, 1);
  return 0;
}

/* "If the value of sig is zero ... raise() shall return a non-zero value"
 * for an invalid signal, and errno EINVAL. */
TEST(raise_invalid_signal)
{
  errno = 0;
  CHECK(raise(-1) != 0);
  CHECK_EQ(errno, EINVAL);
  errno = 0;
  CHECK(raise(100000) != 0);
  CHECK_EQ(errno, EINVAL);
  return 0;
}

/* pthread_kill: the signal is for that thread; its handler runs there. */
static volatile sig_atomic_t thread_ready, thread_stop;
static pthread_t target;

static void *spin_until_stopped(void *arg)
{
  (void)arg;
  thread_ready = 1;
  while (!thread_stop)
    pt_sleep_ms(1);
  return NULL;
}

static void stop_thread(int sig)
{
  (void)sig;
  handler_thread = pthread_self();
  thread_stop = 1;
  hits++;
}

TEST(pthread_kill_runs_on_target)
{
  set_handler(SIGUSR1, stop_thread);
  CHECK_RET(pthread_create(&target, NULL, spin_until_stopped, NULL), 0);
  CHECK_OK(pt_wait_flag(&thread_ready, 10000));
  CHECK_RET(pthread_kill(target, SIGUSR1), 0);
  CHECK_RET(pthread_join(target, NULL), 0);
  CHECK_EQ(hits, 1);
  CHECK(pthread_equal(handler_thread, target));
  return 0;
}

/* To itself: before pthread_kill returns, like raise. */
TEST(pthread_kill_self_synchronous)
{
  set_handler(SIGUSR1, note_thread);
  CHECK_RET(pthread_kill(pthread_self(), SIGUSR1), 0);
  CHECK_EQ(hits, 1);
  return 0;
}

/* "[EINVAL] The value of the sig argument is an invalid or unsupported
 * signal number"; sig 0 checks the thread and sends nothing. */
TEST(pthread_kill_errors)
{
  set_handler(SIGUSR1, note_thread);
  CHECK_RET(pthread_kill(pthread_self(), 0), 0);
  CHECK_RET(pthread_kill(pthread_self(), -1), EINVAL);
  CHECK_RET(pthread_kill(pthread_self(), 100000), EINVAL);
  CHECK_EQ(hits, 0);
  return 0;
}

/* A thread-directed signal that its target blocks is pending for that
 * thread only: other threads' sigpending do not show it. */
static volatile sig_atomic_t pend_seen_in_thread;
static void *block_then_look(void *arg)
{
  sigset_t m, pend;
  (void)arg;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &m, NULL);
  thread_ready = 1;
  while (!thread_stop)
    pt_sleep_ms(1);
  sigpending(&pend);
  pend_seen_in_thread = sigismember(&pend, SIGUSR2);
  return NULL;
}

TEST(pthread_kill_pending_per_thread)
{
  sigset_t m, pend;
  set_handler(SIGUSR2, note_thread);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  CHECK_OK(pthread_sigmask(SIG_BLOCK, &m, NULL));
  CHECK_RET(pthread_create(&target, NULL, block_then_look, NULL), 0);
  CHECK_OK(pt_wait_flag(&thread_ready, 10000));
  CHECK_RET(pthread_kill(target, SIGUSR2), 0);
  CHECK_OK(sigpending(&pend));
  CHECK_EQ(sigismember(&pend, SIGUSR2), 0);
  thread_stop = 1;
  CHECK_RET(pthread_join(target, NULL), 0);
  CHECK_EQ(pend_seen_in_thread, 1);
  CHECK_EQ(hits, 0);
  return 0;
}
