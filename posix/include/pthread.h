/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <pthread.h>: winpthreads' header, plus the layer's
 * pthread_sigmask and pthread_kill (POSIX declares them in <signal.h>
 * too) and a pthread_create whose new thread starts with its creator's
 * signal mask, as POSIX asks (docs/posix.md).
 */
#ifndef XSIG_POSIX_PTHREAD_H
#define XSIG_POSIX_PTHREAD_H

#include "xsig_posix.h"

#if defined(__GNUC__) || defined(__clang__)
# pragma GCC system_header /* #include_next is an extension: no -pedantic warning */
# include_next <pthread.h>
#else
# error "xsig-posix <pthread.h>: needs a pthreads library reached with #include_next (mingw-w64's winpthreads); with MSVC use the layer's <signal.h> alone"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#undef pthread_create
#define pthread_create xsig_posix_pthread_create
XSIG_POSIX_API int xsig_posix_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                                             void *(*start)(void *), void *arg);

#ifdef __cplusplus
}
#endif

#define XSIG_POSIX_PTHREAD_DONE
#if defined(XSIG_POSIX_SIGNAL_DEFS_DONE)
# include "xsig_posix_sigthread.h"
#endif

#endif /* XSIG_POSIX_PTHREAD_H */
