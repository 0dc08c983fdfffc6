/* SPDX-License-Identifier: MIT */
/* timer_create, timer_settime, timer_gettime, timer_getoverrun and
 * timer_delete. SIGEV_SIGNAL timers are xsig's (xsig_timer_*), so their
 * signal goes through the normal delivery with SI_TIMER, the value and
 * the overrun count. SIGEV_NONE timers are only a deadline kept here.
 * SIGEV_THREAD timers are thread-pool timers that call the function on a
 * pool thread, as a new thread would, one expiry at a time.
 *
 * A timer_t is a number (slot and generation), never a pointer, so that a
 * timer_t that is not one (deleted, made up) gives EINVAL, not a crash.
 * lock guards slots[] and next_gen; a pool callback takes it to re-arm,
 * and never holds it while it calls the program's function. */
#include <limits.h>
#include <string.h>
#include <time.h>
#include "internal.h"
#include "posix-time.h"

#define SLOTS 256
#define US_PER_S INT64_C(1000000)

struct ptimer {
  int id;              /* 0: free */
  int notify;          /* SIGEV_NONE, SIGEV_SIGNAL or SIGEV_THREAD */
  int xid;             /* SIGEV_SIGNAL: xsig's timer */
  /* SIGEV_NONE and SIGEV_THREAD: the next expiry (0: disarmed) and period */
  int64_t next_us;
  int64_t interval_us;
  /* SIGEV_THREAD */
  PTP_TIMER tp;
  void (*fn)(union sigval);
  union sigval value;
  int overrun;         /* of the last call */
  int running;         /* callbacks inside the program's function */
  int dying;           /* being deleted: not found; freed when running is 0 */
  clockid_t clock;
};

/* The timer whose function the calling pool thread is running (0: none):
 * a timer_delete from inside it must not wait for itself. */
#if defined(_MSC_VER)
static __declspec(thread) int in_callback_of;
#else
static _Thread_local int in_callback_of;
#endif

static SRWLOCK lock = SRWLOCK_INIT;
static struct ptimer slots[SLOTS];
static int next_gen;

#define fail xsig_posix__fail_errno

static timer_t to_handle(int id)
{
  return (timer_t)(intptr_t)id;
}

/* Under the lock. NULL for anything that is not a live timer. */
static struct ptimer *find_locked(timer_t h)
{
  intptr_t id = (intptr_t)h;
  struct ptimer *t;
  if (id <= 0 || id > INT_MAX)
    return NULL;
  t = &slots[(id - 1) % SLOTS];
  return t->id == id && !t->dying ? t : NULL;
}

static struct ptimer *take_slot_locked(void)
{
  int i;
  for (i = 0; i < SLOTS; i++)
    if (slots[i].id == 0 && !slots[i].dying) {
      memset(&slots[i], 0, sizeof slots[i]);
      slots[i].id = i + 1 + SLOTS * next_gen;
      if (i == SLOTS - 1)
        next_gen = next_gen >= INT_MAX / SLOTS - 2 ? 0 : next_gen + 1;
      return &slots[i];
    }
  return NULL;
}

/* --- SIGEV_THREAD ------------------------------------------------------ */

/* Under the lock: the pool calls back at next_us (relative time, in
 * 100 ns units, as xsig's own timers do). */
static void arm_locked(struct ptimer *t, int64_t now)
{
  int64_t due = t->next_us - now;
  ULARGE_INTEGER rel;
  FILETIME ft;
  rel.QuadPart = (ULONGLONG)(-(due > 0 ? due * 10 : 1));
  ft.dwLowDateTime = rel.LowPart;
  ft.dwHighDateTime = rel.HighPart;
  SetThreadpoolTimer(t->tp, &ft, 0, 0);
}

static void CALLBACK thread_expired(PTP_CALLBACK_INSTANCE inst, PVOID arg, PTP_TIMER tp)
{
  struct ptimer *t = arg;
  void (*fn)(union sigval) = NULL;
  union sigval value;
  (void)inst;
  (void)tp;
  AcquireSRWLockExclusive(&lock);
  if (t->id != 0 && !t->dying && t->next_us != 0) {
    int64_t now = xsig_clock_us(), missed = 0;
    if (t->interval_us > 0) {
      if (now > t->next_us)
        missed = (now - t->next_us) / t->interval_us;
      t->next_us += (missed + 1) * t->interval_us;
      arm_locked(t, now);
    } else {
      t->next_us = 0;
    }
    t->overrun = missed > INT_MAX ? INT_MAX : (int)missed;
    fn = t->fn;
    value = t->value;
    t->running++;
  }
  ReleaseSRWLockExclusive(&lock);
  if (fn == NULL)
    return;
  in_callback_of = t->id;
  fn(value);
  in_callback_of = 0;
  AcquireSRWLockExclusive(&lock);
  if (--t->running == 0 && t->dying && t->tp == NULL)
    t->id = 0, t->dying = 0; /* it deleted itself: the slot is free now */
  ReleaseSRWLockExclusive(&lock);
}

