/* SPDX-License-Identifier: MIT */
/* Children: CHLD with pid and status, xsig_wait_child, the children
 * waitable and xsig_wait_many, on both platforms. */
#include "task.h"
#ifdef _WIN32
#include <windows.h>
#else
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

/* Exits with CODE, or ends by signal -CODE (its default action). */
static int end_as(int code)
{
  if (code >= 0)
    return code;
  xsig_init();
  xsig_raise(-code);
  return 99;
}

HELPER_IMPL(child_end_as)
{
  (void)argc;
  test_msleep(atoi(argv[2]));
  return end_as(atoi(argv[1]));
}

#define MAX_SEEN 256
static xsig_info_t seen[MAX_SEEN];
static int nseen;

static void on_chld(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)arg;
  if (nseen < MAX_SEEN)
    seen[nseen] = *info;
  nseen++;
}

/* Runs handlers until n CHLD handlers ran in all, within 20 s. */
static void wait_for_chld(int n)
{
  int i;
  for (i = 0; i < 2000 && nseen < n; i++)
    xsig_sleep(10);
  ASSERT(nseen >= n);
}

TEST_IMPL(chld_info_pid_and_status)
{
  xsig_process_t *a, *b;
  xsig_status_t st;
  char sig[8];
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_CHLD, on_chld));
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "7", "0", 0, &a));
  wait_for_chld(1);
  ASSERT_EQ(seen[0].signo, XSIG_CHLD);
  ASSERT_EQ(seen[0].code, XSIG_SI_KERNEL);
  ASSERT_EQ(seen[0].pid, xsig_process_pid(a));
  ASSERT_EQ(seen[0].subcode, XSIG_CLD_EXITED);
  ASSERT_EQ(seen[0].status, 7);
  ASSERT_OK(xsig_status_from_info(&seen[0], &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 7);

  snprintf(sig, sizeof sig, "-%d", XSIG_TERM);
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", sig, "0", 0, &b));
  wait_for_chld(2);
  ASSERT_EQ(seen[1].pid, xsig_process_pid(b));
  ASSERT_EQ(seen[1].subcode, XSIG_CLD_KILLED);
  ASSERT_EQ(seen[1].status, XSIG_TERM);
  ASSERT_OK(xsig_status_from_info(&seen[1], &st));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_TERM);
  /* what the handler said is what waiting says */
  ASSERT_OK(xsig_process_wait(b, 5000, &st));
  ASSERT_EQ(st.signo, XSIG_TERM);
  ASSERT_EQ(st.raw, seen[1].os_code);
  ASSERT_EQ(xsig_status_from_info(NULL, &st), XSIG_EINVAL);
  seen[0].signo = XSIG_TERM;
  ASSERT_EQ(xsig_status_from_info(&seen[0], &st), XSIG_EINVAL);
  xsig_process_close(a);
  xsig_process_close(b);
  xsig_shutdown();
  return 0;
}

TEST_IMPL(chld_through_sigwait)
{
  xsig_sigset_t set;
  xsig_info_t info;
  xsig_process_t *p;
  ASSERT_OK(xsig_init());
  xsig_sigemptyset(&set);
  xsig_sigaddset(&set, XSIG_CHLD);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &set, NULL));
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "3", "0", 0, &p));
  ASSERT_EQ(xsig_sigwait(&set, 20000, &info), XSIG_CHLD);
  ASSERT_EQ(info.pid, xsig_process_pid(p));
  ASSERT_EQ(info.subcode, XSIG_CLD_EXITED);
  ASSERT_EQ(info.status, 3);
  xsig_process_close(p);
  xsig_shutdown();
  return 0;
}

/* Stops itself at TSTP's default action; once continued, exits 5 a
 * second later (a child that ends at once leaves no continue to report). */
HELPER_IMPL(child_stop_self)
{
  (void)argc, (void)argv;
  xsig_init();
  xsig_raise(XSIG_TSTP);
  test_msleep(1000);
  return 5;
}

/* Sends STOP to pid argv[1], a child of another process. */
HELPER_IMPL(child_stopper)
{
  (void)argc;
  return xsig_kill(atoll(argv[1]), XSIG_STOP) == 0 ? 0 : 3;
}

/* Uses xsig (its default actions), then exits 5 after argv[1] ms. */
HELPER_IMPL(child_xsig_exit_after)
{
  (void)argc;
  xsig_init();
  test_msleep(atoi(argv[1]));
  return 5;
}

