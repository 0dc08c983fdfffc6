/* SPDX-License-Identifier: MIT */
/* Children, groups, trees and exit statuses, both platforms. */
#include "task.h"

/* forced of a tree stop: how many got KILL; POSIX alone cannot count a
 * group's members, and says so with -1. */
#ifdef XSIG_TEST_POSIX_ONLY
# define KILLED(n) (-1)
#else
# define KILLED(n) (n)
#endif
#ifdef _WIN32
#include <windows.h>
#include <shellapi.h>
#endif


HELPER_IMPL(exit_with)
{
  (void)argc;
  return atoi(argv[1]);
}

TEST_IMPL(spawn_wait_status)
{
  xsig_process_t *p;
  xsig_status_t st;
  char *argv[2] = { (char *)"no-such-program-xsig", NULL };
  ASSERT_OK(test_xsig_spawn_helper("exit_with", "7", NULL, 0, &p));
  ASSERT(xsig_process_pid(p) > 0);
  ASSERT_EQ(xsig_process_group(p), 0);
  ASSERT_OK(xsig_process_wait(p, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 7);
  ASSERT_OK(xsig_process_wait(p, 0, &st)); /* the same answer again */
  ASSERT_EQ(st.code, 7);
  ASSERT_EQ(xsig_process_send(p, XSIG_TERM, 0, 0, NULL), XSIG_ESRCH);
  xsig_process_close(p);
  ASSERT_EQ(xsig_spawn(argv[0], argv, 0, &p), XSIG_ENOENT);
  ASSERT_EQ(xsig_spawn(NULL, argv, 0, &p), XSIG_EINVAL);
  ASSERT_EQ(xsig_spawn(argv[0], argv, 0x100, &p), XSIG_EINVAL);
  ASSERT_OK(xsig_process_open(test_getpid(), &p));
  ASSERT_EQ(xsig_process_wait(p, 0, &st), XSIG_ECHILD); /* not our child */
  ASSERT_EQ(xsig_process_stop_tree(p, XSIG_TERM, 0, &st, NULL), XSIG_ECHILD);
  xsig_process_close(p);
  return 0;
}

TEST_IMPL(spawn_not_executable)
{
  xsig_process_t *p;
  char *argv[2];
  FILE *f = fopen("xsig-not-executable.txt", "w");
  ASSERT(f != NULL);
  fputs("just text\n", f);
  fclose(f);
#ifdef _WIN32
  argv[0] = (char *)".\\xsig-not-executable.txt";
#else
  argv[0] = (char *)"./xsig-not-executable.txt";
#endif
  argv[1] = NULL;
  ASSERT_EQ(xsig_spawn(argv[0], argv, 0, &p), XSIG_ENOEXEC);
  remove("xsig-not-executable.txt");
  return 0;
}

static void say_arg_hex(const char *arg)
{
  char hex[256] = "arg ";
  size_t k, n = strlen(hex);
  for (k = 0; arg[k] && n + 3 < sizeof hex; k++)
    n += (size_t)snprintf(hex + n, sizeof hex - n, "%02x", (unsigned char)arg[k]);
  helper_say("%s", hex);
}

/* Prints each argument after the helper's name as hex (UTF-8), one line
 * each. Windows: from the UTF-16 command line (the CRT's argv would be in
 * the ANSI code page). */
HELPER_IMPL(print_args)
{
  int i;
#ifdef _WIN32
  wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &argc);
  (void)argv;
  for (i = 3; wargv && i < argc; i++) {
    char utf8[256];
    if (WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, utf8, sizeof utf8, NULL, NULL) > 0)
      say_arg_hex(utf8);
  }
  LocalFree(wargv);
#else
  for (i = 1; i < argc; i++)
    say_arg_hex(argv[i]);
#endif
  helper_say("end");
  return 0;
}

