/* SPDX-License-Identifier: MIT */
/* alarm, sleep, usleep, nanosleep, clock_nanosleep, pause, setitimer and
 * getitimer on xsig's clock and timers. The waits are the layer's
 * interruptible wait, so a handler that runs ends them with EINTR; POSIX
 * never restarts these calls, whatever SA_RESTART says. */
#include <stdint.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>
#include "internal.h"
#include "posix-time.h"

#define US_PER_S INT64_C(1000000)
#define NS_PER_US 1000
/* Beyond this (292 thousand years) a time is "forever". */
#define US_FOREVER (INT64_MAX / 4)

int xsig_posix__fail_errno(int err)
{
  errno = err;
  return -1;
}

int xsig_posix__timespec_us(const struct timespec *ts, int64_t *us)
{
  int64_t sec = ts->tv_sec; /* time_t has 32 bits on 32-bit mingw-w64 */
  if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L || sec < 0)
    return EINVAL;
  if (sec >= US_FOREVER / US_PER_S)
    *us = US_FOREVER;
  else /* rounded up: a sleep is never shorter than asked */
    *us = (int64_t)ts->tv_sec * US_PER_S + (ts->tv_nsec + NS_PER_US - 1) / NS_PER_US;
  return 0;
}

void xsig_posix__us_timespec(int64_t us, struct timespec *ts)
{
  if (us < 0)
    us = 0;
  ts->tv_sec = (time_t)(us / US_PER_S);
  ts->tv_nsec = (long)(us % US_PER_S) * NS_PER_US;
}

/* Sleeps until xsig_clock_us() reaches deadline (-1: never): 0, or an
 * errno value (EINTR once a handler ran; never restarted, as POSIX says
 * for these calls). */
static int sleep_until(int64_t deadline)
{
  for (;;) {
    int r = xsig_posix__wait(NULL, 0, 0, deadline, NULL);
    if (r == XSIG_POSIX_TIMEDOUT && (deadline < 0 || xsig_clock_us() < deadline))
      continue;
    return r == XSIG_POSIX_TIMEDOUT ? 0 : errno;
  }
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
  int64_t us, deadline;
  int err;
  if (req == NULL)
    return xsig_posix__fail_errno(EFAULT);
  if ((err = xsig_posix__timespec_us(req, &us)) != 0)
    return xsig_posix__fail_errno(err);
  deadline = xsig_clock_us() + us;
  if ((err = sleep_until(deadline)) == 0)
    return 0;
  if (rem)
    xsig_posix__us_timespec(deadline - xsig_clock_us(), rem);
  return xsig_posix__fail_errno(err);
}

int64_t xsig_posix__realtime_us(void)
{
  FILETIME ft;
  ULARGE_INTEGER t;
  GetSystemTimePreciseAsFileTime(&ft);
  t.LowPart = ft.dwLowDateTime;
  t.HighPart = ft.dwHighDateTime;
  return (int64_t)(t.QuadPart / 10) - INT64_C(11644473600000000); /* 1601 to 1970 */
}

#define realtime_us xsig_posix__realtime_us

/* TIMER_ABSTIME on CLOCK_REALTIME: a setting of the wall clock while it
 * sleeps moves the end (POSIX), so it is read again after each step. */
static int sleep_until_realtime(int64_t when_us)
{
  for (;;) {
    int64_t left = when_us - realtime_us();
    int err;
    if (left <= 0)
      return 0;
    if (left > 1000000) /* look at the wall clock at least once a second */
      left = 1000000;
    if ((err = sleep_until(xsig_clock_us() + left)) != 0)
      return err;
  }
}

