/* SPDX-License-Identifier: MIT */
/* The xsig tool, both platforms (the comparison with kill(1) and timeout(1)
 * on Linux is test/cli-compare.sh). */
#include "task.h"
#ifndef _WIN32
# include <unistd.h> /* getpgrp */
#endif

static char out[16384];

static int reserved_all_zero(const int64_t *r, size_t size)
{
  size_t i;
  for (i = 0; i < size / sizeof *r; i++)
    if (r[i])
      return 0;
  return 1;
}

static int has(const char *text)
{
  return strstr(out, text) != NULL;
}

#define ASSERT_HAS(text)                                        \
  do {                                                          \
    if (!has(text))                                             \
      fprintf(stderr, "output was:\n%s\n", out);                \
    ASSERT(has(text));                                          \
  } while (0)

TEST_IMPL(cli_status)
{
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "0xC000013A", NULL), 0);
  ASSERT_HAS("ended by signal INT (Interrupt)");
  ASSERT_HAS("STATUS_CONTROL_C_EXIT");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "3221225477", NULL), 0);
  ASSERT_HAS("ended by signal SEGV");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "0xE058000F", NULL), 0);
  ASSERT_HAS("ended by signal TERM (Terminated)");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "143", NULL), 0);
  ASSERT_HAS("128+15");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "--wait", "0x8b", NULL), 0);
  ASSERT_HAS("ended by signal SEGV (Segmentation fault), core dumped");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "0", NULL), 0);
  ASSERT_HAS("exited with code 0");
  /* exit(3) is an exit code; old CRTs' abort() is only a note */
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "3", NULL), 0);
  ASSERT_HAS("3: exited with code 3; note: abort()");
  /* as cmd and PowerShell print them */
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "-1073741510", NULL), 0);
  ASSERT_HAS("0xC000013A: ended by signal INT");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "-1073741515", NULL), 0);
  ASSERT_HAS("0xC0000135: exited with code -1073741515: STATUS_DLL_NOT_FOUND");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "0xC0000142", NULL), 0);
  ASSERT_HAS("STATUS_DLL_INIT_FAILED");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "0xC0000409", NULL), 0);
  ASSERT_HAS("fail fast");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "-3000000000", NULL), 1);
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "-", NULL), 1);
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "abc", NULL), 1);
  ASSERT_HAS("invalid exit status 'abc'");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "0x1FFFFFFFF", NULL), 1);
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", NULL), 1);
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "--help", NULL), 0);
  ASSERT_HAS("Usage: xsig status");
  return 0;
}

TEST_IMPL(cli_kill_list_and_errors)
{
  char num[16];
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-l", "15", NULL), 0);
  ASSERT_HAS("TERM");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-l", "143", NULL), 0); /* an exit status */
  ASSERT_HAS("TERM");
  /* a Windows exit code, hex or decimal */
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-l", "0xC000013A", NULL), 0);
  ASSERT_STR(out, "INT\n");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-l", "3763863567", NULL), 0); /* 0xE058000F */
  ASSERT_STR(out, "TERM\n");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-l", "0xC0000135", NULL), 1); /* not a signal */
  /* --version on the tool and every subcommand */
  ASSERT_EQ(test_run_tool(out, sizeof out, "--version", NULL), 0);
  ASSERT_HAS("xsig (xsig) ");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "--version", NULL), 0);
  ASSERT_HAS("xsig kill (xsig) ");
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "--version", NULL), 0);
  ASSERT_HAS("xsig run (xsig) ");
  ASSERT_EQ(test_run_tool(out, sizeof out, "status", "--version", NULL), 0);
  ASSERT_HAS("xsig status (xsig) ");
  ASSERT_EQ(test_run_tool(out, sizeof out, "demo", "--version", NULL), 0);
  ASSERT_HAS("xsig demo (xsig) ");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-l", "TERM", NULL), 0);
  snprintf(num, sizeof num, "%d\n", XSIG_TERM);
  ASSERT_STR(out, num);
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-L", NULL), 0);
  ASSERT_HAS("KILL");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-l", "FOO", NULL), 1);
  ASSERT_HAS("unknown signal name FOO");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "abc", NULL), 1);
  ASSERT_HAS("failed to parse argument: 'abc'");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-s", "FOO", "123", NULL), 1);
  ASSERT_HAS("unknown signal name FOO");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "2147483000", NULL), 1);
  ASSERT_HAS("(2147483000): No such process");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-q", "x1", "123", NULL), 1);
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", NULL), 1);
  ASSERT_HAS("Usage:");
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "--help", NULL), 0);
  ASSERT_EQ(test_run_tool(out, sizeof out, "nonsense", NULL), 1);
  ASSERT_HAS("unknown command 'nonsense'");
  return 0;
}

