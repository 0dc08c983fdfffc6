/* SPDX-License-Identifier: MIT */
/* xsig-posix: signal sets (a 64-bit mask, bit sig-1). Async-signal-safe. */
#include "state.h"

int xsig_posix__valid(int sig)
{
  if (sig == XP_NUDGE)
    return 0;
  return sig >= SIGRTMIN ? sig <= SIGPOLL : xsig_valid(sig);
}

uint64_t xsig_posix__bits(const sigset_t *set)
{
  return set->xsig__bits;
}

void xsig_posix__set_bits(sigset_t *set, uint64_t bits)
{
  set->xsig__bits = bits;
}

void xsig_posix__to_xsig(uint64_t bits, xsig_sigset_t *out)
{
  int sig;
  xsig_sigemptyset(out);
  for (sig = 1; bits && sig < NSIG; sig++, bits >>= 1)
    if ((bits & 1) && sig != XP_NUDGE && xsig_valid(sig))
      xsig_sigaddset(out, sig);
}

void xsig_posix__to_xsig_mask(uint64_t bits, xsig_sigset_t *out)
{
  xsig_posix__to_xsig(bits, out);
  xsig_sigaddset(out, XP_NUDGE);
}

/* Every signal of the layer (the same for the whole run: computed once;
 * a race computes the same value twice). */
static uint64_t all_bits(void)
{
  static volatile uint64_t cached;
  uint64_t bits = cached;
  int sig;
  if (bits)
    return bits;
  for (sig = 1; sig < NSIG; sig++)
    if (xsig_posix__valid(sig))
      bits |= XSIG_POSIX_BIT(sig);
  cached = bits;
  return bits;
}

uint64_t xsig_posix__from_xsig(const xsig_sigset_t *in)
{
  uint64_t bits = 0, todo = all_bits();
  int sig;
  for (sig = 1; todo; sig++, todo >>= 1)
    if ((todo & 1) && xsig_sigismember(in, sig) == 1)
      bits |= XSIG_POSIX_BIT(sig);
  return bits;
}


int sigemptyset(sigset_t *set)
{
  if (set == NULL) {
    errno = EINVAL;
    return -1;
  }
  set->xsig__bits = 0;
  return 0;
}

int sigfillset(sigset_t *set)
{
  if (set == NULL) {
    errno = EINVAL;
    return -1;
  }
  set->xsig__bits = all_bits();
  return 0;
}

int sigaddset(sigset_t *set, int sig)
{
  if (set == NULL || !xsig_posix__valid(sig)) {
    errno = EINVAL;
    return -1;
  }
  set->xsig__bits |= XSIG_POSIX_BIT(sig);
  return 0;
}

int sigdelset(sigset_t *set, int sig)
{
  if (set == NULL || !xsig_posix__valid(sig)) {
    errno = EINVAL;
    return -1;
  }
  set->xsig__bits &= ~XSIG_POSIX_BIT(sig);
  return 0;
}

int sigismember(const sigset_t *set, int sig)
{
  if (set == NULL || !xsig_posix__valid(sig)) {
    errno = EINVAL;
    return -1;
  }
  return (set->xsig__bits & XSIG_POSIX_BIT(sig)) != 0;
}

int sigisemptyset(const sigset_t *set)
{
  if (set == NULL) {
    errno = EINVAL;
    return -1;
  }
  return set->xsig__bits == 0;
}

int sigandset(sigset_t *dst, const sigset_t *a, const sigset_t *b)
{
  if (dst == NULL || a == NULL || b == NULL) {
    errno = EINVAL;
    return -1;
  }
  dst->xsig__bits = a->xsig__bits & b->xsig__bits;
  return 0;
}

int sigorset(sigset_t *dst, const sigset_t *a, const sigset_t *b)
{
  if (dst == NULL || a == NULL || b == NULL) {
    errno = EINVAL;
    return -1;
  }
  dst->xsig__bits = a->xsig__bits | b->xsig__bits;
  return 0;
}
