/* A handler for a fault signal must never make the fault loop: until
 * synchronous fault handlers exist, a real fault gets the default action,
 * and on Windows the parent sees the exception's code (no debugger). */
#include "task.h"

static int handler_calls;
static void count(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  handler_calls++;
}

static volatile int zero;

/* The faults are the point here: keep UBSan from catching them first. */
#if defined(__clang__) || defined(__GNUC__)
__attribute__((no_sanitize("undefined")))
#endif
HELPER_IMPL(fault_child)
{
  (void)argc;
  xsig_init();
  xsig_handle(XSIG_SEGV, count);
  xsig_handle(XSIG_FPE, count);
  helper_say("faulting");
  if (strcmp(argv[1], "segv") == 0)
    *(volatile int *)(uintptr_t)(16 + zero) = 1; /* an unmapped page */
  else
    helper_say("%d", 10 / zero);
  helper_say("survived");
  return 0;
}

static void expect_fault(const char *kind, int sig, uint32_t windows_code)
{
  test_proc_t p;
  xsig_status_t st;
  ASSERT_OK(test_spawn_helper(&p, "fault_child", kind, 0));
  ASSERT_OK(test_expect_line(&p, "faulting", NULL, 0, 20000));
  ASSERT_OK(test_wait(&p, 20000, &st)); /* it ends: no fault loop */
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, sig);
#ifdef _WIN32
  ASSERT_EQ(st.raw, windows_code); /* the exception's own code */
#else
  (void)windows_code;
#endif
  test_proc_close(&p);
}

TEST_IMPL(fault_gets_default_action)
{
  expect_fault("segv", XSIG_SEGV, 0xC0000005u);
  expect_fault("fpe", XSIG_FPE, 0xC0000094u);
  /* the same signals sent by a process still reach the handler */
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_SEGV, count));
  ASSERT_OK(xsig_raise(XSIG_SEGV));
  ASSERT_EQ(handler_calls, 1);
  ASSERT_OK(xsig_shutdown());
  return 0;
}