static void expect_args(const char *file, char *const argv[])
{
  FILE *f;
  char line[300];
  int i;
  for (i = 3; argv[i]; i++) { /* after exe --helper print_args */
    char want[256] = "arg ";
    size_t k, n = strlen(want);
    for (k = 0; argv[i][k]; k++)
      n += (size_t)snprintf(want + n, sizeof want - n, "%02x", (unsigned char)argv[i][k]);
    f = fopen(file, "r");
    ASSERT(f != NULL);
    n = 0;
    while (fgets(line, sizeof line, f))
      if (strncmp(line, want, strlen(want)) == 0 && (line[strlen(want)] == '\n' || line[strlen(want)] == '\r'))
        n = 1;
    fclose(f);
    if (!n)
      fprintf(stderr, "argument %d (%s) did not arrive as it was\n", i, argv[i]);
    ASSERT(n);
  }
}

/* Every argument reaches the child exactly (quoting on Windows); one that
 * Windows cannot carry (not UTF-8) is an error there, never dropped. */
TEST_IMPL(spawn_arguments_exact)
{
  xsig_process_t *p;
  xsig_status_t st;
  char exe[1024];
  char *argv[] = { exe, (char *)"--helper", (char *)"print_args", (char *)"a b", (char *)"",
                   (char *)"q\"uote", (char *)"back\\\\", (char *)"tab\there", (char *)"\xc3\xa9t\xc3\xa9",
                   NULL, NULL };
  test_self_exe(exe, sizeof exe);
  remove("spawn-args.txt");
  test_setenv("XSIG_TEST_OUT", "spawn-args.txt");
  ASSERT_OK(xsig_spawn(exe, argv, 0, &p));
  ASSERT_OK(xsig_process_wait(p, 20000, &st));
  xsig_process_close(p);
  ASSERT(test_file_has("spawn-args.txt", "end"));
  expect_args("spawn-args.txt", argv);
  argv[9] = (char *)"bad\xff\xfe";
#ifdef _WIN32
  ASSERT_EQ(xsig_spawn(exe, argv, 0, &p), XSIG_EINVAL);
#else
  remove("spawn-args.txt");
  ASSERT_OK(xsig_spawn(exe, argv, 0, &p)); /* POSIX arguments are bytes */
  ASSERT_OK(xsig_process_wait(p, 20000, &st));
  xsig_process_close(p);
  expect_args("spawn-args.txt", argv);
#endif
  test_setenv("XSIG_TEST_OUT", "");
  remove("spawn-args.txt");
  return 0;
}

static volatile int member_done;
static void member_term(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  member_done = 1;
}

/* A process of the tree: "catch" exits on TERM, "ignore" ignores it. */
HELPER_IMPL(tree_member)
{
  (void)argc;
  xsig_init();
  xsig_handle(XSIG_TERM, strcmp(argv[1], "ignore") == 0 ? XSIG_IGN : member_term);
  helper_say("member %s ready", argv[1]);
  while (!member_done)
    xsig_sleep(1000);
  /* in the file a failed stop prints: the TERM came, so any hang was later */
  helper_say("got TERM: member %s", argv[1]);
  return 0;
}

/* The leader: starts a member that catches TERM and one that ignores it
 * (arg "mixed"), two that catch (arg "catch") or two that ignore it (arg
 * "ignore"); exits cleanly on TERM. */
HELPER_IMPL(tree_leader)
{
  xsig_process_t *a, *b;
  int mixed = strcmp(argv[1], "mixed") == 0, ignore = strcmp(argv[1], "ignore") == 0;
  (void)argc;
  xsig_init();
  xsig_handle(XSIG_TERM, member_term);
  if (test_xsig_spawn_helper("tree_member", ignore ? "ignore" : "catch", NULL, 0, &a) ||
      test_xsig_spawn_helper("tree_member", mixed || ignore ? "ignore" : "catch", NULL, 0, &b))
    return 3;
  helper_say("pids %lld %lld", (long long)xsig_process_pid(a), (long long)xsig_process_pid(b));
  while (!member_done)
    xsig_sleep(1000);
  helper_say("leader cleanup");
  xsig_process_close(a); /* they stay running: only the tree stop ends them */
  xsig_process_close(b);
  return 0;
}

