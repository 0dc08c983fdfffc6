/* SPDX-License-Identifier: MIT */
/* xsig-posix: sigsetjmp and siglongjmp, on xsig's xsig_setjmp and
 * xsig_longjmp (which also leave a fault handler properly). */
#include <stddef.h>
#include <setjmp.h>
#include "state.h"

_Static_assert(offsetof(struct xsig_posix_sigjmp, xsig__xmask) == offsetof(xsig_jmp_buf, mask) &&
                 sizeof(((struct xsig_posix_sigjmp *)0)->xsig__xmask) == sizeof(xsig_sigset_t),
               "sigjmp_buf must begin as xsig_jmp_buf");

jmp_buf *xsig_posix_sigsetjmp_prepare(struct xsig_posix_sigjmp *env, int savemask)
{
  env->xsig__save = savemask != 0;
  return xsig__jmp_prepare((xsig_jmp_buf *)(void *)env);
}

void siglongjmp(sigjmp_buf env, int val)
{
  xsig_jmp_buf *xb = (xsig_jmp_buf *)(void *)env;
  struct xp_thread *self = xp_self();
  if (!env->xsig__save)
    xsig_sigmask(XSIG_BLOCK, NULL, &xb->mask); /* the mask stays as it is */
  if (self) {
    xp_lock();
    self->mask = xsig_posix__from_xsig(&xb->mask);
    xp_unlock();
    xp_signal_thread_follow(0);
    self->on_alt = 0;
  }
  xsig_longjmp(xb, val);
}
