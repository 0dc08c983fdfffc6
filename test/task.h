/* SPDX-License-Identifier: MIT */
/* Test harness: assertions, helper processes, platform shims for tests. */
#ifndef XSIG_TEST_TASK_H
#define XSIG_TEST_TASK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsig.h"

#define TEST_IMPL(name) int run_test_##name(void)
#define HELPER_IMPL(name) int run_helper_##name(int argc, char **argv)

void test_fail(const char *file, int line, const char *what);

#define ASSERT(expr)                                        \
  do {                                                      \
    if (!(expr))                                            \
      test_fail(__FILE__, __LINE__, #expr);                 \
  } while (0)

#define ASSERT_EQ(a, b)                                                     \
  do {                                                                      \
    long long a_ = (long long)(a), b_ = (long long)(b);                     \
    if (a_ != b_) {                                                         \
      char m_[256];                                                         \
      snprintf(m_, sizeof m_, "%s == %s (%lld != %lld)", #a, #b, a_, b_);   \
      test_fail(__FILE__, __LINE__, m_);                                    \
    }                                                                       \
  } while (0)

#define ASSERT_OK(expr) ASSERT_EQ((expr), 0)
#define ASSERT_STR(a, b)                                                    \
  do {                                                                      \
    const char *a_ = (a), *b_ = (b);                                        \
    if (strcmp(a_, b_) != 0) {                                              \
      char m_[600];                                                         \
      snprintf(m_, sizeof m_, "%s == %s (\"%.250s\" != \"%.250s\")", #a, #b, a_, b_); \
      test_fail(__FILE__, __LINE__, m_);                                    \
    }                                                                       \
  } while (0)

/* An anonymous pipe of the platform's own handles, read with the blocking
 * call a program would make (read(), ReadFile). */
typedef struct test_pipe { xsig_os_handle_t r, w; } test_pipe_t;

/* A helper process: this test binary run as `xsig-test --helper NAME ARG`. */
typedef struct test_proc {
  int64_t pid;
  void *handle;   /* Windows: process HANDLE */
  int out_fd;     /* POSIX: read end of its stdout */
  void *out_pipe; /* Windows: read end of its stdout */
  char buf[4096];
  size_t len;
  int reaped;
  test_pipe_t in; /* TEST_PROC_STDIN_PIPE: in.w is its stdin's write end */
} test_proc_t;

#define TEST_PROC_NEW_GROUP 1
#define TEST_PROC_MERGE_STDERR 2
#define TEST_PROC_STDIN_PIPE 4

/* Starts a helper with its stdout piped to us. Ends with the test. */
int test_spawn_helper(test_proc_t *p, const char *helper, const char *arg, int flags);
/* "STEM-PID.txt": a file of this test process alone (tests run side by
 * side in one folder). One static buffer: one name at a time. */
const char *test_own_file(const char *stem);
/* The set of one signal. */
xsig_sigset_t test_sigset_of(int sig);
/* 1 if a line of file starts with prefix. */
int test_file_has(const char *file, const char *prefix);
/* Waits up to timeout_ms for such a line; 0 or -1. */
int test_wait_file_line(const char *file, const char *prefix, int timeout_ms);
/* A helper started with xsig_spawn (flags XSIG_SPAWN_*): a child of xsig,
 * for the tests of children. a and b may be NULL. */
int test_xsig_spawn_helper(const char *helper, const char *a, const char *b, int flags, xsig_process_t **out);
/* A helper with three arguments. */
int test_spawn_helper3(test_proc_t *p, const char *helper, const char *a, const char *b, const char *c);
/* A line if one is there already (0), else -1 at once. */
int test_read_line_nowait(test_proc_t *p, char *line, size_t size);
/* Adds n to *v atomically and returns the new value. */
int test_atomic_add(int *v, int n);
/* Open fds (POSIX) or handles (Windows) of this process, and its threads. */
int64_t test_count_handles(void);
/* Windows: this process's handles to objects of that type ("Section",
 * "Event", ...; NULL: all), from the system's handle list. Under Wine,
 * GetProcessHandleCount (test_count_handles) says 0 whatever is open, so
 * a count that must mean something under Wine comes from here. POSIX: -1. */
int64_t test_count_handles_of_type(const char *type);
int64_t test_count_threads(void);
/* The thread count once it holds still (ten equal looks 10 ms apart, at
 * most 3 s): under qemu-user a joined thread leaves /proc a little later. */
int64_t test_count_threads_settled(void);
/* CPU time this process has used (every thread, user and system), in
 * microseconds; -1 if unknown. */
int64_t test_cpu_time_us(void);
/* Microseconds on a clock that all processes of the machine share. */
int64_t test_now_us(void);
/* Starts argv[0] (a path) the same way. */
int test_spawn(test_proc_t *p, char *const argv[], int flags);
/* The xsig tool next to the test binary's folder. */
void test_tool_path(char *buf, size_t size);
/* Another program of the build tree's top folder (".exe" added on Windows). */
void test_build_exe(char *buf, size_t size, const char *name);
/* Runs the xsig tool with args (NULL-terminated, without argv[0]) and
 * returns its exit status as a shell shows it (128+N for a signal), with
 * its stdout and stderr in out. */
int test_run_tool(char *out, size_t size, const char *arg0, ...);
/* Reads one line of its stdout (without the newline) within timeout_ms.
 * Returns 0, or -1 on time-out or end of output. */
int test_read_line(test_proc_t *p, char *line, size_t size, int timeout_ms);
/* Reads lines until one starts with prefix; returns 0 or -1. */
int test_expect_line(test_proc_t *p, const char *prefix, char *line, size_t size, int timeout_ms);
/* Waits for it to end and decodes its status; returns 0 or -1 on time-out. */
int test_wait(test_proc_t *p, int timeout_ms, xsig_status_t *st);
/* Kills it (if alive) and frees everything. */
void test_proc_close(test_proc_t *p);

/* Sleeps without dispatching signals. */
void test_msleep(int ms);
/* Helpers print a line and flush it. */
void helper_say(const char *fmt, ...);
/* Says "sig=N pid=SENDER rejected=R remote=M" (the stats' counters). */
void helper_say_arrival(int sig, const xsig_info_t *info);
/* 1 when running under Wine. */
int test_under_wine(void);
/* Standard input becomes a console (Windows: one of its own; POSIX: a
 * pseudo-terminal); 0 or -1. */
int test_stdin_console(void);
/* "console", "file", "pipe", or what else standard input is. */
const char *test_stdin_kind(void);
int64_t test_thread_id(void);
int64_t test_getpid(void);
void test_setenv(const char *name, const char *value);
void test_self_exe(char *buf, size_t size);

#define TEST_READ_INTERRUPTED (-1) /* EINTR; ERROR_OPERATION_ABORTED */
int test_pipe_open(test_pipe_t *p);
/* One byte: 1, 0 at end of file, TEST_READ_INTERRUPTED or -2. */
int test_pipe_read(test_pipe_t *p);
int test_pipe_write(test_pipe_t *p);
int test_pipe_write_text(test_pipe_t *p, const char *text);
/* Closes the write end: the reader gets end of file. */
void test_pipe_close_write(test_pipe_t *p);

typedef struct test_thread { void *h; } test_thread_t;
int test_thread_start(test_thread_t *t, void (*fn)(void *), void *arg);
void test_thread_join(test_thread_t *t);
/* For a stop that takes longer than it should: if test_watch_group_end is
 * not called within ms, prints what each process of group pgid is doing
 * (Linux: its /proc stat, wait channel and system call; elsewhere a line
 * saying it cannot tell). */
void test_watch_group(int64_t pgid, int ms);
void test_watch_group_end(void);
void test_describe_group(int64_t pgid);
/* Called once when the test fails, before its processes are ended: for
 * what the test made outside them (a service it registered). */
void test_at_fail(void (*fn)(void));

/* Sends sig to process pid with the platform's own raw call (POSIX kill);
 * used by POSIX tests of asynchronous arrival. */
int test_raw_kill(int64_t pid, int sig);
/* Waits until process pid is stopped (STOP has taken effect); 0 or -1. */
int test_wait_stopped(int64_t pid, int timeout_ms);
/* Ends a helper at once, wherever it is (SIGKILL / TerminateProcess). */
void test_kill_hard(test_proc_t *p);
/* Windows: sets the machine's WaitToKillServiceTimeout to ms (a string, as
 * Windows keeps it); NULL puts back what was there before. */
void test_set_wait_to_kill(const char *ms);
/* Makes the next process created get this pid (Linux, root: ns_last_pid).
 * Returns 0, or -1 where that cannot be arranged. */
int test_next_pid(int64_t pid);
/* The platform's own wait on an fd/HANDLE: 1 ready, 0 not within timeout. */
int test_wait_handle(xsig_os_handle_t h, int timeout_ms);

#endif