static void assert_gone(int64_t pid)
{
  int i, r = 0;
  for (i = 0; i < 500; i++) { /* an orphan's zombie waits for init to reap it */
    r = xsig_kill(pid, 0);
    if (r == XSIG_ESRCH)
      break;
    test_msleep(10);
  }
  ASSERT_EQ(r, XSIG_ESRCH);
}

/* Starts the tree through the library (the leader is our child, in its own
 * group); its processes report to a file. Returns the members' pids. */
static void start_tree(const char *mode, const char *file, xsig_process_t **leader, int64_t pids[2])
{
  char buf[256];
  int i, members = 0;
  remove(file);
  test_setenv("XSIG_TEST_OUT", file);
  ASSERT_OK(test_xsig_spawn_helper("tree_leader", mode, NULL, XSIG_SPAWN_NEW_GROUP, leader));
  ASSERT_EQ(xsig_process_group(*leader), xsig_process_pid(*leader));
  for (i = 0; i < 800 && !(pids[0] && members == 2); i++) {
    FILE *f = fopen(file, "r");
    long long a, b;
    members = 0;
    pids[0] = pids[1] = 0;
    while (f && fgets(buf, sizeof buf, f)) {
      if (sscanf(buf, "pids %lld %lld", &a, &b) == 2)
        pids[0] = a, pids[1] = b;
      members += strncmp(buf, "member", 6) == 0;
    }
    if (f)
      fclose(f);
    test_msleep(25);
  }
  test_setenv("XSIG_TEST_OUT", "");
  ASSERT(pids[0] > 0 && pids[1] > 0 && members == 2);
}

TEST_IMPL(stop_tree_mixed)
{
  xsig_process_t *leader;
  xsig_status_t st;
  int forced = -1;
  int64_t pids[2];
  start_tree("mixed", "tree-mixed.txt", &leader, pids);
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_TERM, 1000, &st, &forced));
  ASSERT_EQ(forced, KILLED(1));    /* one member ignored TERM: KILL after the grace */
  ASSERT_EQ(st.exited, 1); /* the leader itself stopped cleanly */
  ASSERT_EQ(st.code, 0);
  ASSERT(test_file_has("tree-mixed.txt", "leader cleanup"));
  assert_gone(xsig_process_pid(leader));
  assert_gone(pids[0]);
  assert_gone(pids[1]);
  xsig_process_close(leader);
  remove("tree-mixed.txt");
  return 0;
}

TEST_IMPL(stop_tree_graceful)
{
  xsig_process_t *leader;
  xsig_status_t st;
  int forced = -1;
  int64_t pids[2];
  start_tree("catch", "tree-catch.txt", &leader, pids);
  test_watch_group(xsig_process_group(leader), 3000);
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_TERM, 10000, &st, &forced));
  test_watch_group_end();
  ASSERT_EQ(forced, 0); /* everybody caught TERM: no KILL */
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  assert_gone(pids[0]);
  assert_gone(pids[1]);
  xsig_process_close(leader);
  remove("tree-catch.txt");
  return 0;
}

/* Leaf-first: the members get TERM (and end) before their leader is
 * asked; a member that ignores TERM holds its depth for its share of the
 * grace only, and the whole stop still takes one grace. */
static int line_index(const char *file, const char *text)
{
  char buf[256];
  int i = 0, at = -1;
  FILE *f = fopen(file, "r");
  while (f && fgets(buf, sizeof buf, f) && at < 0) {
    if (strncmp(buf, text, strlen(text)) == 0)
      at = i;
    i++;
  }
  if (f)
    fclose(f);
  return at;
}

