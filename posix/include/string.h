/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <string.h>: the C library's, plus strsignal.
 */
#ifndef XSIG_POSIX_STRING_H
#define XSIG_POSIX_STRING_H

#include "xsig_posix.h"

#if defined(__GNUC__) || defined(__clang__)
# pragma GCC system_header /* #include_next is an extension: no -pedantic warning */
# include_next <string.h>
#elif defined(_MSC_VER)
# ifdef XSIG_POSIX_UCRT_STRING_H
#  include XSIG_POSIX_UCRT_STRING_H
# else
#  include <../ucrt/string.h>
# endif
#else
# error "xsig-posix <string.h>: unknown compiler; define how to reach the C library's <string.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* "Terminated", "User defined signal 1", "Real-time signal 3"; for a
 * number that names no signal, "Unknown signal N" (a thread-local buffer). */
XSIG_POSIX_API char *strsignal(int sig);

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_STRING_H */
