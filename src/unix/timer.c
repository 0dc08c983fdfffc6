/* SPDX-License-Identifier: MIT */
/* POSIX timers: the kernel's. A timer of xsig_timer_create is a
 * timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL) whose value is the tagged id
 * (src/timer.c); the kernel counts its overruns while its signal is
 * pending. The alarm is setitimer(ITIMER_REAL) itself. */
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include "internal.h"

static void to_timespec(int64_t us, struct timespec *ts)
{
  ts->tv_sec = (time_t)(us / 1000000);
  ts->tv_nsec = (long)(us % 1000000) * 1000;
}

/* Rounded up: a timer with 1 ns left is still armed. */
static int64_t from_timespec(const struct timespec *ts)
{
  return (int64_t)ts->tv_sec * 1000000 + (ts->tv_nsec + 999) / 1000;
}

static void from_itimerspec(const struct itimerspec *its, xsig_timerval_t *tv)
{
  tv->value_us = from_timespec(&its->it_value);
  tv->interval_us = from_timespec(&its->it_interval);
}

int xsig__os_timer_create_locked(struct xsig__timer *t)
{
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = t->sig;
  ev.sigev_value.sival_ptr = (void *)xsig__timer_tag(t->id);
  if (timer_create(CLOCK_MONOTONIC, &ev, &t->os.kt) == 0)
    return 0;
  return errno == EAGAIN ? XSIG_EAGAIN : XSIG_ESYS;
}

int xsig__os_timer_set_locked(struct xsig__timer *t, int abs, const xsig_timerval_t *tv,
                              xsig_timerval_t *old)
{
  struct itimerspec its, prev;
  to_timespec(tv->value_us, &its.it_value);
  to_timespec(tv->interval_us, &its.it_interval);
  if (timer_settime(t->os.kt, abs ? TIMER_ABSTIME : 0, &its, &prev) != 0)
    return errno == EINVAL ? XSIG_ERANGE : XSIG_ESYS;
  if (old)
    from_itimerspec(&prev, old);
  return 0;
}

int xsig__os_timer_get_locked(struct xsig__timer *t, xsig_timerval_t *cur)
{
  struct itimerspec its;
  if (timer_gettime(t->os.kt, &its) != 0)
    return XSIG_ESYS;
  from_itimerspec(&its, cur);
  return 0;
}

void xsig__os_timer_destroy(struct xsig__timer *t)
{
  timer_delete(t->os.kt);
}

static void to_timeval(int64_t us, struct timeval *tv)
{
  tv->tv_sec = (time_t)(us / 1000000);
  tv->tv_usec = (suseconds_t)(us % 1000000);
}

int xsig__os_itimer_locked(const xsig_timerval_t *tv, xsig_timerval_t *old)
{
  struct itimerval it, prev;
  int r;
  if (tv) {
    to_timeval(tv->value_us, &it.it_value);
    to_timeval(tv->interval_us, &it.it_interval);
    r = setitimer(ITIMER_REAL, &it, &prev);
  } else {
    r = getitimer(ITIMER_REAL, &prev);
  }
  if (r != 0)
    return errno == EINVAL ? XSIG_ERANGE : XSIG_ESYS;
  if (old) {
    old->value_us = (int64_t)prev.it_value.tv_sec * 1000000 + prev.it_value.tv_usec;
    old->interval_us = (int64_t)prev.it_interval.tv_sec * 1000000 + prev.it_interval.tv_usec;
  }
  return 0;
}

void xsig__os_itimer_shutdown(void) {}
