/* SPDX-License-Identifier: MIT */
/* EINTR and SA_RESTART in each blocking call, with the signal sent by
 * another process (XSH 2.4.3: "SA_RESTART ... a function interrupted by
 * this signal shall restart and shall not fail with [EINTR]", and each
 * function's [EINTR]). Also a thread other than the main one, blocked in
 * each call, while the main thread blocks the signal: the process-directed
 * signal goes to the thread that does not block it and ends its call. */
#include "common.h"

enum call { PAUSE, SIGSUSPEND, SLEEP, NANOSLEEP, CLOCK_NANOSLEEP, WAITPID, WAIT, WAITID,
            SIGWAITINFO, SIGTIMEDWAIT, SIGWAIT };

static volatile sig_atomic_t hits;
static pthread_t handler_thread;
static void count(int sig)
{
  (void)sig;
  handler_thread = pthread_self();
  hits++;
}

struct outcome {
  long long r;   /* the call's return value */
  int err;       /* errno (or the returned error number) */
  int status;    /* wait status, or the signal taken */
  long long ms;  /* how long it took */
};

/* Makes the call; child is the pester process (it exits 7 after its
 * signals), for the wait calls. */
static void make_call(enum call c, pid_t child, struct outcome *o)
{
  sigset_t set;
  struct timespec ts = { 10, 0 }, rem;
  siginfo_t si;
  int st = 0, sig = 0;
  long long t0 = pt_now_ms();
  memset(o, 0, sizeof *o);
  sigemptyset(&set);
  errno = 0;
  switch (c) {
  case PAUSE: o->r = pause(); break;
  case SIGSUSPEND: o->r = sigsuspend(&set); break;
  case SLEEP: o->r = sleep(10); break;
  case NANOSLEEP: o->r = nanosleep(&ts, &rem); break;
  case CLOCK_NANOSLEEP:
    o->r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &rem);
    errno = (int)o->r;
    break;
  case WAITPID: o->r = waitpid(child, &st, 0); break;
  case WAIT: o->r = wait(&st); break;
  case WAITID:
    memset(&si, 0, sizeof si);
    o->r = waitid(P_PID, (id_t)child, &si, WEXITED);
    st = si.si_status;
    break;
  case SIGWAITINFO:
    sigaddset(&set, SIGUSR2);
    o->r = sigwaitinfo(&set, &si);
    break;
  case SIGTIMEDWAIT:
    sigaddset(&set, SIGUSR2);
    o->r = sigtimedwait(&set, &si, &ts);
    break;
  case SIGWAIT:
    sigaddset(&set, SIGUSR2);
    o->r = sigwait(&set, &sig);
    errno = (int)o->r;
    st = sig;
    break;
  }
  o->err = errno;
  o->status = st;
  o->ms = pt_now_ms() - t0;
}

static int is_wait(enum call c)
{
  return c == WAITPID || c == WAIT || c == WAITID;
}

/* What POSIX (and Linux) give for each call when a caught signal comes
 * while it blocks. */
static void check_outcome(enum call c, int restart, pid_t child, const struct outcome *o)
{
  if (c == SIGWAIT) {
    /* sigwait has no [EINTR]: it keeps waiting; the SIGUSR2 sent after
     * the SIGUSR1s ends it */
    CHECK_EQ(o->r, 0);
    CHECK_EQ(o->status, SIGUSR2);
    return;
  }
  if (c == SLEEP) {
    /* "If sleep() returns due to delivery of a signal, the return value
     * shall be the 'unslept' amount" (SA_RESTART or not) */
    CHECK(o->r >= 1 && o->r <= 10);
    CHECK(o->ms < 9000);
    return;
  }
  if (restart && is_wait(c)) {
    /* restarted: it waits on until the child ends */
    if (c == WAITID) {
      CHECK_EQ(o->r, 0);
      CHECK_EQ(o->status, 7);
    } else {
      CHECK_EQ(o->r, child);
      CHECK(WIFEXITED(o->status));
      CHECK_EQ(WEXITSTATUS(o->status), 7);
    }
    pt_forget(child);
    return;
  }
  /* pause, sigsuspend, nanosleep, clock_nanosleep, sigwaitinfo and
   * sigtimedwait fail with EINTR whatever SA_RESTART says (as on Linux);
   * the wait calls without SA_RESTART too */
  if (c == CLOCK_NANOSLEEP)
    CHECK_EQ(o->r, EINTR);
  else {
    CHECK_EQ(o->r, -1);
    CHECK_EQ(o->err, EINTR);
  }
  CHECK(o->ms < 9000);
}

