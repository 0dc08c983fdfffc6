/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <setjmp.h>: the C library's, plus sigjmp_buf, sigsetjmp and
 * siglongjmp. sigsetjmp(env, savemask) saves the calling thread's signal
 * mask when savemask is not 0, and siglongjmp then restores it; it may be
 * called from a signal handler, also one of a fault (SIGSEGV, SIGFPE...)
 * on the faulting thread.
 */
#ifndef XSIG_POSIX_SETJMP_H
#define XSIG_POSIX_SETJMP_H

#include "xsig_posix.h"

#if defined(__GNUC__) || defined(__clang__)
# pragma GCC system_header /* #include_next is an extension: no -pedantic warning */
# include_next <setjmp.h>
#elif defined(_MSC_VER)
# ifdef XSIG_POSIX_MSVC_SETJMP_H
#  include XSIG_POSIX_MSVC_SETJMP_H
# else
#  include <../include/setjmp.h>
# endif
#else
# error "xsig-posix <setjmp.h>: unknown compiler; define how to reach the C library's <setjmp.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Begins as xsig's xsig_jmp_buf (the jmp_buf, then xsig's mask). */
typedef struct xsig_posix_sigjmp {
  jmp_buf xsig__jb;
  unsigned long long xsig__xmask[2];
  int xsig__save;
} sigjmp_buf[1];

XSIG_POSIX_API jmp_buf *xsig_posix_sigsetjmp_prepare(struct xsig_posix_sigjmp *env, int savemask);
#define sigsetjmp(env, savemask) setjmp(*xsig_posix_sigsetjmp_prepare((env), (savemask)))
XSIG_POSIX_API void siglongjmp(sigjmp_buf env, int val);

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_SETJMP_H */
