/* SPDX-License-Identifier: MIT */
/* Dumps, what POSIX calls core dumps: QUIT's default action, a forced QUIT
 * to a program without xsig (Windows), and a crash report's dump on
 * request. Windows: each minidump is read back: its header, and that it is
 * of the right process (Wine's dbghelp writes them). POSIX: the kernel
 * decides (RLIMIT_CORE, core_pattern); what xsig says about it is checked. */
#include "task.h"
#ifdef _WIN32
#include <windows.h>
#else
#include <sys/resource.h>
#endif

/* QUIT with its default action, from another process. */
HELPER_IMPL(quit_default)
{
  xsig_init();
  if (argc > 1 && strcmp(argv[1], "off") == 0)
    xsig_set_dump_dir(""); /* Windows: no dumps */
  helper_say("ready");
  xsig_sleep(20000);
  helper_say("survived");
  return 0;
}

#ifdef _WIN32
/* --- reading a minidump back -------------------------------------------- */

static uint32_t u32_at(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* 0 if path is a minidump of process pid (its misc-info stream names the
 * pid, or its module list holds xsig-test.exe) with an exception stream if
 * want_exception. */
static int check_minidump(const char *path, int64_t pid, int want_exception)
{
  static unsigned char buf[16 << 20];
  FILE *f = fopen(path, "rb");
  size_t len;
  uint32_t streams, dir, i, type, size, rva;
  int named = 0, exception = 0;
  if (f == NULL) {
    fprintf(stderr, "no dump at %s\n", path);
    return -1;
  }
  len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  if (len < 32 || memcmp(buf, "MDMP", 4) != 0) {
    fprintf(stderr, "%s: not a minidump (%u bytes)\n", path, (unsigned)len);
    return -1;
  }
  streams = u32_at(buf + 8);
  dir = u32_at(buf + 12);
  for (i = 0; i < streams && dir + 12 * (i + 1) <= len; i++) {
    type = u32_at(buf + dir + 12 * i);
    size = u32_at(buf + dir + 12 * i + 4);
    rva = u32_at(buf + dir + 12 * i + 8);
    if (rva + size > len)
      continue;
    if (type == 6) /* ExceptionStream */
      exception = 1;
    if (type == 15 && size >= 12 && (u32_at(buf + rva + 4) & 1)) /* MiscInfoStream, PROCESS_ID */
      named |= u32_at(buf + rva + 8) == (uint32_t)pid ? 1 : 2;
  }
  if (named == 2) {
    fprintf(stderr, "%s: a dump of another process\n", path);
    return -1;
  }
  if (!named)
    fprintf(stderr, "%s: no process id in it (no misc-info stream): name checked only\n", path);
  if (want_exception && !exception) {
    fprintf(stderr, "%s: no exception stream\n", path);
    return -1;
  }
  return 0;
}

static void dump_dir(char *buf, size_t size)
{
  snprintf(buf, size, "%s", test_own_file("dumps"));
  CreateDirectoryA(buf, NULL);
}

/* The file and the folder go once checked. */
static void drop_dump(const char *file, const char *dir)
{
  remove(file);
  RemoveDirectoryA(dir);
}

/* The file the library names for pid: DIR\xsig-test.exe.PID.dmp. */
static void expected_dump(char *buf, size_t size, const char *dir, int64_t pid)
{
  snprintf(buf, size, "%s\\xsig-test.exe.%lld.dmp", dir, (long long)pid);
}

static int has(const char *out, const char *want)
{
  return strstr(out, want) != NULL;
}
#endif

/* Reads the rest of p's output into out. */
static void read_all(test_proc_t *p, char *out, size_t size)
{
  char line[1024];
  size_t len = 0;
  out[0] = 0;
  while (test_read_line(p, line, sizeof line, 20000) == 0 && len + strlen(line) + 2 < size)
    len += (size_t)snprintf(out + len, size - len, "%s\n", line);
}

TEST_IMPL(quit_default_dumps)
{
  test_proc_t p;
  xsig_status_t st;
  char out[4096];
#ifdef _WIN32
  char dir[1024], want[1200], file[1100];
  dump_dir(dir, sizeof dir);
  test_setenv("XSIG_DUMP_DIR", dir);
#endif
  ASSERT_OK(xsig_init());
  ASSERT_OK(test_spawn_helper(&p, "quit_default", NULL, TEST_PROC_MERGE_STDERR));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  ASSERT_OK(xsig_send(p.pid, XSIG_QUIT, 0, 0, NULL));
  read_all(&p, out, sizeof out);
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_QUIT);
#ifdef _WIN32
  /* a minidump, said on stderr, and "core dumped" in the status */
  expected_dump(file, sizeof file, dir, p.pid);
  snprintf(want, sizeof want, "xsig: QUIT: minidump written to %s", file);
  if (!has(out, want))
    fprintf(stderr, "want '%s' in:\n%s", want, out);
  ASSERT(has(out, want));
  ASSERT_EQ(st.raw, 0xE0580083u);
  ASSERT_EQ(st.core, 1);
  ASSERT_OK(check_minidump(file, p.pid, 0));
  drop_dump(file, dir);
  test_proc_close(&p);
  /* dumps off: the same end, no file, no core flag */
  ASSERT_OK(test_spawn_helper(&p, "quit_default", "off", TEST_PROC_MERGE_STDERR));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  ASSERT_OK(xsig_send(p.pid, XSIG_QUIT, 0, 0, NULL));
  read_all(&p, out, sizeof out);
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.raw, 0xE0580003u);
  ASSERT_EQ(st.core, 0);
  ASSERT(!has(out, "minidump"));
  expected_dump(file, sizeof file, dir, p.pid);
  ASSERT(fopen(file, "rb") == NULL);
  RemoveDirectoryA(dir);
