/* SPDX-License-Identifier: MIT */
/* sigprocmask, pthread_sigmask, sigpending (XSH). */
#include "common.h"

static volatile sig_atomic_t hits, order[8], norder;
static void count(int sig)
{
  (void)sig;
  hits++;
}
static void record(int sig)
{
  if (norder < 8)
    order[norder++] = sig;
  hits++;
}

/* SIG_BLOCK adds, SIG_UNBLOCK removes, SIG_SETMASK replaces; oset gets the
 * previous mask; set NULL only queries. */
TEST(sigprocmask_how)
{
  sigset_t a, old, now;
  sigemptyset(&a);
  CHECK_OK(sigprocmask(SIG_SETMASK, &a, NULL));
  sigaddset(&a, SIGUSR1);
  CHECK_OK(sigprocmask(SIG_BLOCK, &a, &old));
  CHECK_EQ(sigismember(&old, SIGUSR1), 0);
  sigemptyset(&a);
  sigaddset(&a, SIGUSR2);
  CHECK_OK(sigprocmask(SIG_BLOCK, &a, &old));
  CHECK_EQ(sigismember(&old, SIGUSR1), 1);
  CHECK_EQ(sigismember(&old, SIGUSR2), 0);
  CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
  CHECK_EQ(sigismember(&now, SIGUSR1), 1);
  CHECK_EQ(sigismember(&now, SIGUSR2), 1);
  sigemptyset(&a);
  sigaddset(&a, SIGUSR1);
  CHECK_OK(sigprocmask(SIG_UNBLOCK, &a, NULL));
  CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &now));
  CHECK_EQ(sigismember(&now, SIGUSR1), 0);
  CHECK_EQ(sigismember(&now, SIGUSR2), 1);
  sigemptyset(&a);
  sigaddset(&a, SIGRTMIN);
  CHECK_OK(sigprocmask(SIG_SETMASK, &a, &old));
  CHECK_EQ(sigismember(&old, SIGUSR2), 1);
  CHECK_OK(sigprocmask(SIG_UNBLOCK, NULL, &now));
  CHECK_EQ(sigismember(&now, SIGRTMIN), 1);
  CHECK_EQ(sigismember(&now, SIGUSR2), 0);
  return 0;
}

/* "[EINVAL] The value of the how argument is not equal to one of the
 * defined values", and the mask is unchanged. pthread_sigmask returns the
 * error number. */
TEST(sigprocmask_einval)
{
  sigset_t a, now;
  sigemptyset(&a);
  sigaddset(&a, SIGUSR1);
  CHECK_ERRNO(sigprocmask(12345, &a, NULL), EINVAL);
  CHECK_RET(pthread_sigmask(12345, &a, NULL), EINVAL);
  CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
  CHECK_EQ(sigismember(&now, SIGUSR1), 0);
  return 0;
}

/* "It is not possible to block those signals which cannot be ignored. This
 * shall be enforced by the system without causing an error". */
TEST(sigprocmask_cannot_block_kill_stop)
{
  sigset_t all, now;
  sigfillset(&all);
  CHECK_OK(sigprocmask(SIG_SETMASK, &all, NULL));
  CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
  CHECK_EQ(sigismember(&now, SIGKILL), 0);
  CHECK_EQ(sigismember(&now, SIGSTOP), 0);
  CHECK_EQ(sigismember(&now, SIGTERM), 1);
  CHECK_RET(pthread_sigmask(SIG_SETMASK, &all, NULL), 0);
  CHECK_RET(pthread_sigmask(SIG_BLOCK, NULL, &now), 0);
  CHECK_EQ(sigismember(&now, SIGKILL), 0);
  CHECK_EQ(sigismember(&now, SIGSTOP), 0);
  return 0;
}

/* "If there are any pending unblocked signals after the call to
 * sigprocmask(), at least one of those signals shall be delivered before
 * the call to sigprocmask() returns." */
TEST(sigprocmask_unblock_delivers_before_return)
{
  sigset_t m;
  pt_set_handler(SIGUSR1, count, 0);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
  CHECK_OK(kill(getpid(), SIGUSR1));
  CHECK_EQ(hits, 0);
  CHECK_EQ(pt_is_pending(SIGUSR1), 1);
  CHECK_OK(sigprocmask(SIG_UNBLOCK, &m, NULL));
  CHECK_EQ(hits, 1);
  CHECK_EQ(pt_is_pending(SIGUSR1), 0);
  /* pthread_sigmask likewise */
  CHECK_RET(pthread_sigmask(SIG_BLOCK, &m, NULL), 0);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_RET(pthread_sigmask(SIG_UNBLOCK, &m, NULL), 0);
  CHECK_EQ(hits, 2);
  return 0;
}

/* A signal from another process while blocked: pending, shown by
 * sigpending, delivered when unblocked. */
TEST(sigpending_from_other_process)
{
  long long until;
  pt_set_handler(SIGUSR2, count, 0);
  pt_block(SIGUSR2);
  CHECK_EQ(pt_reap(pt_pester(SIGUSR2, 10, 1, 0), 20000), 0);
  until = pt_now_ms() + 10000;
  while (!pt_is_pending(SIGUSR2) && pt_now_ms() < until)
    pt_sleep_ms(5);
  CHECK_EQ(pt_is_pending(SIGUSR2), 1);
  CHECK_EQ(hits, 0);
  pt_unblock(SIGUSR2);
  CHECK_EQ(hits, 1);
  return 0;
}

