/* SPDX-License-Identifier: MIT */
/* Timers, shared: ids, argument checks, the alarm, and the overrun count
 * of a timer's signal; the platform arms them (src/unix/timer.c: the
 * kernel's timers; src/win/timer.c: thread-pool timers).
 *
 * timers_lock guards slots[] and next_gen (and, on Windows, each slot's
 * os part and the alarm's). Lock order: the state lock, then timers_lock
 * (taking a timer's signal records its overrun under the state lock);
 * nothing that holds timers_lock posts a signal. */
#include <string.h>
#include "internal.h"

/* Longest time a timer takes: microseconds that still fit in nanoseconds. */
#define MAX_US (INT64_MAX / 1000)
/* Ids are slot + 1 + XSIG_TIMER_MAX * generation, and stay positive ints. */
#define MAX_GEN (INT32_MAX / XSIG_TIMER_MAX - 1)

static xsig__mutex_t timers_lock = XSIG__MUTEX_INIT;
static struct xsig__timer slots[XSIG_TIMER_MAX];
static int next_gen;
static int alarm_set; /* xsig armed the alarm: the last shutdown disarms it */

void xsig__timers_lock(void) { xsig__mutex_lock(&timers_lock); }
void xsig__timers_unlock(void) { xsig__mutex_unlock(&timers_lock); }

static struct xsig__timer *find_locked(int id)
{
  struct xsig__timer *t;
  if (id <= 0)
    return NULL;
  t = &slots[(id - 1) % XSIG_TIMER_MAX];
  return t->id == id && !t->dying ? t : NULL;
}

static int check_timerval(const xsig_timerval_t *tv)
{
  if (tv == NULL || tv->value_us < 0 || tv->interval_us < 0)
    return XSIG_EINVAL;
  return tv->value_us > MAX_US || tv->interval_us > MAX_US ? XSIG_ERANGE : 0;
}

int64_t xsig_clock_us(void) { return xsig__os_now_us(); }

int xsig_timer_create(int sig, intptr_t value)
{
  struct xsig__timer *t = NULL;
  int i, err;
  if ((err = xsig__check(sig)) != 0)
    return err;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__timers_lock();
  for (i = 0; i < XSIG_TIMER_MAX && t == NULL; i++)
    if (slots[i].id == 0 && !slots[i].dying)
      t = &slots[i];
  if (t == NULL) {
    xsig__timers_unlock();
    return XSIG_EAGAIN;
  }
  memset(t, 0, sizeof *t);
  t->id = (int)(t - slots) + 1 + XSIG_TIMER_MAX * next_gen;
  next_gen = next_gen == MAX_GEN ? 0 : next_gen + 1;
  t->sig = sig;
  t->value = value;
  t->code = XSIG_SI_TIMER;
  if ((err = xsig__os_timer_create_locked(t)) != 0)
    t->id = 0;
  xsig__timers_unlock();
  return err ? err : (int)(t->id);
}

int xsig_timer_settime(int id, int flags, const xsig_timerval_t *tv, xsig_timerval_t *old)
{
  struct xsig__timer *t;
  int err, others = 0;
  if ((err = check_timerval(tv)) != 0)
    return err;
  if (flags & ~XSIG_TIMER_ABSTIME)
    return XSIG_EINVAL;
  /* The pending signal of the old setting goes with it: what has arrived
   * is collected (POSIX: the pipe's records), then dropped under the state
   * lock, taken first (the lock order). An expiry the Windows pool had
   * already begun does not come after: src/win/timer.c posts it only if
   * the timer still has the setting it was made for. */
  xsig__os_collect();
  xsig__lock();
  xsig__timers_lock();
  if ((t = find_locked(id)) == NULL) {
    err = XSIG_ETIMER;
  } else {
    err = xsig__os_timer_set_locked(t, flags & XSIG_TIMER_ABSTIME, tv, old);
    if (err == 0)
      others = xsig__timer_signal_drop_locked(t->sig, id);
  }
  xsig__timers_unlock();
  xsig__unlock();
  if (others)
    xsig__os_wake(); /* collecting made the waitable not ready */
  return err;
}

int xsig_timer_gettime(int id, xsig_timerval_t *cur)
{
  struct xsig__timer *t;
  int err;
  if (cur == NULL)
    return XSIG_EINVAL;
  xsig__timers_lock();
  if ((t = find_locked(id)) == NULL)
    err = XSIG_ETIMER;
  else
    err = xsig__os_timer_get_locked(t, cur);
  xsig__timers_unlock();
  return err;
}