/* Runs handlers until the CHLD handler saw subcode for pid, within 20 s;
 * returns that record's index. */
static int wait_for_change(int64_t pid, int subcode)
{
  int i, k;
  for (i = 0; i < 2000; i++) {
    for (k = 0; k < nseen && k < MAX_SEEN; k++)
      if (seen[k].pid == pid && seen[k].subcode == subcode)
        return k;
    xsig_sleep(10);
  }
  ASSERT(!"no CHLD for the change");
  return -1;
}

/* A child that stops itself (TSTP's default action) is seen stopped, by
 * CHLD and by xsig_child_change, once; CONT from the parent is seen too,
 * and the child then runs to its end. (Windows: the child tells, and the
 * parent looks before it believes.) In a group of its own: POSIX drops
 * TSTP's stop in an orphaned group. */
TEST_IMPL(child_change_own_stop)
{
  xsig_process_t *p;
  xsig_status_t st;
  int64_t pid = 0;
  int k, sig = 0;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_CHLD, on_chld));
  ASSERT_OK(test_xsig_spawn_helper("child_stop_self", NULL, NULL, XSIG_SPAWN_NEW_GROUP, &p));
  k = wait_for_change(xsig_process_pid(p), XSIG_CLD_STOPPED);
  ASSERT_EQ(seen[k].signo, XSIG_CHLD);
  ASSERT_EQ(seen[k].status, XSIG_TSTP);
  ASSERT_EQ(xsig_child_change(xsig_process_pid(p), &pid, &sig), XSIG_CLD_STOPPED);
  ASSERT_EQ(pid, xsig_process_pid(p));
  ASSERT_EQ(sig, XSIG_TSTP);
  ASSERT_EQ(xsig_child_change(0, NULL, NULL), 0); /* taken once */
  ASSERT_EQ(xsig_process_wait(p, 300, &st), XSIG_ETIMEDOUT); /* it stays stopped */
  ASSERT_OK(xsig_process_send(p, XSIG_CONT, 0, 0, NULL));
  wait_for_change(xsig_process_pid(p), XSIG_CLD_CONTINUED);
  ASSERT_OK(xsig_process_wait(p, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 5);
  ASSERT_EQ(xsig_child_change(-1, NULL, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_child_change(xsig_process_pid(p), NULL, NULL), XSIG_ECHILD); /* reported */
  xsig_process_close(p);
  xsig_shutdown();
  return 0;
}

/* TSTP then CONT at once, again and again: the child ends up running
 * (POSIX: a CONT after a stop resumes it), also when the CONT comes while
 * the child, at TSTP's default action, is still telling its parent (Windows:
 * a CONT accepted then cancels the stop; one left in the pipe of a child
 * that stopped itself first is followed by a resume). */
TEST_IMPL(child_tstp_then_cont_runs)
{
  xsig_process_t *p;
  xsig_status_t st;
  int i;
  ASSERT_OK(xsig_init());
  ASSERT_OK(test_xsig_spawn_helper("child_xsig_exit_after", "8000", NULL, XSIG_SPAWN_NEW_GROUP, &p));
  xsig_sleep(500); /* its xsig_init */
  for (i = 0; i < 10; i++) {
    ASSERT_OK(xsig_process_send(p, XSIG_TSTP, 0, 0, NULL));
    ASSERT_OK(xsig_process_send(p, XSIG_CONT, 0, 0, NULL));
  }
  ASSERT_OK(xsig_process_wait(p, 20000, &st)); /* stuck stopped: time-out */
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 5);
  xsig_process_close(p);
  xsig_shutdown();
  return 0;
}

/* A STOP that a third process sends is the parent's to see as well, and
 * so is the CONT after it. */
