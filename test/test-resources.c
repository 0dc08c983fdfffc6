/* SPDX-License-Identifier: MIT */
/* Thousands of open/close cycles leak no fds/handles or threads (ASan's
 * leak checker covers memory in the sanitizer run). */
#include "task.h"

static int calls;
static void count(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  calls++;
}

TEST_IMPL(resources_no_leaks)
{
  int64_t handles0, threads0;
  int i;
  xsig_process_t *p;
  /* one warm-up cycle: first-use allocations of the C library and Wine */
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_shutdown());
  handles0 = test_count_handles();
  threads0 = test_count_threads_settled();
  for (i = 0; i < 2000; i++) {
    ASSERT_OK(xsig_init());
    ASSERT_OK(xsig_handle(XSIG_USR1, count));
    ASSERT_OK(xsig_raise(XSIG_USR1));
    ASSERT_OK(xsig_shutdown());
  }
  ASSERT_EQ(calls, 2000);
  /* fault handling on and off (Windows: its service thread comes and goes) */
  for (i = 0; i < 200; i++) {
    ASSERT_OK(xsig_init());
    ASSERT_OK(xsig_on_fault(XSIG_SEGV, count, NULL));
    ASSERT_OK(xsig_crash_report(xsig_waitable()));
    ASSERT_OK(xsig_shutdown());
  }
  for (i = 0; i < 2000; i++) {
    ASSERT_OK(xsig_process_open(test_getpid(), &p));
    ASSERT_OK(xsig_process_send(p, 0, 0, 0, NULL));
    xsig_process_close(p);
  }
  ASSERT_EQ(test_count_handles(), handles0);
  ASSERT_EQ(test_count_threads_settled(), threads0);
  return 0;
}
