/* SPDX-License-Identifier: MIT */
/* POSIX-only behaviour: arrival from another process through kill(2),
 * fork safety, and living beside other code's handlers. */
#include "task.h"
#ifndef _WIN32
#include <signal.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int calls[XSIG_NSIG];
static xsig_info_t last;

static void record(int sig, const xsig_info_t *info, void *arg)
{
  (void)arg;
  calls[sig]++;
  last = *info;
}

HELPER_IMPL(raw_kill_parent)
{
  (void)argc;
  (void)argv;
  kill(getppid(), SIGUSR1);
  return 0;
}

TEST_IMPL(posix_signal_from_other_process)
{
  test_proc_t p;
  memset(calls, 0, sizeof calls);
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, record));
  ASSERT_OK(test_spawn_helper(&p, "raw_kill_parent", NULL, 0));
  ASSERT_EQ(xsig_sleep(20000), XSIG_EINTR);
  ASSERT_EQ(calls[XSIG_USR1], 1);
  ASSERT_EQ(last.code, XSIG_SI_USER);
  ASSERT_EQ(last.pid, p.pid); /* from the kernel */
  ASSERT_OK(test_wait(&p, 10000, NULL));
  test_proc_close(&p);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(posix_fork_safe)
{
  xsig_sigset_t s, pend;
  pid_t pid;
  int status;
  memset(calls, 0, sizeof calls);
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, record));
  ASSERT_OK(xsig_handle(XSIG_USR2, record));
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_USR1);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  ASSERT_OK(xsig_raise(XSIG_USR1)); /* pending in the parent */
  pid = fork();
  ASSERT(pid >= 0);
  if (pid == 0) {
    /* the child starts with nothing pending and a pipe of its own */
    if (xsig_sigpending(&pend) != 0 || xsig_sigismember(&pend, XSIG_USR1))
      _exit(3);
    kill(getpid(), SIGUSR2);
    if (xsig_dispatch() != 1 || calls[XSIG_USR2] != 1)
      _exit(4);
    _exit(0);
  }
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_EQ(status, 0);
  /* the child's USR2 record did not land in the parent's pipe */
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &s, NULL));
  ASSERT_EQ(calls[XSIG_USR1], 1);
  ASSERT_EQ(xsig_dispatch(), 0);
  ASSERT_EQ(calls[XSIG_USR2], 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* The children of xsig_spawn after fork(): the forked process has none of
 * the parent's, its own are its own, and the parent's waitable (an epoll
 * set, which fork shares) still covers the parent's. */
static int forked_child_has_its_own_children(void)
{
  xsig_process_t *b;
  xsig_status_t st;
  int64_t pid;
  if (xsig_wait_child(0, NULL, NULL) != XSIG_ECHILD)
    return 3;
  if (test_xsig_spawn_helper("exit_with", "8", NULL, 0, &b) != 0 || xsig_wait_child(20000, &pid, &st) != 0)
    return 4;
  if (pid != xsig_process_pid(b) || st.code != 8)
    return 5;
  return xsig_wait_child(0, NULL, NULL) == XSIG_ECHILD ? 0 : 6;
}

TEST_IMPL(posix_fork_children)
{
  xsig_process_t *a;
  xsig_status_t st;
  int64_t got;
  pid_t pid;
  int status;
  ASSERT_OK(test_xsig_spawn_helper("exit_with", "7", NULL, 0, &a));
  pid = fork();
  ASSERT(pid >= 0);
  if (pid == 0)
    _exit(forked_child_has_its_own_children());
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_EQ(status, 0);
  ASSERT_OK(xsig_wait_child(20000, &got, &st)); /* on the epoll set, where there is one */
  ASSERT_EQ(got, xsig_process_pid(a));
  ASSERT_EQ(st.code, 7);
  xsig_process_close(a);
  return 0;
}

/* CHLD for a stop and a continue (POSIX only: Windows cannot see them),
 * and XSIG_NOCLDSTOP leaves them out. */
static int chld_codes[16], chld_status[16], nchld;
static void on_chld_code(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)arg;
  if (nchld < 16) {
    chld_codes[nchld] = info->subcode;
    chld_status[nchld] = info->status;
  }
  nchld++;
}

