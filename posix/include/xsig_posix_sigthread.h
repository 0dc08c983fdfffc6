/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix: the names of <signal.h> that need the pthread types
 * (pthread_kill, pthread_sigmask, struct sigevent). Included by the
 * layer's <signal.h> and <pthread.h>, whichever completes last; not meant
 * to be included directly.
 */
#ifndef XSIG_POSIX_SIGTHREAD_H
#define XSIG_POSIX_SIGTHREAD_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__MINGW32__)
typedef pthread_attr_t xsig_posix_pthread_attr_t;
#else
typedef void xsig_posix_pthread_attr_t; /* MSVC: no pthreads library */
#endif

struct sigevent {
  int sigev_notify;             /* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD */
  int sigev_signo;
  union sigval sigev_value;
  void (*sigev_notify_function)(union sigval);
  xsig_posix_pthread_attr_t *sigev_notify_attributes;
};

/* winpthreads defines pthread_sigmask as a macro that does nothing and
 * returns 0, and has a pthread_kill of its own that only checks the
 * thread: both become the layer's. */
#undef pthread_sigmask
#define pthread_sigmask xsig_posix_pthread_sigmask
XSIG_POSIX_API int xsig_posix_pthread_sigmask(int how, const sigset_t *set, sigset_t *oset);

#if defined(__MINGW32__)
# undef pthread_kill
# define pthread_kill xsig_posix_pthread_kill
XSIG_POSIX_API int xsig_posix_pthread_kill(pthread_t thread, int sig);
#endif

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_SIGTHREAD_H */