#else
  /* the kernel's core dump: whether it wrote one is the machine's (the
   * status says which), never xsig's */
  fprintf(stderr, "QUIT: core %s\n", st.core ? "dumped" : "not dumped (RLIMIT_CORE / core_pattern)");
  (void)out;
#endif
  test_proc_close(&p);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(dump_settings)
{
  char buf[64], longdir[300];
  memset(longdir, 'a', sizeof longdir - 1);
  longdir[sizeof longdir - 1] = 0;
  ASSERT_EQ(xsig_crash_dump(1), XSIG_ENOTINIT);
  ASSERT_OK(xsig_init());
  ASSERT_EQ(xsig_crash_dump(2), XSIG_EINVAL);
  ASSERT_EQ(xsig_set_dump_dir(longdir), XSIG_ERANGE);
  ASSERT_EQ(xsig_dump_path(0, buf, sizeof buf), XSIG_EINVAL);
  ASSERT_EQ(xsig_dump_path(xsig_getpid(), NULL, 10), XSIG_EINVAL);
#ifdef _WIN32
  {
    char path[1024], want[1200], dir[1024];
    dump_dir(dir, sizeof dir);
    ASSERT_OK(xsig_set_dump_dir(dir));
    ASSERT_OK(xsig_dump_path(xsig_getpid(), path, sizeof path));
    expected_dump(want, sizeof want, dir, xsig_getpid());
    ASSERT_STR(path, want);
    ASSERT_EQ(xsig_dump_path(xsig_getpid(), buf, 8), XSIG_ERANGE);
    ASSERT_OK(xsig_set_dump_dir(""));
    ASSERT_EQ(xsig_dump_path(xsig_getpid(), path, sizeof path), XSIG_ENOENT);
    ASSERT_OK(xsig_set_dump_dir(NULL)); /* the default again */
    ASSERT_EQ(xsig_dump_path(0x7ffffff0, path, sizeof path), XSIG_ESRCH);
    RemoveDirectoryA(dir);
  }
#else
  ASSERT_EQ(xsig_set_dump_dir("/tmp"), XSIG_ENOSYS); /* core_pattern decides */
  ASSERT_EQ(xsig_dump_path(xsig_getpid(), buf, sizeof buf), XSIG_ENOSYS);
#endif
  ASSERT_OK(xsig_crash_dump(0));
  ASSERT_OK(xsig_shutdown());
  return 0;
}