static void pid_arg(char *buf, size_t size, int64_t pid)
{
  snprintf(buf, size, "%lld", (long long)pid);
}

TEST_IMPL(cli_kill_delivers)
{
  test_proc_t p;
  char pid[32], line[128], want[64];
  ASSERT_OK(test_spawn_helper(&p, "receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  pid_arg(pid, sizeof pid, p.pid);
  /* queued value */
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-q", "7", "-s", "RTMIN+1", pid, NULL), 0);
  snprintf(want, sizeof want, "sig=%d code=%d", XSIG_RTMIN + 1, XSIG_SI_QUEUE);
  ASSERT_OK(test_expect_line(&p, want, line, sizeof line, 20000));
  ASSERT(strstr(line, "value=7") != NULL);
  /* -SIG form, then a catchable TERM that the receiver handles */
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-USR1", pid, NULL), 0);
  snprintf(want, sizeof want, "sig=%d code=%d", XSIG_USR1, XSIG_SI_USER);
  ASSERT_OK(test_expect_line(&p, want, NULL, 0, 20000));
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", pid, NULL), 0);
  ASSERT_OK(test_expect_line(&p, "cleanup", NULL, 0, 20000));
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

HELPER_IMPL(stubborn)
{
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_handle(XSIG_TERM, XSIG_IGN);
  helper_say("ready");
  for (;;)
    xsig_sleep(1000);
}

TEST_IMPL(cli_kill_timeout_follow_up)
{
  test_proc_t p;
  xsig_status_t st;
  char pid[32];
  ASSERT_OK(test_spawn_helper(&p, "stubborn", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  pid_arg(pid, sizeof pid, p.pid);
  /* TERM is ignored; KILL follows 200 ms later */
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "--timeout", "200", "KILL", pid, NULL), 0);
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.signo, XSIG_KILL);
  test_proc_close(&p);
  return 0;
}

HELPER_IMPL(sleeper)
{
  (void)argc;
  (void)argv;
  xsig_init(); /* default dispositions: TERM ends it */
  helper_say("sleeping");
  xsig_sleep(30000);
  return 0;
}

static int run_helper_with(const char *opt1, const char *opt2, const char *duration, const char *helper, const char *arg)
{
  char self[1024];
  const char *args[12];
  int n = 0;
  test_self_exe(self, sizeof self);
  args[n++] = "run";
  if (opt1)
    args[n++] = opt1;
  if (opt2)
    args[n++] = opt2;
  args[n++] = duration;
  args[n++] = self;
  args[n++] = "--helper";
  args[n++] = helper;
  args[n++] = arg;
  args[n] = NULL;
  return test_run_tool(out, sizeof out, args[0], args[1], args[2], args[3], args[4], args[5],
                       args[6], args[7], args[8], NULL);
}

TEST_IMPL(cli_run_exit_codes)
{
  ASSERT_EQ(run_helper_with(NULL, NULL, "10", "exit_with", "3"), 3);
  ASSERT_EQ(run_helper_with(NULL, NULL, "0", "exit_with", "0"), 0); /* 0: no limit */
  /* TERM must find the sleeper's handler in place: under Wine on a loaded
   * machine a process can take more than a second to start */
  ASSERT_EQ(run_helper_with(NULL, NULL, "2", "sleeper", NULL), 124);
  ASSERT_EQ(run_helper_with("-s", "KILL", "0.3", "sleeper", NULL), 137);
  /* below a millisecond rounds up, however small: it once underflowed to 0
   * ("no time-out") and the sleeper ran on */
  ASSERT_EQ(run_helper_with("-s", "KILL", "1e-400", "sleeper", NULL), 137);
  ASSERT_EQ(run_helper_with("-s", "KILL", "0x1p-1100", "sleeper", NULL), 137);
  ASSERT_EQ(run_helper_with("--preserve-status", NULL, "2", "sleeper", NULL), 128 + XSIG_TERM);
  /* the same: before stubborn runs xsig, TERM takes the ladder, and under
   * xsig run comes as Ctrl-C, which it then takes as INT */
  ASSERT_EQ(run_helper_with("-k", "0.2", "2", "stubborn", NULL), 137);
  ASSERT_EQ(run_helper_with("-v", NULL, "2", "sleeper", NULL), 124);
  ASSERT_HAS("sending signal TERM to command");
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "5", "no-such-program-xsig", NULL), 127);
  ASSERT_HAS("failed to run command 'no-such-program-xsig': No such file or directory");
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "abc", "x", NULL), 125);
  ASSERT_HAS("invalid time interval 'abc'");
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "1x", "x", NULL), 125);
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "-s", "FOO", "1", "x", NULL), 125);
  ASSERT_HAS("'FOO': invalid signal");
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", NULL), 125);
  ASSERT_HAS("Try 'xsig run --help'");
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "5", NULL), 125);
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "--bogus", NULL), 125);
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "--help", NULL), 0);
  ASSERT_HAS("Usage: xsig run");
  return 0;
}

