/* SPDX-License-Identifier: MIT */
/* What Linux has beyond POSIX.1-2008, behind one interface: src/unix/linux.c
 * uses pidfds, epoll, pipe2, SI_TKILL and /proc; src/unix/posix.c stands in
 * with POSIX alone (what a macOS or FreeBSD port runs, and what the build
 * option XSIG_LINUX_EXTRAS=OFF tests on Linux). CMake builds one of them. */
#ifndef XSIG_UNIX_EXTRAS_H
#define XSIG_UNIX_EXTRAS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* A pidfd (close-on-exec) for pid, or -1 with errno (ENOSYS: none here). */
int xsig__unix_pidfd_open(int64_t pid);
/* kill/sigqueue through a pidfd: 0, or -1 with errno. */
int xsig__unix_pidfd_send(int pidfd, int sig, intptr_t value, int queue);
/* A close-on-exec, non-blocking pipe. POSIX: pipe, then fcntl (a fork in
 * another thread in between would inherit it). 0 or -1. */
int xsig__unix_pipe(int fds[2]);
/* Makes the pipe bigger if the system can; returns its capacity, or 0 if
 * unknown. */
int xsig__unix_pipe_grow(int fd);
/* A pollable set of fds, ready while one of them is readable (epoll), or
 * -1 where there is none. */
int xsig__unix_set_create(void);
int xsig__unix_set_add(int set, int fd);
void xsig__unix_set_del(int set, int fd);
/* The calling thread's id for a crash report (Linux: the kernel's tid, as
 * ps and gdb show it). Async-signal-safe. */
uint64_t xsig__unix_thread_id(void);
/* 1 if si_code says "tkill/tgkill" (Linux's raise and abort). */
int xsig__unix_is_tkill(int si_code);
/* 1 if a process of group pgid is alive (zombies do not count), 0 if none,
 * -1 when that cannot be told (then only kill(-pgid, 0) can). */
int xsig__unix_group_live(int64_t pgid);
/* How many processes of group pgid are alive (zombies do not count), or -1. */
int xsig__unix_group_count(int64_t pgid);
/* Descendants of pid (see xsig_process_descendants), XSIG_ENOSYS where the
 * system has no way to list processes. */
int xsig__unix_descendants(int64_t pid, int64_t *out, int *depth, int max);
/* xsig__os_process_list and xsig__os_process_cmdline (src/internal.h);
 * XSIG_ENOSYS where the system has no way to list processes. */
struct xsig_proc_entry;
int xsig__unix_process_list(struct xsig_proc_entry *out, int max);
int xsig__unix_process_cmdline(int64_t pid, char *buf, size_t size);

#endif
