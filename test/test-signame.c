/* SPDX-License-Identifier: MIT */
#include "task.h"

static void check_name(int sig, const char *want)
{
  char buf[32];
  ASSERT_EQ(xsig_name(sig, buf, sizeof buf), (int)strlen(want));
  ASSERT_STR(buf, want);
}

TEST_IMPL(signame_parse)
{
  ASSERT_EQ(xsig_parse("TERM"), XSIG_TERM);
  ASSERT_EQ(xsig_parse("SIGTERM"), XSIG_TERM);
  ASSERT_EQ(xsig_parse("sigterm"), XSIG_TERM);
  ASSERT_EQ(xsig_parse("SigInt"), XSIG_INT);
  ASSERT_EQ(xsig_parse("15"), XSIG_TERM);
  ASSERT_EQ(xsig_parse("0"), 0);
  ASSERT_EQ(xsig_parse("RTMIN"), XSIG_RTMIN);
  ASSERT_EQ(xsig_parse("RTMIN+3"), XSIG_RTMIN + 3);
  ASSERT_EQ(xsig_parse("sigrtmax-1"), XSIG_RTMAX - 1);
  ASSERT_EQ(xsig_parse("SIGRTMAX"), XSIG_RTMAX);
  ASSERT_EQ(xsig_parse("KILL"), XSIG_KILL);
  ASSERT_EQ(xsig_parse("WINCH"), XSIG_WINCH);
  ASSERT_EQ(xsig_parse("USR1"), XSIG_USR1);
#ifdef _WIN32
  ASSERT_EQ(xsig_parse("BREAK"), 21);
  ASSERT_EQ(xsig_parse("SIGBREAK"), 21);
  ASSERT_EQ(xsig_parse("21"), 21);
  ASSERT_EQ(xsig_parse("ABRT"), 22);
  ASSERT_EQ(xsig_parse("INT"), 2);
  ASSERT_EQ(xsig_parse("SEGV"), 11);
  ASSERT_EQ(xsig_parse("6"), XSIG_EINVAL); /* no signal 6 on Windows */
#else
  ASSERT_EQ(xsig_parse("BREAK"), XSIG_ENOSYS);
  ASSERT_EQ(xsig_parse("SIGBREAK"), XSIG_ENOSYS);
#endif
  return 0;
}

TEST_IMPL(signame_errors)
{
  ASSERT_EQ(xsig_parse(NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse(""), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("SIG"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("TERMX"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("TER"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("-15"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("15x"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("99"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("99999999999999999999"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("RTMIN+"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("RTMIN+99"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("RTMIN-1"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("RTMAX+1"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse("RTMIN+-1"), XSIG_EINVAL);
  ASSERT_EQ(xsig_parse(" TERM"), XSIG_EINVAL);
  ASSERT_EQ(xsig_name(0, NULL, 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_name(1000, NULL, 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_name(-1, NULL, 0), XSIG_EINVAL);
  ASSERT(xsig_describe(1000) == NULL);
  ASSERT(xsig_describe(0) == NULL);
  return 0;
}

TEST_IMPL(signame_roundtrip)
{
  char buf[32], small[4];
  int sig;
  check_name(XSIG_TERM, "TERM");
  check_name(XSIG_RTMIN, "RTMIN");
  check_name(XSIG_RTMIN + 2, "RTMIN+2");
  check_name(XSIG_RTMAX - 1, "RTMAX-1");
  check_name(XSIG_BREAK, "BREAK");
  /* Truncation keeps the NUL and reports the full length. */
  ASSERT_EQ(xsig_name(XSIG_WINCH, small, sizeof small), 5);
  ASSERT_STR(small, "WIN");
  for (sig = 1; sig < XSIG_NSIG; sig++) {
    if (!xsig_valid(sig))
      continue;
    ASSERT(xsig_name(sig, buf, sizeof buf) > 0);
    ASSERT_EQ(xsig_parse(buf), sig);
    ASSERT(xsig_describe(sig) != NULL);
  }
  ASSERT_STR(xsig_describe(XSIG_TERM), "Terminated");
  ASSERT_STR(xsig_describe(XSIG_INT), "Interrupt");
  ASSERT_STR(xsig_describe(XSIG_BREAK), "Ctrl-Break");
  return 0;
}

TEST_IMPL(strerror_all)
{
  int e;
  for (e = XSIG_ERR_MAX_; e < 0; e++) {
    ASSERT(xsig_strerror(e) != NULL);
    ASSERT(strcmp(xsig_errname(e), "E?") != 0);
  }
  ASSERT_STR(xsig_errname(XSIG_EINVAL), "EINVAL");
  ASSERT_STR(xsig_strerror(XSIG_ENOSYS), "not supported on this platform");
  ASSERT_STR(xsig_strerror(-999), "unknown error");
  ASSERT_STR(xsig_errname(XSIG_ENOTSTARTED), "ENOTSTARTED");
  ASSERT_STR(xsig_errname(-999), "E?");
  ASSERT_STR(xsig_errname(7), "E?");
  return 0;
}
