/* SPDX-License-Identifier: MIT */
/* Windows timers: a thread-pool timer each (CreateThreadpoolTimer), set
 * one expiry at a time. Each expiry re-arms it for the next multiple of
 * the period after the first expiry, so the period does not drift and is
 * kept in microseconds (the pool's own period is whole milliseconds), and
 * the expiries a late callback missed become its overrun count. No thread
 * is made and nothing wakes while no timer is armed. The pool fires with
 * the system's timer resolution (docs/timers.md).
 * The timers lock (src/timer.c) guards the os part; the callback never
 * holds it while it posts. */
#include <limits.h>
#include <string.h>
#include "internal.h"

/* The alarm of xsig_alarm / xsig_setitimer: not in the ids' table. */
static struct xsig__timer alarm_timer = { -1, 0, XSIG_ALRM, XSIG_SI_KERNEL, 0, 0, { NULL, 0, 0, 0 } };

int64_t xsig__os_now_us(void)
{
  static LARGE_INTEGER freq;
  LARGE_INTEGER c;
  if (freq.QuadPart == 0)
    QueryPerformanceFrequency(&freq); /* fixed at boot: a race writes the same */
  QueryPerformanceCounter(&c);
  return c.QuadPart / freq.QuadPart * 1000000 + c.QuadPart % freq.QuadPart * 1000000 / freq.QuadPart;
}

/* Under the lock: the pool calls back at next_us (relative: the clocks of
 * the pool and QPC need not agree on absolute times). */
static void arm_locked(struct xsig__timer *t, int64_t now)
{
  int64_t due = t->os.next_us - now;
  ULARGE_INTEGER rel;
  FILETIME ft;
  rel.QuadPart = (ULONGLONG)(-(due > 0 ? due * 10 : 1)); /* negative: relative, 100 ns */
  ft.dwLowDateTime = rel.LowPart;
  ft.dwHighDateTime = rel.HighPart;
  SetThreadpoolTimer(t->os.tp, &ft, 0, 0);
}

struct expiry {
  struct xsig__timer *t;
  unsigned setting;
};

/* Under the state lock: the expiry was made without it, so
 * xsig_timer_settime may have set the timer again (and dropped its pending
 * signal) in between: then it belongs to the old setting, and goes as it
 * would have. Asked and posted under the one lock that settime holds, so
 * that no dispatch ever sees it (the alarm's ALRM stays, as setitimer's). */
static int expiry_still_current(void *arg)
{
  struct expiry *e = arg;
  int current;
  xsig__timers_lock(); /* after the state lock, as settime */
  current = e->t->os.settings == e->setting || e->t->code != XSIG_SI_TIMER;
  xsig__timers_unlock();
  return current;
}

static void CALLBACK expired(PTP_CALLBACK_INSTANCE inst, PVOID arg, PTP_TIMER tp)
{
  struct xsig__timer *t = arg;
  xsig_info_t info;
  int64_t now, missed = 0;
  int post = 0;
  struct expiry e;
  (void)inst;
  (void)tp;
  xsig__timers_lock();
  now = xsig__os_now_us();
  if (t->id != 0 && !t->dying && t->os.next_us > now) {
    /* Not due: a callback of an earlier setting that the pool had begun
     * before xsig_timer_settime set it again (it waited for the lock). The
     * new setting's own expiry is to come: wait for it. */
    arm_locked(t, now);
  } else if (t->id != 0 && !t->dying && t->os.next_us != 0) {
    if (t->os.interval_us > 0) {
      if (now > t->os.next_us)
        missed = (now - t->os.next_us) / t->os.interval_us;
      t->os.next_us += (missed + 1) * t->os.interval_us;
      arm_locked(t, now);
    } else {
      t->os.next_us = 0;
    }
    memset(&info, 0, sizeof info);
    info.signo = t->sig;
    info.code = t->code;
    if (t->code == XSIG_SI_TIMER) {
      info.value = t->value;
      info.os_code = (uint32_t)t->id;
      info.status = missed > INT_MAX ? INT_MAX : (int)missed;
    }
    post = 1;
    e.t = t;
    e.setting = t->os.settings;
  }
  xsig__timers_unlock();
  if (post && xsig__is_initialised() &&
      xsig__win_accept_if(&info, expiry_still_current, &e) == XSIG__ARRIVE_DEFAULT)
    xsig__os_default_action(info.signo); /* ALRM's is to end the process, as POSIX */
}

int xsig__os_timer_create_locked(struct xsig__timer *t)
{
  t->os.tp = CreateThreadpoolTimer(expired, t, NULL);
  t->os.next_us = 0;
  t->os.interval_us = 0;
  return t->os.tp ? 0 : XSIG_ESYS;
}

int xsig__os_timer_get_locked(struct xsig__timer *t, xsig_timerval_t *cur)
{
  int64_t left = t->os.next_us ? t->os.next_us - xsig__os_now_us() : 0;
  cur->value_us = t->os.next_us == 0 ? 0 : left > 0 ? left : 1; /* due: still armed */
  cur->interval_us = t->os.interval_us;
  return 0;
}

int xsig__os_timer_set_locked(struct xsig__timer *t, int abs, const xsig_timerval_t *tv,
                              xsig_timerval_t *old)
{
  int64_t now = xsig__os_now_us();
  if (old)
    xsig__os_timer_get_locked(t, old);
  t->os.settings++;
  t->os.interval_us = tv->interval_us;
  if (tv->value_us == 0) {
    t->os.next_us = 0;
    SetThreadpoolTimer(t->os.tp, NULL, 0, 0);
    return 0;
  }
  t->os.next_us = abs ? tv->value_us : now + tv->value_us;
  if (t->os.next_us == 0)
    t->os.next_us = 1; /* 0 means disarmed */
  arm_locked(t, now);
  return 0;
}

void xsig__os_timer_destroy(struct xsig__timer *t)
{
  SetThreadpoolTimer(t->os.tp, NULL, 0, 0);
  WaitForThreadpoolTimerCallbacks(t->os.tp, TRUE);
  CloseThreadpoolTimer(t->os.tp);
  t->os.tp = NULL;
}

int xsig__os_itimer_locked(const xsig_timerval_t *tv, xsig_timerval_t *old)
{
  int err;
  if (alarm_timer.os.tp == NULL && (err = xsig__os_timer_create_locked(&alarm_timer)) != 0)
    return err;
  if (tv == NULL)
    return xsig__os_timer_get_locked(&alarm_timer, old);
  return xsig__os_timer_set_locked(&alarm_timer, 0, tv, old);
}

void xsig__os_itimer_shutdown(void)
{
  xsig__timers_lock();
  alarm_timer.dying = 1;
  xsig__timers_unlock();
  if (alarm_timer.os.tp)
    xsig__os_timer_destroy(&alarm_timer);
  xsig__timers_lock();
  alarm_timer.dying = 0;
  alarm_timer.os.next_us = 0;
  alarm_timer.os.interval_us = 0;
  xsig__timers_unlock();
}
