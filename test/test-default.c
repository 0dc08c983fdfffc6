/* SPDX-License-Identifier: MIT */
/* Default actions, seen from a parent as the child's exit status. */
#include "task.h"

HELPER_IMPL(raise_default)
{
  int sig = xsig_parse(argv[1]);
  (void)argc;
  xsig_init();
  helper_say("raising %d", sig);
  xsig_raise(sig);
  helper_say("survived");
  return 0;
}

static void run_child(const char *sig_name, xsig_status_t *st)
{
  test_proc_t p;
  ASSERT_OK(test_spawn_helper(&p, "raise_default", sig_name, 0));
  ASSERT_OK(test_wait(&p, 20000, st));
  test_proc_close(&p);
}

TEST_IMPL(default_action_terminates)
{
  xsig_status_t st;
  run_child("TERM", &st);
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_TERM);
#ifdef _WIN32
  ASSERT_EQ(st.raw, 0xE058000Fu);
#endif
  run_child("USR1", &st);
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_USR1);
  run_child("RTMIN+2", &st);
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_RTMIN + 2);
  return 0;
}

TEST_IMPL(default_action_int_status)
{
  xsig_status_t st;
  run_child("INT", &st);
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_INT);
#ifdef _WIN32
  ASSERT_EQ(st.raw, 0xC000013Au); /* STATUS_CONTROL_C_EXIT, what Windows parents expect */
#endif
  return 0;
}

TEST_IMPL(default_action_ignores)
{
  xsig_status_t st;
  run_child("CHLD", &st);
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  run_child("WINCH", &st);
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  return 0;
}

TEST_IMPL(exit_code_roundtrip)
{
  xsig_status_t st;
  int sig;
  for (sig = 1; sig < XSIG_NSIG; sig++) {
    if (!xsig_valid(sig) || xsig_win_exit_code(sig) == 0)
      continue; /* 0: a Linux signal that Windows does not have */
    ASSERT_OK(xsig_status_from_windows(xsig_win_exit_code(sig), &st));
    ASSERT_EQ(st.exited, 0);
    ASSERT_EQ(st.signo, sig);
  }
#ifdef _WIN32
  for (sig = 1; sig < XSIG_NSIG; sig++) /* every Windows signal has a code */
    ASSERT(!xsig_valid(sig) || xsig_win_exit_code(sig) != 0);
#else
  ASSERT_EQ(xsig_win_exit_code(XSIG_ABRT), 0xE0580016u); /* Windows numbers */
  ASSERT_EQ(xsig_win_exit_code(SIGTTIN), 0);
  ASSERT_OK(xsig_status_from_windows(0xE0580020u, &st)); /* 32: no signal */
  ASSERT_EQ(st.exited, 1);
#endif
  ASSERT_OK(xsig_status_from_windows(0xE0580015u, &st));
  ASSERT_EQ(st.signo, XSIG_BREAK);
  ASSERT_EQ(st.core, 0);
  /* a dump was written: "core dumped", on every host */
  ASSERT_OK(xsig_status_from_windows(xsig_win_exit_code(XSIG_QUIT) | XSIG_WIN_EXIT_CORE, &st));
  ASSERT_EQ(st.signo, XSIG_QUIT);
  ASSERT_EQ(st.core, 1);
  {
    char text[96];
    xsig_status_format(&st, text, sizeof text);
    ASSERT(strstr(text, "core dumped") != NULL);
  }
  ASSERT_OK(xsig_status_from_windows(0xE05800A0u, &st)); /* 32 with the flag: no signal */
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(xsig_win_exit_code(XSIG_INT), 0xC000013Au);
  ASSERT_OK(xsig_status_from_windows(0, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  ASSERT_OK(xsig_status_from_windows(1, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 1);
  ASSERT_OK(xsig_status_from_windows(0xC0000005u, &st));
  ASSERT_EQ(st.signo, XSIG_SEGV);
  ASSERT_OK(xsig_status_from_windows(0xC00000FDu, &st));
  ASSERT_EQ(st.signo, XSIG_SEGV);
  ASSERT_OK(xsig_status_from_windows(0xC000001Du, &st));
  ASSERT_EQ(st.signo, XSIG_ILL);
  ASSERT_OK(xsig_status_from_windows(0xC0000094u, &st));
  ASSERT_EQ(st.signo, XSIG_FPE);
  ASSERT_OK(xsig_status_from_windows(0xC000008Eu, &st));
  ASSERT_EQ(st.signo, XSIG_FPE);
  ASSERT_OK(xsig_status_from_windows(0xC0000409u, &st));
  ASSERT_EQ(st.signo, XSIG_ABRT);
  ASSERT_OK(xsig_status_from_windows(3, &st)); /* exit(3), not abort() */
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 3);
  ASSERT_OK(xsig_status_from_windows(0xE0580000u, &st)); /* signal 0: not ours */
  ASSERT_EQ(st.exited, 1);
  ASSERT_OK(xsig_status_from_wait(0x0f, &st));
  ASSERT_EQ(st.signo, 15);
  ASSERT_EQ(st.core, 0);
  ASSERT_OK(xsig_status_from_wait(0x8b, &st));
  ASSERT_EQ(st.signo, 11);
  ASSERT_EQ(st.core, 1);
  ASSERT_OK(xsig_status_from_wait(3 << 8, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 3);
  ASSERT_EQ(xsig_status_from_wait(0x137f, &st), XSIG_EINVAL); /* stopped */
  ASSERT_EQ(xsig_status_from_wait(0xffff, &st), XSIG_EINVAL); /* continued */
  /* no such signal: 127 with the core flag once read as "BREAK, core dumped" */
  ASSERT_EQ(xsig_status_from_wait(0xff, &st), XSIG_EINVAL);
  ASSERT_EQ(xsig_status_from_wait(0x41, &st), XSIG_EINVAL); /* 65: beyond Linux's 64 */
  ASSERT_EQ(xsig_status_from_wait(0x80, &st), XSIG_EINVAL); /* an exit with a core flag */
  ASSERT_EQ(xsig_status_from_wait(0x10000, &st), XSIG_EINVAL); /* beyond 16 bits */
  ASSERT_EQ(xsig_status_from_wait(0x10f, &st), XSIG_EINVAL); /* a signal and a code */
  ASSERT_OK(xsig_status_from_wait(0xc0, &st)); /* 64 (RTMAX), core dumped */
  ASSERT_EQ(st.signo, 64);
  ASSERT_EQ(st.core, 1);
  ASSERT_EQ(xsig_status_from_wait(0, NULL), XSIG_EINVAL);
  return 0;
}