/* On time-out the whole tree stops, grandchildren included. */
TEST_IMPL(cli_run_stops_tree)
{
  char buf[256];
  long long a = 0, b = 0;
  FILE *f;
  remove("cli-tree.txt");
  test_setenv("XSIG_TEST_OUT", "cli-tree.txt");
  ASSERT_EQ(run_helper_with("-k", "0.5", "1.5", "tree_leader", "mixed"), 124);
  test_setenv("XSIG_TEST_OUT", "");
  f = fopen("cli-tree.txt", "r");
  ASSERT(f != NULL);
  while (fgets(buf, sizeof buf, f))
    sscanf(buf, "pids %lld %lld", &a, &b);
  fclose(f);
  ASSERT(a > 0 && b > 0);
  {
    int i, ra = 0, rb = 0;
    for (i = 0; i < 500; i++) {
      ra = xsig_kill(a, 0);
      rb = xsig_kill(b, 0);
      if (ra == XSIG_ESRCH && rb == XSIG_ESRCH)
        break;
      test_msleep(10);
    }
    ASSERT_EQ(ra, XSIG_ESRCH);
    ASSERT_EQ(rb, XSIG_ESRCH);
  }
  remove("cli-tree.txt");
  return 0;
}

/* TERM sent to `xsig run` goes to the command, which stops cleanly. */
TEST_IMPL(cli_run_forwards_signals)
{
  test_proc_t p;
  char tool[1024], self[1024], line[128];
  char *argv[8];
  xsig_status_t st;
  test_tool_path(tool, sizeof tool);
  test_self_exe(self, sizeof self);
  argv[0] = tool;
  argv[1] = (char *)"run";
  argv[2] = (char *)"30";
  argv[3] = self;
  argv[4] = (char *)"--helper";
  argv[5] = (char *)"receiver";
  argv[6] = NULL;
  ASSERT_OK(test_spawn(&p, argv, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_expect_line(&p, "cleanup", line, sizeof line, 20000));
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  test_proc_close(&p);
  return 0;
}

/* The README's main job runs to the end on this platform. */
TEST_IMPL(cli_demo)
{
  int r = test_run_tool(out, sizeof out, "demo", NULL);
  ASSERT_HAS("1. A catchable TERM, with cleanup");
  ASSERT_HAS("All steps done.");
  ASSERT_EQ(r, 0);
  ASSERT_HAS("worker: cleanup done");
  ASSERT_HAS("with value 42");
  ASSERT_HAS("KILL ended the rest of the tree");
  ASSERT_HAS("ended by signal KILL");
  ASSERT_HAS("worker: recovered from SEGV (address not mapped)");
  ASSERT_HAS("xsig: fatal signal SEGV (address not mapped), address 0x10");
  ASSERT_HAS("supervisor: worker 1 restarted");
  ASSERT_HAS("=> supervisor exited with code 0");
  ASSERT_HAS("worker: left its loop after TERM, handled on its handler thread");
  ASSERT_HAS("All steps done.");
  /* the summary says what carried each step on this platform */
  ASSERT_HAS("What carried each step on ");
#ifdef _WIN32
  ASSERT_HAS("  1 | TERM, caught, with the sender's pid | xsig transport");
  ASSERT_HAS("  4 | a tree: TERM, grace, KILL | job object + xsig transport, then KILL");
  ASSERT_HAS("  6 | a fault recovered, then a crash report | vectored exception handler");
#else
  ASSERT_HAS("  1 | TERM, caught, with the sender's pid | kernel");
  ASSERT_HAS("  4 | a tree: TERM, grace, KILL | kernel: the process group, then KILL");
  ASSERT_HAS("  6 | a fault recovered, then a crash report | kernel: SIGSEGV on an alternate stack");
#endif
  ASSERT(!has("failed"));
  return 0;
}

/* --tree signals the process and every descendant. */
/* A tree_leader (mode "catch" or "mixed") and its two members, started
 * without a group of their own: only --tree reaches the members. */
static xsig_process_t *start_cli_tree(const char *mode, long long *pa, long long *pb)
{
  xsig_process_t *leader;
  char exe[1024], buf[256];
  char *argv[5];
  long long a = 0, b = 0;
  int i;
  FILE *f;
  remove(test_own_file("cli-kill-tree"));
  test_setenv("XSIG_TEST_OUT", test_own_file("cli-kill-tree"));
  test_self_exe(exe, sizeof exe);
  argv[0] = exe;
  argv[1] = (char *)"--helper";
  argv[2] = (char *)"tree_leader";
  argv[3] = (char *)mode;
  argv[4] = NULL;
  ASSERT_OK(xsig_spawn(exe, argv, 0, &leader));
  for (i = 0; i < 800 && !(a && b); i++) {
    f = fopen(test_own_file("cli-kill-tree"), "r");
    while (f && fgets(buf, sizeof buf, f))
      sscanf(buf, "pids %lld %lld", &a, &b);
    if (f)
      fclose(f);
    test_msleep(25);
  }
  test_setenv("XSIG_TEST_OUT", "");
  ASSERT(a > 0 && b > 0);
  for (i = 0; i < 800 && !(test_file_has(test_own_file("cli-kill-tree"), "member catch ready") &&
                           test_file_has(test_own_file("cli-kill-tree"), strcmp(mode, "mixed") == 0 ? "member ignore ready" : "member catch ready")); i++)
    test_msleep(25);
  ASSERT(i < 800);
  *pa = a;
  *pb = b;
  return leader;
}

static void assert_ends(long long pid)
{
  int i;
  for (i = 0; i < 1000 && xsig_kill(pid, 0) != XSIG_ESRCH; i++)
    test_msleep(10);
  ASSERT_EQ(xsig_kill(pid, 0), XSIG_ESRCH);
}

/* --timeout with --tree: the follow-up reaches the whole tree, also after
 * its root has ended (a member that ignores TERM gets KILL). */
TEST_IMPL(cli_kill_tree_timeout)
{
  xsig_process_t *leader;
  xsig_status_t st;
  char pid[32];
  long long a, b;
  int r;
  leader = start_cli_tree("mixed", &a, &b);
  snprintf(pid, sizeof pid, "%lld", (long long)xsig_process_pid(leader));
#ifdef XSIG_TEST_POSIX_ONLY
  /* no way to list the tree: refused, and nothing sent */
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "--tree", "--timeout", "300", "KILL", "-TERM", pid, NULL), 1);
  ASSERT(strstr(out, "xsig kill: --tree: this system gives no way to list processes") != NULL);
  ASSERT_EQ(xsig_process_alive(leader), 1);
  xsig_kill(a, XSIG_KILL); /* not in the leader's group: by hand */
  xsig_kill(b, XSIG_KILL);
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_KILL, 0, &st, NULL));
  xsig_process_close(leader);
  remove(test_own_file("cli-kill-tree"));
  return 0;
