/* SPDX-License-Identifier: MIT */
/* Helpers shared by several tests: children that catch, wait, report. */
#include "common.h"

void pt_set_handler(int sig, void (*fn)(int), int flags)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  CHECK_OK(sigaction(sig, &sa, NULL));
}

void pt_set_action(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fn;
  sa.sa_flags = flags | SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  CHECK_OK(sigaction(sig, &sa, NULL));
}

void pt_block(int sig)
{
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, sig);
  CHECK_OK(pthread_sigmask(SIG_BLOCK, &m, NULL));
}

void pt_unblock(int sig)
{
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, sig);
  CHECK_OK(pthread_sigmask(SIG_UNBLOCK, &m, NULL));
}

int pt_is_blocked(int sig)
{
  sigset_t m;
  CHECK_OK(pthread_sigmask(SIG_BLOCK, NULL, &m));
  return sigismember(&m, sig);
}

int pt_is_pending(int sig)
{
  sigset_t m;
  CHECK_OK(sigpending(&m));
  return sigismember(&m, sig);
}

const char *pt_ready_name(const char *file)
{
  static char b[4][96];
  static int next;
  char *r = b[next++ % 4];
  snprintf(r, 96, "%s.ready", file);
  return r;
}

void pt_wait_ready(const char *file)
{
  if (pt_wait_file(pt_ready_name(file), 20000) != 0)
    pt_fail(__FILE__, __LINE__, "the child did not get ready (%s)", pt_ready_name(file));
  remove(pt_ready_name(file));
}

int pt_read_report(const char *file, struct pt_report *r, int timeout_ms)
{
  char buf[256];
  if (pt_wait_file(file, timeout_ms) != 0 || pt_read_file(file, buf, sizeof buf) != 0)
    return -1;
  memset(r, 0, sizeof *r);
  if (sscanf(buf, "%d %d %ld %d %d %d", &r->signo, &r->code, &r->pid, &r->value,
             &r->status, &r->count) != 6)
    return -1;
  return 0;
}

/* catch_report SIG FILE: catches SIG with SA_SIGINFO, says it is ready,
 * waits (sigsuspend) and writes what the siginfo_t held to FILE. */
static volatile sig_atomic_t caught, c_code, c_value, c_status;
static volatile long c_pid;
static void catch_info(int sig, siginfo_t *info, void *ctx)
{
  (void)ctx;
  (void)sig;
  c_code = info->si_code;
  c_pid = (long)info->si_pid;
  c_value = info->si_value.sival_int;
  c_status = info->si_status;
  caught = info->si_signo;
}

static void write_report(const char *file, int signo, int code, long pid, int value, int status, int count)
{
  char text[200];
  snprintf(text, sizeof text, "%d %d %ld %d %d %d\n", signo, code, pid, value, status, count);
  pt_write_file(file, text);
}

HELPER(catch_report)
{
  int sig;
  sigset_t none;
  if (argc < 3)
    return 2;
  sig = atoi(argv[1]);
  pt_block(sig);
  pt_set_action(sig, catch_info, 0);
  pt_write_file(pt_ready_name(argv[2]), "ready\n");
  sigemptyset(&none);
  while (!caught)
    sigsuspend(&none);
  write_report(argv[2], caught, c_code, c_pid, c_value, c_status, 1);
  return 0;
}

/* busy_report SIG FILE: the same, but waits in a loop that makes no call:
 * a handler must interrupt running code. */
HELPER(busy_report)
{
  int sig;
  unsigned long spins = 0;
  long long until;
  if (argc < 3)
    return 2;
  sig = atoi(argv[1]);
  pt_set_action(sig, catch_info, 0);
  pt_write_file(pt_ready_name(argv[2]), "ready\n");
  until = pt_now_ms() + 20000;
  while (!caught) {
    if ((++spins & 0xfffff) == 0 && pt_now_ms() > until)
      return 3;
  }
  write_report(argv[2], caught, c_code, c_pid, c_value, c_status, 1);
  return 0;
}

/* idle FILE [CODE]: says it is ready, then pauses until a signal ends it
 * (default actions), or exits CODE if a handler ever returns. */
HELPER(idle)
{
  if (argc < 2)
    return 2;
  pt_write_file(pt_ready_name(argv[1]), "ready\n");
  for (;;)
    pause();
  return argc > 2 ? atoi(argv[2]) : 0;
}

/* exit_after MS CODE: exits CODE after MS milliseconds. */
HELPER(exit_after)
{
  if (argc < 3)
    return 2;
  pt_sleep_ms(atol(argv[1]));
  return atoi(argv[2]);
}

/* pester PID SIG PERIOD_MS COUNT [CODE]: sends SIG to PID every PERIOD_MS,
 * COUNT times, then exits CODE (0). A signal that lands before the target
 * entered its blocking call is followed by another. */
HELPER(pester)
{
  pid_t pid;
  int sig, n, i;
  long period;
  if (argc < 5)
    return 2;
  pid = (pid_t)atol(argv[1]);
  sig = atoi(argv[2]);
  period = atol(argv[3]);
  n = atoi(argv[4]);
  for (i = 0; i < n; i++) {
    pt_sleep_ms(period);
    if (kill(pid, sig) != 0)
      return 4;
  }
  return argc > 5 ? atoi(argv[5]) : 0;
}

void pt_stopped_then_cont_and_kill(pid_t pid, int stopsig)
{
  int st = 0;
  CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
  CHECK(WIFSTOPPED(st));
  CHECK_EQ(WSTOPSIG(st), stopsig);
  CHECK_OK(kill(pid, SIGCONT));
  CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
  CHECK(WIFCONTINUED(st));
  CHECK_OK(kill(pid, SIGKILL));
  st = pt_reap(pid, 20000);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGKILL);
}

pid_t pt_pester(int sig, long period_ms, int count, int code)
{
  const char *args[6];
  args[0] = pt_num(getpid());
  args[1] = pt_num(sig);
  args[2] = pt_num(period_ms);
  args[3] = pt_num(count);
  args[4] = pt_num(code);
  args[5] = NULL;
  return pt_spawn("pester", args, NULL, NULL);
}
