/* SPDX-License-Identifier: MIT */
/* POSIX primitives used by the shared code. */
#ifndef XSIG_UNIX_OS_H
#define XSIG_UNIX_OS_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include "atomic.h"

/* Thread-local state, also read by the trampoline in signal context. In a
 * libxsig.so that a program dlopens, glibc's default model for it goes
 * through __tls_get_addr, which may call malloc on a thread's first touch:
 * not in a signal handler. initial-exec puts it in the static TLS block,
 * which glibc sets aside room for (xsig's is about 100 bytes). musl gives
 * a dlopened library's TLS its room at dlopen and never allocates later. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__GLIBC__)
#define XSIG__TLS __attribute__((tls_model("initial-exec"))) _Thread_local
#else
#define XSIG__TLS _Thread_local
#endif

typedef pthread_mutex_t xsig__mutex_t;
#define XSIG__MUTEX_INIT PTHREAD_MUTEX_INITIALIZER

static inline void xsig__mutex_lock(xsig__mutex_t *m) { pthread_mutex_lock(m); }
static inline void xsig__mutex_unlock(xsig__mutex_t *m) { pthread_mutex_unlock(m); }
static inline void xsig__mutex_reinit(xsig__mutex_t *m) { pthread_mutex_init(m, NULL); }

static inline int64_t xsig__os_getpid(void) { return (int64_t)getpid(); }
#define XSIG__NO_HANDLE (-1)

/* The platform's part of xsig_process_t (src/internal.h). */
struct xsig__os_process {
  int pidfd; /* -1: no pidfd on this kernel; the plain pid is used */
};

/* A thread (src/unix/thread.c) and a wake-up object: a pipe, h its read
 * end, w its write end. */
typedef pthread_t xsig__thread_t;
struct xsig__os_event {
  int h, w;
};

/* What a handler's mask replaced (src/unix/signal.c). */
struct xsig__os_mask_save {
  xsig_sigset_t vmask;
  int kernel_dirty;
};

/* The platform's part of a timer (src/unix/timer.c). */
struct xsig__os_timer {
  timer_t kt;
};

/* src/unix/signal.c: puts xsig's trampoline in place for sig. */
int xsig__unix_install_trampoline(int sig);

/* src/unix/fault.c */
#include <signal.h>
int xsig__unix_fault_active(void);
void xsig__unix_fault(int sig, siginfo_t *si, void *uc);
void xsig__unix_fault_default(int sig);

static inline int64_t xsig__os_now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static inline int64_t xsig__os_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
