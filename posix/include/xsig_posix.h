/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix: the base every drop-in header of the layer includes first.
 * Windows only (pkg-config xsig-posix puts this folder on the include path
 * on Windows; on Linux the system's own headers serve). It gives:
 * - XSIG_POSIX_API, the linkage of the layer's functions;
 * - the types the POSIX headers share: pid_t, uid_t, sigset_t, union sigval;
 * - the rule for reaching the toolchain's own header (XSIG_POSIX_NEXT_*).
 *
 * How a drop-in header reaches the toolchain's header of the same name:
 * GCC and clang (mingw-w64): #include_next, inside
 *   #if defined(__GNUC__) || defined(__clang__)
 * MSVC: the header by a path the layer knows: the UCRT's folder is on the
 * include path as ...\ucrt, so <../ucrt/signal.h> finds it there and not
 * here; a build with another layout defines XSIG_POSIX_UCRT_DIR_HEADER-style
 * macros (see each header). Anything else: #error.
 */
#ifndef XSIG_POSIX_H
#define XSIG_POSIX_H

#if !defined(_WIN32)
# error "xsig-posix headers are for Windows: on POSIX systems use the system's own headers (pkg-config xsig-posix gives no flags there)"
#endif

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The layer is a static library (libxsig-posix.a / xsig-posix.lib). */
#define XSIG_POSIX_API

/* mingw-w64's sys/types.h has pid_t (unless NO_OLDNAMES); MSVC has none. */
#if !defined(_PID_T_) && !defined(XSIG_POSIX_PID_T)
# define XSIG_POSIX_PID_T
# define _PID_T_
typedef long long pid_t;
#elif defined(_PID_T_) && defined(NO_OLDNAMES) && !defined(XSIG_POSIX_PID_T)
# define XSIG_POSIX_PID_T
typedef _pid_t pid_t;
#endif

/* uid_t: on Windows, the relative identifier (the last part) of the user's
 * SID (docs/posix.md, si_uid). */
#if !defined(XSIG_POSIX_UID_T) && !defined(_UID_T_) && !defined(__uid_t_defined)
# define XSIG_POSIX_UID_T
typedef unsigned int uid_t;
#endif

/* sigset_t: one bit per signal 1..64 (signal n is bit n-1). A struct, so
 * that it cannot be mixed up with mingw-w64's _sigset_t (an integer of 32
 * bits on i686, too narrow for the real-time signals). mingw-w64 typedefs
 * sigset_t itself when _POSIX is defined: the macro gives every later use
 * the layer's type instead. */
typedef struct xsig_posix_sigset { unsigned long long xsig__bits; } xsig_posix_sigset_t;
#ifdef sigset_t
# undef sigset_t
#endif
#define sigset_t xsig_posix_sigset_t

#ifndef XSIG_POSIX_SIGVAL
# define XSIG_POSIX_SIGVAL
union sigval {
  int sival_int;
  void *sival_ptr;
};
#endif

/* Declared here, at file scope, before any header uses it in a prototype
 * (time.h's timer_create may be read while signal.h, which defines it, is
 * still in progress: winpthreads' pthread.h includes time.h). */
struct sigevent;
struct timespec;

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_H */
