/* SPDX-License-Identifier: MIT */
/* xsig-posix: the interruptible wait (internal.h says how to use it), and
 * sigwait, sigwaitinfo, sigtimedwait. */
#include <stdlib.h>
#include <time.h>
#include "state.h"

int64_t xsig_posix__deadline_ns(int64_t ns)
{
  if (ns < 0)
    return -1;
  return xsig_clock_us() + (ns + 999) / 1000;
}

/* Milliseconds to the deadline, rounded up; -1 for none. */
static int ms_left(int64_t deadline_us)
{
  int64_t left;
  if (deadline_us < 0)
    return -1;
  left = deadline_us - xsig_clock_us();
  if (left <= 0)
    return 0;
  left = (left + 999) / 1000;
  return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

static void set_waiting(struct xp_thread *self, int on, uint64_t waitmask)
{
  xp_lock();
  self->waiting = on;
  self->waitmask = waitmask;
  xp_unlock();
}

/* Handlers ran since *before: 1 to return EINTR, 0 to go on (none ran, or
 * all had SA_RESTART and the caller restarts). */
static int interrupted(struct xp_thread *self, struct xsig_posix__runs *before, int flags)
{
  if (self->runs.ran == before->ran)
    return 0;
  if ((flags & XSIG_POSIX_WAIT_RESTART) && self->runs.ran_norestart == before->ran_norestart) {
    *before = self->runs;
    return 0;
  }
  return 1;
}

int xsig_posix__wait(const HANDLE *h, int n, int flags, int64_t deadline_us, const sigset_t *mask)
{
  struct xp_thread *self;
  struct xsig_posix__runs before;
  HANDLE hs[XSIG_WAIT_MAX];
  xsig_sigset_t xs, saved;
  uint64_t waitmask;
  int i, r, result;
  if (xsig_posix__init())
    return -1;
  self = xp_self();
  if (self == NULL || n < 0 || n > XSIG_WAIT_MAX - 1 || (n > 0 && h == NULL)) {
    errno = self == NULL ? ENOMEM : EINVAL;
    return -1;
  }
  for (i = 0; i < n; i++)
    hs[i] = h[i];
  hs[n] = self->wake;
  before = self->runs;
  if (mask) {
    waitmask = xsig_posix__bits(mask) & ~XSIG_POSIX_UNBLOCKABLE;
    set_waiting(self, 1, waitmask);
    xsig_posix__to_xsig_mask(waitmask, &xs);
    xsig_sigmask(XSIG_SETMASK, &xs, &saved); /* runs what it unblocks */
  } else {
    waitmask = xp_current_mask();
    set_waiting(self, 1, waitmask);
  }
  for (;;) {
    xsig_posix__run_own(waitmask);
    if (interrupted(self, &before, flags)) {
      result = -1;
      errno = EINTR;
      break;
    }
    r = xsig_wait_many(hs, n + 1, (flags & XSIG_POSIX_WAIT_CHILDREN) ? XSIG_WAIT_CHILDREN : 0,
                       ms_left(deadline_us));
    if (r >= 0 && r < n) {
      result = r;
      break;
    }
    if (r == n + 1) {
      result = n;
      break;
    }
    if (r == n || r == XSIG_EINTR)
      continue; /* handed a signal, or xsig ran one: counted above */
    if (r == XSIG_ETIMEDOUT) {
      if (deadline_us >= 0 && xsig_clock_us() < deadline_us)
        continue; /* woke a little early */
      result = XSIG_POSIX_TIMEDOUT;
      break;
    }
    result = xsig_posix__fail(r);
    break;
  }
  set_waiting(self, 0, 0);
  if (mask)
    xsig_sigmask(XSIG_SETMASK, &saved, NULL);
  xsig_posix__run_own(xp_current_mask()); /* handed over as it ended */
  return result;
}

/* ---- sigwait, sigwaitinfo, sigtimedwait --------------------------------- */

/* A nudge meant for another thread in sigwait* that this one took: post
 * it again while another such thread has something handed to it. */
static void pass_nudge_on(struct xp_thread *self)
{
  struct xp_thread *t;
  int other = 0;
  xp_lock();
  for (t = xp_threads_locked(); t && !other; t = t->next)
    if (t != self && t->sigwait_set) /* something it would take */
      other = (xp_list_bits_locked(t->head) &
               (t->sigwait_set | (t->waiting ? ~t->waitmask : 0))) != 0;
  xp_unlock();
  if (other) {
    xp_nudge();
    Sleep(0); /* let it take it */
  }
}

/* Takes a signal of set: what the layer holds for this thread or the
 * process first, else xsig's, until deadline_us (-1: none). Meanwhile
 * the signals this thread lets through and handles run their handlers
 * here (xsig's sigwait takes them too, as POSIX delivers them to this
 * thread); with eintr, the first such ends the wait (sigwaitinfo,
 * sigtimedwait), else it goes on (sigwait). Returns the signal, or an
 * XSIG_E* code (XSIG_EINTR, XSIG_ETIMEDOUT...). */
static int take(const sigset_t *set, siginfo_t *info, int64_t deadline_us, int eintr)
{
  struct xp_thread *self;
  struct xsig_posix__runs before;
  struct xp_item *it;
  xsig_sigset_t xs;
  xsig_info_t xi;
  siginfo_t si;
  uint64_t want, cur, handled_here;
  int sig;
  if (set == NULL)
    return XSIG_EINVAL;
  /* An empty set is no error (POSIX lists none; Linux waits): it waits
   * out its time, or until a handler runs here. */
  want = xsig_posix__bits(set) & ~XSIG_POSIX_UNBLOCKABLE;
  self = xp_self();
  if (self == NULL)
    return XSIG_ENOMEM;
  cur = xp_current_mask();
  handled_here = xp_handled() & ~cur & ~want;
  xp_lock();
  self->sigwait_set = want;
  if (handled_here) {
    self->waiting = 1; /* the signal thread hands those to it */
    self->waitmask = cur;
  }
  xp_unlock();
  before = self->runs;
  xsig_posix__to_xsig(want | handled_here, &xs);
  xsig_sigaddset(&xs, XP_NUDGE);
  for (;;) {
    xp_lock();
    it = xp_take_locked(self, want);
    xp_unlock();
    if (it) {
      sig = it->info.si_signo;
      if (info)
        *info = it->info;
      free(it);
      break;
    }
    xsig_posix__run_own(cur);
    if (eintr && self->runs.ran != before.ran) {
      sig = XSIG_EINTR;
      break;
    }
    sig = xsig_sigwait(&xs, ms_left(deadline_us), &xi);
    if (sig == XSIG_ETIMEDOUT && deadline_us >= 0 && xsig_clock_us() < deadline_us)
      continue;
    if (sig < 0)
      break;
    if (sig == XP_NUDGE) {
      pass_nudge_on(self);
      continue;
    }
    xsig_posix__info_from_xsig(&xi, &si);
    if (want & XSIG_POSIX_BIT(sig)) {
      if (info)
        *info = si;
      break;
    }
    xp_run(&si, NULL); /* delivered to this thread: its handler, here */
  }
  xp_lock();
  self->sigwait_set = 0;
  self->waiting = 0;
  xp_unlock();
  return sig;
}

static int deadline_of(const struct timespec *ts, int64_t *deadline_us)
{
  if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
    return XSIG_EINVAL;
  if (ts->tv_sec > 100000000) /* three years: as good as forever */
    *deadline_us = -1;
  else
    *deadline_us = xsig_posix__deadline_ns((int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec);
  return 0;
}

int sigwait(const sigset_t *set, int *sig)
{
  int r;
  if (xsig_posix__init())
    return errno;
  r = take(set, NULL, -1, 0);
  if (r < 0)
    return xsig_posix__errno_of(r);
  if (sig)
    *sig = r;
  return 0;
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
  int r;
  if (xsig_posix__init())
    return -1;
  r = take(set, info, -1, 1);
  return r < 0 ? xsig_posix__fail(r) : r;
}

int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
  int64_t deadline = -1;
  int r;
  if (xsig_posix__init())
    return -1;
  if (timeout && (r = deadline_of(timeout, &deadline)) != 0)
    return xsig_posix__fail(r);
  r = take(set, info, deadline, 1);
  return r < 0 ? xsig_posix__fail(r) : r;
}