TEST_IMPL(stop_trees_leaf_first)
{
  xsig_process_t *t;
  xsig_status_t st;
  int forced = -1;
  int64_t pids[2], start, took;
#ifdef XSIG_TEST_POSIX_ONLY
  start_tree("catch", "leaf-first.txt", &t, pids);
  /* no process listing: refused, nothing sent */
  ASSERT_EQ(xsig_process_stop_trees(&t, 1, XSIG_TERM, 1000, XSIG_STOP_LEAF_FIRST, &st, &forced), XSIG_ENOSYS);
  ASSERT_EQ(xsig_process_alive(t), 1);
  xsig_kill(pids[0], XSIG_KILL);
  xsig_kill(pids[1], XSIG_KILL);
  ASSERT_OK(xsig_process_stop_tree(t, XSIG_KILL, 0, NULL, NULL));
  xsig_process_close(t);
  remove("leaf-first.txt");
  (void)start, (void)took;
  return 0;
#endif
  start_tree("catch", "leaf-first.txt", &t, pids);
  ASSERT_EQ(xsig_process_stop_trees(&t, 1, XSIG_TERM, 100, 0x4, NULL, NULL), XSIG_EINVAL);
  ASSERT_OK(xsig_process_stop_trees(&t, 1, XSIG_TERM, 10000, XSIG_STOP_LEAF_FIRST, &st, &forced));
  ASSERT_EQ(forced, 0);
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  assert_gone(pids[0]);
  assert_gone(pids[1]);
  /* both members had TERM, and ended, before the leader was asked */
  ASSERT(line_index("leaf-first.txt", "got TERM: member") >= 0);
  ASSERT(line_index("leaf-first.txt", "leader cleanup") > line_index("leaf-first.txt", "got TERM: member"));
  {
    char buf[256];
    int members = 0, leader_seen = 0;
    FILE *f = fopen("leaf-first.txt", "r");
    while (f && fgets(buf, sizeof buf, f)) {
      leader_seen |= strncmp(buf, "leader cleanup", 14) == 0;
      members += !leader_seen && strncmp(buf, "got TERM: member", 16) == 0;
    }
    if (f)
      fclose(f);
    ASSERT_EQ(members, 2);
  }
  xsig_process_close(t);
  remove("leaf-first.txt");

  /* a member ignores TERM: it holds depth 1 for half the grace, then the
   * leader is asked (and ends), then KILL at the one deadline */
  start_tree("mixed", "leaf-first.txt", &t, pids);
  start = xsig_clock_us();
  ASSERT_OK(xsig_process_stop_trees(&t, 1, XSIG_TERM, 2000, XSIG_STOP_LEAF_FIRST, &st, &forced));
  took = (xsig_clock_us() - start) / 1000;
  printf("leaf-first with a member that ignores TERM: %lld ms\n", (long long)took);
  ASSERT(took >= 2000 && took < 3900);
  ASSERT_EQ(forced, KILLED(1));
  ASSERT_EQ(st.exited, 1); /* the leader was asked in time, and stopped cleanly */
  ASSERT(test_file_has("leaf-first.txt", "leader cleanup"));
  assert_gone(pids[0]);
  assert_gone(pids[1]);
  xsig_process_close(t);
  remove("leaf-first.txt");
  return 0;
}

/* NULL gets the same answer on both platforms (one front end), and the
 * descendants of a tree are its members. */
TEST_IMPL(process_null_and_descendants)
{
  xsig_process_t *leader;
  int64_t pids[2], out[16];
  int n, i, found = 0;
  ASSERT_EQ(xsig_process_pid(NULL), 0);
  ASSERT_EQ(xsig_process_group(NULL), 0);
  ASSERT(xsig_process_waitable(NULL) == XSIG_NO_HANDLE);
  ASSERT_EQ(xsig_process_alive(NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_wait(NULL, 0, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_send(NULL, XSIG_TERM, 0, 0, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_stop_tree(NULL, 0, 0, NULL, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_descendants(0, out, 16), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_descendants(1, NULL, 16), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_descendants(1, out, -1), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_descendants(2147483000, out, 16), XSIG_ESRCH);
  start_tree("catch", "tree-desc.txt", &leader, pids);
  n = xsig_process_descendants(xsig_process_pid(leader), out, 16);
#ifdef XSIG_TEST_POSIX_ONLY
  ASSERT_EQ(n, XSIG_ENOSYS); /* POSIX alone cannot list processes */
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_TERM, 10000, NULL, NULL));
  xsig_process_close(leader);
  remove("tree-desc.txt");
  return 0;
#endif
  ASSERT(n >= 2);
  for (i = 0; i < n; i++)
    found += out[i] == pids[0] || out[i] == pids[1];
  ASSERT_EQ(found, 2);
  ASSERT_EQ(xsig_process_descendants(xsig_process_pid(leader), out, 1), 1); /* max is kept */
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_TERM, 10000, NULL, NULL));
  xsig_process_close(leader);
  remove("tree-desc.txt");
  return 0;
}