TEST_IMPL(child_change_stop_by_another)
{
  xsig_process_t *p, *stopper;
  xsig_status_t st;
  char num[24];
  int sig = 0, i, code = 0;
  ASSERT_OK(xsig_init());
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "0", "20000", 0, &p));
  snprintf(num, sizeof num, "%lld", (long long)xsig_process_pid(p));
  ASSERT_OK(test_xsig_spawn_helper("child_stopper", num, NULL, 0, &stopper));
  ASSERT_OK(xsig_process_wait(stopper, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  for (i = 0; i < 200 && (code = xsig_child_change(xsig_process_pid(p), NULL, &sig)) == 0; i++)
    xsig_sleep(10);
  ASSERT_EQ(code, XSIG_CLD_STOPPED);
  ASSERT_EQ(sig, XSIG_STOP);
  ASSERT_OK(xsig_process_send(p, XSIG_CONT, 0, 0, NULL));
  for (i = 0; i < 200 && (code = xsig_child_change(0, NULL, &sig)) == 0; i++)
    xsig_sleep(10);
  ASSERT_EQ(code, XSIG_CLD_CONTINUED);
  ASSERT_EQ(sig, XSIG_CONT);
  ASSERT_OK(xsig_process_send(p, XSIG_KILL, 0, 0, NULL));
  ASSERT_OK(xsig_process_wait(p, 20000, &st));
  xsig_process_close(p);
  xsig_process_close(stopper);
  xsig_shutdown();
  return 0;
}

/* xsig_reap_orphans takes what xsig_spawn did not start, and keeps the
 * status of what it did for its owner, even when it reaped that too. */
TEST_IMPL(reap_orphans_keeps_ours)
{
  xsig_process_t *a;
  xsig_status_t st;
  int64_t pid = 0;
  int i, n = 0, r, others = 0;
  ASSERT_EQ(xsig_reap_orphans(), 0);
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "4", "0", 0, &a));
#ifndef _WIN32
  {
    pid_t raw = fork(); /* not xsig_spawn's: an orphan's stand-in */
    if (raw == 0)
      _exit(9);
    ASSERT(raw > 0);
    others = 1; /* Windows: no process is handed on, so none */
  }
#endif
  test_msleep(300); /* both have ended by now, most likely */
  for (i = 0; i < 500 && n < others; i++) {
    ASSERT((r = xsig_reap_orphans()) >= 0);
    n += r;
    test_msleep(10);
  }
  ASSERT_EQ(n, others);
#ifndef _WIN32
  {
    siginfo_t si;
    /* ours ended too, and xsig_reap_orphans reaped it (a look that does
     * not reap: WNOWAIT)... */
    for (i = 0; i < 500; i++) {
      xsig_reap_orphans();
      memset(&si, 0, sizeof si);
      if (waitid(P_PID, (id_t)xsig_process_pid(a), &si, WEXITED | WNOHANG | WNOWAIT) != 0)
        break;
      test_msleep(10);
    }
    ASSERT_EQ(errno, ECHILD);
  }
#endif
  /* ...and its status is still its owner's to learn, once */
  ASSERT_OK(xsig_wait_child(20000, &pid, &st));
  ASSERT_EQ(pid, xsig_process_pid(a));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 4);
  ASSERT_OK(xsig_process_wait(a, 0, &st));
  ASSERT_EQ(st.code, 4);
  ASSERT_EQ(xsig_wait_child(0, NULL, NULL), XSIG_ECHILD);
  xsig_process_close(a);
  ASSERT_EQ(xsig_reap_orphans(), 0);
  return 0;
}

TEST_IMPL(wait_child_reports_each_once)
{
  xsig_process_t *a, *b, *c;
  xsig_status_t st;
  int64_t pid = 0;
  ASSERT_EQ(xsig_wait_child(0, &pid, &st), XSIG_ECHILD); /* none yet */
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "4", "300", 0, &a));
  ASSERT_EQ(xsig_wait_child(0, &pid, &st), XSIG_ETIMEDOUT);
  ASSERT_EQ(xsig_wait_child(50, &pid, &st), XSIG_ETIMEDOUT);
  ASSERT_OK(xsig_wait_child(20000, &pid, &st));
  ASSERT_EQ(pid, xsig_process_pid(a));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 4);
  ASSERT_EQ(xsig_wait_child(0, &pid, &st), XSIG_ECHILD); /* reported once */
  memset(&st, 0, sizeof st);
  ASSERT_OK(xsig_process_wait(a, 0, &st)); /* its owner still learns it */
  ASSERT_EQ(st.code, 4);

  /* xsig_process_wait reports it first: xsig_wait_child does not */
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "5", "0", 0, &b));
  ASSERT_OK(xsig_process_wait(b, 20000, &st));
  ASSERT_EQ(st.code, 5);
  ASSERT_EQ(xsig_wait_child(0, NULL, NULL), XSIG_ECHILD);

  /* closed before it ended: still reported, then freed */
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "6", "100", 0, &c));
  pid = xsig_process_pid(c);
  xsig_process_close(c);
  {
    int64_t got = 0;
    ASSERT_OK(xsig_wait_child(20000, &got, &st));
    ASSERT_EQ(got, pid);
    ASSERT_EQ(st.code, 6);
  }
  ASSERT_EQ(xsig_wait_child(-1, NULL, NULL), XSIG_ECHILD); /* forever, but none: at once */
  xsig_process_close(a);
  xsig_process_close(b);
  return 0;
}

