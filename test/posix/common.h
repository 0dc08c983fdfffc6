/* SPDX-License-Identifier: MIT */
/* Shared helpers of the POSIX tests (common.c). */
#ifndef XSIG_POSIX_TEST_COMMON_H
#define XSIG_POSIX_TEST_COMMON_H
#include "pt.h"

void pt_set_handler(int sig, void (*fn)(int), int flags);
void pt_set_action(int sig, void (*fn)(int, siginfo_t *, void *), int flags);
void pt_block(int sig);
void pt_unblock(int sig);
int pt_is_blocked(int sig);
int pt_is_pending(int sig);

/* What a child saw: its report file's numbers. */
struct pt_report { int signo, code; long pid; int value, status, count; };
const char *pt_ready_name(const char *file);
/* Waits for the child's FILE.ready (fails the test after 20 s). */
void pt_wait_ready(const char *file);
int pt_read_report(const char *file, struct pt_report *r, int timeout_ms);
/* Child pid was just stopped by stopsig: waitpid(WUNTRACED) says so;
 * SIGCONT, and waitpid(WCONTINUED) says that; then SIGKILL ends it. */
void pt_stopped_then_cont_and_kill(pid_t pid, int stopsig);
/* Starts pester at this process (see common.c). */
pid_t pt_pester(int sig, long period_ms, int count, int code);
#endif
