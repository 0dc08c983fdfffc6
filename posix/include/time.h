/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <time.h>: the toolchain's own <time.h> (mingw-w64 brings
 * struct timespec, clockid_t, CLOCK_* and TIMER_ABSTIME from winpthreads'
 * pthread_time.h), plus POSIX timers (timer_t, struct itimerspec,
 * timer_create...) and the layer's nanosleep and clock_nanosleep, which
 * end with EINTR when a handler runs (docs/posix.md, "Time").
 */
#ifndef XSIG_POSIX_TIME_DROPIN_H
#define XSIG_POSIX_TIME_DROPIN_H

#include "xsig_posix.h"

#if defined(__GNUC__) || defined(__clang__)
# pragma GCC system_header /* #include_next is an extension: no -pedantic warning */
# include_next <time.h>
#elif defined(_MSC_VER)
# ifdef XSIG_POSIX_UCRT_TIME_H
#  include XSIG_POSIX_UCRT_TIME_H
# else
#  include <../ucrt/time.h>
# endif
#else
# error "xsig-posix <time.h>: unknown compiler; define how to reach the C library's <time.h>"
#endif

struct sigevent; /* <signal.h> defines it (winpthreads' pthread.h includes this header) */

#ifdef __cplusplus
extern "C" {
#endif

/* MSVC's UCRT has none of these; mingw-w64 has them with these values. */
#ifndef __clockid_t_defined
# define __clockid_t_defined 1
typedef int clockid_t;
#endif
#ifndef CLOCK_REALTIME
# define CLOCK_REALTIME 0
#endif
#ifndef CLOCK_MONOTONIC
# define CLOCK_MONOTONIC 1
#endif
#ifndef CLOCK_PROCESS_CPUTIME_ID
# define CLOCK_PROCESS_CPUTIME_ID 2
#endif
#ifndef CLOCK_THREAD_CPUTIME_ID
# define CLOCK_THREAD_CPUTIME_ID 3
#endif
#ifndef TIMER_ABSTIME
# define TIMER_ABSTIME 1
#endif

/* A timer of timer_create: a number, never a pointer, so that one that is
 * not (deleted, made up) gives EINVAL. */
#ifndef XSIG_POSIX_TIMER_T
# define XSIG_POSIX_TIMER_T
typedef void *timer_t;
#endif

#if !defined(XSIG_POSIX_ITIMERSPEC) && !defined(__MINGW32__) /* mingw-w64: with struct timespec */
# define XSIG_POSIX_ITIMERSPEC
struct itimerspec {
  struct timespec it_interval;
  struct timespec it_value;
};
#endif

XSIG_POSIX_API int timer_create(clockid_t clock, struct sigevent *ev, timer_t *timer);
XSIG_POSIX_API int timer_delete(timer_t timer);
XSIG_POSIX_API int timer_settime(timer_t timer, int flags, const struct itimerspec *value,
                                 struct itimerspec *ovalue);
XSIG_POSIX_API int timer_gettime(timer_t timer, struct itimerspec *value);
XSIG_POSIX_API int timer_getoverrun(timer_t timer);

/* winpthreads has nanosleep and clock_nanosleep, which a signal cannot
 * interrupt: these names become the layer's. */
#undef nanosleep
#undef clock_nanosleep
#define nanosleep xsig_posix_nanosleep
#define clock_nanosleep xsig_posix_clock_nanosleep
XSIG_POSIX_API int xsig_posix_nanosleep(const struct timespec *req, struct timespec *rem);
XSIG_POSIX_API int xsig_posix_clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
                                              struct timespec *rem);

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_TIME_DROPIN_H */