#endif
  r = test_run_tool(out, sizeof out, "kill", "--tree", "--timeout", "300", "KILL", "-TERM", pid, NULL);
  printf("xsig kill said: %s\n", out);
  ASSERT_EQ(r, 0);
  ASSERT_OK(xsig_process_wait(leader, 20000, &st));
  ASSERT_EQ(st.exited, 1); /* the root took TERM */
  assert_ends(a);
  assert_ends(b); /* ignored TERM: KILLed */
  xsig_process_close(leader);
  remove(test_own_file("cli-kill-tree"));
  /* a pid that is not there: one message, and a failure */
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "--tree", "2147483000", NULL), 1);
  ASSERT(strstr(out, "No such process") != NULL);
  ASSERT(strstr(strstr(out, "No such process") + 1, "No such process") == NULL);
  return 0;
}

TEST_IMPL(cli_kill_tree)
{
  xsig_process_t *leader;
  char pid[32];
  long long a, b;
  int i;
  leader = start_cli_tree("catch", &a, &b);
  snprintf(pid, sizeof pid, "%lld", (long long)xsig_process_pid(leader));
#ifdef XSIG_TEST_POSIX_ONLY
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "--tree", pid, NULL), 1);
  ASSERT(strstr(out, "signal the process group instead") != NULL);
  xsig_kill(a, XSIG_KILL); /* not in the leader's group: by hand */
  xsig_kill(b, XSIG_KILL);
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_KILL, 0, NULL, NULL));
  xsig_process_close(leader);
  remove(test_own_file("cli-kill-tree"));
  return 0;