static volatile int zero;

/* A crash report with a dump asked for. */
#if defined(__clang__) || defined(__GNUC__)
__attribute__((no_sanitize("undefined")))
#endif
HELPER_IMPL(crash_dump_child)
{
  (void)argc;
  (void)argv;
  xsig_init();
#ifdef _WIN32
  xsig_crash_report(GetStdHandle(STD_OUTPUT_HANDLE));
#else
  {
    struct rlimit rl = { 0, 0 }; /* no core file from the test machine */
    setrlimit(RLIMIT_CORE, &rl);
  }
  xsig_crash_report(1);
#endif
  if (xsig_crash_dump(1) != 0)
    helper_say("no dump support");
  helper_say("faulting");
  *(volatile int *)(uintptr_t)(16 + zero) = 1;
  helper_say("survived");
  return 0;
}

TEST_IMPL(crash_report_dumps_on_request)
{
  test_proc_t p;
  xsig_status_t st;
  char out[16384];
#ifdef _WIN32
  char dir[1024], want[1200], file[1100];
  dump_dir(dir, sizeof dir);
  test_setenv("XSIG_DUMP_DIR", dir);
#endif
  ASSERT_OK(test_spawn_helper(&p, "crash_dump_child", NULL, TEST_PROC_MERGE_STDERR));
  ASSERT_OK(test_expect_line(&p, "faulting", NULL, 0, 20000));
  read_all(&p, out, sizeof out);
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.signo, XSIG_SEGV);
  ASSERT(strstr(out, "xsig: fatal signal SEGV") != NULL);
#ifdef _WIN32
  expected_dump(file, sizeof file, dir, p.pid);
  snprintf(want, sizeof want, "xsig: minidump written to %s", file);
  if (!has(out, want))
    fprintf(stderr, "want '%s' in:\n%s", want, out);
  ASSERT(has(out, want));
  ASSERT_EQ(st.raw, 0xC0000005u); /* the exception's own code, as without a dump */
  ASSERT_OK(check_minidump(file, p.pid, 1));
  drop_dump(file, dir);
#else
  /* the hard limit is 0 there: the report says no core can come */
  if (strstr(out, "xsig: no core dump: the hard RLIMIT_CORE is 0") == NULL)
    fprintf(stderr, "%s", out);
  ASSERT(strstr(out, "xsig: no core dump: the hard RLIMIT_CORE is 0") != NULL);
#endif
  test_proc_close(&p);
  return 0;
}

#ifdef _WIN32
/* xsig kill -QUIT --force to a program without xsig: a minidump of it
 * from the sender's side, then its end with QUIT's code, core flag set. */
TEST_IMPL(kill_quit_force_dumps_foreign)
{
  test_proc_t p;
  xsig_status_t st;
  char out[4096], pid[32], dir[1024], file[1100], want[1300], line[64];
  int rc;
  dump_dir(dir, sizeof dir);
  test_setenv("XSIG_DUMP_DIR", dir);
  ASSERT_OK(test_spawn_helper(&p, "plain_child", "console", 0));
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "ready");
  snprintf(pid, sizeof pid, "%lld", (long long)p.pid);
  /* without --force: no graceful path, nothing done */
  rc = test_run_tool(out, sizeof out, "kill", "-QUIT", pid, NULL);
  ASSERT_EQ(rc, 1);
  rc = test_run_tool(out, sizeof out, "kill", "-QUIT", "--force", pid, NULL);
  ASSERT_EQ(rc, 0);
  expected_dump(file, sizeof file, dir, p.pid);
  snprintf(want, sizeof want, "xsig kill: %s: minidump written to %s", pid, file);
  if (!has(out, want))
    fprintf(stderr, "want '%s' in:\n%s", want, out);
  ASSERT(has(out, want));
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.signo, XSIG_QUIT);
  ASSERT_EQ(st.core, 1);
  ASSERT_EQ(st.raw, 0xE0580083u);
  ASSERT_OK(check_minidump(file, p.pid, 0));
  drop_dump(file, dir);
  test_proc_close(&p);
  return 0;
}
#endif