int xsig_timer_getoverrun(int id)
{
  struct xsig__timer *t;
  int n;
  xsig__timers_lock();
  n = (t = find_locked(id)) ? t->last_overrun : XSIG_ETIMER;
  xsig__timers_unlock();
  return n;
}

/* Marked dying under the lock, destroyed without it (Windows waits for an
 * expiry in flight, which takes the lock), freed under it again. */
static void destroy(struct xsig__timer *t)
{
  xsig__os_timer_destroy(t);
  xsig__timers_lock();
  t->id = 0;
  t->dying = 0;
  xsig__timers_unlock();
}

int xsig_timer_delete(int id)
{
  struct xsig__timer *t;
  int sig = 0, others;
  xsig__timers_lock();
  if ((t = find_locked(id)) != NULL) {
    t->dying = 1;
    sig = t->sig;
  }
  xsig__timers_unlock();
  if (t == NULL)
    return XSIG_ETIMER;
  destroy(t); /* no expiry of it is posted after this */
  xsig__os_collect();
  xsig__lock();
  others = xsig__timer_signal_drop_locked(sig, id);
  xsig__unlock();
  if (others)
    xsig__os_wake();
  return 0;
}

/* --- the process's one alarm ------------------------------------------- */

int xsig_setitimer(const xsig_timerval_t *tv, xsig_timerval_t *old)
{
  int err;
  if ((err = check_timerval(tv)) != 0)
    return err;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__timers_lock();
  if ((err = xsig__os_itimer_locked(tv, old)) == 0)
    alarm_set = 1;
  xsig__timers_unlock();
  return err;
}

int xsig_getitimer(xsig_timerval_t *cur)
{
  int err;
  if (cur == NULL)
    return XSIG_EINVAL;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__timers_lock();
  err = xsig__os_itimer_locked(NULL, cur);
  xsig__timers_unlock();
  return err;
}

int xsig_alarm(unsigned seconds)
{
  xsig_timerval_t tv, old;
  int64_t left;
  int err;
  if (seconds > INT32_MAX)
    return XSIG_ERANGE;
  tv.value_us = (int64_t)seconds * 1000000;
  tv.interval_us = 0;
  if ((err = xsig_setitimer(&tv, &old)) != 0)
    return err;
  left = (old.value_us + 500000) / 1000000;
  return old.value_us > 0 && left == 0 ? 1 : (int)left;
}

/* --- the delivery path (src/signal.c, the platforms) -------------------- */

/* The tag that marks a kernel timer's value as one of ours (POSIX). */
#if UINTPTR_MAX > 0xFFFFFFFFu
# define TAG ((uintptr_t)0x58534947u << 32) /* "XSIG" */
#else
# define TAG ((uintptr_t)0)
#endif

intptr_t xsig__timer_tag(int id) { return (intptr_t)(TAG | (uintptr_t)(unsigned)id); }

int xsig__timer_resolve(xsig_info_t *info)
{
  uintptr_t v = (uintptr_t)info->value;
  struct xsig__timer *t;
  int id = (int)(unsigned)(v & 0x7FFFFFFFu);
  if ((v & ~(uintptr_t)0x7FFFFFFFu) != TAG)
    return 1; /* a timer other code made: its value as it is */
  xsig__timers_lock();
  if ((t = find_locked(id)) != NULL) {
    info->value = t->value;
    info->os_code = (uint32_t)id;
  }
  xsig__timers_unlock();
  return t != NULL;
}

void xsig__timer_taken(const xsig_info_t *info)
{
  struct xsig__timer *t;
  xsig__timers_lock();
  if ((t = find_locked((int)info->os_code)) != NULL)
    t->last_overrun = info->status;
  xsig__timers_unlock();
}

void xsig__timers_shutdown(void)
{
  xsig_timerval_t off = { 0, 0 };
  int i, any;
  do {
    struct xsig__timer *t = NULL;
    xsig__timers_lock();
    for (i = 0; i < XSIG_TIMER_MAX && t == NULL; i++)
      if (slots[i].id != 0 && !slots[i].dying)
        t = &slots[i];
    if (t)
      t->dying = 1;
    xsig__timers_unlock();
    if ((any = t != NULL) != 0)
      destroy(t);
  } while (any);
  xsig__timers_lock();
  if (alarm_set)
    xsig__os_itimer_locked(&off, NULL);
  alarm_set = 0;
  xsig__timers_unlock();
  xsig__os_itimer_shutdown();
}

/* POSIX: the child of fork() has no timers, and no alarm. */
void xsig__timers_after_fork(void)
{
  xsig__mutex_reinit(&timers_lock);
  memset(slots, 0, sizeof slots);
  alarm_set = 0;
}