#endif
  i = test_run_tool(out, sizeof out, "kill", "--tree", pid, NULL);
  printf("xsig kill said: %s\n", out);
  ASSERT_EQ(i, 0);
  ASSERT_OK(xsig_process_wait(leader, 20000, NULL));
  for (i = 0; i < 500 && (xsig_kill(a, 0) != XSIG_ESRCH || xsig_kill(b, 0) != XSIG_ESRCH); i++)
    test_msleep(10);
  ASSERT_EQ(xsig_kill(a, 0), XSIG_ESRCH);
  ASSERT_EQ(xsig_kill(b, 0), XSIG_ESRCH);
  xsig_process_close(leader);
  remove(test_own_file("cli-kill-tree"));
  return 0;
}

/* A command line holds the helper's arguments, in order (Windows quotes
 * each: "sleeper" "ps-marker"). */
static int has_args(const char *cmd)
{
  const char *a = strstr(cmd, "sleeper"), *b = strstr(cmd, "ps-marker");
  return a && b && b > a && b - a <= 10;
}

/* The process list sees a child with its parent, group, xsig (Windows: its
 * pipe) and command line; the counting call and the errors. */
TEST_IMPL(process_list_and_cmdline)
{
  test_proc_t p;
  xsig_proc_entry_t *e;
  char line[256], cmd[1024];
  int i, n, found = 0, self = 0, m;
#ifdef XSIG_TEST_POSIX_ONLY
  /* POSIX alone has no way to list processes: said, not guessed */
  ASSERT_EQ(xsig_process_list(NULL, 0), XSIG_ENOSYS);
  ASSERT_EQ(xsig_process_cmdline(xsig_getpid(), cmd, sizeof cmd), XSIG_ENOSYS);
  (void)p, (void)e, (void)line, (void)i, (void)n, (void)found, (void)self, (void)m;
  return 0;
#endif
  ASSERT_OK(test_spawn_helper(&p, "sleeper", "ps-marker", 0));
  ASSERT_OK(test_expect_line(&p, "sleeping", line, sizeof line, 30000));
  n = xsig_process_list(NULL, 0);
  ASSERT(n >= 2);
  ASSERT_EQ(xsig_process_list(NULL, 5), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_list(NULL, -1), XSIG_EINVAL);
  e = calloc((size_t)n + 64, sizeof *e);
  ASSERT(e != NULL);
  m = xsig_process_list(e, n + 64);
  ASSERT(m > 0 && m <= n + 64);
  for (i = 0; i < m; i++) {
    if (e[i].pid == p.pid) {
      found = 1;
      ASSERT_EQ(e[i].ppid, xsig_getpid());
#ifdef _WIN32
      ASSERT_EQ(e[i].xsig, 1); /* it called xsig_init: its pipe is there */
      ASSERT_EQ(e[i].group, 0);
#else
      ASSERT_EQ(e[i].xsig, -1);
      ASSERT_EQ(e[i].group, (int64_t)getpgrp()); /* started in our group */
#endif
    }
    if (e[i].pid == xsig_getpid()) {
      self = 1;
#ifdef _WIN32
      ASSERT_EQ(e[i].xsig, 0); /* no xsig_init here: no pipe */
#endif
    }
    ASSERT(reserved_all_zero(e[i].reserved, sizeof e[i].reserved) && e[i].reserved_int == 0);
  }
  free(e);
  ASSERT(found && self);
  n = xsig_process_cmdline(p.pid, NULL, 0);
  ASSERT(n > 0);
  ASSERT_EQ(xsig_process_cmdline(p.pid, cmd, sizeof cmd), n);
  ASSERT_EQ((int)strlen(cmd), n);
  if (!has_args(cmd))
    fprintf(stderr, "command line: '%s'\n", cmd);
  ASSERT(has_args(cmd));
  ASSERT_EQ(xsig_process_cmdline(p.pid, cmd, 4), n); /* truncated, as snprintf */
  ASSERT_EQ((int)strlen(cmd), 3);
  ASSERT_EQ(xsig_process_cmdline(p.pid, NULL, 4), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_cmdline(0, cmd, sizeof cmd), XSIG_EINVAL);
  test_kill_hard(&p);
  test_wait(&p, 20000, NULL);
  ASSERT_EQ(xsig_process_cmdline(p.pid, cmd, sizeof cmd), XSIG_ESRCH);
  test_proc_close(&p);
  return 0;
}

