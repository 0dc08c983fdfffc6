/* SPDX-License-Identifier: MIT */
#include "task.h"

static int calls;
static xsig_info_t last;

static void count(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)arg;
  calls++;
  last = *info;
}

TEST_IMPL(sigwait_takes_pending)
{
  xsig_sigset_t s = test_sigset_of(XSIG_USR2);
  xsig_info_t info;
  calls = 0;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR2, count));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(xsig_raise_value(XSIG_USR2, 42));
  ASSERT_EQ(xsig_sigwait(&s, 1000, &info), XSIG_USR2);
  ASSERT_EQ(info.signo, XSIG_USR2);
  ASSERT_EQ(info.code, XSIG_SI_QUEUE);
  ASSERT_EQ(info.value, 42);
  ASSERT_EQ(calls, 0); /* taken, not handled */
  ASSERT_EQ(xsig_sigwait(&s, 0, &info), XSIG_ETIMEDOUT);
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  ASSERT_EQ(calls, 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(sigwait_timeout_and_errors)
{
  xsig_sigset_t s = test_sigset_of(XSIG_USR1), empty;
  xsig_sigemptyset(&empty);
  ASSERT_EQ(xsig_sigwait(&s, 0, NULL), XSIG_ENOTINIT);
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_EQ(xsig_sigwait(&empty, 0, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigwait(NULL, 0, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigwait(&s, 50, NULL), XSIG_ETIMEDOUT);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

struct raiser { int sig; int delay_ms; };

static void raise_later(void *p)
{
  struct raiser *r = p;
  xsig_sigset_t all;
  /* this thread blocks everything, so the signal is left for the others */
  xsig_sigfillset(&all);
  xsig_sigmask(XSIG_SETMASK, &all, NULL);
  test_msleep(r->delay_ms);
  xsig_raise(r->sig);
}

TEST_IMPL(sigwait_wakes_on_arrival)
{
  xsig_sigset_t s = test_sigset_of(XSIG_USR1);
  struct raiser r = { 0, 100 };
  test_thread_t th;
  xsig_info_t info;
  r.sig = XSIG_USR1;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, count));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(test_thread_start(&th, raise_later, &r));
  ASSERT_EQ(xsig_sigwait(&s, 10000, &info), XSIG_USR1);
  ASSERT_EQ(info.code, XSIG_SI_RAISE);
  test_thread_join(&th);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(sleep_interrupted_by_handler)
{
  struct raiser r = { 0, 100 };
  test_thread_t th;
  int rc;
  calls = 0;
  r.sig = XSIG_USR1;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, count));
  ASSERT_EQ(xsig_sleep(10), 0); /* nothing arrives: full sleep */
  ASSERT_OK(test_thread_start(&th, raise_later, &r));
  rc = xsig_sleep(20000);
  ASSERT_EQ(rc, XSIG_EINTR);
  ASSERT_EQ(calls, 1);
  test_thread_join(&th);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(sigsuspend_waits_for_handler)
{
  xsig_sigset_t s = test_sigset_of(XSIG_USR2), none, after;
  struct raiser r = { 0, 100 };
  test_thread_t th;
  calls = 0;
  r.sig = XSIG_USR2;
  xsig_sigemptyset(&none);
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR2, count));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(test_thread_start(&th, raise_later, &r));
  ASSERT_EQ(xsig_sigsuspend(&none), XSIG_EINTR);
  ASSERT_EQ(calls, 1);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, NULL, &after));
  ASSERT_EQ(xsig_sigismember(&after, XSIG_USR2), 1); /* mask restored */
  test_thread_join(&th);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(waitable_in_event_loop)
{
  xsig_os_handle_t h;
  struct raiser r = { 0, 50 };
  test_thread_t th;
  calls = 0;
  r.sig = XSIG_HUP;
  ASSERT_OK(xsig_init());
  h = xsig_waitable();
  ASSERT_OK(xsig_handle(XSIG_HUP, count));
  ASSERT_EQ(test_wait_handle(h, 0), 0);
  ASSERT_OK(test_thread_start(&th, raise_later, &r));
  /* the program's own poll()/WaitForSingleObject() sees it ... */
  ASSERT_EQ(test_wait_handle(h, 10000), 1);
  ASSERT_EQ(calls, 0);
  /* ... and the handler runs when the loop dispatches */
  ASSERT_EQ(xsig_dispatch(), 1);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(last.signo, XSIG_HUP);
  ASSERT_EQ(test_wait_handle(h, 0), 0);
  test_thread_join(&th);
  ASSERT_OK(xsig_shutdown());
  return 0;
}
