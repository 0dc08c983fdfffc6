/* SPDX-License-Identifier: MIT */
/* The POSIX conformance tests' harness: written against POSIX headers only,
 * so the same source builds with a POSIX system's libc and, on Windows,
 * through xsig-posix. Each test runs in its own process under a watchdog;
 * children are this executable again (posix_spawn, no fork), started with
 * pt_spawn and ended by the harness whatever the test's outcome. */
#ifndef XSIG_POSIX_TEST_PT_H
#define XSIG_POSIX_TEST_PT_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEST(name) int pt_test_##name(void)
#define HELPER(name) int pt_helper_##name(int argc, char **argv)

/* Prints where and what failed, ends every child, exits 1. */
void pt_fail(const char *file, int line, const char *fmt, ...);

#define CHECK(expr)                                                         \
  do {                                                                      \
    if (!(expr))                                                            \
      pt_fail(__FILE__, __LINE__, "%s", #expr);                             \
  } while (0)

#define CHECK_EQ(a, b)                                                      \
  do {                                                                      \
    long long a_ = (long long)(a), b_ = (long long)(b);                     \
    if (a_ != b_)                                                           \
      pt_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b, a_, b_); \
  } while (0)

/* A call that returns 0 (else says its return value and errno). */
#define CHECK_OK(call)                                                      \
  do {                                                                      \
    long long r_ = (long long)(call);                                       \
    if (r_ != 0)                                                            \
      pt_fail(__FILE__, __LINE__, "%s returned %lld (errno %d %s)", #call,  \
              r_, errno, strerror(errno));                                  \
  } while (0)

/* A call that fails with -1 and errno e. */
#define CHECK_ERRNO(call, e)                                                \
  do {                                                                      \
    long long r_;                                                           \
    int e_;                                                                 \
    errno = 0;                                                              \
    r_ = (long long)(call);                                                 \
    e_ = errno;                                                             \
    if (r_ != -1 || e_ != (e))                                              \
      pt_fail(__FILE__, __LINE__, "%s: expected -1 with %s, got %lld with errno %d (%s)", \
              #call, #e, r_, e_, strerror(e_));                             \
  } while (0)

/* A call that returns an error number (pthread_*, posix_spawn*,
 * clock_nanosleep) and must return e. */
#define CHECK_RET(call, e)                                                  \
  do {                                                                      \
    int r_ = (call);                                                        \
    if (r_ != (e))                                                          \
      pt_fail(__FILE__, __LINE__, "%s: expected %s (%d), got %d (%s)", #call, \
              #e, (int)(e), r_, strerror(r_));                              \
  } while (0)

/* This executable's path, for pt_spawn. */
extern const char *pt_self;
/* The current test's or helper's name. */
extern const char *pt_name;

/* Starts `pt_self --helper NAME ARGS...` (args ends with NULL) with
 * posix_spawn; attr and actions may be NULL. The child is ended by the
 * harness if the test has not reaped it by its end. */
pid_t pt_spawn(const char *helper, const char *const *args,
               const posix_spawnattr_t *attr, const posix_spawn_file_actions_t *actions);
/* pt_spawn with up to three string arguments (NULL ends them). */
pid_t pt_spawn3(const char *helper, const char *a, const char *b, const char *c);
/* waitpid(pid) with a bound: the status, or a failure after timeout_ms. */
int pt_reap(pid_t pid, int timeout_ms);
/* The child was reaped by other means (wait(), waitid). */
void pt_forget(pid_t pid);
/* A process group the test made: SIGKILL to it at the test's end. */
void pt_track_group(pid_t pgid);
/* The environment given to children. */
char **pt_environ(void);

/* Milliseconds on CLOCK_MONOTONIC. */
long long pt_now_ms(void);
/* Sleeps ms, across interruptions. */
void pt_sleep_ms(long ms);

/* "pt-PID-TAG" in the current folder, unique to this process; removed at
 * the end of the test. One of eight static buffers. */
const char *pt_file(const char *tag);
/* Writes text to path (replacing it). */
void pt_write_file(const char *path, const char *text);
/* Reads path into buf (NUL-ended); -1 if it is not there. */
int pt_read_file(const char *path, char *buf, size_t size);
/* Waits up to timeout_ms for path to exist; 0 or -1. */
int pt_wait_file(const char *path, int timeout_ms);
/* Waits up to timeout_ms for *flag to become nonzero; 0 or -1. */
int pt_wait_flag(volatile sig_atomic_t *flag, int timeout_ms);

/* A decimal string of n (one of eight static buffers). */
const char *pt_num(long long n);

#endif