static void await_chld(int n)
{
  int i;
  for (i = 0; i < 2000 && nchld < n; i++)
    xsig_sleep(10);
  ASSERT_EQ(nchld, n);
}

TEST_IMPL(posix_chld_stopped_continued)
{
  xsig_action_t act;
  xsig_process_t *p;
  xsig_status_t st;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_CHLD, on_chld_code));
  ASSERT_OK(test_xsig_spawn_helper("sleeper", NULL, NULL, 0, &p));
  ASSERT_OK(xsig_process_send(p, XSIG_STOP, 0, 0, NULL));
  await_chld(1);
  ASSERT_EQ(chld_codes[0], XSIG_CLD_STOPPED);
  ASSERT_EQ(chld_status[0], XSIG_STOP);
  ASSERT_OK(xsig_process_send(p, XSIG_CONT, 0, 0, NULL));
  await_chld(2);
  ASSERT_EQ(chld_codes[1], XSIG_CLD_CONTINUED);
  ASSERT_EQ(xsig_wait_child(0, NULL, NULL), XSIG_ETIMEDOUT); /* stops are not ends */

  memset(&act, 0, sizeof act);
  act.handler = on_chld_code;
  act.flags = XSIG_NOCLDSTOP;
  ASSERT_OK(xsig_action(XSIG_CHLD, &act, NULL));
  ASSERT_OK(xsig_process_send(p, XSIG_STOP, 0, 0, NULL));
  ASSERT_OK(test_wait_stopped(xsig_process_pid(p), 20000));
  ASSERT_OK(xsig_process_send(p, XSIG_CONT, 0, 0, NULL));
  ASSERT_OK(xsig_process_send(p, XSIG_KILL, 0, 0, NULL));
  await_chld(3); /* only its end */
  ASSERT_EQ(chld_codes[2], XSIG_CLD_KILLED);
  ASSERT_EQ(chld_status[2], XSIG_KILL);
  ASSERT_OK(xsig_process_wait(p, 20000, &st));
  ASSERT_EQ(st.signo, XSIG_KILL);
  xsig_process_close(p);
  xsig_shutdown();
  return 0;
}

/* A process of another user (nobody) may not signal ours: EPERM, for every
 * way of sending. Needs root to become nobody, as CI is. */
/* Tries to open every fd of pid (the waitable pipe among them) through
 * /proc for writing; returns how many opened. */
static int open_any_fd_of(pid_t pid)
{
  char path[64];
  int fd, opened = 0, f;
  for (fd = 0; fd < 256; fd++) {
    snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
    if ((f = open(path, O_WRONLY | O_NONBLOCK)) >= 0) {
      opened++;
      close(f);
    }
  }
  return opened;
}