/* Its own pid and its parent's, as the library sees them. */
HELPER_IMPL(print_ppid)
{
  (void)argc;
  (void)argv;
  helper_say("pid %lld ppid %lld", (long long)xsig_getpid(), (long long)xsig_getppid());
  return 0;
}

/* Reports its parent, then waits until that parent is gone and reports
 * who its parent is then. */
HELPER_IMPL(orphan)
{
  int64_t first = xsig_getppid(), now = first;
  int i;
  (void)argc;
  (void)argv;
  helper_say("orphan ready, parent %lld", (long long)first);
  for (i = 0; i < 2000 && now == first; i++) {
    test_msleep(10);
    now = xsig_getppid();
  }
  helper_say("parent was %lld, then %lld", (long long)first, (long long)now);
  return 0;
}

/* Starts an orphan-to-be, waits until it runs, and ends. */
HELPER_IMPL(orphan_maker)
{
  xsig_process_t *p;
  (void)argc;
  if (test_xsig_spawn_helper("orphan", NULL, NULL, 0, &p) != 0)
    return 3;
  xsig_process_close(p);
  return test_wait_file_line(argv[1], "orphan ready", 20000) == 0 ? 0 : 4;
}

/* getpid/getppid analogs; an orphan's parent: POSIX the process that
 * adopted it, Windows 0 (its recorded parent has ended). */
TEST_IMPL(pid_helpers)
{
  test_proc_t p;
  xsig_status_t st;
  char line[128];
  long long pid = 0, ppid = 0, was = -1, then = -1;
  int i;
  ASSERT_EQ(xsig_getpid(), test_getpid());
  ASSERT_OK(test_spawn_helper(&p, "print_ppid", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "pid ", line, sizeof line, 20000));
  ASSERT_EQ(sscanf(line, "pid %lld ppid %lld", &pid, &ppid), 2);
  ASSERT_EQ(pid, p.pid);
  ASSERT_EQ(ppid, test_getpid());
  test_wait(&p, 20000, NULL);
  test_proc_close(&p);

  remove(test_own_file("pid-helpers"));
  test_setenv("XSIG_TEST_OUT", test_own_file("pid-helpers"));
  ASSERT_OK(test_spawn_helper(&p, "orphan_maker", test_own_file("pid-helpers"), 0));
  ASSERT_OK(test_wait(&p, 30000, &st));
  ASSERT_EQ(st.code, 0);
  ASSERT_OK(test_wait_file_line(test_own_file("pid-helpers"), "parent was", 30000));
  test_setenv("XSIG_TEST_OUT", "");
  {
    FILE *f = fopen(test_own_file("pid-helpers"), "r");
    ASSERT(f != NULL);
    while (fgets(line, sizeof line, f))
      sscanf(line, "parent was %lld, then %lld", &was, &then);
    fclose(f);
  }
  ASSERT_EQ(was, p.pid);
#ifdef _WIN32
  ASSERT_EQ(then, 0);
#else
  ASSERT(then > 0 && then != was);
#endif
  test_proc_close(&p);
  for (i = 0; i < 100 && remove(test_own_file("pid-helpers")) != 0; i++)
    test_msleep(10);
  return 0;
}

/* A stopped tree still ends, and gracefully: CONT follows TERM. */
TEST_IMPL(stop_tree_stopped)
{
  xsig_process_t *leader;
  xsig_status_t st;
  int forced = -1;
  int64_t pids[2];
  start_tree("catch", "tree-stopped.txt", &leader, pids);
  ASSERT_OK(xsig_send(-xsig_process_group(leader), XSIG_STOP, 0, 0, NULL));
  ASSERT_OK(test_wait_stopped(xsig_process_pid(leader), 20000));
  ASSERT_OK(test_wait_stopped(pids[0], 20000));
  ASSERT_OK(test_wait_stopped(pids[1], 20000));
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_TERM, 10000, &st, &forced));
  ASSERT_EQ(forced, 0);
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  assert_gone(pids[0]);
  assert_gone(pids[1]);
  xsig_process_close(leader);
  remove("tree-stopped.txt");
  return 0;
}

