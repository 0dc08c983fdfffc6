/* SPDX-License-Identifier: MIT */
/* xsig run as a container's entrypoint (docs/process.md): stop requests go
 * to the whole tree, which gets its grace and then KILL; orphans handed to
 * it as PID 1 are reaped; it exits with the command's status.
 * Linux: as PID 1 of a new PID namespace (unshare --pid --fork). Windows:
 * the console's SHUTDOWN through CtrlRoutine, the way a container's
 * `docker stop` reaches its entrypoint. */
#include "task.h"
#ifndef _WIN32
#include "procfs.h"
#endif

static volatile int leader_termed;
static void leader_term(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  leader_termed = 1;
}

/* A process that ends once its parent has ended (at most 10 s), saying
 * who its parent is then: the process the system handed it to. */
HELPER_IMPL(init_nap)
{
  int64_t maker = atoll(argv[1]); /* our parent may have ended already */
  int i;
  (void)argc;
  for (i = 0; i < 1000 && xsig_getppid() == maker; i++)
    test_msleep(10);
  helper_say("nap: parent %lld", (long long)xsig_getppid());
  return 0;
}

/* Starts init_nap and ends at once without waiting for it: an orphan. */
HELPER_IMPL(init_orphan_maker)
{
  xsig_process_t *p;
  char self[32];
  (void)argc, (void)argv;
  snprintf(self, sizeof self, "%lld", (long long)xsig_getpid());
  if (test_xsig_spawn_helper("init_nap", self, NULL, 0, &p) != 0)
    return 3;
  return 0; /* p is never waited for */
}

#ifndef _WIN32
/* In this PID namespace (its own /proc, from --mount-proc): how many
 * processes are zombies, and how many others besides this one PID 1 has
 * as children, alive. */
struct pid1_look { int zombies, alive; };

static int look_at(const struct xsig__linux_proc *p, void *arg)
{
  struct pid1_look *l = arg;
  if (p->state == 'Z')
    l->zombies++;
  else if (p->ppid == 1 && p->pid != xsig_getpid())
    l->alive++;
  return 0;
}

static void count_children_of_pid1(int *zombies, int *alive)
{
  struct pid1_look l;
  l.zombies = l.alive = 0;
  xsig__linux_proc_each(look_at, &l);
  *zombies = l.zombies;
  *alive = l.alive;
}
#endif

/* The command under xsig run: makes an orphan and says whether it was
 * reaped (POSIX), starts a member that catches TERM, then on TERM either
 * stays (arg "stay": only KILL ends it) or takes TERM's default ("die"). */
HELPER_IMPL(init_command)
{
  xsig_process_t *maker, *member;
  int i, zombies = -1, alive = -1;
  (void)argc;
  xsig_init();
  if (strcmp(argv[1], "stay") == 0)
    xsig_handle(XSIG_TERM, leader_term);
  if (test_xsig_spawn_helper("init_orphan_maker", NULL, NULL, 0, &maker) != 0 ||
      xsig_process_wait(maker, 20000, NULL) != 0)
    return 3;
#ifndef _WIN32
  /* its orphan ends once handed on, then is a zombie until its new
   * parent, PID 1 (xsig run), reaps it; give that 3 s once it ended */
  for (i = 0, alive = 1; i < 1000 && alive; i++) {
    test_msleep(10);
    count_children_of_pid1(&zombies, &alive);
  }
  for (i = 0; i < 300 && zombies; i++) {
    test_msleep(10);
    count_children_of_pid1(&zombies, &alive);
  }
  helper_say("command: zombies %d, orphans running %d", zombies, alive);
#else
  (void)i, (void)zombies, (void)alive;
#endif
  if (test_xsig_spawn_helper("tree_member", "catch", NULL, 0, &member) != 0)
    return 3;
  helper_say("command: ready");
  while (!leader_termed)
    xsig_sleep(1000);
  helper_say("command: TERM, staying");
  for (;;)
    xsig_sleep(1000);
}

/* What the lines of xsig run's tree said so far. */
struct seen {
  int nap;    /* 1: the orphan told its parent, 2: that was PID 1 */
  int ready;  /* the member that catches TERM is ready */
  int member; /* it got TERM */
};

/* Reads the lines of xsig run's tree until want (or both want and the
 * member's ready line, for "command: ready"); every line is echoed. */
static int expect(test_proc_t *p, const char *want, struct seen *s)
{
  char line[512];
  int found = 0;
  while (!(found && (strcmp(want, "command: ready") != 0 || s->ready)) &&
         test_read_line(p, line, sizeof line, 30000) == 0) {
    printf("read: %s\n", line);
    if (strncmp(line, "nap: parent ", 12) == 0)
      s->nap = 1 + (strcmp(line, "nap: parent 1") == 0);
    s->ready |= strcmp(line, "member catch ready") == 0;
    s->member |= strcmp(line, "got TERM: member catch") == 0;
    found |= strncmp(line, want, strlen(want)) == 0;
  }
  return found && (strcmp(want, "command: ready") != 0 || s->ready) ? 0 : -1;
}

#ifndef _WIN32
/* The pid of the one child of parent (0 until there is one). */
struct child_look { int64_t parent, found; };

static int is_child(const struct xsig__linux_proc *p, void *arg)
{
  struct child_look *c = arg;
  if (p->ppid == c->parent)
    c->found = p->pid;
  return c->found != 0;
}