TEST_IMPL(chld_ignored_children_reap_themselves)
{
  xsig_process_t *p, *q;
  xsig_status_t st;
  int64_t qpid;
  int i;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_CHLD, XSIG_IGN));
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "9", "0", 0, &p));
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "9", "0", 0, &q));
  qpid = xsig_process_pid(q);
  xsig_process_close(q); /* nobody holds it: nothing of it may stay */
  ASSERT_EQ(xsig_wait_child(20000, NULL, NULL), XSIG_ECHILD); /* both ended, discarded */
  ASSERT_EQ(xsig_process_wait(p, 20000, &st), XSIG_ECHILD);
  for (i = 0; i < 200 && xsig_kill(qpid, 0) == 0; i++)
    test_msleep(10);
  ASSERT_EQ(xsig_kill(qpid, 0), XSIG_ESRCH); /* no zombie */
  xsig_process_close(p);
  xsig_shutdown();
  return 0;
}

TEST_IMPL(children_waitable_ready_until_reported)
{
  xsig_process_t *p;
  xsig_os_handle_t h = xsig_children_waitable();
#ifdef XSIG_TEST_POSIX_ONLY
  ASSERT(h == XSIG_NO_HANDLE); /* POSIX alone has no pollable set of fds */
  return 0;
#endif
  ASSERT(h != XSIG_NO_HANDLE); /* Linux with pidfds, Windows */
  ASSERT(h == xsig_children_waitable());
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "0", "200", 0, &p));
  ASSERT_EQ(test_wait_handle(h, 0), 0);
  ASSERT_EQ(test_wait_handle(h, 20000), 1);
  ASSERT_EQ(test_wait_handle(h, 0), 1); /* stays ready */
  ASSERT_OK(xsig_wait_child(0, NULL, NULL));
  ASSERT_EQ(test_wait_handle(h, 0), 0); /* reported: no longer */
  xsig_process_close(p);
  return 0;
}

/* --- xsig_wait_many ----------------------------------------------------- */

struct pipe_pair {
  xsig_os_handle_t readable; /* fd / event */
#ifdef _WIN32
  HANDLE ev;
#else
  int fds[2];
#endif
};

static void make_source(struct pipe_pair *s)
{
#ifdef _WIN32
  s->ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  s->readable = s->ev;
#else
  ASSERT_OK(pipe(s->fds));
  s->readable = s->fds[0];
#endif
}

static void fire_source(struct pipe_pair *s)
{
#ifdef _WIN32
  SetEvent(s->ev);
#else
  ASSERT_EQ(write(s->fds[1], "x", 1), 1);
#endif
}

static void close_source(struct pipe_pair *s)
{
#ifdef _WIN32
  CloseHandle(s->ev);
#else
  close(s->fds[0]);
  close(s->fds[1]);
#endif
}

static volatile int usr1_runs;
static void on_usr1(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  usr1_runs++;
}

static void send_usr1_later(void *arg)
{
  (void)arg;
  test_msleep(100);
  xsig_kill(xsig_getpid(), XSIG_USR1);
}

