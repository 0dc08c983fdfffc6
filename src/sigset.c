/* SPDX-License-Identifier: MIT */
/* Signal sets: a bit per signal number, 1..127. */
#include <string.h>
#include "internal.h"

void xsig__set_add(xsig_sigset_t *set, int sig)
{
  set->bits[sig >> 6] |= 1ull << (sig & 63);
}

void xsig__set_del(xsig_sigset_t *set, int sig)
{
  set->bits[sig >> 6] &= ~(1ull << (sig & 63));
}

int xsig__set_has(const xsig_sigset_t *set, int sig)
{
  return (int)((set->bits[sig >> 6] >> (sig & 63)) & 1);
}

int xsig_sigemptyset(xsig_sigset_t *set)
{
  if (set == NULL)
    return XSIG_EINVAL;
  memset(set, 0, sizeof *set);
  return 0;
}

int xsig_sigfillset(xsig_sigset_t *set)
{
  int sig;
  if (set == NULL)
    return XSIG_EINVAL;
  memset(set, 0, sizeof *set);
  for (sig = 1; sig < XSIG_NSIG; sig++)
    if (xsig_valid(sig))
      xsig__set_add(set, sig);
  return 0;
}

int xsig_sigaddset(xsig_sigset_t *set, int sig)
{
  int err = set ? xsig__check(sig) : XSIG_EINVAL;
  if (err == 0)
    xsig__set_add(set, sig);
  return err;
}

int xsig_sigdelset(xsig_sigset_t *set, int sig)
{
  int err = set ? xsig__check(sig) : XSIG_EINVAL;
  if (err == 0)
    xsig__set_del(set, sig);
  return err;
}

/* 1 or 0 only: an error would be true in an `if` (nothing holds a
 * number that is no signal, a NULL set holds nothing). */
int xsig_sigismember(const xsig_sigset_t *set, int sig)
{
  return set && xsig_valid(sig) && xsig__set_has(set, sig);
}

int xsig_sigisempty(const xsig_sigset_t *set)
{
  if (set == NULL)
    return 1;
  return set->bits[0] == 0 && set->bits[1] == 0;
}

int xsig_sigandset(xsig_sigset_t *dst, const xsig_sigset_t *a, const xsig_sigset_t *b)
{
  if (dst == NULL || a == NULL || b == NULL)
    return XSIG_EINVAL;
  dst->bits[0] = a->bits[0] & b->bits[0];
  dst->bits[1] = a->bits[1] & b->bits[1];
  return 0;
}

int xsig_sigorset(xsig_sigset_t *dst, const xsig_sigset_t *a, const xsig_sigset_t *b)
{
  if (dst == NULL || a == NULL || b == NULL)
    return XSIG_EINVAL;
  dst->bits[0] = a->bits[0] | b->bits[0];
  dst->bits[1] = a->bits[1] | b->bits[1];
  return 0;
}
