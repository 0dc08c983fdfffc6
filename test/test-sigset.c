/* SPDX-License-Identifier: MIT */
#include "task.h"

TEST_IMPL(sigset_ops)
{
  xsig_sigset_t a, b, c;
  int sig, n = 0;
  ASSERT_OK(xsig_sigemptyset(&a));
  ASSERT_EQ(xsig_sigisempty(&a), 1);
  ASSERT_OK(xsig_sigaddset(&a, XSIG_TERM));
  ASSERT_OK(xsig_sigaddset(&a, XSIG_RTMAX));
  ASSERT_EQ(xsig_sigismember(&a, XSIG_TERM), 1);
  ASSERT_EQ(xsig_sigismember(&a, XSIG_RTMAX), 1);
  ASSERT_EQ(xsig_sigismember(&a, XSIG_INT), 0);
  ASSERT_OK(xsig_sigdelset(&a, XSIG_TERM));
  ASSERT_EQ(xsig_sigismember(&a, XSIG_TERM), 0);

  ASSERT_OK(xsig_sigfillset(&b));
  for (sig = 1; sig < XSIG_NSIG; sig++)
    if (xsig_valid(sig)) {
      ASSERT_EQ(xsig_sigismember(&b, sig), 1);
      n++;
    }
  /* Every named signal of the issue plus the whole real-time range. */
  ASSERT(n >= 20 + (XSIG_RTMAX - XSIG_RTMIN + 1));
  ASSERT_EQ(xsig_sigismember(&b, XSIG_HUP), 1);
  ASSERT_EQ(xsig_sigismember(&b, XSIG_WINCH), 1);

  xsig_sigemptyset(&a);
  xsig_sigemptyset(&b);
  xsig_sigaddset(&a, XSIG_INT);
  xsig_sigaddset(&a, XSIG_USR1);
  xsig_sigaddset(&b, XSIG_USR1);
  xsig_sigaddset(&b, XSIG_USR2);
  ASSERT_OK(xsig_sigandset(&c, &a, &b));
  ASSERT_EQ(xsig_sigismember(&c, XSIG_USR1), 1);
  ASSERT_EQ(xsig_sigismember(&c, XSIG_INT), 0);
  ASSERT_EQ(xsig_sigismember(&c, XSIG_USR2), 0);
  ASSERT_OK(xsig_sigorset(&a, &a, &b)); /* dst aliases a */
  ASSERT_EQ(xsig_sigismember(&a, XSIG_INT), 1);
  ASSERT_EQ(xsig_sigismember(&a, XSIG_USR2), 1);
  return 0;
}

TEST_IMPL(sigset_errors)
{
  xsig_sigset_t a;
  xsig_sigemptyset(&a);
  ASSERT_EQ(xsig_sigaddset(&a, 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigaddset(&a, -3), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigaddset(&a, 1000), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigaddset(&a, XSIG_NSIG), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigaddset(NULL, XSIG_INT), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigismember(NULL, XSIG_INT), 0); /* a question: 1 or 0 */
  ASSERT_EQ(xsig_sigemptyset(NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigorset(NULL, &a, &a), XSIG_EINVAL);
  ASSERT_EQ(xsig_sigisempty(&a), 1);
#ifdef _WIN32
  ASSERT_EQ(XSIG_BREAK, 21);
  ASSERT_OK(xsig_sigaddset(&a, XSIG_BREAK));
  ASSERT_EQ(xsig_sigismember(&a, XSIG_BREAK), 1);
#else
  /* BREAK is reported as unsupported on POSIX, never mapped to another signal. */
  ASSERT_EQ(xsig_sigaddset(&a, XSIG_BREAK), XSIG_ENOSYS);
  ASSERT_EQ(xsig_sigisempty(&a), 1);
#endif
  return 0;
}
