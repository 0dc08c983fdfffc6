/* Interruptible waiting: the EINTR analog on both platforms. */
#include "internal.h"

/* Dispatches, then waits; returns XSIG_EINTR as soon as a handler has run on
 * this thread (here or in an APC during the wait). */
static int wait_interruptibly(xsig_os_handle_t h, int has_h, int timeout_ms)
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
    if (timeout_ms >= 0) {
      int64_t now = xsig__os_now_ms();
      if (now >= deadline && timeout_ms > 0)
        return XSIG_ETIMEDOUT;
      left = (int)(deadline - now);
    }
    r = xsig__os_wait(h, has_h, left);
    if (xsig__handlers_done() != before)
      return XSIG_EINTR;
    if (r != 0)
      return r;
    if (timeout_ms == 0)
      return XSIG_ETIMEDOUT;
  }
}

int xsig_sleep(unsigned ms)
{
  xsig_os_handle_t none;
  int r;
  if (ms > 0x7fffffffu)
    return XSIG_ERANGE;
  none = xsig_waitable();
  r = wait_interruptibly(none, 0, (int)ms);
  return r == XSIG_ETIMEDOUT ? 0 : r;
}

int xsig_wait_os(xsig_os_handle_t h, int timeout_ms)
{
  return wait_interruptibly(h, 1, timeout_ms);
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
    r = wait_interruptibly(xsig_waitable(), 0, -1);
  while (r != XSIG_EINTR && r != XSIG_ESYS);
  xsig__os_mask_set(&saved);
  return r;
}
