/* SPDX-License-Identifier: MIT */
/* The public header's rules for 1.0: reserved space, signal 0, BREAK, text
 * buffers, yes/no answers, error codes, standard error. */
#include "task.h"

static int reserved_zero(const void *p, size_t size)
{
  const unsigned char *b = p;
  size_t i;
  for (i = 0; i < size; i++)
    if (b[i])
      return 0;
  return 1;
}

#define RESERVED_ZERO(s) reserved_zero((s).reserved, sizeof (s).reserved)

static xsig_info_t seen;
static int seen_n;

static void keep_info(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)arg;
  seen = *info;
  seen_n++;
}

/* Every struct xsig writes into the caller's memory ends in reserved space
 * that xsig sets to 0, whatever was there. */
TEST_IMPL(api_structs_reserved_zero)
{
  xsig_stats_t stats;
  xsig_status_t st;
  xsig_info_t info;
  xsig_sigset_t usr1 = test_sigset_of(XSIG_USR1), old;
  ASSERT(sizeof stats.reserved >= 8 * sizeof(uint64_t));
  ASSERT(sizeof info.reserved >= 4 * sizeof(int64_t));
  ASSERT(sizeof st.reserved >= 3 * sizeof(uint32_t));
  ASSERT_OK(xsig_init());

  memset(&stats, 0xA5, sizeof stats);
  ASSERT_OK(xsig_get_stats(&stats));
  ASSERT(RESERVED_ZERO(stats));

  memset(&st, 0xA5, sizeof st);
  ASSERT_OK(xsig_status_from_windows(0xC000013Au, &st));
  ASSERT(RESERVED_ZERO(st));
  memset(&st, 0xA5, sizeof st);
  ASSERT_OK(xsig_status_from_wait(3 << 8, &st));
  ASSERT(RESERVED_ZERO(st));

  /* sigwait's record */
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &usr1, &old));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  memset(&info, 0xA5, sizeof info);
  ASSERT_EQ(xsig_sigwait(&usr1, 1000, &info), XSIG_USR1);
  ASSERT(RESERVED_ZERO(info));
  ASSERT_OK(xsig_kill(xsig_getpid(), XSIG_USR1)); /* from a process: the other path */
  memset(&info, 0xA5, sizeof info);
  ASSERT_EQ(xsig_sigwait(&usr1, 5000, &info), XSIG_USR1);
  ASSERT(RESERVED_ZERO(info));
  ASSERT_OK(xsig_sigmask(XSIG_SETMASK, &old, NULL));

  /* a handler's record */
  ASSERT_OK(xsig_handle(XSIG_USR2, keep_info));
  memset(&seen, 0xA5, sizeof seen);
  ASSERT_OK(xsig_raise(XSIG_USR2));
  ASSERT_EQ(seen_n, 1);
  ASSERT(RESERVED_ZERO(seen));
  memset(&seen, 0xA5, sizeof seen);
  ASSERT_OK(xsig_kill(xsig_getpid(), XSIG_USR2));
  while (seen_n < 2)
    xsig_sleep(5000);
  ASSERT(RESERVED_ZERO(seen));

  /* a child's status from xsig_process_wait */
  {
    xsig_process_t *p;
    ASSERT_OK(test_xsig_spawn_helper("exit_with", "7", NULL, 0, &p));
    memset(&st, 0xA5, sizeof st);
    ASSERT_OK(xsig_process_wait(p, 20000, &st));
    ASSERT_EQ(st.code, 7);
    ASSERT(RESERVED_ZERO(st));
    xsig_process_close(p);
  }
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* xsig_process_stop_tree(s) takes the signal it is given, never 0 as TERM
 * (0 is "is it there" in xsig_send): nothing is sent for 0. */
TEST_IMPL(api_stop_tree_needs_signal)
{
  xsig_process_t *p;
  xsig_status_t st;
  int forced = -1;
  const char *file = test_own_file("stop-needs-signal");
  remove(file);
  test_setenv("XSIG_TEST_OUT", file);
  ASSERT_OK(test_xsig_spawn_helper("sleeper", NULL, NULL, XSIG_SPAWN_NEW_GROUP, &p));
  test_setenv("XSIG_TEST_OUT", "");
  ASSERT_OK(test_wait_file_line(file, "sleeping", 30000)); /* its TERM default in place */
  ASSERT_EQ(xsig_process_stop_tree(p, 0, 1000, &st, &forced), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_stop_trees(&p, 1, 0, 1000, 0, &st, &forced), XSIG_EINVAL);
  ASSERT_EQ(forced, -1);
  test_msleep(200);
  ASSERT_EQ(xsig_process_alive(p), 1); /* nothing was sent */
  ASSERT_OK(xsig_process_stop_tree(p, XSIG_TERM, 10000, &st, &forced));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_TERM);
  xsig_process_close(p);
  remove(file);
  return 0;
}