static int check_clock(clockid_t clock)
{
  if (clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC)
    return 0;
  if (clock == CLOCK_PROCESS_CPUTIME_ID)
    return ENOTSUP; /* a CPU-time clock is not slept on here */
  return EINVAL;    /* CLOCK_THREAD_CPUTIME_ID: POSIX says EINVAL */
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem)
{
  int64_t us, start;
  int err;
  if ((err = check_clock(clock)) != 0)
    return err;
  if (req == NULL)
    return EFAULT;
  if (flags & ~TIMER_ABSTIME)
    return EINVAL;
  if ((err = xsig_posix__timespec_us(req, &us)) != 0)
    return err;
  if ((flags & TIMER_ABSTIME) && clock == CLOCK_REALTIME)
    return sleep_until_realtime(us);
  if (flags & TIMER_ABSTIME) /* xsig_clock_us is CLOCK_MONOTONIC's clock */
    return sleep_until(us);
  start = xsig_clock_us();
  if ((err = sleep_until(start + us)) != 0 && rem)
    xsig_posix__us_timespec(start + us - xsig_clock_us(), rem);
  return err;
}

unsigned sleep(unsigned seconds)
{
  struct timespec req, rem = { 0, 0 };
  req.tv_sec = (time_t)seconds;
  req.tv_nsec = 0;
  if (nanosleep(&req, &rem) == 0)
    return 0;
  return (unsigned)rem.tv_sec + (rem.tv_nsec >= 500000000L); /* as glibc rounds */
}

int usleep(xsig_posix_useconds_t us)
{
  struct timespec req;
  if (us >= 1000000)
    return xsig_posix__fail_errno(EINVAL); /* XSI: may fail; Linux sleeps instead */
  req.tv_sec = 0;
  req.tv_nsec = (long)us * NS_PER_US;
  return nanosleep(&req, NULL);
}

int pause(void)
{
  return xsig_posix__fail_errno(sleep_until(-1));
}

unsigned alarm(unsigned seconds)
{
  int r;
  if (xsig_posix__init() != 0)
    return 0; /* alarm cannot fail: there is no alarm to report */
  if (seconds > INT32_MAX)
    seconds = INT32_MAX; /* 68 years: still "no alarm in this run" */
  r = xsig_alarm(seconds);
  return r < 0 ? 0 : (unsigned)r;
}

/* --- interval timers ------------------------------------------------- */

static int timeval_us(const struct timeval *tv, int64_t *us)
{
  if (tv->tv_usec < 0 || tv->tv_usec >= 1000000 || tv->tv_sec < 0)
    return EINVAL;
  *us = (int64_t)tv->tv_sec * US_PER_S + tv->tv_usec;
  return 0;
}

static void us_timeval(int64_t us, struct timeval *tv)
{
  if (us < 0)
    us = 0;
  if (us / US_PER_S > INT32_MAX)
    us = (int64_t)INT32_MAX * US_PER_S;
  tv->tv_sec = (long)(us / US_PER_S);
  tv->tv_usec = (long)(us % US_PER_S);
}

static void to_itimerval(const xsig_timerval_t *x, struct itimerval *it)
{
  us_timeval(x->value_us, &it->it_value);
  us_timeval(x->interval_us, &it->it_interval);
}

int getitimer(int which, struct itimerval *cur)
{
  xsig_timerval_t x;
  int r;
  if (cur == NULL)
    return xsig_posix__fail_errno(EFAULT);
  if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
    return xsig_posix__cputimer_get(which, cur);
  if (which != ITIMER_REAL)
    return xsig_posix__fail_errno(EINVAL);
  if (xsig_posix__init() != 0)
    return -1;
  if ((r = xsig_getitimer(&x)) < 0)
    return xsig_posix__fail(r);
  to_itimerval(&x, cur);
  return 0;
}

int setitimer(int which, const struct itimerval *it, struct itimerval *old)
{
  xsig_timerval_t x, prev;
  int r;
  if (it == NULL)
    return xsig_posix__fail_errno(EFAULT);
  if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
    return xsig_posix__cputimer_set(which, it, old);
  if (which != ITIMER_REAL)
    return xsig_posix__fail_errno(EINVAL);
  if ((r = timeval_us(&it->it_value, &x.value_us)) != 0 ||
      (r = timeval_us(&it->it_interval, &x.interval_us)) != 0)
    return xsig_posix__fail_errno(r);
  if (x.value_us == 0)
    x.interval_us = 0; /* a disarmed timer has no period */
  if (xsig_posix__init() != 0)
    return -1;
  if ((r = xsig_setitimer(&x, &prev)) < 0)
    return xsig_posix__fail(r);
  if (old)
    to_itimerval(&prev, old);
  return 0;
}