static int64_t child_of(int64_t parent)
{
  struct child_look c;
  int i;
  c.parent = parent;
  c.found = 0;
  for (i = 0; i < 500 && c.found == 0; i++) {
    xsig__linux_proc_each(is_child, &c);
    if (c.found == 0)
      test_msleep(10);
  }
  return c.found;
}

/* xsig run --init as PID 1 of a new PID namespace, the command's mode as
 * given; returns xsig run's pid as this namespace sees it. */
static int64_t start_pid1(test_proc_t *p, const char *mode)
{
  char tool[1024], exe[1024];
  char *argv[] = { (char *)"/usr/bin/unshare", (char *)"--pid", (char *)"--fork", (char *)"--mount-proc", tool,
                   (char *)"run", (char *)"--init", (char *)"-k", (char *)"1", exe, (char *)"--helper",
                   (char *)"init_command", (char *)mode, NULL };
  int64_t pid1;
  test_tool_path(tool, sizeof tool);
  test_self_exe(exe, sizeof exe);
  /* a PID namespace needs root (CAP_SYS_ADMIN): CI runs as root */
  ASSERT(system("unshare --pid --fork --mount-proc true") == 0);
  ASSERT_OK(test_spawn(p, argv, TEST_PROC_MERGE_STDERR));
  pid1 = child_of(p->pid);
  ASSERT(pid1 > 0);
  return pid1;
}

TEST_IMPL(posix_run_as_pid1)
{
  test_proc_t p;
  xsig_status_t st;
  struct seen seen;
  int64_t pid1, start;
  /* the command stays on TERM: the grace (-k 1), then KILL; 128+KILL,
   * which PID 1 cannot give by re-raising (its default actions are off) */
  memset(&seen, 0, sizeof seen);
  pid1 = start_pid1(&p, "stay");
  ASSERT_OK(expect(&p, "command: zombies 0, orphans running 0", &seen));
  ASSERT_EQ(seen.nap, 2); /* the orphan was handed to PID 1, xsig run */
  ASSERT_OK(expect(&p, "command: ready", &seen));
  start = xsig_clock_us();
  ASSERT_OK(xsig_kill(pid1, XSIG_TERM));
  ASSERT_OK(expect(&p, "command: TERM, staying", &seen));
  expect(&p, "(to the end)", &seen);
  ASSERT_EQ(seen.member, 1); /* TERM went to the whole tree */
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT((xsig_clock_us() - start) / 1000 >= 1000);
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 128 + XSIG_KILL);
  test_proc_close(&p);

  /* the command takes TERM's default: 128+TERM */
  memset(&seen, 0, sizeof seen);
  pid1 = start_pid1(&p, "die");
  ASSERT_OK(expect(&p, "command: ready", &seen));
  ASSERT_OK(xsig_kill(pid1, XSIG_TERM));
  expect(&p, "(to the end)", &seen);
  ASSERT_EQ(seen.member, 1);
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 128 + XSIG_TERM);
  test_proc_close(&p);
  return 0;
}
#endif

#ifdef _WIN32
#include <windows.h>

/* What the console does for SHUTDOWN (and hcsshim for `docker stop` in a
 * Windows container): a thread at kernelbase!CtrlRoutine in the process. */
static void send_console_shutdown(HANDLE process)
{
  FARPROC ctrl = GetProcAddress(GetModuleHandleA("kernelbase.dll"), "CtrlRoutine");
  HANDLE t;
  ASSERT(ctrl != NULL);
  t = CreateRemoteThread(process, NULL, 0, (LPTHREAD_START_ROUTINE)(void (*)(void))ctrl,
                         (LPVOID)(ULONG_PTR)CTRL_SHUTDOWN_EVENT, 0, NULL);
  ASSERT(t != NULL);
  CloseHandle(t);
}

TEST_IMPL(run_init_console_shutdown)
{
  char tool[1024], exe[1024];
  char *argv[] = { tool, (char *)"run", (char *)"--init", exe, (char *)"--helper",
                   (char *)"init_command", (char *)"stay", NULL };
  test_proc_t p;
  xsig_status_t st;
  struct seen seen;
  int64_t start, took;
  test_tool_path(tool, sizeof tool);
  test_self_exe(exe, sizeof exe);
  memset(&seen, 0, sizeof seen);
  ASSERT_OK(test_spawn(&p, argv, TEST_PROC_MERGE_STDERR));
  ASSERT_OK(expect(&p, "command: ready", &seen));
  start = xsig_clock_us();
  send_console_shutdown(p.handle);
  ASSERT_OK(expect(&p, "command: TERM, staying", &seen));
  expect(&p, "(to the end)", &seen);
  ASSERT_EQ(seen.member, 1); /* TERM went to the whole tree */
  ASSERT_OK(test_wait(&p, 20000, &st));
  took = (xsig_clock_us() - start) / 1000;
  /* the grace is what SHUTDOWN allows (4.5 s, less 0.5 s), not the 10 s
   * default; then KILL, and xsig run ends inside its handler with the
   * command's status (128+KILL), before Windows would end it */
  printf("SHUTDOWN to the end: %lld ms\n", (long long)took);
  ASSERT(took >= 3500 && took < 8000);
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 128 + XSIG_KILL);
  test_proc_close(&p);
  return 0;
}
#endif