TEST_IMPL(wait_many_sources)
{
  struct pipe_pair s[3];
  xsig_os_handle_t hs[3], many[XSIG_WAIT_MAX + 1];
  xsig_process_t *p;
  test_thread_t t;
  int i;
  ASSERT_EQ(xsig_wait_many(NULL, 0, 0, 0), XSIG_ENOTINIT);
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, on_usr1));
  for (i = 0; i < 3; i++) {
    make_source(&s[i]);
    hs[i] = s[i].readable;
  }
  ASSERT_EQ(xsig_wait_many(hs, 3, 0, 0), XSIG_ETIMEDOUT);
  ASSERT_EQ(xsig_wait_many(hs, 3, 0, 50), XSIG_ETIMEDOUT);
  fire_source(&s[2]);
  ASSERT_EQ(xsig_wait_many(hs, 3, 0, 1000), 2);
  fire_source(&s[1]);
  ASSERT_EQ(xsig_wait_many(hs, 3, 0, 1000), 1); /* the first ready one */

  /* a handler that runs is the EINTR analog */
  ASSERT_OK(test_thread_start(&t, send_usr1_later, NULL));
  ASSERT_EQ(xsig_wait_many(hs, 1, 0, 20000), XSIG_EINTR);
  test_thread_join(&t);
  ASSERT_EQ(usr1_runs, 1);

  /* a child ending: index n */
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "2", "100", 0, &p));
  ASSERT_EQ(xsig_wait_many(hs, 1, XSIG_WAIT_CHILDREN, 20000), 1);
  ASSERT_EQ(xsig_wait_many(hs, 1, XSIG_WAIT_CHILDREN, 0), 1); /* until reported */
  ASSERT_OK(xsig_wait_child(0, NULL, NULL));
  ASSERT_EQ(xsig_wait_many(hs, 1, XSIG_WAIT_CHILDREN, 0), XSIG_ETIMEDOUT);
  ASSERT_EQ(xsig_wait_many(NULL, 0, XSIG_WAIT_CHILDREN, 0), XSIG_ETIMEDOUT);
  xsig_process_close(p);

  /* bad arguments, each named */
  for (i = 0; i <= XSIG_WAIT_MAX; i++)
    many[i] = hs[0];
  ASSERT_EQ(xsig_wait_many(many, XSIG_WAIT_MAX + 1, 0, 0), XSIG_ERANGE);
  ASSERT_EQ(xsig_wait_many(many, XSIG_WAIT_MAX, 0, 0), XSIG_ETIMEDOUT);
  ASSERT_EQ(xsig_wait_many(hs, -1, 0, 0), XSIG_ERANGE);
  ASSERT_EQ(xsig_wait_many(NULL, 2, 0, 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_wait_many(hs, 1, 0x10, 0), XSIG_EINVAL);
  many[1] = XSIG_NO_HANDLE;
  ASSERT_EQ(xsig_wait_many(many, 2, 0, 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_wait_os(XSIG_NO_HANDLE, 0), XSIG_EINVAL);
  close_source(&s[0]);
  ASSERT_EQ(xsig_wait_many(hs, 1, 0, 0), XSIG_EBADF); /* closed */
  ASSERT_EQ(xsig_wait_os(hs[0], 0), XSIG_EBADF);
  ASSERT_STR(xsig_errname(XSIG_EBADF), "EBADF");
  close_source(&s[1]);
  close_source(&s[2]);
  xsig_shutdown();
  return 0;
}

/* --- the storm: many children ending at once ---------------------------- */

/* Reads the pipe (fd or inherited HANDLE) of argv[1] to its end, then
 * ends as argv[2] says: all children of the storm end at once. */
HELPER_IMPL(child_end_on_eof)
{
  char buf[16];
  (void)argc;
#ifdef _WIN32
  HANDLE h = (HANDLE)(uintptr_t)strtoull(argv[1], NULL, 10);
  DWORD got;
  while (ReadFile(h, buf, sizeof buf, &got, NULL) && got > 0) {
  }
#else
  int fd = atoi(argv[1]);
  while (read(fd, buf, sizeof buf) > 0 || errno == EINTR) {
  }
#endif
  return end_as(atoi(argv[2]));
}

#define STORM_CHILDREN 200

static int kid_index(xsig_process_t *const *kids, int64_t pid)
{
  int i;
  for (i = 0; i < STORM_CHILDREN; i++)
    if (xsig_process_pid(kids[i]) == pid)
      return i;
  test_fail(__FILE__, __LINE__, "a pid that is none of the children");
  return 0;
}

TEST_IMPL(storm_children_each_once)
{
  static xsig_process_t *kids[STORM_CHILDREN];
  static int reported[STORM_CHILDREN];
  char fdarg[32], code[16];
  int i, n = 0;
  xsig_status_t st;
  int64_t pid;
#ifdef _WIN32
  HANDLE rd, wr;
  SECURITY_ATTRIBUTES sa;
  memset(&sa, 0, sizeof sa);
  sa.nLength = sizeof sa;
  sa.bInheritHandle = TRUE;
  ASSERT(CreatePipe(&rd, &wr, &sa, 0));
  SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
  snprintf(fdarg, sizeof fdarg, "%llu", (unsigned long long)(uintptr_t)rd);
#else
  int fds[2];
  ASSERT_OK(pipe(fds));
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  snprintf(fdarg, sizeof fdarg, "%d", fds[0]);
#endif
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_CHLD, on_chld));
  for (i = 0; i < STORM_CHILDREN; i++) {
    /* every tenth ends by TERM, the others exit with i % 50 */
    int err;
    snprintf(code, sizeof code, "%d", i % 10 == 9 ? -XSIG_TERM : i % 50);
    if ((err = test_xsig_spawn_helper("child_end_on_eof", fdarg, code, 0, &kids[i])) != 0)
      printf("storm: child %d of %d not started: %s\n", i, STORM_CHILDREN, xsig_strerror(err));
    ASSERT_OK(err);
  }
  ASSERT_EQ(nseen, 0); /* none ended yet: none reported */
  ASSERT_EQ(xsig_wait_child(0, NULL, NULL), XSIG_ETIMEDOUT);