/* A standard signal generated again while pending: POSIX leaves it
 * implementation-defined whether it is delivered more than once; Linux
 * keeps one, and so must the layer (it behaves as Linux). */
TEST(standard_signal_does_not_queue)
{
  pt_set_handler(SIGUSR1, count, 0);
  pt_block(SIGUSR1);
  CHECK_OK(kill(getpid(), SIGUSR1));
  CHECK_OK(kill(getpid(), SIGUSR1));
  CHECK_OK(kill(getpid(), SIGUSR1));
  pt_unblock(SIGUSR1);
  CHECK_EQ(hits, 1);
  return 0;
}

/* Real-time signals queue each instance; "the lowest numbered signal
 * [of SIGRTMIN..SIGRTMAX] shall be delivered" first. (Each handler blocks
 * both, so that one handler does not interrupt the other.) */
TEST(realtime_signals_queue_lowest_first)
{
  sigset_t m;
  struct sigaction sa;
  int i;
  sigemptyset(&m);
  sigaddset(&m, SIGRTMIN);
  sigaddset(&m, SIGRTMIN + 1);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = record;
  sa.sa_mask = m;
  CHECK_OK(sigaction(SIGRTMIN, &sa, NULL));
  CHECK_OK(sigaction(SIGRTMIN + 1, &sa, NULL));
  CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
  CHECK_OK(raise(SIGRTMIN + 1));
  CHECK_OK(raise(SIGRTMIN));
  CHECK_OK(raise(SIGRTMIN + 1));
  CHECK_OK(raise(SIGRTMIN));
  CHECK_OK(sigprocmask(SIG_UNBLOCK, &m, NULL));
  CHECK_EQ(hits, 4);
  for (i = 0; i < 2; i++)
    CHECK_EQ(order[i], SIGRTMIN);
  for (i = 2; i < 4; i++)
    CHECK_EQ(order[i], SIGRTMIN + 1);
  return 0;
}

/* "The signal mask for the new thread shall be inherited from the creating
 * thread"; each thread's mask is its own. */
static void *report_mask(void *arg)
{
  sigset_t now, m;
  int *out = arg;
  pthread_sigmask(SIG_BLOCK, NULL, &now);
  out[0] = sigismember(&now, SIGUSR1);
  out[1] = sigismember(&now, SIGUSR2);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  pthread_sigmask(SIG_UNBLOCK, &m, NULL);
  return NULL;
}

TEST(pthread_sigmask_inherited_and_per_thread)
{
  pthread_t t;
  int seen[2] = { -1, -1 };
  pt_block(SIGUSR1);
  CHECK_RET(pthread_create(&t, NULL, report_mask, seen), 0);
  CHECK_RET(pthread_join(t, NULL), 0);
  CHECK_EQ(seen[0], 1);
  CHECK_EQ(seen[1], 0);
  /* the thread's unblock did not touch ours */
  CHECK_EQ(pt_is_blocked(SIGUSR1), 1);
  return 0;
}

/* A process-directed signal goes to a thread that does not block it: the
 * main thread blocks it, the other thread's handler runs. */
static pthread_t ran_on;
static volatile sig_atomic_t worker_ready, worker_stop;
static void note(int sig)
{
  (void)sig;
  ran_on = pthread_self();
  hits++;
}
static void *waiting_worker(void *arg)
{
  (void)arg;
  pt_unblock(SIGUSR1);
  worker_ready = 1;
  while (!hits && !worker_stop)
    pt_sleep_ms(1);
  return NULL;
}

TEST(process_signal_goes_to_unblocked_thread)
{
  pthread_t t;
  pid_t pid;
  pt_set_handler(SIGUSR1, note, 0);
  pt_block(SIGUSR1);
  CHECK_RET(pthread_create(&t, NULL, waiting_worker, NULL), 0);
  CHECK_OK(pt_wait_flag(&worker_ready, 10000));
  pid = pt_pester(SIGUSR1, 50, 1, 0);
  CHECK_OK(pt_wait_flag(&hits, 20000));
  CHECK_EQ(pt_reap(pid, 10000), 0);
  worker_stop = 1;
  CHECK_RET(pthread_join(t, NULL), 0);
  CHECK(pthread_equal(ran_on, t));
  CHECK_EQ(pt_is_pending(SIGUSR1), 0);
  return 0;
}

/* When every thread blocks it, it stays pending for the process until one
 * unblocks it. */
TEST(process_signal_pending_while_all_block)
{
  long long until;
  pt_set_handler(SIGUSR1, note, 0);
  pt_block(SIGUSR1);
  CHECK_EQ(pt_reap(pt_pester(SIGUSR1, 10, 1, 0), 20000), 0);
  until = pt_now_ms() + 10000;
  while (!pt_is_pending(SIGUSR1) && pt_now_ms() < until)
    pt_sleep_ms(5);
  CHECK_EQ(pt_is_pending(SIGUSR1), 1);
  pt_sleep_ms(200);
  CHECK_EQ(hits, 0);
  pt_unblock(SIGUSR1);
  CHECK_EQ(hits, 1);
  CHECK(pthread_equal(ran_on, pthread_self()));
  return 0;
}