static int breaks;
static void on_break(int sig, const xsig_info_t *info, void *arg)
{
  (void)info;
  (void)arg;
  if (sig == XSIG_BREAK)
    breaks++;
}

/* One rule for BREAK on every platform: it keeps its name everywhere, and
 * is a signal exactly where xsig_valid says so; where it is not, every
 * operation is XSIG_ENOSYS and nothing happens. */
TEST_IMPL(api_break_one_rule)
{
  xsig_sigset_t set, full;
  char name[16];
  int sig;
  ASSERT_EQ(xsig_name(XSIG_BREAK, name, sizeof name), 5);
  ASSERT_STR(name, "BREAK");
  ASSERT_STR(xsig_describe(XSIG_BREAK), "Ctrl-Break");
  ASSERT(xsig_describe(0) == NULL);
  ASSERT(xsig_describe(XSIG_NSIG + 200) == NULL);
  for (sig = XSIG_NSIG; sig < 1000; sig++) /* every signal is below XSIG_NSIG */
    ASSERT(!xsig_valid(sig));
  ASSERT_OK(xsig_sigfillset(&full));
  ASSERT_EQ(xsig_sigismember(&full, XSIG_BREAK), xsig_valid(XSIG_BREAK));
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_sigemptyset(&set));
  if (xsig_valid(XSIG_BREAK)) {
    ASSERT(XSIG_BREAK < XSIG_NSIG);
    ASSERT_EQ(xsig_parse("BREAK"), XSIG_BREAK);
    ASSERT_OK(xsig_handle(XSIG_BREAK, on_break));
    ASSERT_OK(xsig_kill(xsig_getpid(), XSIG_BREAK)); /* its handler, not the end */
    while (breaks == 0)
      ASSERT_EQ(xsig_sleep(10000), XSIG_EINTR);
    ASSERT_OK(xsig_raise(XSIG_BREAK));
    ASSERT_EQ(breaks, 2);
    ASSERT_OK(xsig_sigaddset(&set, XSIG_BREAK));
    ASSERT_EQ(xsig_sigismember(&set, XSIG_BREAK), 1);
  } else {
    xsig_action_t act;
    memset(&act, 0, sizeof act);
    act.handler = on_break;
    ASSERT(XSIG_BREAK >= XSIG_NSIG);
    ASSERT_EQ(xsig_parse("BREAK"), XSIG_ENOSYS);
    ASSERT_EQ(xsig_action(XSIG_BREAK, &act, NULL), XSIG_ENOSYS);
    ASSERT_EQ(xsig_kill(xsig_getpid(), XSIG_BREAK), XSIG_ENOSYS);
    ASSERT_EQ(xsig_raise(XSIG_BREAK), XSIG_ENOSYS);
    ASSERT_EQ(xsig_sigaddset(&set, XSIG_BREAK), XSIG_ENOSYS);
    ASSERT_EQ(xsig_sigismember(&set, XSIG_BREAK), 0);
    ASSERT_EQ(breaks, 0);
  }
#ifdef _WIN32
  ASSERT_EQ(xsig_valid(XSIG_BREAK), 1);
#else
  ASSERT_EQ(xsig_valid(XSIG_BREAK), 0);
#endif
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Text into a caller's buffer works as snprintf everywhere: NULL with size
 * 0 measures, NULL with a size is an error, a short buffer truncates. */
TEST_IMPL(api_text_buffers_as_snprintf)
{
  xsig_status_t st;
  char buf[64];
  int n;
  ASSERT_EQ(xsig_name(XSIG_TERM, NULL, 0), 4);
  ASSERT_EQ(xsig_name(XSIG_TERM, NULL, 8), XSIG_EINVAL);
  ASSERT_EQ(xsig_name(XSIG_TERM, buf, 3), 4);
  ASSERT_STR(buf, "TE");
  ASSERT_EQ(xsig_name(0, buf, sizeof buf), XSIG_EINVAL); /* 0 is no signal */
  ASSERT_OK(xsig_status_from_windows(0xE0580000u | 15, &st));
  n = xsig_status_format(&st, NULL, 0);
  ASSERT_EQ(n, (int)strlen("ended by signal TERM (Terminated)"));
  ASSERT_EQ(xsig_status_format(&st, NULL, 8), XSIG_EINVAL);
  ASSERT_EQ(xsig_status_format(NULL, buf, sizeof buf), XSIG_EINVAL);
  ASSERT_EQ(xsig_status_format(&st, buf, 10), n);
  ASSERT_STR(buf, "ended by ");
  ASSERT_EQ(xsig_status_format(&st, buf, sizeof buf), n);
  ASSERT_STR(buf, "ended by signal TERM (Terminated)");
  return 0;
}

