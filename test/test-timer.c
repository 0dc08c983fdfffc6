/* SPDX-License-Identifier: MIT */
/* Timers on both platforms: alarm and setitimer semantics, timer objects
 * with a value, one-shot and periodic, relative and absolute, the overrun
 * count while the signal is pending, clear errors for bad arguments, and
 * ALRM's default action ending the process. Times are only checked from
 * below (a timer never fires early); how late it fires is bench/'s job. */
#include "task.h"

static int calls;
static xsig_info_t first, last;

static void record(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)arg;
  if (calls++ == 0)
    first = *info;
  last = *info;
}

/* Dispatches until the handler has run n times in all, for up to ms. */
static int wait_calls(int n, int ms)
{
  int64_t end = xsig_clock_us() + (int64_t)ms * 1000;
  while (calls < n && xsig_clock_us() < end)
    xsig_sleep(10);
  return calls;
}

static xsig_timerval_t tv(int64_t value_us, int64_t interval_us)
{
  xsig_timerval_t t;
  t.value_us = value_us;
  t.interval_us = interval_us;
  return t;
}

/* Starts xsig with record() handling sig and makes a timer of it. */
static int handled_timer(int sig, int64_t value)
{
  int id;
  calls = 0;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(sig, record));
  id = xsig_timer_create(sig, value);
  ASSERT(id > 0);
  return id;
}