static char psout[1 << 20]; /* every process of the machine */

/* xsig ps lists a child with its parent and command line, and --tree puts
 * it below this process. */
TEST_IMPL(cli_ps)
{
  test_proc_t p;
  char line[256], want[128], pid[24];
  const char *row, *me;
#ifdef XSIG_TEST_POSIX_ONLY
  ASSERT_EQ(test_run_tool(psout, sizeof psout, "ps", NULL), 1);
  ASSERT(strstr(psout, "xsig ps: cannot list processes: not supported on this platform") != NULL);
  (void)p, (void)line, (void)want, (void)pid, (void)row, (void)me;
  return 0;
#endif
  ASSERT_OK(test_spawn_helper(&p, "sleeper", "ps-marker", 0));
  ASSERT_OK(test_expect_line(&p, "sleeping", line, sizeof line, 30000));
  ASSERT_EQ(test_run_tool(psout, sizeof psout, "ps", NULL), 0);
  ASSERT(strncmp(psout, "    PID    PPID    PGID XSIG  COMMAND\n", 38) == 0);
  snprintf(want, sizeof want, "%7lld %7lld ", (long long)p.pid, (long long)xsig_getpid());
  row = strstr(psout, want);
  if (row == NULL)
    fprintf(stderr, "no row '%s' in:\n%s\n", want, psout);
  ASSERT(row != NULL);
#ifdef _WIN32
  ASSERT(strncmp(row + strlen(want), "      -  yes  ", 14) == 0);
#else
  snprintf(line, sizeof line, "%7lld    ?  ", (long long)getpgrp());
  ASSERT(strncmp(row + strlen(want), line, strlen(line)) == 0);
#endif
  ASSERT(has_args(row) && strstr(row, "ps-marker") < strchr(row, '\n'));
  ASSERT_EQ(test_run_tool(psout, sizeof psout, "ps", "--tree", NULL), 0);
  snprintf(pid, sizeof pid, "\n%7lld ", (long long)xsig_getpid());
  me = strstr(psout, pid);
  row = strstr(psout, want);
  ASSERT(me != NULL && row != NULL && row > me);
  ASSERT(strstr(row, " \\_ ") != NULL && strstr(row, " \\_ ") < strchr(row, '\n')); /* a child, indented */
  ASSERT_EQ(test_run_tool(psout, sizeof psout, "ps", "--bogus", NULL), 1);
  ASSERT(strstr(psout, "unrecognized option '--bogus'") != NULL);
  test_kill_hard(&p);
  test_wait(&p, 20000, NULL);
  test_proc_close(&p);
  return 0;
}

/* Signal 0 has a name in every message (timeout(1)'s "EXIT"), never an
 * unset buffer; kill -0 --verbose says what it learnt. */
