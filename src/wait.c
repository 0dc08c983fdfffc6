/* SPDX-License-Identifier: MIT */
/* Interruptible waiting: the EINTR analog on both platforms. */
#include <string.h>
#include "internal.h"

struct waiting {
  xsig_os_handle_t h[XSIG_WAIT_MAX + 1];
  int n;        /* the caller's handles */
  int children; /* XSIG_WAIT_CHILDREN: h[n] is the children waitable, if any */
  int nap_ms;   /* children the waitable does not cover: look this often */
};

/* One wait of at most ms (< 0: forever): what xsig__os_wait returns, or
 * n + 1 when a child has ended. */
static int wait_once(struct waiting *w, int ms)
{
  int m = w->n + (w->children && w->nap_ms < 0), r;
  if (w->children && w->nap_ms >= 0 && (ms < 0 || ms > w->nap_ms))
    ms = w->nap_ms;
  r = xsig__os_wait(w->h, m, ms);
  if (w->children && (r == w->n + 1 || (r == XSIG_ETIMEDOUT && w->nap_ms >= 0)))
    return xsig__children_ended() ? w->n + 1 : 0; /* else: go on waiting */
  return r;
}

/* Dispatches, then waits; returns XSIG_EINTR as soon as a handler has run on
 * this thread (here or in an APC during the wait), else the index of the
 * ready handle (n: a child ended). */
static int wait_interruptibly(struct waiting *w, int timeout_ms)
{
  unsigned long before = xsig__handlers_done();
  int64_t deadline = xsig__os_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
  int r, left = timeout_ms;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  for (;;) {
    xsig_dispatch();
    if (xsig__handlers_done() != before)
      return XSIG_EINTR;
    if (w->children && xsig__children_ended())
      return w->n;
    if (timeout_ms >= 0) {
      int64_t now = xsig__os_now_ms();
      if (now >= deadline && timeout_ms > 0)
        return XSIG_ETIMEDOUT;
      /* never below 0: -1 would wait forever (a poll that lost a ms) */
      left = now >= deadline ? 0 : (int)(deadline - now);
    }
    r = wait_once(w, left);
    if (xsig__handlers_done() != before)
      return XSIG_EINTR;
    if (r > 0)
      return r - 1;
    if (r < 0 && r != XSIG_ETIMEDOUT)
      return r;
    if (timeout_ms == 0)
      return XSIG_ETIMEDOUT;
  }
}

int xsig_wait_many(const xsig_os_handle_t *h, int n, int flags, int timeout_ms)
{
  struct waiting w;
  int i;
  if (n < 0 || n > XSIG_WAIT_MAX)
    return XSIG_ERANGE;
  if ((h == NULL && n > 0) || (flags & ~XSIG_WAIT_CHILDREN))
    return XSIG_EINVAL;
  for (i = 0; i < n; i++)
    if (h[i] == XSIG_NO_HANDLE)
      return XSIG_EINVAL;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  memset(&w, 0, sizeof w);
  if (n)
    memcpy(w.h, h, (size_t)n * sizeof h[0]);
  w.n = n;
  w.children = (flags & XSIG_WAIT_CHILDREN) != 0;
  if (w.children) {
    w.h[n] = xsig_children_waitable();
    w.nap_ms = xsig__children_nap_ms();
  }
  return wait_interruptibly(&w, timeout_ms);
}

int xsig_sleep(unsigned ms)
{
  int r;
  if (ms > 0x7fffffffu)
    return XSIG_ERANGE;
  r = xsig_wait_many(NULL, 0, 0, (int)ms);
  return r == XSIG_ETIMEDOUT ? 0 : r;
}

int xsig_wait_os(xsig_os_handle_t h, int timeout_ms)
{
  int r = xsig_wait_many(&h, 1, 0, timeout_ms);
  return r == 0 ? 1 : r;
}

int xsig_sigsuspend(const xsig_sigset_t *mask)
{
  xsig_sigset_t saved;
  int r;
  if (mask == NULL)
    return XSIG_EINVAL;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__os_mask_get(&saved);
  xsig__os_mask_set(mask);
  do
    r = xsig_wait_many(NULL, 0, 0, -1);
  while (r != XSIG_EINTR && r != XSIG_ESYS);
  xsig__os_mask_set(&saved);
  return r;
}
