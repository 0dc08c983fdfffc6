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
    xsig_posix__to_xsig(waitmask, &xs);
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

/* Takes a signal of set: what the layer holds for this thread or the
 * process first, else xsig's. timeout_ms < 0: forever. Returns the
 * signal, or an XSIG_E* code. */
static int take(const sigset_t *set, siginfo_t *info, int timeout_ms)
{
  struct xp_thread *self;
  struct xp_item *it;
  xsig_sigset_t xs;
  xsig_info_t xi;
  uint64_t want;
  int sig;
  if (set == NULL)
    return XSIG_EINVAL;
  want = xsig_posix__bits(set) & ~XSIG_POSIX_UNBLOCKABLE;
  if (want == 0)
    return XSIG_EINVAL;
  self = xp_self();
  xp_lock();
  it = xp_take_locked(self, want);
  if (it == NULL && self)
    self->sigwait_set = want;
  xp_unlock();
  if (it) {
    sig = it->info.si_signo;
    if (info)
      *info = it->info;
    free(it);
    return sig;
  }
  xsig_posix__to_xsig(want, &xs);
  sig = xsig_sigwait(&xs, timeout_ms, &xi);
  if (self) {
    xp_lock();
    self->sigwait_set = 0;
    xp_unlock();
  }
  if (sig > 0 && info)
    xsig_posix__info_from_xsig(&xi, info);
  return sig;
}

static int timeout_ms_of(const struct timespec *ts, int *ms)
{
  int64_t us;
  if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
    return XSIG_EINVAL;
  us = (int64_t)ts->tv_sec * 1000000 + (ts->tv_nsec + 999) / 1000;
  *ms = us / 1000 > 0x7ffffffe ? 0x7ffffffe : (int)((us + 999) / 1000);
  return 0;
}

int sigwait(const sigset_t *set, int *sig)
{
  int r;
  if (xsig_posix__init())
    return errno;
  r = take(set, NULL, -1);
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
  r = take(set, info, -1);
  return r < 0 ? xsig_posix__fail(r) : r;
}

int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
  int r, ms = -1;
  if (xsig_posix__init())
    return -1;
  if (timeout && (r = timeout_ms_of(timeout, &ms)) != 0)
    return xsig_posix__fail(r);
  r = take(set, info, ms);
  return r < 0 ? xsig_posix__fail(r) : r;
}
