/* SPDX-License-Identifier: MIT */
/* sigqueue (XSH sigqueue). */
#include "common.h"

static volatile sig_atomic_t hits, vals[8], codes[8];
static void take(int sig, siginfo_t *si, void *ctx)
{
  (void)sig;
  (void)ctx;
  if (hits < 8) {
    vals[hits] = si->si_value.sival_int;
    codes[hits] = si->si_code;
  }
  hits++;
}

/* "The sigqueue() function shall cause the signal specified by signo to be
 * sent with the value specified by value"; to itself, unblocked, "at least
 * one pending unblocked signal shall be delivered ... before sigqueue()
 * returns"; si_code SI_QUEUE. */
TEST(sigqueue_self_value_delivered_before_return)
{
  union sigval v;
  pt_set_action(SIGRTMIN, take, 0);
  v.sival_int = 77;
  CHECK_OK(sigqueue(getpid(), SIGRTMIN, v));
  CHECK_EQ(hits, 1);
  CHECK_EQ(vals[0], 77);
  CHECK_EQ(codes[0], SI_QUEUE);
  /* a standard signal carries the value too */
  pt_set_action(SIGUSR1, take, 0);
  v.sival_int = -5;
  CHECK_OK(sigqueue(getpid(), SIGUSR1, v));
  CHECK_EQ(hits, 2);
  CHECK_EQ(vals[1], -5);
  CHECK_EQ(codes[1], SI_QUEUE);
  return 0;
}

/* Queued while blocked: each instance with its value, in the order sent. */
TEST(sigqueue_queues_in_order)
{
  union sigval v;
  int i;
  pt_set_action(SIGRTMIN + 2, take, 0);
  pt_block(SIGRTMIN + 2);
  for (i = 0; i < 5; i++) {
    v.sival_int = 100 + i;
    CHECK_OK(sigqueue(getpid(), SIGRTMIN + 2, v));
  }
  CHECK_EQ(hits, 0);
  pt_unblock(SIGRTMIN + 2);
  CHECK_EQ(hits, 5);
  for (i = 0; i < 5; i++)
    CHECK_EQ(vals[i], 100 + i);
  return 0;
}

/* signo 0: checks only. Errors: EINVAL for a bad signal, ESRCH for no such
 * process. */
TEST(sigqueue_errors)
{
  union sigval v;
  pid_t pid;
  v.sival_int = 1;
  pt_set_action(SIGRTMIN, take, 0);
  CHECK_OK(sigqueue(getpid(), 0, v));
  CHECK_EQ(hits, 0);
  CHECK_ERRNO(sigqueue(getpid(), -1, v), EINVAL);
  CHECK_ERRNO(sigqueue(getpid(), 100000, v), EINVAL);
  pid = pt_spawn3("exit_after", "0", "0", NULL);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  CHECK_ERRNO(sigqueue(pid, SIGRTMIN, v), ESRCH);
  CHECK_ERRNO(sigqueue(pid, 0, v), ESRCH);
  return 0;
}

/* To another process: the value, SI_QUEUE and the sender's pid arrive. */
TEST(sigqueue_other_process)
{
  const char *f = pt_file("report");
  struct pt_report r;
  union sigval v;
  pid_t pid = pt_spawn3("catch_report", pt_num(SIGRTMIN + 1), f, NULL);
  pt_wait_ready(f);
  v.sival_int = 31337;
  CHECK_OK(sigqueue(pid, SIGRTMIN + 1, v));
  CHECK_OK(pt_read_report(f, &r, 20000));
  CHECK_EQ(r.signo, SIGRTMIN + 1);
  CHECK_EQ(r.code, SI_QUEUE);
  CHECK_EQ(r.value, 31337);
  CHECK_EQ(r.pid, getpid());
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* queue_report SIG N FILE: blocks SIG, says ready, waits until N are
 * pending (or 10 s), then takes them with sigwaitinfo and writes their
 * values in order. */
HELPER(queue_report)
{
  int sig, n, i;
  sigset_t set;
  siginfo_t si;
  char text[512];
  size_t len = 0;
  if (argc < 4)
    return 2;
  sig = atoi(argv[1]);
  n = atoi(argv[2]);
  pt_block(sig);
  pt_write_file(pt_ready_name(argv[3]), "ready\n");
  sigemptyset(&set);
  sigaddset(&set, sig);
  for (i = 0; i < n; i++) {
    if (sigwaitinfo(&set, &si) != sig)
      return 3;
    len += snprintf(text + len, sizeof text - len, "%d%s", si.si_value.sival_int,
                    i + 1 < n ? " " : "\n");
  }
  pt_write_file(argv[3], text);
  return 0;
}

TEST(sigqueue_other_process_order)
{
  const char *f = pt_file("queue");
  char text[512], want[512];
  union sigval v;
  int i;
  size_t len = 0;
  pid_t pid = pt_spawn3("queue_report", pt_num(SIGRTMIN), "10", f);
  pt_wait_ready(f);
  for (i = 0; i < 10; i++) {
    v.sival_int = i * 7;
    CHECK_OK(sigqueue(pid, SIGRTMIN, v));
    len += snprintf(want + len, sizeof want - len, "%d%s", i * 7, i + 1 < 10 ? " " : "\n");
  }
  CHECK_EQ(pt_reap(pid, 20000), 0);
  CHECK_OK(pt_read_file(f, text, sizeof text));
  if (strcmp(text, want) != 0)
    pt_fail(__FILE__, __LINE__, "values %s, want %s", text, want);
  return 0;
}