TEST_IMPL(cli_signal_zero_named)
{
  char self[1024], pid[32];
  test_proc_t p;
  char line[256];
  test_self_exe(self, sizeof self);
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "-v", "-s0", "-k", ".1", ".1", self, "--helper", "sleeper",
                          NULL), 128 + XSIG_KILL);
  ASSERT_HAS("xsig run: sending signal EXIT to command '");
  ASSERT_HAS("xsig run: sending signal KILL to command '");
  ASSERT_OK(test_spawn_helper(&p, "sleeper", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "sleeping", line, sizeof line, 30000));
  snprintf(pid, sizeof pid, "%lld", (long long)p.pid);
  ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-0", "--verbose", pid, NULL), 0);
  snprintf(line, sizeof line, "xsig kill: %s exists and may be signalled (signal 0 sends nothing)", pid);
  ASSERT_HAS(line);
  ASSERT(!has("sent  to"));
  test_kill_hard(&p);
  test_wait(&p, 20000, NULL);
  test_proc_close(&p);
  return 0;
}

/* The command ends on TERM but two of its tree ignore it: the KILL after
 * the grace is said to go to the 2 processes left, not to the command,
 * and the exit code is 124 (the command itself ended on TERM), as
 * timeout(1) gives. */
TEST_IMPL(cli_run_kill_names_processes_left)
{
  char self[1024];
  test_self_exe(self, sizeof self);
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "-v", "-k", "1", "4", self, "--helper", "tree_leader", "ignore",
                          NULL), 124);
  ASSERT_HAS("member ignore ready");
  ASSERT_HAS("leader cleanup");
#ifdef XSIG_TEST_POSIX_ONLY
  ASSERT_HAS("xsig run: sending signal KILL to the processes left of command '"); /* not counted */
#else
  ASSERT_HAS("xsig run: sending signal KILL to the 2 processes left of command '");
#endif
  ASSERT_HAS("(the command itself had exited with code 0)");
  ASSERT(!has("sending signal KILL to command"));
  return 0;
}

/* Runs `xsig service run` from here with --log and a grace of 1 s on
 * self --helper HELPER [ARG], stops it with TERM once the command said
 * "ready", and reads the log into out. */
static void service_log_after_term(const char *helper, const char *arg, const char *name)
{
  char tool[1024], self[1024], log[256];
  char *argv[] = { tool, (char *)"service", (char *)"run", (char *)"xsig-log-test", (char *)"--log", log,
                   (char *)"--grace", (char *)"1", (char *)"--", self, (char *)"--helper", (char *)helper,
                   (char *)arg, NULL };
  test_proc_t p;
  FILE *f;
  size_t n;
  test_tool_path(tool, sizeof tool);
  test_self_exe(self, sizeof self);
  snprintf(log, sizeof log, "%s", test_own_file(name));
  remove(log);
  ASSERT_OK(test_spawn(&p, argv, TEST_PROC_MERGE_STDERR));
  ASSERT_OK(test_wait_file_line(log, "ready", 30000)); /* the command's own line */
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  test_wait(&p, 30000, NULL);
  test_proc_close(&p);
  f = fopen(log, "r");
  ASSERT(f != NULL);
  n = fread(out, 1, sizeof out - 1, f);
  fclose(f);
  out[n] = 0;
  remove(log);
}

/* xsig service's log holds the host's own lines: the KILL after the grace
 * (the command ignores TERM), so the log says why the stop took it all. */
TEST_IMPL(cli_service_log_has_host_lines)
{
  service_log_after_term("stubborn", NULL, "service-log");
  ASSERT_HAS("ready");
  ASSERT_HAS("xsig run: sending signal KILL to command '");
  return 0;
}

#ifdef _WIN32
/* And the warning that TERM has no graceful way to the command: one that
 * does not use xsig, let go of its console and has no window. The log
 * tells the operator why the stop took the whole grace. */
TEST_IMPL(cli_service_log_warns_no_graceful_way)
{
  service_log_after_term("plain_child", "noconsole", "service-log-nograce");
  ASSERT_HAS("xsig run: warning: no graceful way to send TERM to command '");
  ASSERT_HAS("it goes on running until KILL");
  ASSERT_HAS("xsig run: sending signal KILL to command '");
  return 0;
}
#endif