/* Questions answer 1 or 0, never a (true) error code. */
TEST_IMPL(api_sigismember_is_boolean)
{
  xsig_sigset_t set;
  ASSERT_OK(xsig_sigemptyset(&set));
  ASSERT_OK(xsig_sigaddset(&set, XSIG_INT));
  ASSERT_EQ(xsig_sigismember(&set, XSIG_INT), 1);
  ASSERT_EQ(xsig_sigismember(&set, XSIG_TERM), 0);
  ASSERT_EQ(xsig_sigismember(NULL, XSIG_INT), 0);
  ASSERT_EQ(xsig_sigismember(&set, 0), 0);
  ASSERT_EQ(xsig_sigismember(&set, -5), 0);
  ASSERT_EQ(xsig_sigismember(&set, 1000), 0);
  ASSERT_EQ(xsig_sigismember(&set, XSIG_NSIG), 0);
  ASSERT_EQ(xsig_sigisempty(NULL), 1);
  ASSERT_EQ(xsig_sigisempty(&set), 0);
  if (xsig_sigismember(NULL, XSIG_INT)) /* what a user writes */
    ASSERT(0);
  return 0;
}

struct strerror_run {
  int bad;
};

static void strerror_loop(void *arg)
{
  struct strerror_run *r = arg;
  int i;
  for (i = 0; i < 20000; i++)
    if (strcmp(xsig_strerror(-1000 - i), "unknown error") != 0 || xsig_strerror(i + 1) != xsig_strerror(1))
      r->bad++;
}

/* xsig_strerror writes nothing shared: an unknown code gets one fixed
 * text, from any number of threads at once. */
TEST_IMPL(api_strerror_thread_safe)
{
  struct strerror_run a = { 0 }, b = { 0 };
  test_thread_t ta, tb;
  const char *first = xsig_strerror(-999);
  ASSERT_STR(first, "unknown error");
  ASSERT(xsig_strerror(-1234) == first);
  ASSERT(xsig_strerror(5) == first);
  ASSERT_OK(test_thread_start(&ta, strerror_loop, &a));
  ASSERT_OK(test_thread_start(&tb, strerror_loop, &b));
  test_thread_join(&ta);
  test_thread_join(&tb);
  ASSERT_EQ(a.bad + b.bad, 0);
  ASSERT_STR(first, "unknown error"); /* still */
  return 0;
}

/* Each error code means one thing: a handler thread that was never started
 * is not "no such child". */
TEST_IMPL(api_error_codes_one_meaning)
{
  int e, f;
  ASSERT_OK(xsig_init());
  ASSERT_EQ(xsig_handler_thread_stop(), XSIG_ENOTSTARTED);
  ASSERT_OK(xsig_shutdown());
  ASSERT(XSIG_ENOTSTARTED != XSIG_ECHILD);
  ASSERT_STR(xsig_errname(XSIG_ENOTSTARTED), "ENOTSTARTED");
  ASSERT_STR(xsig_strerror(XSIG_ENOTSTARTED), "not started");
  for (e = XSIG_ERR_MAX_; e < 0; e++)
    for (f = e + 1; f < 0; f++) {
      ASSERT(strcmp(xsig_errname(e), xsig_errname(f)) != 0);
      ASSERT(strcmp(xsig_strerror(e), xsig_strerror(f)) != 0);
    }
  return 0;
}

/* Standard input, output and error named the same way on every platform
 * (the crash reports of test-fault.c go to xsig_std_handle(2)). */
TEST_IMPL(api_std_handle)
{
  ASSERT(xsig_std_handle(1) != XSIG_NO_HANDLE);
  ASSERT(xsig_std_handle(2) != XSIG_NO_HANDLE);
  ASSERT(xsig_std_handle(3) == XSIG_NO_HANDLE);
  ASSERT(xsig_std_handle(-1) == XSIG_NO_HANDLE);
  return 0;
}
