/* SPDX-License-Identifier: MIT */
#include "task.h"

static int calls[XSIG_NSIG];
static intptr_t values[64];
static int nvalues;
static int order[64];
static int norder;

static void record(int sig, const xsig_info_t *info, void *arg)
{
  (void)arg;
  calls[sig]++;
  if (norder < 64)
    order[norder++] = sig;
  if (info->code == XSIG_SI_QUEUE && nvalues < 64)
    values[nvalues++] = info->value;
}

static void reset(void)
{
  memset(calls, 0, sizeof calls);
  nvalues = norder = 0;
}

TEST_IMPL(mask_block_pending_unblock)
{
  xsig_sigset_t s = test_sigset_of(XSIG_USR1), pend, old;
  reset();
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, record));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, &old));
  ASSERT_EQ(xsig_sigismember(&old, XSIG_USR1), 0);
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_EQ(calls[XSIG_USR1], 0);
  ASSERT_EQ(xsig_dispatch(), 0); /* blocked here: nothing runs */
  ASSERT_OK(xsig_sigpending(&pend));
  ASSERT_EQ(xsig_sigismember(&pend, XSIG_USR1), 1);
  /* unblocking runs the pending handler before returning; standard signals coalesce */
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  ASSERT_EQ(calls[XSIG_USR1], 1);
  ASSERT_OK(xsig_sigpending(&pend));
  ASSERT_EQ(xsig_sigismember(&pend, XSIG_USR1), 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(mask_kill_stop_cannot_be_blocked)
{
  xsig_sigset_t all, cur;
  ASSERT_OK(xsig_init());
  xsig_sigfillset(&all);
  ASSERT_OK(xsig_sigmask(XSIG_SETMASK, &all, NULL));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, NULL, &cur));
  ASSERT_EQ(xsig_sigismember(&cur, XSIG_KILL), 0);
  ASSERT_EQ(xsig_sigismember(&cur, XSIG_STOP), 0);
  ASSERT_EQ(xsig_sigismember(&cur, XSIG_TERM), 1);
  xsig_sigemptyset(&all);
  ASSERT_OK(xsig_sigmask(XSIG_SETMASK, &all, NULL));
  ASSERT_EQ(xsig_sigmask(7, &all, NULL), XSIG_EINVAL);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* A blocked signal without a handler keeps its queued value and code
 * while it waits, for xsig_sigwait (it once came out as XSIG_SI_RAISE
 * with no value: the default-disposition path dropped them). */
TEST_IMPL(raise_value_blocked_default_keeps_value)
{
  xsig_sigset_t s;
  xsig_info_t info;
  int sig = XSIG_RTMIN + 2;
  ASSERT_OK(xsig_init());
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, sig);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(xsig_raise_value(sig, 42));
  ASSERT_OK(xsig_raise_value(sig, 43));
  ASSERT_EQ(xsig_sigwait(&s, 1000, &info), sig);
  ASSERT_EQ(info.code, XSIG_SI_QUEUE);
  ASSERT_EQ(info.value, 42);
  ASSERT_EQ(xsig_sigwait(&s, 1000, &info), sig);
  ASSERT_EQ(info.value, 43);
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(realtime_queue_order)
{
  xsig_sigset_t s;
  int a = XSIG_RTMIN + 1, b = XSIG_RTMIN + 5, i;
  reset();
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(a, record));
  ASSERT_OK(xsig_handle(b, record));
  ASSERT_OK(xsig_handle(XSIG_USR2, record));
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, a);
  xsig_sigaddset(&s, b);
  xsig_sigaddset(&s, XSIG_USR2);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  for (i = 0; i < 5; i++) {
    ASSERT_OK(xsig_raise_value(b, 100 + i));
    ASSERT_OK(xsig_raise_value(a, 200 + i));
  }
  ASSERT_OK(xsig_raise(XSIG_USR2));
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  /* standard first, then lower real-time first, FIFO within a signal */
  ASSERT_EQ(norder, 11);
  ASSERT_EQ(order[0], XSIG_USR2);
  for (i = 0; i < 5; i++) {
    ASSERT_EQ(order[1 + i], a);
    ASSERT_EQ(values[i], 200 + i);
    ASSERT_EQ(order[6 + i], b);
    ASSERT_EQ(values[5 + i], 100 + i);
  }
  ASSERT_OK(xsig_shutdown());
  return 0;
}

#ifndef _WIN32
#include <sys/resource.h>
#endif

/* A full queue is an error to the sender, never a silent loss. On Windows
 * the queue is xsig's (XSIG_QUEUE_MAX); on POSIX a blocked signal waits in
 * the kernel, whose limit is RLIMIT_SIGPENDING (lowered here to reach it). */
#ifndef _WIN32
/* "SigQ: queued/limit" of /proc/self/status: this user's queued signals. */
static long user_signals_queued(void)
{
  char line[256];
  long queued = 0;
  FILE *f = fopen("/proc/self/status", "r");
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "SigQ: %ld/", &queued) == 1)
      break;
  if (f)
    fclose(f);
  return queued;
}
#endif