TEST_IMPL(posix_other_user_gets_eperm)
{
  pid_t parent = getpid(), pid;
  int status;
  ASSERT(geteuid() == 0); /* the test must be able to become another user */
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, record));
  pid = fork();
  ASSERT(pid >= 0);
  if (pid == 0) {
    xsig_process_t *p = NULL;
    if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0)
      _exit(10);
    if (xsig_kill(parent, XSIG_USR1) != XSIG_EPERM)
      _exit(11);
    if (xsig_kill(parent, 0) != XSIG_EPERM)
      _exit(12);
    if (xsig_queue(parent, XSIG_USR1, 7) != XSIG_EPERM)
      _exit(13);
    if (xsig_process_open(parent, &p) == 0 && xsig_process_send(p, XSIG_USR1, 0, 0, NULL) != XSIG_EPERM)
      _exit(14);
    /* xsig's only object is an unnamed pipe; not even /proc reaches it */
    if (open_any_fd_of(parent) != 0)
      _exit(15);
    _exit(0);
  }
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_EQ(status, 0);
  ASSERT_EQ(xsig_dispatch(), 0);
  ASSERT_EQ(calls[XSIG_USR1], 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Group kill: every process of the group gets it. */
HELPER_IMPL(group_member)
{
  (void)argc;
  (void)argv;
  helper_say("member %d", (int)getpid());
  pause();
  return 0;
}

TEST_IMPL(posix_killpg)
{
  test_proc_t p;
  xsig_status_t st;
  ASSERT_OK(test_spawn_helper(&p, "group_member", NULL, TEST_PROC_NEW_GROUP));
  ASSERT_OK(test_expect_line(&p, "member", NULL, 0, 20000));
  ASSERT_EQ(getpgid((pid_t)p.pid), p.pid);
  ASSERT_OK(xsig_killpg(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.signo, XSIG_TERM);
  ASSERT_EQ(xsig_killpg(p.pid, XSIG_TERM), XSIG_ESRCH);
  test_proc_close(&p);
  return 0;
}

/* Reports its USR1 disposition and whether USR2 is blocked. */
HELPER_IMPL(report_signals)
{
  struct sigaction sa;
  sigset_t cur;
  (void)argc;
  (void)argv;
  sigaction(SIGUSR1, NULL, &sa);
  sigprocmask(SIG_BLOCK, NULL, &cur);
  helper_say("usr1 %s, usr2 %s", sa.sa_handler == SIG_DFL ? "default" : "not default",
             sigismember(&cur, SIGUSR2) ? "blocked" : "unblocked");
  return 0;
}

HELPER_IMPL(report_rt_mask)
{
  sigset_t cur;
  (void)argc, (void)argv;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  helper_say("rtmin %s", sigismember(&cur, SIGRTMIN) ? "blocked" : "open");
  return 0;
}

/* Back-pressure leaves program threads' masks alone. A worker that never
 * calls xsig is the one thread that takes RTMIN, and nobody dispatches
 * while 50,000 arrive: the pipe fills. The worker's mask is still the
 * program's afterwards, and so is that of a child it starts. (xsig once
 * blocked the real-time signals in whichever thread's trampoline found
 * the pipe nearly full, for good on a thread that never calls xsig, and
 * its children inherited that.) */
static int rt_flood_done; /* test_atomic_add */
static int rt_worker_blocked = -1, rt_worker_spawned = -1;
static test_proc_t rt_worker_child;

static void rt_worker(void *arg)
{
  sigset_t rt, cur;
  (void)arg;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN);
  pthread_sigmask(SIG_UNBLOCK, &rt, NULL);
  while (!test_atomic_add(&rt_flood_done, 0))
    test_msleep(1); /* the trampolines run here */
  test_msleep(200);
  pthread_sigmask(SIG_BLOCK, NULL, &cur);
  rt_worker_blocked = sigismember(&cur, SIGRTMIN);
  rt_worker_spawned = test_spawn_helper(&rt_worker_child, "report_rt_mask", NULL, 0);
}

static void ignore_it(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
}

TEST_IMPL(posix_backpressure_leaves_thread_masks)
{
  xsig_sigset_t rt = test_sigset_of(XSIG_RTMIN);
  xsig_stats_t st;
  test_thread_t worker;
  char line[128];
  int i, sent = 0, eagain_ms = 0, r;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_RTMIN, ignore_it));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &rt, NULL)); /* main, and the worker until it opens it */
  ASSERT_OK(test_thread_start(&worker, rt_worker, NULL));
  for (i = 0; i < 50000 && eagain_ms < 500; i++) {
    while ((r = xsig_queue(test_getpid(), XSIG_RTMIN, i)) == XSIG_EAGAIN && eagain_ms < 500)
      test_msleep(1), eagain_ms++; /* the kernel's limit: every thread blocks it */
    sent += r == 0;
  }
  test_atomic_add(&rt_flood_done, 1);
  test_thread_join(&worker);
  ASSERT_OK(xsig_get_stats(&st));
  printf("%d sent, %lld received, %lld dropped, %d ms of EAGAIN\n", sent, (long long)st.received,
         (long long)st.dropped, eagain_ms);
  ASSERT_EQ(rt_worker_blocked, 0);
  ASSERT_EQ(rt_worker_spawned, 0);
  ASSERT_OK(test_read_line(&rt_worker_child, line, sizeof line, 20000));
  ASSERT_STR(line, "rtmin open");
  ASSERT_OK(test_wait(&rt_worker_child, 20000, NULL));
  test_proc_close(&rt_worker_child);
  ASSERT_OK(xsig_handle(XSIG_RTMIN, XSIG_IGN));
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &rt, NULL));
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* A child of fork that cannot get a pipe of its own (no fd left: the limit
 * is below the fds open) is no xsig process: every call says
 * XSIG_ENOTINIT and the dispositions xsig found are back, so USR1 ends it
 * as it would have before xsig_init. (It once went on with no pipe: the
 * handler never ran and USR1 was lost.) */
