/* SPDX-License-Identifier: MIT */
/* Linux baselines: raw kill + sigwaitinfo, signalfd, libuv, and the
 * self-pipe trick by hand (a handler that writes to a pipe that poll
 * watches: the least any handler-based event loop does). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include "xsig.h"
#include "bench.h"

int64_t bench_now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t bench_getpid(void) { return getpid(); }

void bench_sleep_ms(int ms)
{
  struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
  nanosleep(&ts, NULL);
}

void bench_self_path(char *buf, size_t size, const char *argv0)
{
  ssize_t n = readlink("/proc/self/exe", buf, size - 1);
  (void)argv0;
  buf[n > 0 ? n : 0] = 0;
}

void bench_wait_waitable_and_dispatch(void)
{
  struct pollfd p;
  p.fd = xsig_waitable();
  p.events = POLLIN;
  poll(&p, 1, -1);
  xsig_dispatch();
}

void bench_alertable_wait(void) { bench_wait_waitable_and_dispatch(); }

int bench_blocked_read(void)
{
  static int fds[2] = { -1, -1 };
  char b;
  if (fds[0] < 0 && pipe(fds) != 0)
    return 0;
  return read(fds[0], &b, 1) < 0 && errno == EINTR;
}

static sigset_t usr1_set(void)
{
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  return s;
}

/* Waits for USR1 with sigwaitinfo or a signalfd; returns the sender. */
static pid_t wait_usr1(int sfd)
{
  sigset_t s = usr1_set();
  if (sfd >= 0) {
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
      return -1;
    return (pid_t)si.ssi_pid;
  } else {
    siginfo_t si;
    while (sigwaitinfo(&s, &si) < 0) {
    }
    return si.si_pid;
  }
}

static pid_t start_child(const char *self, const char *mode)
{
  char parent[32];
  pid_t pid;
  snprintf(parent, sizeof parent, "%d", (int)getpid());
  pid = fork();
  if (pid == 0) {
    execl(self, self, "child", mode, parent, (char *)NULL);
    _exit(127);
  }
  return pid;
}

static void uv_on_parent(uv_signal_t *h, int sig);
static int uv_left, uv_started;
static int64_t uv_t0, uv_t1;
static pid_t uv_peer;

static void uv_on_parent(uv_signal_t *h, int sig)
{
  if (!uv_started) {
    uv_started = 1;
    uv_t0 = bench_now_us();
  } else if (--uv_left == 0) {
    uv_t1 = bench_now_us();
    uv_signal_stop(h);
    return;
  }
  uv_kill(uv_peer, sig);
}

static void uv_on_child(uv_signal_t *h, int sig)
{
  (void)h;
  uv_kill((int)getppid(), sig);
}

static double libuv_parent(int iterations, const char *self)
{
  uv_signal_t h;
  uv_loop_t *loop = uv_default_loop();
  uv_left = iterations;
  uv_signal_init(loop, &h);
  uv_signal_start(&h, uv_on_parent, SIGUSR1);
  uv_peer = start_child(self, "libuv");
  uv_run(loop, UV_RUN_DEFAULT);
  kill(uv_peer, SIGKILL);
  waitpid(uv_peer, NULL, 0);
  return (double)(uv_t1 - uv_t0) / iterations;
}

static int libuv_child(void)
{
  uv_signal_t h;
  uv_loop_t *loop = uv_default_loop();
  uv_signal_init(loop, &h);
  uv_signal_start(&h, uv_on_child, SIGUSR1);
  kill(getppid(), SIGUSR1); /* ready */
  return uv_run(loop, UV_RUN_DEFAULT);
}

/* The self-pipe trick, by hand: what the kernel and the minimum of code
 * cost for a signal that runs a handler, against signalfd's. */
static int selfpipe_fds[2];

static void selfpipe_handler(int sig, siginfo_t *si, void *uc)
{
  int saved = errno;
  pid_t from = si->si_pid;
  (void)sig, (void)uc;
  if (write(selfpipe_fds[1], &from, sizeof from) < 0) {
  }
  errno = saved;
}