/* Fills the blocked queue of SIG until the sender is refused; returns how
 * many were accepted, or -1 if a raise failed otherwise. */
static int fill_queue(int sig, int limit, int *last)
{
  int i, accepted = 0;
  for (i = 0; i < limit + 1; i++) {
    *last = xsig_raise_value(sig, i);
    if (*last != 0)
      break;
    accepted++;
  }
  return *last == 0 || *last == XSIG_EAGAIN ? accepted : -1;
}

TEST_IMPL(realtime_queue_overflow)
{
  xsig_sigset_t s;
  xsig_stats_t st;
  int sig = XSIG_RTMIN, r, limit = XSIG_QUEUE_MAX, accepted, tries = 0;
#ifndef _WIN32
  struct rlimit rl;
  ASSERT_OK(getrlimit(RLIMIT_SIGPENDING, &rl));
  limit = 10000; /* the kernel's limit, set below, is the one to reach */
#endif
  reset();
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(sig, record));
  s = test_sigset_of(sig);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  for (;;) {
#ifndef _WIN32
    /* the limit counts every queued signal of this user, other tests' too
     * (dispatch_bounded_per_call queues 4096): room for 200 more than are
     * queued now, and again if a test running beside took that room */
    rl.rlim_cur = (rlim_t)(user_signals_queued() + 200);
    ASSERT_OK(setrlimit(RLIMIT_SIGPENDING, &rl));
#endif
    accepted = fill_queue(sig, limit, &r);
    ASSERT(accepted >= 0);
    if (accepted >= 64 || ++tries == 50)
      break;
    ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
    xsig_dispatch();
    ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
    reset();
    test_msleep(20);
  }
  ASSERT_EQ(r, XSIG_EAGAIN); /* an error to the sender */
  ASSERT(accepted >= 64);
#ifndef _WIN32
  ASSERT(accepted <= (int)rl.rlim_cur);
#else
  ASSERT_EQ(accepted, XSIG_QUEUE_MAX);
  ASSERT_OK(xsig_get_stats(&st));
  ASSERT_EQ(st.dropped, 1); /* and a counter */
#endif
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  xsig_dispatch();
  ASSERT_EQ(calls[sig], accepted); /* everything accepted arrived */
  ASSERT_EQ(values[63], 63);
  ASSERT_OK(xsig_get_stats(&st));
#ifndef _WIN32
  ASSERT_EQ(st.dropped, 0);
#endif
  ASSERT_OK(xsig_raise_value(sig, 5)); /* room again */
  ASSERT_OK(xsig_shutdown());
  return 0;
}

struct thread_arg {
  int ran_here;
  int64_t tid;
};

static int64_t ran_on;

static void where(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  ran_on = test_thread_id();
}

static void other_thread(void *p)
{
  struct thread_arg *t = p;
  t->tid = test_thread_id();
  t->ran_here = xsig_dispatch();
}

TEST_IMPL(mask_per_thread)
{
  xsig_sigset_t s = test_sigset_of(XSIG_USR1);
  struct thread_arg t;
  test_thread_t th;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, where));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_EQ(ran_on, 0);
  memset(&t, 0, sizeof t);
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  ASSERT(ran_on == test_thread_id()); /* unblocking here ran it here */
  ran_on = 0;
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_OK(test_thread_start(&th, other_thread, &t));
  test_thread_join(&th);
  /* The other thread started with our mask (Windows: the delivery
   * thread's, which is ours), so it took nothing. */
  ASSERT_EQ(t.ran_here, 0);
  ASSERT_EQ(ran_on, 0);
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  ASSERT_EQ(ran_on, test_thread_id());
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* A full queue plus one more signal: unblocking runs 4096 handlers (its
 * own dispatch) and leaves the waitable ready; the next dispatch runs the
 * last one. */
TEST_IMPL(dispatch_bounded_per_call)
{
  xsig_sigset_t s = test_sigset_of(XSIG_RTMIN);
  int i;
  reset();
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_RTMIN, record));
  ASSERT_OK(xsig_handle(XSIG_USR1, record));
  xsig_sigaddset(&s, XSIG_USR1);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  for (i = 0; i < XSIG_QUEUE_MAX; i++)
    ASSERT_OK(xsig_raise_value(XSIG_RTMIN, i));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  ASSERT_EQ(calls[XSIG_USR1] + calls[XSIG_RTMIN], XSIG_QUEUE_MAX);
  ASSERT_EQ(test_wait_handle(xsig_waitable(), 0), 1);
  ASSERT_EQ(xsig_dispatch(), 1);
  ASSERT_EQ(calls[XSIG_USR1], 1);
  ASSERT_EQ(calls[XSIG_RTMIN], XSIG_QUEUE_MAX);
  ASSERT_EQ(values[63], 63);
  ASSERT_EQ(xsig_dispatch(), 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}
