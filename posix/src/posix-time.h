/* SPDX-License-Identifier: MIT */
/* posix-time's shared helpers (time.c, timer.c, cputimer.c, spawn.c,
 * children.c); the rest comes from internal.h. */
#ifndef XSIG_POSIX_PTIME_H
#define XSIG_POSIX_PTIME_H

#include <stdint.h>
#include <time.h>
#include <sys/time.h>

/* errno = err (an errno value); returns -1. */
int xsig_posix__fail_errno(int err);
/* A timespec as microseconds, rounded up: 0, or EINVAL (negative, or
 * tv_nsec out of 0..999999999). Beyond 292 thousand years: "forever". */
int xsig_posix__timespec_us(const struct timespec *ts, int64_t *us);
void xsig_posix__us_timespec(int64_t us, struct timespec *ts);

/* CLOCK_REALTIME in microseconds since 1970. */
int64_t xsig_posix__realtime_us(void);

/* ITIMER_VIRTUAL and ITIMER_PROF (cputimer.c). */
int xsig_posix__cputimer_set(int which, const struct itimerval *it, struct itimerval *old);
int xsig_posix__cputimer_get(int which, struct itimerval *cur);

/* The start block (children.c): what posix_spawn tells its child, read
 * by the child's layer at start. */
#define XSIG_POSIX_START_VAR "XSIG_POSIX_START"
/* Builds "XSIG_POSIX_START=..." into buf for a child with this mask,
 * these ignored signals and group (0: a group of its own). */
void xsig_posix__start_block(char *buf, size_t size, uint64_t mask, uint64_t ignored, int64_t pgid);
/* In the child, once, at the layer's start: checks and applies the block
 * (mask of the calling thread, ignored signals, group), then removes it
 * from the environment. A block that is not exactly right is ignored. */
void xsig_posix__start_block_apply(void);

/* A child of posix_spawn and its group, for waitpid and the group calls
 * (children.c): 0 or ENOMEM. */
int xsig_posix__kid_add(int64_t pid, int64_t pgid);
/* posix_spawn holds it (on 1, off 0) from the spawn until kid_add, so that
 * no wait takes the child from xsig before it is known. */
void xsig_posix__spawning(int on);
/* The group of a child of posix_spawn not reported yet, or 0. */
int64_t xsig_posix__kid_pgid(int64_t pid);
/* Fills xsig_posix__kids, kill's hooks (children.c); in the layer's start. */
void xsig_posix__children_start(void);
/* The group the start block names (pgrp.c). */
void xsig_posix__pgrp_start(int64_t pgid);

#endif