/* CONT to a stopped group resumes every member (on Windows each is
 * looked at once, all together, before any is resumed): then a TERM to
 * each alone, with no CONT after it, ends each by its handler. */
TEST_IMPL(group_cont_resumes_stopped_tree)
{
  xsig_process_t *leader;
  xsig_status_t st;
  int64_t pids[2];
  int i;
  start_tree("catch", "tree-cont.txt", &leader, pids);
  ASSERT_OK(xsig_send(-xsig_process_group(leader), XSIG_STOP, 0, 0, NULL));
  ASSERT_OK(test_wait_stopped(xsig_process_pid(leader), 20000));
  ASSERT_OK(test_wait_stopped(pids[0], 20000));
  ASSERT_OK(test_wait_stopped(pids[1], 20000));
  ASSERT_OK(xsig_send(-xsig_process_group(leader), XSIG_CONT, 0, 0, NULL));
  for (i = 0; i < 2; i++)
    ASSERT_OK(xsig_kill(pids[i], XSIG_TERM));
  ASSERT_OK(xsig_kill(xsig_process_pid(leader), XSIG_TERM));
  ASSERT_OK(xsig_process_wait(leader, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  assert_gone(pids[0]); /* reaped once their parent is gone */
  assert_gone(pids[1]);
  xsig_process_close(leader);
  remove("tree-cont.txt");
  return 0;
}

TEST_IMPL(stop_tree_no_grace)
{
  xsig_process_t *leader;
  xsig_status_t st;
  int forced = -1;
  int64_t pids[2];
  start_tree("mixed", "tree-force.txt", &leader, pids);
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_KILL, 0, &st, &forced));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_KILL);
  assert_gone(pids[0]);
  assert_gone(pids[1]);
  xsig_process_close(leader);
  remove("tree-force.txt");
  return 0;
}

/* Three trees, two with a member that ignores TERM: one grace period for
 * all of them (one each would take three), KILL only where needed. */