static int selfpipe_child(int64_t parent)
{
  struct sigaction sa;
  struct pollfd pfd;
  sigset_t s = usr1_set();
  pid_t from;
  sigprocmask(SIG_UNBLOCK, &s, NULL); /* the parent's mask came through exec */
  if (pipe(selfpipe_fds) != 0)
    return 1;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = selfpipe_handler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  pfd.fd = selfpipe_fds[0];
  pfd.events = POLLIN;
  kill((pid_t)parent, SIGUSR1);
  for (;;) {
    if (poll(&pfd, 1, -1) <= 0)
      continue; /* EINTR: the handler ran; the pipe says what came */
    if (read(selfpipe_fds[0], &from, sizeof from) == (ssize_t)sizeof from)
      kill(from, SIGUSR1);
  }
}

double bench_baseline_parent(const char *mode, int iterations, const char *self)
{
  sigset_t s = usr1_set();
  int sfd = -1, i;
  int64_t t0;
  pid_t child;
  if (strcmp(mode, "libuv") == 0)
    return libuv_parent(iterations, self);
  if (strcmp(mode, "raw") != 0 && strcmp(mode, "signalfd") != 0 && strcmp(mode, "selfpipe") != 0) {
    fprintf(stderr, "xsig-bench: unknown mode %s\n", mode);
    return -1;
  }
  sigprocmask(SIG_BLOCK, &s, NULL);
  if (strcmp(mode, "signalfd") == 0)
    sfd = signalfd(-1, &s, SFD_CLOEXEC);
  child = start_child(self, mode);
  wait_usr1(sfd); /* ready */
  t0 = bench_now_us();
  for (i = 0; i < iterations; i++) {
    kill(child, SIGUSR1);
    wait_usr1(sfd);
  }
  t0 = bench_now_us() - t0;
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  return (double)t0 / iterations;
}

int bench_baseline_child(const char *mode, int64_t parent)
{
  sigset_t s = usr1_set();
  int sfd = -1;
  if (strcmp(mode, "libuv") == 0)
    return libuv_child();
  if (strcmp(mode, "selfpipe") == 0)
    return selfpipe_child(parent);
  sigprocmask(SIG_BLOCK, &s, NULL);
  if (strcmp(mode, "signalfd") == 0)
    sfd = signalfd(-1, &s, SFD_CLOEXEC);
  kill((pid_t)parent, SIGUSR1);
  for (;;)
    kill(wait_usr1(sfd), SIGUSR1);
}

void bench_stop_tree_by_hand(struct xsig_process *root, int grace_ms)
{
  pid_t pg = (pid_t)xsig_process_group(root);
  kill(-pg, SIGTERM);
  bench_sleep_ms(grace_ms);
  kill(-pg, SIGKILL);
  waitpid(pg, NULL, 0);
  /* By hand, a program has only kill(-pg, 0), which also counts orphaned
   * zombies until their reaper gets to them (xsig reads /proc and does
   * not count them): that makes this baseline slightly slower. */
  while (kill(-pg, 0) == 0)
    bench_sleep_ms(1);
}

void bench_raw_wait_child(struct xsig_process *p)
{
  int st;
  waitpid((pid_t)xsig_process_pid(p), &st, 0);
}

/* timerfd: read() returns the expiries since the last read. */
int bench_raw_timer(int64_t period_us, int seconds, int64_t *late, int max)
{
  int fd = timerfd_create(CLOCK_MONOTONIC, 0), n = 0;
  struct itimerspec its;
  int64_t start, expected, end;
  its.it_value.tv_sec = its.it_interval.tv_sec = (time_t)(period_us / 1000000);
  its.it_value.tv_nsec = its.it_interval.tv_nsec = (long)(period_us % 1000000) * 1000;
  start = bench_now_us();
  timerfd_settime(fd, 0, &its, NULL);
  expected = start + period_us;
  end = start + (int64_t)seconds * 1000000;
  while (n < max && bench_now_us() < end) {
    uint64_t count;
    int64_t now;
    if (read(fd, &count, sizeof count) != (ssize_t)sizeof count)
      break;
    now = bench_now_us();
    expected += (int64_t)(count - 1) * period_us;
    late[n++] = now - expected;
    expected += period_us;
  }
  close(fd);
  return n;
}

/* The raw ring is a Windows baseline (issue 19); Linux's own queue is the
 * kernel's (kill + sigwaitinfo, signalfd). */
int bench_raw_ring(int senders, int count, const char *self)
{
  (void)senders, (void)count, (void)self;
  fprintf(stderr, "xsig-bench: ring: a Windows baseline\n");
  return -1;
}

int bench_raw_ring_sender(int64_t parent, int index, int count)
{
  (void)parent, (void)index, (void)count;
  return 1;
}
