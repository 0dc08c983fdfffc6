/* SPDX-License-Identifier: MIT */
/* xsig-posix: sigprocmask, pthread_sigmask, sigpending, sigsuspend. */
#include "state.h"

/* Sets the calling thread's mask; what it unblocks runs here before
 * return (xsig runs what it holds, the layer what it holds). */
int xp_setmask(int how, uint64_t set, int has_set, uint64_t *old)
{
  struct xp_thread *self = xp_self();
  xsig_sigset_t xs, xold, xnow;
  uint64_t now, before;
  int err;
  if (how == SIG_SETMASK)
    xsig_posix__to_xsig_mask(set, &xs);
  else
    xsig_posix__to_xsig(set, &xs);
  /* blocking first reaches the signal thread, so that it cannot take
   * what every program thread now blocks */
  if (has_set && how != SIG_UNBLOCK && self) {
    xp_lock();
    before = self->mask;
    self->mask = before | set; /* only what it adds, for now: what it
                                  takes away waits until xsig has run,
                                  here, what that lets through */
    self->mask &= ~XSIG_POSIX_UNBLOCKABLE;
    xp_unlock();
    xp_signal_thread_follow(1);
  }
  err = xsig_sigmask(how, has_set ? &xs : NULL, &xold);
  if (err)
    return err;
  if (old)
    *old = xsig_posix__from_xsig(&xold);
  if (!has_set)
    return 0;
  xsig_sigmask(XSIG_BLOCK, NULL, &xnow);
  now = xsig_posix__from_xsig(&xnow);
  if (self) {
    xp_lock();
    self->mask = now;
    xp_unlock();
    xp_signal_thread_follow(0);
  }
  xsig_posix__run_own(now);
  return 0;
}

int xsig_posix_pthread_sigmask(int how, const sigset_t *set, sigset_t *oset)
{
  uint64_t old;
  int err;
  if (xsig_posix__init())
    return errno;
  if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
    return EINVAL;
  err = xp_setmask(set ? how : SIG_BLOCK, set ? xsig_posix__bits(set) : 0, set != NULL, &old);
  if (err)
    return xsig_posix__errno_of(err);
  if (oset)
    xsig_posix__set_bits(oset, old);
  return 0;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *oset)
{
  int err = xsig_posix_pthread_sigmask(how, set, oset);
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}

int sigpending(sigset_t *set)
{
  struct xp_thread *self;
  xsig_sigset_t xs;
  uint64_t bits;
  int err;
  if (xsig_posix__init())
    return -1;
  if (set == NULL) {
    errno = EFAULT;
    return -1;
  }
  err = xsig_sigpending(&xs);
  if (err)
    return xsig_posix__fail(err);
  bits = xsig_posix__from_xsig(&xs);
  self = xp_self();
  xp_lock();
  bits |= xp_list_bits_locked(xp_held);
  if (self)
    bits |= xp_list_bits_locked(self->head);
  xp_unlock();
  /* a pending signal is one generated and blocked */
  xsig_posix__set_bits(set, bits & xp_current_mask());
  return 0;
}

int sigsuspend(const sigset_t *mask)
{
  if (xsig_posix__init())
    return -1;
  if (mask == NULL) {
    errno = EFAULT;
    return -1;
  }
  for (;;) {
    int r = xsig_posix__wait(NULL, 0, 0, -1, mask);
    if (r == -1)
      return -1;
  }
}