TEST_IMPL(stop_trees_one_deadline)
{
  static const char *const mode[3] = {"mixed", "mixed", "catch"};
  static const char *const file[3] = {"trees-0.txt", "trees-1.txt", "trees-2.txt"};
  xsig_process_t *t[3], *self, *bad[2];
  xsig_status_t st[3];
  int forced[3] = {-1, -1, -1}, i;
  int64_t pids[3][2], start, took;
  for (i = 0; i < 3; i++)
    start_tree(mode[i], file[i], &t[i], pids[i]);
  /* bad calls send nothing */
  ASSERT_OK(xsig_process_open(xsig_getpid(), &self));
  bad[0] = t[0];
  bad[1] = self;
  ASSERT_EQ(xsig_process_stop_trees(bad, 2, XSIG_TERM, 100, 0, NULL, NULL), XSIG_ECHILD);
  bad[1] = NULL;
  ASSERT_EQ(xsig_process_stop_trees(bad, 2, XSIG_TERM, 100, 0, NULL, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_stop_trees(t, 0, XSIG_TERM, 100, 0, NULL, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_stop_trees(t, 3, XSIG_TERM, -1, 0, NULL, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_stop_trees(t, 3, XSIG_TERM, 100, 0x100, NULL, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_stop_trees(t, 3, 999, 100, 0, NULL, NULL), XSIG_EINVAL);
  xsig_process_close(self);
  test_msleep(200);
  for (i = 0; i < 3; i++)
    ASSERT(!test_file_has(file[i], "leader cleanup"));
  start = xsig_clock_us();
  test_watch_group(xsig_process_group(t[2]), 1500); /* its members catch TERM */
  ASSERT_OK(xsig_process_stop_trees(t, 3, XSIG_TERM, 2000, 0, st, forced));
  test_watch_group_end();
  took = (xsig_clock_us() - start) / 1000;
  ASSERT(took >= 2000); /* the ignoring members had the whole grace */
  ASSERT(took < 3900);  /* one grace for all: one each would be 4000 at least */
  ASSERT_EQ(forced[0], KILLED(1));
  ASSERT_EQ(forced[1], KILLED(1));
  ASSERT_EQ(forced[2], 0);
  for (i = 0; i < 3; i++) {
    ASSERT_EQ(st[i].exited, 1); /* each leader stopped cleanly */
    ASSERT_EQ(st[i].code, 0);
    ASSERT(test_file_has(file[i], "leader cleanup"));
    assert_gone(pids[i][0]);
    assert_gone(pids[i][1]);
    xsig_process_close(t[i]);
    remove(file[i]);
  }
  return 0;
}

/* xsig_send(-pgid) reaches every process of a group xsig started. */
TEST_IMPL(group_send)
{
  xsig_process_t *leader;
  int64_t pids[2];
  int via = -1;
  start_tree("catch", "tree-group.txt", &leader, pids);
  ASSERT_OK(xsig_send(-xsig_process_group(leader), XSIG_TERM, 0, 0, &via));
#ifdef _WIN32
  ASSERT_EQ(via, XSIG_VIA_XSIG);
#endif
  assert_gone(pids[0]);
  assert_gone(pids[1]);
  ASSERT_OK(xsig_process_wait(leader, 20000, NULL));
  ASSERT(test_file_has("tree-group.txt", "leader cleanup"));
  xsig_process_close(leader);
  remove("tree-group.txt");
  return 0;
}

/* Does not use xsig: what reaches it is the system's doing. */
HELPER_IMPL(plain_ready_sleeper)
{
  (void)argc, (void)argv;
  helper_say("ready");
  test_msleep(30000);
  return 0;
}

/* A child that does not use xsig, started in a group of its own with
 * XSIG_SPAWN_CTRL_C_ON: INT reaches it and its default action ends it, on
 * both platforms (Windows: a thread at CtrlRoutine and the console's
 * default handler, as for a Python or Node program; POSIX: the kernel).
 * Without the flag, Windows starts the group with Ctrl-C off, and INT has
 * no graceful way there. The flag needs the group. */
TEST_IMPL(spawn_ctrl_c_on_reaches_plain_child)
{
  xsig_process_t *p;
  xsig_status_t st;
  const char *out = test_own_file("ctrl-c-on");
  int via = -1, k, err;
  char *argv[2] = { (char *)"no-such-program-xsig", NULL };
  ASSERT_EQ(xsig_spawn(argv[0], argv, XSIG_SPAWN_CTRL_C_ON, &p), XSIG_EINVAL);
#ifdef _WIN32
  FreeConsole(); /* the console a user's program has; ctest gives none */
  ASSERT(AllocConsole());
#endif
  test_setenv("XSIG_TEST_OUT", out);
  for (k = 0; k < 2; k++) {
    remove(out);
    ASSERT_OK(test_xsig_spawn_helper("plain_ready_sleeper", NULL, NULL,
                                     XSIG_SPAWN_NEW_GROUP | (k ? 0 : XSIG_SPAWN_CTRL_C_ON), &p));
    ASSERT_OK(test_wait_file_line(out, "ready", 20000));
    err = xsig_process_send(p, XSIG_INT, 0, 0, &via);
#ifdef _WIN32
    if (k == 1) { /* without the flag */
      ASSERT_EQ(err, XSIG_ENOGRACE);
      xsig_process_stop_tree(p, XSIG_KILL, 0, NULL, NULL);
      xsig_process_close(p);
      continue;
    }
    ASSERT_EQ(via, XSIG_VIA_CTRLROUTINE);
#endif
    ASSERT_OK(err);
    ASSERT_OK(xsig_process_wait(p, 20000, &st));
    ASSERT_EQ(st.exited, 0);
    ASSERT_EQ(st.signo, XSIG_INT);
    xsig_process_close(p);
  }
  test_setenv("XSIG_TEST_OUT", "");
  remove(out);
  return 0;
}