#ifdef _WIN32
  CloseHandle(rd);
  CloseHandle(wr); /* all of them see the end at once */
#else
  close(fds[0]);
  close(fds[1]);
#endif
  while (n < STORM_CHILDREN) {
    int r = xsig_wait_many(NULL, 0, XSIG_WAIT_CHILDREN, 60000);
    ASSERT(r == 0 || r == XSIG_EINTR);
    while (xsig_wait_child(0, &pid, &st) == 0) {
      i = kid_index(kids, pid);
      ASSERT_EQ(reported[i], 0);
      reported[i] = 1;
      n++;
      if (i % 10 == 9) {
        ASSERT_EQ(st.exited, 0);
        ASSERT_EQ(st.signo, XSIG_TERM);
      } else {
        ASSERT_EQ(st.exited, 1);
        ASSERT_EQ(st.code, i % 50);
      }
    }
  }
  ASSERT_EQ(xsig_wait_child(0, NULL, NULL), XSIG_ECHILD);
  for (i = 0; i < 100 && nseen == 0; i++)
    xsig_sleep(10);
  /* CHLD coalesces: at least one handler, never more than one per child,
   * and each names one of them with its status */
  printf("storm: %d children, %d CHLD handler calls\n", STORM_CHILDREN, nseen);
  ASSERT(nseen >= 1 && nseen <= STORM_CHILDREN);
  for (i = 0; i < nseen && i < MAX_SEEN; i++) {
    int k = kid_index(kids, seen[i].pid);
    ASSERT_EQ(seen[i].status, k % 10 == 9 ? XSIG_TERM : k % 50);
  }
  for (i = 0; i < STORM_CHILDREN; i++)
    xsig_process_close(kids[i]);
  xsig_shutdown();
  return 0;
}

/* --- the example a user would write: examples/supervisor.c -------------- */

TEST_IMPL(example_supervisor)
{
  char exe[1024], line[512], want[64];
  char *argv[3];
  int stopped[3] = { 0, 0, 0 }, i, restarted = 0, ready = 0;
  test_proc_t p;
  xsig_status_t st;
  test_build_exe(exe, sizeof exe, "xsig-supervisor");
  argv[0] = exe;
  argv[1] = (char *)"3";
  argv[2] = NULL;
  ASSERT_OK(test_spawn(&p, argv, TEST_PROC_MERGE_STDERR));
  /* worker 1 crashes: the supervisor says how it ended, and restarts it */
  ASSERT_OK(test_expect_line(&p, "supervisor: worker 1 (pid", line, sizeof line, 30000));
  ASSERT(strstr(line, "ended by signal SEGV") != NULL);
  /* the new worker and the supervisor write in either order */
  while ((restarted == 0 || ready == 0) && test_read_line(&p, line, sizeof line, 30000) == 0) {
    restarted += strcmp(line, "supervisor: worker 1 restarted") == 0;
    ready += strcmp(line, "worker 1: ready") == 0;
  }
  ASSERT_EQ(restarted, 1);
  ASSERT_EQ(ready, 1);
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  snprintf(want, sizeof want, "supervisor: TERM from pid %lld", (long long)xsig_getpid());
  ASSERT_OK(test_expect_line(&p, want, line, sizeof line, 10000));
  /* every worker stops by itself on TERM, under one deadline */
  while (test_read_line(&p, line, sizeof line, 20000) == 0 &&
         strncmp(line, "supervisor: all workers stopped", 31) != 0 && printf("read: %s\n", line))
    for (i = 0; i < 3; i++) {
      snprintf(want, sizeof want, "supervisor: worker %d (pid", i);
      if (strncmp(line, want, strlen(want)) == 0 && strstr(line, "exited with code 0"))
        stopped[i]++;
    }
  ASSERT_STR(line, "supervisor: all workers stopped");
  for (i = 0; i < 3; i++)
    ASSERT_EQ(stopped[i], 1);
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  test_proc_close(&p);
  return 0;
}

