/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <sys/time.h>: the toolchain's own (struct timeval,
 * gettimeofday) plus setitimer and getitimer (docs/posix.md, "Time").
 */
#ifndef XSIG_POSIX_SYS_TIME_DROPIN_H
#define XSIG_POSIX_SYS_TIME_DROPIN_H

#include "../xsig_posix.h"

#if defined(__GNUC__) || defined(__clang__)
# pragma GCC system_header /* #include_next is an extension: no -pedantic warning */
# include_next <sys/time.h>
#elif defined(_MSC_VER)
# include <time.h>
# include <winsock2.h> /* MSVC's struct timeval */
#else
# error "xsig-posix <sys/time.h>: unknown compiler; define how to reach struct timeval"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* struct timeval's members are the toolchain's (long, as winsock2.h has
 * them); suseconds_t names the type of tv_usec. */
#ifndef XSIG_POSIX_SUSECONDS_T
# define XSIG_POSIX_SUSECONDS_T
typedef long suseconds_t;
#endif

#define ITIMER_REAL    0 /* wall-clock time: SIGALRM (the timer of alarm) */
#define ITIMER_VIRTUAL 1 /* CPU time in user mode: SIGVTALRM */
#define ITIMER_PROF    2 /* CPU time, user and system: SIGPROF */

struct itimerval {
  struct timeval it_interval;
  struct timeval it_value;
};

XSIG_POSIX_API int getitimer(int which, struct itimerval *value);
XSIG_POSIX_API int setitimer(int which, const struct itimerval *value, struct itimerval *ovalue);

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_SYS_TIME_DROPIN_H */
