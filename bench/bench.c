/* xsig-bench: round-trip latency and throughput between two processes,
 * xsig against the baselines measured in the same run.
 *   xsig-bench latency MODE ITERATIONS  -> "MODE <microseconds per round trip>"
 *   xsig-bench throughput SENDERS COUNT -> "<signals per second> <received>/<sent>"
 *   xsig-bench idle SECONDS             -> prints its pid, waits (for the idle probe)
 *   xsig-bench init                     -> "<microseconds xsig_init takes>"
 * Modes: xsig-wait, xsig-handler, and on Linux raw (kill + sigwaitinfo),
 * signalfd, libuv; on Windows xsig-apc, raw-pipe, raw-event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsig.h"
#include "bench.h"

static char self[1024];

static int64_t spawn_peer(const char *role, const char *mode, int64_t arg, xsig_process_t **p)
{
  char a1[32];
  char *argv[6];
  snprintf(a1, sizeof a1, "%lld", (long long)arg);
  argv[0] = self;
  argv[1] = (char *)role;
  argv[2] = (char *)mode;
  argv[3] = a1;
  argv[4] = NULL;
  if (xsig_spawn(self, argv, 0, p) != 0) {
    fprintf(stderr, "xsig-bench: cannot start %s\n", self);
    exit(2);
  }
  return xsig_process_pid(*p);
}

/* --- xsig modes, both platforms ---------------------------------------- */

static volatile int64_t got;
static int64_t peer;

static void echo_handler(int sig, const xsig_info_t *info, void *arg)
{
  (void)arg;
  got++;
  xsig_kill(info->pid, sig);
}

static void count_handler(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  got++;
}

static void block_usr1(void)
{
  xsig_sigset_t s;
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_USR1);
  xsig_sigmask(XSIG_BLOCK, &s, NULL);
}

/* The echo side of the xsig modes. */
static int xsig_child(const char *mode, int64_t parent)
{
  xsig_sigset_t s;
  xsig_info_t info;
  xsig_init();
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_USR1);
  if (strcmp(mode, "xsig-wait") == 0) {
    block_usr1();
    xsig_kill(parent, XSIG_USR1); /* ready */
    for (;;)
      if (xsig_sigwait(&s, -1, &info) == XSIG_USR1)
        xsig_kill(info.pid, XSIG_USR1);
  }
  xsig_handle(XSIG_USR1, echo_handler);
  xsig_kill(parent, XSIG_USR1);
  for (;;) {
    if (strcmp(mode, "xsig-apc") == 0)
      bench_alertable_wait();
    else
      bench_wait_waitable_and_dispatch();
  }
}

static double xsig_parent(const char *mode, int iterations)
{
  xsig_process_t *p;
  xsig_sigset_t s;
  xsig_info_t info;
  int64_t start, i;
  xsig_init();
  block_usr1();
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_USR1);
  peer = spawn_peer("child", mode, bench_getpid(), &p);
  xsig_sigwait(&s, 30000, &info); /* ready */
  start = bench_now_us();
  for (i = 0; i < iterations; i++) {
    xsig_kill(peer, XSIG_USR1);
    if (xsig_sigwait(&s, 30000, &info) != XSIG_USR1) {
      fprintf(stderr, "xsig-bench: lost a reply\n");
      break;
    }
  }
  start = bench_now_us() - start;
  xsig_process_stop_tree(p, XSIG_KILL, 0, NULL, NULL);
  xsig_process_close(p);
  return (double)start / (double)iterations;
}

/* --- throughput: queued values from N senders into one receiver --------- */

static int throughput(int senders, int count)
{
  xsig_process_t *p[16];
  int64_t start, expected = (int64_t)senders * count;
  int i;
  xsig_init();
  xsig_handle(XSIG_RTMIN, count_handler);
  start = bench_now_us();
  for (i = 0; i < senders; i++)
    spawn_peer("sender", "q", ((int64_t)count << 32) | (int64_t)bench_getpid(), &p[i]);
  while (got < expected && bench_now_us() - start < 60000000)
    xsig_sleep(50);
  start = bench_now_us() - start;
  for (i = 0; i < senders; i++) {
    xsig_process_wait(p[i], 10000, NULL);
    xsig_process_close(p[i]);
  }
  xsig_dispatch();
  printf("%.0f %lld/%lld\n", (double)got * 1e6 / (double)start, (long long)got, (long long)expected);
  return got == expected ? 0 : 1;
}

static int sender(int64_t arg)
{
  int64_t target = arg & 0xffffffff, count = arg >> 32, i;
  xsig_process_t *p;
  if (xsig_process_open(target, &p) != 0)
    return 2;
  for (i = 0; i < count; i++) {
    int r;
    while ((r = xsig_process_send(p, XSIG_RTMIN, (intptr_t)i, XSIG_SEND_VALUE, NULL)) == XSIG_EAGAIN)
      bench_sleep_ms(1); /* the receiver's queue is full: explicit, retry */
    if (r != 0)
      return 3;
  }
  xsig_process_close(p);
  return 0;
}

int main(int argc, char **argv)
{
  bench_self_path(self, sizeof self, argv[0]);
  if (argc >= 4 && strcmp(argv[1], "child") == 0) {
    if (strncmp(argv[2], "xsig", 4) == 0)
      return xsig_child(argv[2], atoll(argv[3]));
    return bench_baseline_child(argv[2], atoll(argv[3]));
  }
  if (argc >= 4 && strcmp(argv[1], "sender") == 0)
    return sender(atoll(argv[3]));
  if (argc == 4 && strcmp(argv[1], "latency") == 0) {
    double us;
    if (strncmp(argv[2], "xsig", 4) == 0)
      us = xsig_parent(argv[2], atoi(argv[3]));
    else
      us = bench_baseline_parent(argv[2], atoi(argv[3]), self);
    if (us < 0)
      return 1;
    printf("%s %.2f\n", argv[2], us);
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "throughput") == 0)
    return throughput(atoi(argv[2]), atoi(argv[3]));
  if (argc == 3 && strcmp(argv[1], "idle") == 0) {
    xsig_init();
    printf("%lld\n", (long long)bench_getpid());
    fflush(stdout);
    xsig_sleep((unsigned)atoi(argv[2]) * 1000u);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "init") == 0) {
    int64_t t = bench_now_us();
    xsig_init();
    printf("%.1f\n", (double)(bench_now_us() - t));
    return 0;
  }
  fprintf(stderr, "usage: xsig-bench latency MODE N | throughput SENDERS N | idle SECONDS | init\n");
  return 2;
}