/* A poll (time-out 0) whose clock moves on by a millisecond between its
 * two readings must still return: it once waited forever then. */
TEST_IMPL(poll_never_waits_forever)
{
  struct pipe_pair s;
  int i;
  ASSERT_OK(xsig_init());
  make_source(&s);
  for (i = 0; i < 20000; i++) {
    ASSERT_EQ(xsig_wait_many(&s.readable, 1, XSIG_WAIT_CHILDREN, 0), XSIG_ETIMEDOUT);
    ASSERT_EQ(xsig_wait_os(s.readable, 0), XSIG_ETIMEDOUT);
  }
  close_source(&s);
  xsig_shutdown();
  return 0;
}

/* Two threads take children while they end and the main thread closes
 * them: each child once, nothing freed under anyone (also under TSan). */
#define RACE_CHILDREN 40
static int64_t race_pids[RACE_CHILDREN];
static int race_seen[RACE_CHILDREN];
static int race_total;

static void take_children(void *arg)
{
  int64_t pid;
  xsig_status_t st;
  int i;
  (void)arg;
  while (xsig_wait_child(-1, &pid, &st) == 0)
    for (i = 0; i < RACE_CHILDREN; i++)
      if (race_pids[i] == pid) {
        test_atomic_add(&race_seen[i], 1);
        test_atomic_add(&race_total, 1);
      }
}

TEST_IMPL(wait_child_from_two_threads)
{
  xsig_process_t *kids[RACE_CHILDREN];
  test_thread_t a, b;
  char delay[16];
  int i;
  for (i = 0; i < RACE_CHILDREN; i++) {
    snprintf(delay, sizeof delay, "%d", 200 + (i % 8) * 20);
    ASSERT_OK(test_xsig_spawn_helper("child_end_as", "0", delay, 0, &kids[i]));
    race_pids[i] = xsig_process_pid(kids[i]);
  }
  ASSERT_OK(test_thread_start(&a, take_children, NULL));
  ASSERT_OK(test_thread_start(&b, take_children, NULL));
  test_msleep(250); /* while they end */
  for (i = 0; i < RACE_CHILDREN; i++)
    xsig_process_close(kids[i]);
  test_thread_join(&a); /* both return XSIG_ECHILD once all are reported */
  test_thread_join(&b);
  ASSERT_EQ(race_total, RACE_CHILDREN);
  for (i = 0; i < RACE_CHILDREN; i++)
    ASSERT_EQ(race_seen[i], 1);
  return 0;
}

/* xsig_spawn_with's child: exit 0 if its environment is exactly what the
 * parent gave (XSIG_T_MARK set, XSIG_T_GONE not) and its stdout takes a
 * byte; 3 and 4 otherwise. */
HELPER_IMPL(spawn_with_child)
{
  const char *mark = getenv("XSIG_T_MARK");
  (void)argc, (void)argv;
  if (mark == NULL || strcmp(mark, "hello") != 0 || getenv("XSIG_T_GONE") != NULL)
    return 3;
  if (fputs("x", stdout) < 0 || fflush(stdout) != 0)
    return 4;
  return 0;
}