TEST_IMPL(posix_fork_without_pipe)
{
  struct rlimit rl, low;
  pid_t pid;
  int status;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, record));
  ASSERT_OK(getrlimit(RLIMIT_NOFILE, &rl));
  low = rl;
  low.rlim_cur = 3; /* 0, 1, 2 are open: no new fd */
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &low));
  pid = fork();
  if (pid == 0) {
    if (xsig_dispatch() != XSIG_ENOTINIT)
      _exit(3);
    kill(getpid(), SIGUSR1); /* the default action: the end */
    _exit(4);
  }
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &rl));
  ASSERT(pid > 0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  if (WIFEXITED(status))
    printf("the child exited with %d\n", WEXITSTATUS(status));
  ASSERT(WIFSIGNALED(status));
  ASSERT_EQ(WTERMSIG(status), SIGUSR1);
  /* the parent's xsig goes on */
  memset(calls, 0, sizeof calls);
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_EQ(calls[XSIG_USR1], 1);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Fork while another thread changes USR1's action: the child sees one of
 * the two actions whole (the state lock is held across fork), never the
 * handler of one with the argument of the other. */
static int action_flip_stop; /* test_atomic_add */
static char arg_a, arg_b;

static void handler_a(int sig, const xsig_info_t *info, void *arg) { (void)sig, (void)info, (void)arg; }
static void handler_b(int sig, const xsig_info_t *info, void *arg) { (void)sig, (void)info, (void)arg; }

static void flip_actions(void *arg)
{
  xsig_action_t a, b;
  (void)arg;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  a.handler = handler_a, a.arg = &arg_a;
  b.handler = handler_b, b.arg = &arg_b, b.flags = XSIG_NODEFER;
  xsig_sigfillset(&b.mask);
  while (!test_atomic_add(&action_flip_stop, 0)) {
    xsig_action(XSIG_USR1, &a, NULL);
    xsig_action(XSIG_USR1, &b, NULL);
  }
}

static int action_whole(void)
{
  xsig_action_t cur;
  if (xsig_action(XSIG_USR1, NULL, &cur) != 0)
    return 0;
  if (cur.handler == handler_a && cur.arg == &arg_a && cur.flags == 0 &&
      xsig_sigismember(&cur.mask, XSIG_HUP) == 0)
    return 1;
  if (cur.handler == handler_b && cur.arg == &arg_b && cur.flags == XSIG_NODEFER &&
      xsig_sigismember(&cur.mask, XSIG_HUP) == 1)
    return 1;
  fprintf(stderr, "torn: handler %s, arg %s, flags %d, HUP in mask %d\n",
          cur.handler == handler_a ? "a" : cur.handler == handler_b ? "b" : "?",
          cur.arg == &arg_a ? "a" : cur.arg == &arg_b ? "b" : "?", cur.flags,
          xsig_sigismember(&cur.mask, XSIG_HUP));
  return 0;
}

TEST_IMPL(posix_fork_copies_actions_whole)
{
  test_thread_t t;
  int i, torn = 0, status;
  pid_t pid;
  xsig_action_t first;
  ASSERT_OK(xsig_init());
  memset(&first, 0, sizeof first);
  first.handler = handler_a, first.arg = &arg_a;
  ASSERT_OK(xsig_action(XSIG_USR1, &first, NULL));
  ASSERT_OK(test_thread_start(&t, flip_actions, NULL));
  for (i = 0; i < 300; i++) {
    pid = fork();
    if (pid == 0)
      _exit(action_whole() ? 0 : 1);
    ASSERT(pid > 0);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT(WIFEXITED(status));
    torn += WEXITSTATUS(status) != 0;
  }
  test_atomic_add(&action_flip_stop, 1);
  test_thread_join(&t);
  ASSERT_EQ(torn, 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* A shutdown waits for trampolines in flight before it closes the pipe: a
 * pipe the program opens right after it (the same fd numbers) never gets a
 * record. A thread sends USR1 to the process all along (its disposition
 * before xsig: ignore) while main starts and ends xsig 400 times. */
static int shutdown_flood_stop; /* test_atomic_add */

static void flood_usr1(void *arg)
{
  (void)arg;
  while (!test_atomic_add(&shutdown_flood_stop, 0))
    kill(getpid(), SIGUSR1);
}

static void count_usr1(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
}

TEST_IMPL(posix_shutdown_waits_for_trampolines)
{
  struct sigaction ign, old;
  test_thread_t t;
  int i, fds[2], stray = 0;
  char buf[64];
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  ASSERT_OK(sigaction(SIGUSR1, &ign, &old));
  ASSERT_OK(test_thread_start(&t, flood_usr1, NULL));
  for (i = 0; i < 400; i++) {
    ASSERT_OK(xsig_init());
    ASSERT_OK(xsig_handle(XSIG_USR1, count_usr1));
    test_msleep(1);
    ASSERT_OK(xsig_shutdown());
    ASSERT_OK(pipe(fds));
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    sched_yield();
    if (read(fds[0], buf, sizeof buf) > 0)
      stray++;
    close(fds[0]);
    close(fds[1]);
  }
  test_atomic_add(&shutdown_flood_stop, 1);
  test_thread_join(&t);
  ASSERT_OK(sigaction(SIGUSR1, &old, NULL));
  ASSERT_EQ(stray, 0);
  return 0;
}

/* xsig_spawn resets dispositions and the mask in the child. */
TEST_IMPL(posix_spawn_resets_signals)
{
  xsig_process_t *p;
  char *argv[4];
  char buf[128] = "";
  sigset_t s;
  FILE *f;
  signal(SIGUSR1, SIG_IGN);
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  sigprocmask(SIG_BLOCK, &s, NULL);
  remove("spawn-reset.txt");
  setenv("XSIG_TEST_OUT", "spawn-reset.txt", 1);
  argv[0] = (char *)"/proc/self/exe";
  argv[1] = (char *)"--helper";
  argv[2] = (char *)"report_signals";
  argv[3] = NULL;
  ASSERT_OK(xsig_spawn(argv[0], argv, 0, &p));
  ASSERT_OK(xsig_process_wait(p, 20000, NULL));
  xsig_process_close(p);
  setenv("XSIG_TEST_OUT", "", 1);
  f = fopen("spawn-reset.txt", "r");
  ASSERT(f != NULL);
  ASSERT(fgets(buf, sizeof buf, f) != NULL);
  fclose(f);
  remove("spawn-reset.txt");
  ASSERT_STR(buf, "usr1 default, usr2 unblocked\n");
  return 0;
}

static volatile sig_atomic_t foreign_calls;
static void foreign_handler(int sig) { (void)sig; foreign_calls++; }

TEST_IMPL(posix_restores_foreign_handler)
{
  struct sigaction sa, now;
  xsig_action_t old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = foreign_handler;
  sigaction(SIGUSR1, &sa, NULL);
  ASSERT_OK(xsig_init());
  memset(&old, 0, sizeof old);
  {
    xsig_action_t act;
    memset(&act, 0, sizeof act);
    act.handler = record;
    ASSERT_OK(xsig_action(XSIG_USR1, &act, &old));
  }
  ASSERT(old.flags & XSIG_FOREIGN);
  raise(SIGUSR1);
  ASSERT_EQ(foreign_calls, 0);
  ASSERT_EQ(xsig_dispatch(), 1);
  /* other code installs its own handler for another signal: untouched */
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  ASSERT_EQ(foreign_calls, 1);
  ASSERT_OK(xsig_shutdown());
  sigaction(SIGUSR1, NULL, &now);
  ASSERT(now.sa_handler == foreign_handler);
  raise(SIGUSR1);
  ASSERT_EQ(foreign_calls, 2);
  return 0;
}
/* The pid of an opened process is reused by a new one before the send: the
 * process object (a pidfd) still names the old process, so the send fails
 * cleanly and the new owner of the pid gets nothing. */
TEST_IMPL(posix_pid_reused_after_open)
{
  test_proc_t old, fresh;
  xsig_process_t *proc;
  char line[160], want[16];
  int tries;
  ASSERT(geteuid() == 0); /* ns_last_pid is how the test forces the reuse */
  ASSERT_OK(test_spawn_helper(&old, "receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&old, "ready", NULL, 0, 20000));
  ASSERT_OK(xsig_process_open(old.pid, &proc));
#ifdef XSIG_TEST_POSIX_ONLY
  /* no pidfds: the plain pid, with the race xsig.h documents */
  ASSERT(xsig_process_waitable(proc) == XSIG_NO_HANDLE);
  xsig_process_close(proc);
  test_proc_close(&old);
  return 0;
#endif
  test_kill_hard(&old);
  ASSERT_OK(test_wait(&old, 20000, NULL));
  memset(&fresh, 0, sizeof fresh);
  for (tries = 0; tries < 50 && fresh.pid != old.pid; tries++) {
    if (fresh.pid)
      test_proc_close(&fresh); /* another process took the pid first */
    ASSERT_OK(test_next_pid(old.pid));
    ASSERT_OK(test_spawn_helper(&fresh, "receiver", NULL, 0));
  }
  ASSERT_EQ(fresh.pid, old.pid);
  ASSERT_OK(test_expect_line(&fresh, "ready", NULL, 0, 20000));
  ASSERT_EQ(xsig_process_alive(proc), 0);
  ASSERT_EQ(xsig_process_send(proc, XSIG_TERM, 0, 0, NULL), XSIG_ESRCH);
  ASSERT_EQ(xsig_process_send(proc, XSIG_USR1, 0, XSIG_SEND_FORCE, NULL), XSIG_ESRCH);
  xsig_process_close(proc);
  /* the new process got neither: its first line is the HUP we send now */
  ASSERT_OK(xsig_kill(fresh.pid, XSIG_HUP));
  ASSERT_OK(test_read_line(&fresh, line, sizeof line, 20000));
  snprintf(want, sizeof want, "sig=%d ", XSIG_HUP);
  ASSERT(strncmp(line, want, strlen(want)) == 0);
  test_proc_close(&old);
  test_proc_close(&fresh);
  return 0;
}
/* --- WINCH: the kernel's, from a terminal that changes size ------------- */

static int winch_fd = -1;
static volatile int winch_seen;

static void on_winch(int sig, const xsig_info_t *info, void *arg)
{
  struct winsize ws;
  (void)sig;
  (void)arg;
  if (ioctl(winch_fd, TIOCGWINSZ, &ws) == 0)
    helper_say("WINCH %d %d code %d", ws.ws_row, ws.ws_col, info->code);
  winch_seen = 1;
}

/* Leads a new session whose controlling terminal is the pty argv[1]. */
HELPER_IMPL(winch_tty)
{
  int i;
  (void)argc;
  setsid();
  if ((winch_fd = open(argv[1], O_RDWR)) < 0) { /* the first tty a session leader opens */
    helper_say("no tty");
    return 1;
  }
  xsig_init();
  xsig_handle(XSIG_WINCH, on_winch);
  helper_say("ready");
  for (i = 0; i < 200 && !winch_seen; i++)
    xsig_sleep(100);
  return winch_seen ? 0 : 1;
}

TEST_IMPL(posix_winch_from_pty)
{
  test_proc_t p;
  xsig_status_t st;
  struct winsize ws;
  char line[128];
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT(master >= 0);
  ASSERT_OK(grantpt(master));
  ASSERT_OK(unlockpt(master));
  ASSERT_OK(test_spawn_helper(&p, "winch_tty", ptsname(master), 0));
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "ready");
  memset(&ws, 0, sizeof ws);
  ws.ws_row = 33;
  ws.ws_col = 101;
  ASSERT_OK(ioctl(master, TIOCSWINSZ, &ws)); /* the kernel sends WINCH to its foreground group */
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "WINCH 33 101 code 6"); /* XSIG_SI_KERNEL */
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT(st.exited && st.code == 0);
  test_proc_close(&p);
  close(master);
  return 0;
}

#endif