static int create_thread_timer(struct ptimer *t, const struct sigevent *ev)
{
  if (ev->sigev_notify_function == NULL)
    return EINVAL;
  t->fn = ev->sigev_notify_function;
  t->value = ev->sigev_value;
  t->tp = CreateThreadpoolTimer(thread_expired, t, NULL);
  return t->tp ? 0 : EAGAIN;
}

/* --- create, delete ------------------------------------------------------ */

static int check_event(const struct sigevent *ev)
{
  switch (ev->sigev_notify) {
  case SIGEV_NONE:
  case SIGEV_THREAD:
    return 0;
  case SIGEV_SIGNAL:
    return xsig_posix__valid(ev->sigev_signo) && ev->sigev_signo != SIGKILL &&
                   ev->sigev_signo != SIGSTOP ? 0 : EINVAL;
  default:
    return EINVAL;
  }
}

int timer_create(clockid_t clock, struct sigevent *ev, timer_t *out)
{
  struct sigevent dflt;
  struct ptimer *t;
  int err = 0, xid = 0;
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
    return fail(clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID ? ENOTSUP : EINVAL);
  if (out == NULL)
    return fail(EFAULT);
  if (xsig_posix__init() != 0)
    return -1;
  if (ev == NULL) { /* POSIX: SIGALRM with the timer's id as its value */
    memset(&dflt, 0, sizeof dflt);
    dflt.sigev_notify = SIGEV_SIGNAL;
    dflt.sigev_signo = SIGALRM;
    ev = &dflt;
  }
  if ((err = check_event(ev)) != 0)
    return fail(err);
  AcquireSRWLockExclusive(&lock);
  if ((t = take_slot_locked()) == NULL) {
    ReleaseSRWLockExclusive(&lock);
    return fail(EAGAIN);
  }
  t->notify = ev->sigev_notify;
  t->clock = clock;
  if (ev == &dflt)
    dflt.sigev_value.sival_int = t->id;
  if (t->notify == SIGEV_THREAD)
    err = create_thread_timer(t, ev);
  else if (t->notify == SIGEV_SIGNAL &&
           (xid = xsig_timer_create(ev->sigev_signo, (intptr_t)ev->sigev_value.sival_ptr)) < 0)
    err = xsig_posix__errno_of(xid);
  t->xid = xid;
  if (err)
    t->id = 0;
  else
    *out = to_handle(t->id);
  ReleaseSRWLockExclusive(&lock);
  return err ? fail(err) : 0;
}

int timer_delete(timer_t h)
{
  struct ptimer *t;
  PTP_TIMER tp;
  int xid, own;
  AcquireSRWLockExclusive(&lock);
  if ((t = find_locked(h)) == NULL) {
    ReleaseSRWLockExclusive(&lock);
    return fail(EINVAL);
  }
  t->dying = 1; /* no longer found; a callback in flight does nothing */
  tp = t->tp;
  xid = t->xid;
  own = in_callback_of == t->id;
  ReleaseSRWLockExclusive(&lock);
  if (xid > 0)
    xsig_timer_delete(xid);
  if (tp) {
    SetThreadpoolTimer(tp, NULL, 0, 0);
    if (!own) /* from its own function: the pool closes it after return */
      WaitForThreadpoolTimerCallbacks(tp, TRUE);
    CloseThreadpoolTimer(tp);
  }
  AcquireSRWLockExclusive(&lock);
  t->tp = NULL;
  if (t->running == 0)
    t->id = 0, t->dying = 0;
  ReleaseSRWLockExclusive(&lock);
  return 0;
}

/* --- set, get ------------------------------------------------------------ */

static int itimerspec_us(const struct itimerspec *its, xsig_timerval_t *tv)
{
  int err = xsig_posix__timespec_us(&its->it_value, &tv->value_us);
  if (err == 0)
    err = xsig_posix__timespec_us(&its->it_interval, &tv->interval_us);
  return err;
}

