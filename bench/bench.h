/* SPDX-License-Identifier: MIT */
#ifndef XSIG_BENCH_H
#define XSIG_BENCH_H
#include <stdint.h>
#include <stddef.h>

int64_t bench_now_us(void);
int64_t bench_getpid(void);
void bench_sleep_ms(int ms);
void bench_self_path(char *buf, size_t size, const char *argv0);
/* Waits on xsig_waitable() with the platform's own call, then dispatches. */
void bench_wait_waitable_and_dispatch(void);
/* Windows: SleepEx(INFINITE, TRUE), handlers run as APCs. POSIX: as above. */
void bench_alertable_wait(void);
/* Blocks in a read of a pipe nobody writes (read(), ReadFile): 1 when a
 * signal interrupted it. */
int bench_blocked_read(void);
/* The baselines of this platform (bench-unix.c, bench-win.c). */
double bench_baseline_parent(const char *mode, int iterations, const char *self);
int bench_baseline_child(const char *mode, int64_t parent);
/* The same stop done with the platform's own calls: POSIX kill -TERM -pgid,
 * sleep, kill -KILL -pgid, wait until gone; Windows TerminateJobObject. */
struct xsig_process;
/* The platform's own blocking wait for a child's end: POSIX waitpid (it
 * reaps), Windows WaitForSingleObject on its handle. */
void bench_raw_wait_child(struct xsig_process *p);
void bench_stop_tree_by_hand(struct xsig_process *root, int grace_ms);
/* A raw periodic timer of period_us for seconds (POSIX timerfd, Windows a
 * periodic waitable timer): each expiry's lateness in microseconds, in
 * late[] (at most max); returns how many. */
int bench_raw_timer(int64_t period_us, int seconds, int64_t *late, int max);
/* Windows: senders processes each queue count values through a raw
 * shared-memory ring into this one; prints values/s. -1 elsewhere. */
int bench_raw_ring(int senders, int count, const char *self);
int bench_raw_ring_sender(int64_t parent, int index, int count);

#endif