TEST_IMPL(timer_bad_arguments)
{
  xsig_timerval_t t = tv(1000, 0), neg = tv(-1, 0), negi = tv(1000, -5), cur;
  int id, ids[XSIG_TIMER_MAX], i, n;
  ASSERT_EQ(xsig_timer_create(XSIG_USR1, 0), XSIG_ENOTINIT);
  ASSERT_EQ(xsig_alarm(1), XSIG_ENOTINIT);
  ASSERT_EQ(xsig_setitimer(&t, NULL), XSIG_ENOTINIT);
  ASSERT_OK(xsig_init());
  ASSERT_EQ(xsig_timer_create(0, 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_timer_create(XSIG_NSIG, 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_timer_create(-3, 0), XSIG_EINVAL);
  id = xsig_timer_create(XSIG_USR1, 7);
  ASSERT(id > 0);
  ASSERT_EQ(xsig_timer_settime(id, 0, NULL, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_timer_settime(id, 0, &neg, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_timer_settime(id, 0, &negi, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_timer_settime(id, 0x100, &t, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_timer_gettime(id, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_timer_settime(0, 0, &t, NULL), XSIG_ETIMER);
  ASSERT_EQ(xsig_timer_settime(-1, 0, &t, NULL), XSIG_ETIMER);
  ASSERT_EQ(xsig_timer_settime(id + 1, 0, &t, NULL), XSIG_ETIMER); /* never made */
  ASSERT_EQ(xsig_timer_gettime(12345678, &cur), XSIG_ETIMER);
  ASSERT_OK(xsig_timer_delete(id));
  ASSERT_EQ(xsig_timer_delete(id), XSIG_ETIMER); /* deleted */
  ASSERT_EQ(xsig_timer_settime(id, 0, &t, NULL), XSIG_ETIMER);
  ASSERT_EQ(xsig_timer_getoverrun(id), XSIG_ETIMER);
  /* a new timer in the same slot gets another id */
  i = xsig_timer_create(XSIG_USR1, 0);
  ASSERT(i > 0 && i != id);
  ASSERT_EQ(xsig_timer_gettime(id, &cur), XSIG_ETIMER);
  ASSERT_OK(xsig_timer_delete(i));
  ASSERT_STR(xsig_errname(XSIG_ETIMER), "ETIMER");
  ASSERT_STR(xsig_strerror(XSIG_ETIMER), "no such timer (never made, or deleted)");
  /* a bounded table: the next one is refused, nothing else breaks */
  for (n = 0; n < XSIG_TIMER_MAX && (ids[n] = xsig_timer_create(XSIG_USR2, n)) > 0; n++) {
  }
  if (n < XSIG_TIMER_MAX) /* the system's own limit came first (qemu-user: 32) */
    fprintf(stderr, "the system made %d timers, then said %s\n", n, xsig_errname(ids[n]));
  ASSERT(n > 0);
  ASSERT_EQ(xsig_timer_create(XSIG_USR2, 0), XSIG_EAGAIN);
  while (n-- > 0)
    ASSERT_OK(xsig_timer_delete(ids[n]));
  ASSERT_EQ(xsig_setitimer(NULL, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_setitimer(&neg, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_getitimer(NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_alarm(0x80000000u), XSIG_ERANGE);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(timer_oneshot_with_value)
{
  xsig_timerval_t t = tv(50000, 0), cur, old;
  int64_t start;
  int id;
  id = handled_timer(XSIG_USR1, 4242);
  ASSERT_OK(xsig_timer_gettime(id, &cur));
  ASSERT_EQ(cur.value_us, 0); /* made disarmed */
  start = xsig_clock_us();
  ASSERT_OK(xsig_timer_settime(id, 0, &t, &old));
  ASSERT_EQ(old.value_us, 0);
  ASSERT_OK(xsig_timer_gettime(id, &cur));
  ASSERT(cur.value_us > 0 && cur.value_us <= 50000);
  ASSERT_EQ(wait_calls(1, 5000), 1);
  ASSERT(xsig_clock_us() - start >= 50000); /* never early */
  ASSERT_EQ(last.signo, XSIG_USR1);
  ASSERT_EQ(last.code, XSIG_SI_TIMER);
  ASSERT_EQ(last.value, 4242);
  ASSERT_EQ(last.os_code, (uint32_t)id);
  ASSERT_EQ(last.status, 0);
  ASSERT_EQ(xsig_timer_getoverrun(id), 0);
  ASSERT_OK(xsig_timer_gettime(id, &cur));
  ASSERT_EQ(cur.value_us, 0); /* once: disarmed after it */
  ASSERT_EQ(xsig_sleep(150), 0); /* and never again */
  ASSERT_EQ(calls, 1);
  /* armed, then disarmed before it expires: nothing */
  ASSERT_OK(xsig_timer_settime(id, 0, &t, NULL));
  t.value_us = 0;
  ASSERT_OK(xsig_timer_settime(id, 0, &t, &old));
  ASSERT(old.value_us > 0);
  ASSERT_EQ(xsig_sleep(120), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_OK(xsig_timer_delete(id));
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(timer_absolute)
{
  xsig_timerval_t t;
  int64_t start;
  int id;
  id = handled_timer(XSIG_USR2, 1);
  start = xsig_clock_us();
  t = tv(start + 40000, 0);
  ASSERT_OK(xsig_timer_settime(id, XSIG_TIMER_ABSTIME, &t, NULL));
  ASSERT_EQ(wait_calls(1, 5000), 1);
  ASSERT(xsig_clock_us() >= start + 40000);
  /* a time already past expires at once */
  t = tv(1, 0);
  ASSERT_OK(xsig_timer_settime(id, XSIG_TIMER_ABSTIME, &t, NULL));
  ASSERT_EQ(wait_calls(2, 5000), 2);
  ASSERT_EQ(last.code, XSIG_SI_TIMER);
  ASSERT_OK(xsig_timer_delete(id));
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* While its signal is blocked a periodic timer keeps one signal pending
 * and counts the rest as overruns: standard and real-time signals alike. */
static void check_overrun(int sig)
{
  xsig_sigset_t s = test_sigset_of(sig);
  xsig_timerval_t t = tv(10000, 10000);
  xsig_stats_t st;
  int64_t unblocked;
  int id;
  calls = 0;
  ASSERT_OK(xsig_handle(sig, record));
  id = xsig_timer_create(sig, 99);
  ASSERT(id > 0);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(xsig_timer_settime(id, 0, &t, NULL));
  test_msleep(200); /* about 20 expiries */
  /* still armed: Linux drops a pending signal of a timer that is disarmed
   * or set again (POSIX leaves it open) */
  unblocked = xsig_clock_us();
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  xsig_dispatch(); /* Windows ran it in xsig_sigmask already */
  ASSERT(calls >= 1);
  t = tv(0, 0);
  ASSERT_OK(xsig_timer_settime(id, 0, &t, NULL));
  /* one signal for the blocked time, not twenty; then one per period
   * until it was disarmed (a loaded machine can take periods for that) */
  ASSERT(calls <= 2 + (xsig_clock_us() - unblocked) / 10000);
  ASSERT_EQ(first.code, XSIG_SI_TIMER);
  ASSERT_EQ(first.value, 99);
  if (first.status < 5)
    fprintf(stderr, "overrun %d after 200 ms of a 10 ms timer\n", first.status);
  ASSERT(first.status >= 5 && first.status <= 20);
  if (calls == 1)
    ASSERT_EQ(xsig_timer_getoverrun(id), first.status);
  ASSERT_OK(xsig_get_stats(&st));
  ASSERT_EQ(st.dropped, 0);
  ASSERT_OK(xsig_timer_delete(id));
}

TEST_IMPL(timer_overrun_while_blocked)
{
  ASSERT_OK(xsig_init());
  check_overrun(XSIG_USR1);
  check_overrun(XSIG_RTMIN + 1);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* A timer disarmed, set again or deleted while its signal is pending
 * (blocked) takes that signal back, on both platforms, as Linux does
 * (POSIX leaves it open; docs/timers.md). The alarm's ALRM stays pending,
 * as setitimer's does. */
TEST_IMPL(timer_disarm_drops_pending)
{
  static const char *const hows[] = { "disarmed", "set again", "deleted" };
  int sigs[2], i, how, id;
  xsig_sigset_t s;
  xsig_timerval_t alarm_on = tv(10000, 10000), off = tv(0, 0);
  sigs[0] = XSIG_USR1;
  sigs[1] = XSIG_RTMIN + 2;
  ASSERT_OK(xsig_init());
  for (i = 0; i < 2; i++) {
    ASSERT_OK(xsig_handle(sigs[i], record));
    /* the control: still armed, the pending signal comes, with overruns */
    s = test_sigset_of(sigs[i]);
    id = xsig_timer_create(sigs[i], 5);
    ASSERT(id > 0);
    calls = 0;
    ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
    ASSERT_OK(xsig_timer_settime(id, 0, &alarm_on, NULL));
    test_msleep(150);
    ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
    xsig_dispatch();
    ASSERT(calls >= 1);
    ASSERT_EQ(first.value, 5);
    ASSERT(first.status > 0);
    ASSERT_OK(xsig_timer_delete(id));
    xsig_sleep(50);
    for (how = 1; how <= 3; how++) {
      s = test_sigset_of(sigs[i]);
      calls = 0;
      id = xsig_timer_create(sigs[i], 5);
      ASSERT(id > 0);
      ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
      ASSERT_OK(xsig_timer_settime(id, 0, &alarm_on, NULL));
      test_msleep(150);
      if (how == 1)
        ASSERT_OK(xsig_timer_settime(id, 0, &off, NULL));
      else if (how == 2) {
        xsig_timerval_t later = tv(10000000, 0);
        ASSERT_OK(xsig_timer_settime(id, 0, &later, NULL));
      } else
        ASSERT_OK(xsig_timer_delete(id));
      ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
      xsig_dispatch();
      xsig_sleep(50);
      if (calls != 0)
        fprintf(stderr, "signal %d: %d handler calls after its timer was %s (overrun %d)\n", sigs[i], calls,
                hows[how - 1], first.status);
      ASSERT_EQ(calls, 0);
      if (how != 3)
        ASSERT_OK(xsig_timer_delete(id));
    }
  }
  /* the alarm: its ALRM stays pending when it is disarmed */
  ASSERT_OK(xsig_handle(XSIG_ALRM, record));
  s = test_sigset_of(XSIG_ALRM);
  calls = 0;
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(xsig_setitimer(&alarm_on, NULL));
  test_msleep(150);
  ASSERT_OK(xsig_setitimer(&off, NULL));
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  xsig_dispatch();
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(first.signo, XSIG_ALRM);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(timer_periodic)
{
  xsig_timerval_t t = tv(20000, 20000), cur;
  int64_t start;
  int id;
  id = handled_timer(XSIG_RTMIN, -5);
  start = xsig_clock_us();
  ASSERT_OK(xsig_timer_settime(id, 0, &t, NULL));
  ASSERT_EQ(wait_calls(5, 10000), 5);
  ASSERT(xsig_clock_us() - start >= 5 * 20000);
  ASSERT_EQ(last.value, -5);
  ASSERT_OK(xsig_timer_gettime(id, &cur));
  ASSERT(cur.value_us > 0 && cur.value_us <= 20000);
  ASSERT_EQ(cur.interval_us, 20000);
  ASSERT_OK(xsig_timer_delete(id)); /* stops it */
  calls = 0;
  ASSERT_EQ(xsig_sleep(100), 0);
  ASSERT(calls <= 1); /* one may have been pending already */
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* xsig_sigwait takes a timer's signal with its record. */
TEST_IMPL(timer_through_sigwait)
{
  xsig_sigset_t s = test_sigset_of(XSIG_USR2);
  xsig_timerval_t t = tv(30000, 0);
  xsig_info_t info;
  int id;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR2, record));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  id = xsig_timer_create(XSIG_USR2, 77);
  ASSERT(id > 0);
  ASSERT_OK(xsig_timer_settime(id, 0, &t, NULL));
  ASSERT_EQ(xsig_sigwait(&s, 5000, &info), XSIG_USR2);
  ASSERT_EQ(info.code, XSIG_SI_TIMER);
  ASSERT_EQ(info.value, 77);
  ASSERT_EQ(info.os_code, (uint32_t)id);
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(alarm_semantics)
{
  xsig_timerval_t t, old, cur;
  int64_t start;
  calls = 0;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_ALRM, record));
  ASSERT_EQ(xsig_alarm(0), 0); /* none was set */
  ASSERT_EQ(xsig_alarm(5), 0);
  ASSERT_EQ(xsig_alarm(3), 5); /* what was left, rounded */
  ASSERT_OK(xsig_getitimer(&cur));
  ASSERT(cur.value_us > 2000000 && cur.value_us <= 3000000);
  ASSERT_EQ(cur.interval_us, 0);
  ASSERT_EQ(xsig_alarm(0), 3); /* cancels */
  ASSERT_OK(xsig_getitimer(&cur));
  ASSERT_EQ(cur.value_us, 0);
  ASSERT_EQ(xsig_sleep(50), 0);
  ASSERT_EQ(calls, 0);
  /* setitimer: ALRM every 20 ms, the old setting returned */
  t = tv(20000, 20000);
  start = xsig_clock_us();
  ASSERT_OK(xsig_setitimer(&t, &old));
  ASSERT_EQ(old.value_us, 0);
  ASSERT_EQ(wait_calls(3, 10000), 3);
  ASSERT(xsig_clock_us() - start >= 3 * 20000);
  ASSERT_EQ(last.signo, XSIG_ALRM);
  ASSERT_EQ(last.code, XSIG_SI_KERNEL);
  t = tv(0, 0);
  ASSERT_OK(xsig_setitimer(&t, &old));
  ASSERT(old.value_us > 0 && old.value_us <= 20000);
  ASSERT_EQ(old.interval_us, 20000);
  /* one second left reads as 1, and a little less than half as 1 too */
  ASSERT_EQ(xsig_alarm(1), 0);
  t = tv(300000, 0);
  ASSERT_OK(xsig_setitimer(&t, NULL));
  ASSERT_EQ(xsig_alarm(0), 1);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* The last shutdown deletes every timer and disarms the alarm. */
TEST_IMPL(timer_gone_after_shutdown)
{
  xsig_timerval_t t = tv(30000, 30000), cur;
  int id;
  calls = 0;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, record));
  id = xsig_timer_create(XSIG_USR1, 0);
  ASSERT_OK(xsig_timer_settime(id, 0, &t, NULL));
  ASSERT_EQ(xsig_alarm(1), 0);
  ASSERT_OK(xsig_shutdown());
  test_msleep(1300); /* past the alarm: ALRM's default would end us */
  ASSERT_OK(xsig_init());
  ASSERT_EQ(xsig_timer_gettime(id, &cur), XSIG_ETIMER);
  ASSERT_OK(xsig_getitimer(&cur));
  ASSERT_EQ(cur.value_us, 0);
  ASSERT_EQ(calls, 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* ALRM's default action ends the process, on both platforms. */
HELPER_IMPL(alarm_default)
{
  xsig_timerval_t t;
  (void)argc;
  (void)argv;
  xsig_init();
  t.value_us = 50000;
  t.interval_us = 0;
  xsig_setitimer(&t, NULL);
  helper_say("armed");
  xsig_sleep(10000);
  helper_say("survived");
  return 0;
}

TEST_IMPL(alarm_default_ends_process)
{
  test_proc_t p;
  xsig_status_t st;
  char line[64];
  ASSERT_OK(test_spawn_helper(&p, "alarm_default", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "armed", NULL, 0, 20000));
  ASSERT(test_read_line(&p, line, sizeof line, 20000) != 0 || strcmp(line, "survived") != 0);
  ASSERT_OK(test_wait(&p, 20000, &st));
  test_proc_close(&p);
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_ALRM);
  return 0;
}

/* --- the example a user would write: examples/ticker.c ------------------ */

static void start_ticker(test_proc_t *p, const char *ticks)
{
  char exe[1024];
  char *argv[3];
  test_build_exe(exe, sizeof exe, "xsig-ticker");
  argv[0] = exe;
  argv[1] = (char *)ticks;
  argv[2] = NULL;
  ASSERT_OK(test_spawn(p, argv, TEST_PROC_MERGE_STDERR));
  ASSERT_OK(test_expect_line(p, "ticker: ready", NULL, 0, 20000));
}

TEST_IMPL(example_ticker)
{
  test_proc_t p;
  xsig_status_t st;
  xsig_process_t *proc;
  char line[256], want[64];
  int tick = 0, deadline = 0, n;
  int64_t start = xsig_clock_us();
  /* five ticks of 100 ms in order, the deadline once, then a clean end */
  start_ticker(&p, "5");
  while (test_read_line(&p, line, sizeof line, 20000) == 0 && strncmp(line, "ticker: done", 12) != 0) {
    if (sscanf(line, "ticker: tick %d", &n) == 1)
      ASSERT_EQ(n, ++tick);
    else if (strncmp(line, "ticker: deadline timer ", 23) == 0 && strstr(line, "value 7, overrun 0"))
      deadline++;
    else {
      fprintf(stderr, "unexpected: %s\n", line);
      ASSERT(0);
    }
  }
  ASSERT_STR(line, "ticker: done after 5 ticks");
  ASSERT_EQ(tick, 5);
  ASSERT_EQ(deadline, 1);
  ASSERT(xsig_clock_us() - start >= 500000);
  ASSERT_OK(test_wait(&p, 20000, &st));
  test_proc_close(&p);
  ASSERT(st.exited && st.code == 0);
  /* until TERM: the handler runs between ticks, the program ends cleanly */
  start_ticker(&p, "0");
  ASSERT_OK(test_expect_line(&p, "ticker: tick 2", NULL, 0, 20000));
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_process_open(p.pid, &proc));
  ASSERT_OK(xsig_process_send(proc, XSIG_TERM, 0, 0, NULL));
  xsig_process_close(proc);
  snprintf(want, sizeof want, "ticker: TERM from pid %lld: stopping", (long long)xsig_getpid());
  ASSERT_OK(test_expect_line(&p, want, NULL, 0, 20000));
  ASSERT_OK(test_expect_line(&p, "ticker: done after", NULL, 0, 20000));
  ASSERT_OK(test_wait(&p, 20000, &st));
  test_proc_close(&p);
  ASSERT(st.exited && st.code == 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}