/* The environment given, fd 1 a pipe of ours, fd 0 closed. */
TEST_IMPL(spawn_with_env_and_fds)
{
  xsig_spawn_options_t o;
  xsig_process_t *p;
  xsig_os_handle_t fds[3];
  xsig_status_t st;
  test_pipe_t pipe;
  char exe[1024], root[512], path[8192], qemu[1024], *env[5];
  char *argv[4];
  const char *r = getenv("SystemRoot"), *s = getenv("PATH"), *q = getenv("QEMU_LD_PREFIX");
  test_setenv("XSIG_T_GONE", "1"); /* ours, not the child's */
  test_self_exe(exe, sizeof exe);
  argv[0] = exe;
  argv[1] = (char *)"--helper";
  argv[2] = (char *)"spawn_with_child";
  argv[3] = NULL;
  snprintf(root, sizeof root, "SystemRoot=%s", r ? r : ""); /* Windows needs it to start a program */
  snprintf(path, sizeof path, "PATH=%s", s ? s : "");
  /* qemu-user (the aarch64 run) finds the child's libraries by it */
  snprintf(qemu, sizeof qemu, "QEMU_LD_PREFIX=%s", q ? q : "");
  env[0] = (char *)"XSIG_T_MARK=hello";
  env[1] = root;
  env[2] = path;
  env[3] = q ? qemu : NULL;
  env[4] = NULL;
  ASSERT_OK(test_pipe_open(&pipe));
  fds[0] = XSIG_NO_HANDLE;
  fds[1] = pipe.w;
  fds[2] = pipe.w;
  memset(&o, 0, sizeof o);
  o.envp = env;
  o.fds = fds;
  o.nfds = 3;
  ASSERT_OK(xsig_spawn_with(exe, argv, &o, &p));
  test_pipe_close_write(&pipe); /* the child holds the only writer now */
  ASSERT_OK(xsig_process_wait(p, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  ASSERT_EQ(test_pipe_read(&pipe), 1);  /* its byte */
  ASSERT_EQ(test_pipe_read(&pipe), 0);  /* and the end: no copy of the writer is left */
  xsig_process_close(p);
  test_setenv("XSIG_T_GONE", "");
  return 0;
}

/* Bad options are refused before anything starts. */
TEST_IMPL(spawn_with_bad_options)
{
  xsig_spawn_options_t o;
  xsig_process_t *p = NULL;
  xsig_os_handle_t bad[1];
  char exe[1024], *argv[2], *env[2];
  test_self_exe(exe, sizeof exe);
  argv[0] = exe;
  argv[1] = NULL;
  memset(&o, 0, sizeof o);
  ASSERT_EQ(xsig_spawn_with(exe, argv, NULL, &p), XSIG_EINVAL);
  o.nfds = XSIG_SPAWN_FDS_MAX + 1;
  o.fds = bad;
  ASSERT_EQ(xsig_spawn_with(exe, argv, &o, &p), XSIG_EINVAL);
  o.nfds = 1;
  o.fds = NULL;
  ASSERT_EQ(xsig_spawn_with(exe, argv, &o, &p), XSIG_EINVAL);
  o.nfds = 0;
  env[0] = (char *)"=no-name";
  env[1] = NULL;
  o.envp = env;
  ASSERT_EQ(xsig_spawn_with(exe, argv, &o, &p), XSIG_EINVAL);
  o.envp = NULL;
  o.flags = XSIG_SPAWN_NEW_GROUP;
  o.pgid = 1234;
  ASSERT_EQ(xsig_spawn_with(exe, argv, &o, &p), XSIG_EINVAL);
  o.flags = 0;
  o.pgid = -5;
  ASSERT_EQ(xsig_spawn_with(exe, argv, &o, &p), XSIG_EINVAL);
  o.pgid = 0;
  o.reserved[3] = 1; /* a later version's option */
  ASSERT_EQ(xsig_spawn_with(exe, argv, &o, &p), XSIG_EINVAL);
  ASSERT(p == NULL);
  return 0;
}

/* A child that joins another child's group gets what is sent to the
 * group. */
TEST_IMPL(spawn_with_joins_group)
{
  xsig_spawn_options_t o;
  xsig_process_t *leader, *member;
  xsig_status_t st;
  char exe[1024], *argv[6];
  ASSERT_OK(test_xsig_spawn_helper("child_end_as", "0", "20000", XSIG_SPAWN_NEW_GROUP, &leader));
  test_self_exe(exe, sizeof exe);
  argv[0] = exe;
  argv[1] = (char *)"--helper";
  argv[2] = (char *)"child_end_as";
  argv[3] = (char *)"0";
  argv[4] = (char *)"20000";
  argv[5] = NULL;
  memset(&o, 0, sizeof o);
  o.pgid = xsig_process_group(leader);
  ASSERT(o.pgid > 0);
  ASSERT_OK(xsig_spawn_with(exe, argv, &o, &member));
  test_msleep(300); /* both run */
  ASSERT_OK(xsig_send(-o.pgid, XSIG_KILL, 0, 0, NULL));
  ASSERT_OK(xsig_process_wait(leader, 20000, &st));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_KILL);
  ASSERT_OK(xsig_process_wait(member, 20000, &st));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_KILL);
  xsig_process_close(leader);
  xsig_process_close(member);
  return 0;
}