static void us_itimerspec(const xsig_timerval_t *tv, struct itimerspec *its)
{
  xsig_posix__us_timespec(tv->value_us, &its->it_value);
  xsig_posix__us_timespec(tv->interval_us, &its->it_interval);
}

/* An absolute time of clock as a time of xsig_clock_us (the monotonic
 * clock). CLOCK_REALTIME is converted once, when the timer is set. */
static int64_t absolute_to_monotonic(clockid_t clock, int64_t when_us)
{
  if (clock == CLOCK_MONOTONIC)
    return when_us; /* xsig_clock_us is CLOCK_MONOTONIC's clock */
  return xsig_clock_us() + (when_us - xsig_posix__realtime_us());
}

/* Under the lock, for SIGEV_NONE and SIGEV_THREAD. */
static void local_get_locked(const struct ptimer *t, xsig_timerval_t *cur, int64_t now)
{
  int64_t next = t->next_us;
  if (t->notify == SIGEV_NONE && next != 0 && next <= now && t->interval_us > 0)
    next += ((now - next) / t->interval_us + 1) * t->interval_us;
  cur->interval_us = t->interval_us;
  cur->value_us = next == 0 ? 0 : next > now ? next - now : (t->notify == SIGEV_THREAD ? 1 : 0);
}

static void local_set_locked(struct ptimer *t, int abs, const xsig_timerval_t *tv, int64_t now)
{
  if (tv->value_us == 0) {
    t->next_us = 0;
    t->interval_us = 0;
    if (t->tp)
      SetThreadpoolTimer(t->tp, NULL, 0, 0);
    return;
  }
  t->next_us = abs ? tv->value_us : now + tv->value_us;
  if (t->next_us <= 0)
    t->next_us = 1; /* a past time expires at once; 0 would mean disarmed */
  t->interval_us = tv->interval_us;
  if (t->tp)
    arm_locked(t, now);
}

int timer_settime(timer_t h, int flags, const struct itimerspec *val, struct itimerspec *old)
{
  struct ptimer *t;
  xsig_timerval_t tv, prev;
  int64_t now;
  int err, abs = (flags & TIMER_ABSTIME) != 0;
  if (val == NULL)
    return fail(EFAULT);
  if ((err = itimerspec_us(val, &tv)) != 0)
    return fail(err);
  if (tv.value_us == 0)
    tv.interval_us = 0;
  AcquireSRWLockExclusive(&lock);
  if ((t = find_locked(h)) == NULL) {
    ReleaseSRWLockExclusive(&lock);
    return fail(EINVAL);
  }
  if (abs && tv.value_us != 0)
    tv.value_us = absolute_to_monotonic(t->clock, tv.value_us);
  now = xsig_clock_us();
  if (t->notify == SIGEV_SIGNAL) {
    if (abs && tv.value_us <= 0)
      tv.value_us = 1;
    err = xsig_timer_settime(t->xid, abs ? XSIG_TIMER_ABSTIME : 0, &tv, &prev);
    err = err < 0 ? xsig_posix__errno_of(err) : 0;
  } else {
    local_get_locked(t, &prev, now);
    local_set_locked(t, abs, &tv, now);
  }
  ReleaseSRWLockExclusive(&lock);
  if (err)
    return fail(err);
  if (old)
    us_itimerspec(&prev, old);
  return 0;
}

int timer_gettime(timer_t h, struct itimerspec *cur)
{
  struct ptimer *t;
  xsig_timerval_t tv;
  int err = 0;
  if (cur == NULL)
    return fail(EFAULT);
  AcquireSRWLockExclusive(&lock);
  if ((t = find_locked(h)) == NULL)
    err = EINVAL;
  else if (t->notify == SIGEV_SIGNAL)
    err = (err = xsig_timer_gettime(t->xid, &tv)) < 0 ? xsig_posix__errno_of(err) : 0;
  else
    local_get_locked(t, &tv, xsig_clock_us());
  ReleaseSRWLockExclusive(&lock);
  if (err)
    return fail(err);
  us_itimerspec(&tv, cur);
  return 0;
}

int timer_getoverrun(timer_t h)
{
  struct ptimer *t;
  int r;
  AcquireSRWLockExclusive(&lock);
  if ((t = find_locked(h)) == NULL)
    r = fail(EINVAL);
  else if (t->notify == SIGEV_SIGNAL)
    r = (r = xsig_timer_getoverrun(t->xid)) < 0 ? fail(xsig_posix__errno_of(r)) : r;
  else
    r = t->overrun;
  ReleaseSRWLockExclusive(&lock);
  return r;
}
