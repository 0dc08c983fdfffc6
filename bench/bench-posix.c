/* SPDX-License-Identifier: MIT */
/* xsig-posix-bench: round-trip latency of kill + sigwaitinfo between two
 * processes, written against POSIX headers only. On Linux it measures the
 * kernel; on Windows it runs through xsig-posix, and scripts/bench.sh sets
 * it against xsig-bench's xsig-wait mode (xsig_kill + xsig_sigwait), the
 * same round trip through xsig's own API.
 *   xsig-posix-bench latency ITERATIONS  -> "posix-sigwaitinfo <microseconds per round trip>"
 *   xsig-posix-bench --echo PARENT       (the peer it starts) */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

extern char **environ;

static long long now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void block_usr1(sigset_t *s)
{
  sigemptyset(s);
  sigaddset(s, SIGUSR1);
  sigprocmask(SIG_BLOCK, s, NULL);
}

/* The peer: answers each SIGUSR1 to its sender. */
static int echo(pid_t parent)
{
  sigset_t s;
  siginfo_t si;
  block_usr1(&s);
  kill(parent, SIGUSR1); /* ready */
  for (;;) /* ends when the parent kills it */
    if (sigwaitinfo(&s, &si) == SIGUSR1)
      kill(si.si_pid, SIGUSR1);
  return 0;
}

static int latency(const char *self, int iterations)
{
  sigset_t s;
  siginfo_t si;
  struct timespec limit = { 30, 0 };
  char arg[32], *argv[4];
  pid_t peer;
  long long t0;
  int i, st;
  block_usr1(&s);
  snprintf(arg, sizeof arg, "%ld", (long)getpid());
  argv[0] = (char *)self;
  argv[1] = (char *)"--echo";
  argv[2] = arg;
  argv[3] = NULL;
  if (posix_spawn(&peer, self, NULL, NULL, argv, environ) != 0) {
    fprintf(stderr, "xsig-posix-bench: cannot start %s\n", self);
    return 2;
  }
  if (sigtimedwait(&s, &si, &limit) != SIGUSR1) { /* ready */
    fprintf(stderr, "xsig-posix-bench: the peer did not start\n");
    kill(peer, SIGKILL);
    return 2;
  }
  t0 = now_us();
  for (i = 0; i < iterations; i++) {
    kill(peer, SIGUSR1);
    if (sigtimedwait(&s, &si, &limit) != SIGUSR1) {
      fprintf(stderr, "xsig-posix-bench: lost a reply\n");
      break;
    }
  }
  t0 = now_us() - t0;
  kill(peer, SIGKILL);
  waitpid(peer, &st, 0);
  if (i < iterations)
    return 1;
  printf("posix-sigwaitinfo %.1f\n", (double)t0 / iterations);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "--echo") == 0)
    return echo((pid_t)atol(argv[2]));
  if (argc == 3 && strcmp(argv[1], "latency") == 0)
    return latency(argv[0], atoi(argv[2]));
  fprintf(stderr, "usage: %s latency ITERATIONS\n", argv[0]);
  return 2;
}
