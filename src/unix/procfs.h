/* SPDX-License-Identifier: MIT */
/* Linux /proc: every process's state, parent and group. Used by the library
 * (live members of a group) and, through the static library, by the tool,
 * the benchmarks and the test harness. */
#ifndef XSIG_UNIX_PROCFS_H
#define XSIG_UNIX_PROCFS_H

#include <stdint.h>

struct xsig__linux_proc {
  int64_t pid, ppid, pgrp;
  char state; /* 'R', 'S', ..., 'Z' for a zombie */
};

/* Calls fn for every process until it returns nonzero; returns that value,
 * 0 when all were seen, or -1 without /proc (not Linux, or not mounted). */
int xsig__linux_proc_each(int (*fn)(const struct xsig__linux_proc *p, void *arg), void *arg);

/* One process's entry: 0, or -1 if it is not there (or no /proc). */
int xsig__linux_proc_get(int64_t pid, struct xsig__linux_proc *p);

/* 1 if a process of group pgid is alive (zombies do not count), 0 if none,
 * -1 without /proc. */
int xsig__linux_proc_group_live(int64_t pgid);

#endif