/* The signals: SIGUSR1 three times 200 ms apart (the first that lands while
 * the call blocks ends it), and for sigwait then SIGUSR2. */
static pid_t start_sender(enum call c)
{
  const char *args[6];
  if (c != SIGWAIT)
    return pt_pester(SIGUSR1, 200, 3, 7);
  args[0] = pt_num(getpid());
  args[1] = pt_num(SIGUSR1);
  args[2] = "200";
  args[3] = "3";
  args[4] = "0";
  args[5] = NULL;
  return pt_spawn("pester_then_usr2", args, NULL, NULL);
}

int pt_helper_pester(int argc, char **argv);

HELPER(pester_then_usr2)
{
  int r = pt_helper_pester(argc, argv);
  if (r != 0)
    return r;
  pt_sleep_ms(200);
  return kill((pid_t)atol(argv[1]), SIGUSR2) == 0 ? 7 : 4;
}

static void finish(pid_t child, enum call c, int restart)
{
  if (!(restart && is_wait(c))) {
    int st = pt_reap(child, 20000);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 7);
  }
}

static void in_main(enum call c, int restart)
{
  struct outcome o;
  pid_t child;
  pt_set_handler(SIGUSR1, count, restart ? SA_RESTART : 0);
  pt_block(SIGUSR2);
  child = start_sender(c);
  make_call(c, child, &o);
  CHECK(hits >= 1);
  check_outcome(c, restart, child, &o);
  finish(child, c, restart);
}

struct thread_job { enum call c; pid_t child; struct outcome o; };
static void *in_thread_body(void *arg)
{
  struct thread_job *j = arg;
  pt_unblock(SIGUSR1);
  make_call(j->c, j->child, &j->o);
  return NULL;
}

static void in_thread(enum call c)
{
  pthread_t t;
  struct thread_job j;
  pt_set_handler(SIGUSR1, count, 0);
  pt_block(SIGUSR1);
  pt_block(SIGUSR2);
  j.c = c;
  j.child = start_sender(c);
  CHECK_RET(pthread_create(&t, NULL, in_thread_body, &j), 0);
  CHECK_RET(pthread_join(t, NULL), 0);
  CHECK(hits >= 1);
  CHECK(pthread_equal(handler_thread, t));
  check_outcome(c, 0, j.child, &j.o);
  finish(j.child, c, 0);
}

#define CALL_TESTS(name, c)                                                 \
  TEST(eintr_##name) { in_main(c, 0); return 0; }                           \
  TEST(restart_##name) { in_main(c, 1); return 0; }                         \
  TEST(thread_##name) { in_thread(c); return 0; }

CALL_TESTS(pause, PAUSE)
CALL_TESTS(sigsuspend, SIGSUSPEND)
CALL_TESTS(sleep, SLEEP)
CALL_TESTS(nanosleep, NANOSLEEP)
CALL_TESTS(clock_nanosleep, CLOCK_NANOSLEEP)
CALL_TESTS(waitpid, WAITPID)
CALL_TESTS(wait, WAIT)
CALL_TESTS(waitid, WAITID)
CALL_TESTS(sigwaitinfo, SIGWAITINFO)
CALL_TESTS(sigtimedwait, SIGTIMEDWAIT)
CALL_TESTS(sigwait, SIGWAIT)
