/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <unistd.h>: the toolchain's own (mingw-w64: read, write,
 * close, getpid...), plus alarm, pause, sleep and usleep that a handler
 * interrupts, getppid, and the process-group calls as far as they map
 * onto xsig's groups (docs/posix.md, "Children and groups").
 */
#ifndef XSIG_POSIX_UNISTD_DROPIN_H
#define XSIG_POSIX_UNISTD_DROPIN_H

#include "xsig_posix.h"

#if defined(__GNUC__) || defined(__clang__)
# pragma GCC system_header /* #include_next is an extension: no -pedantic warning */
# include_next <unistd.h>
#elif defined(_MSC_VER)
# include <io.h>
# include <process.h>
#else
# error "xsig-posix <unistd.h>: unknown compiler; define how to reach the C library's <io.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifndef XSIG_POSIX_USECONDS_T
# define XSIG_POSIX_USECONDS_T
typedef unsigned int xsig_posix_useconds_t;
#endif

/* mingw-w64 has alarm (it does nothing), sleep and usleep (a signal
 * cannot interrupt them): these names become the layer's. */
#undef alarm
#undef sleep
#undef usleep
#define alarm xsig_posix_alarm
#define sleep xsig_posix_sleep
#define usleep xsig_posix_usleep
XSIG_POSIX_API unsigned xsig_posix_alarm(unsigned seconds);
XSIG_POSIX_API unsigned xsig_posix_sleep(unsigned seconds);
XSIG_POSIX_API int xsig_posix_usleep(xsig_posix_useconds_t usec);
XSIG_POSIX_API int pause(void);

XSIG_POSIX_API pid_t getppid(void);
XSIG_POSIX_API pid_t getpgrp(void);
XSIG_POSIX_API pid_t getpgid(pid_t pid);
XSIG_POSIX_API int setpgid(pid_t pid, pid_t pgid);
XSIG_POSIX_API pid_t setsid(void);
XSIG_POSIX_API pid_t getsid(pid_t pid);

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_UNISTD_DROPIN_H */
