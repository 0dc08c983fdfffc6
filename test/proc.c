/* SPDX-License-Identifier: MIT */
/* Platform support for tests: helper processes, the watchdog, sleeping.
 * Every process a test starts is ended when the test ends or hangs:
 * POSIX: tracked pids killed (with their groups) at exit and by the alarm;
 * Windows: all are in a kill-on-close job object. */
#include <stdarg.h>
#include "task.h"
#ifndef _WIN32
#include <unistd.h>
#endif

#define MAX_CHILDREN 64

static int test_failed_once;
static void (*at_fail)(void);

void test_at_fail(void (*fn)(void))
{
  at_fail = fn;
}

static void run_at_fail(void)
{
  void (*fn)(void) = at_fail;
  at_fail = NULL;
  if (fn)
    fn();
}

/* Also appended to $XSIG_TEST_OUT when set: processes that xsig_spawn
 * starts inherit our stdout, which the test cannot read. */
static void write_out(const char *text, size_t len);
/* Appends text to the file in one write that goes to its end whoever else
 * appends (Windows' C runtime seeks to the end and then writes: two
 * processes appending at once overwrote each other's line under Wine, and
 * stop_trees_one_deadline missed its leader's: 4 processes x 1000 lines
 * kept 3656). */
static void append_out(const char *path, const char *text, size_t len);

/* One write per line: processes that share the pipe (and Windows' C
 * runtime, which writes an unbuffered stream a character at a time) would
 * mix their lines otherwise. */
void helper_say(const char *fmt, ...)
{
  char line[512];
  const char *out = getenv("XSIG_TEST_OUT");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fflush(stdout);
  {
    char nl[514];
    size_t n = (size_t)snprintf(nl, sizeof nl, "%s\n", line);
    n = n < sizeof nl ? n : sizeof nl - 1;
    write_out(nl, n);
    if (out && *out)
      append_out(out, nl, n);
  }
}

void helper_say_arrival(int sig, const xsig_info_t *info)
{
  xsig_stats_t st;
  xsig_get_stats(&st);
  helper_say("sig=%d pid=%lld rejected=%llu remote=%llu", sig, (long long)info->pid,
             (unsigned long long)st.rejected, (unsigned long long)st.remote);
}

void test_tool_path(char *buf, size_t size)
{
  test_build_exe(buf, size, "xsig");
}

void test_build_exe(char *buf, size_t size, const char *name)
{
  char *sep;
  test_self_exe(buf, size);
  /* <build>/test/xsig-test[.exe] -> <build>/xsig[.exe] */
  sep = strrchr(buf, '/');
  if (strrchr(buf, '\\') > sep)
    sep = strrchr(buf, '\\');
  if (sep)
    *sep = 0;
  sep = strrchr(buf, '/');
  if (strrchr(buf, '\\') > sep)
    sep = strrchr(buf, '\\');
  if (sep)
    *sep = 0;
  strncat(buf, buf[0] && strchr(buf, '\\') ? "\\" : "/", size - strlen(buf) - 1);
  strncat(buf, name, size - strlen(buf) - 1);
  if (strchr(buf, '\\'))
    strncat(buf, ".exe", size - strlen(buf) - 1);
}

int64_t test_count_threads_settled(void)
{
  int64_t n = test_count_threads(), now;
  int same = 0, looks;
  for (looks = 0; same < 10 && looks < 300; looks++) {
    test_msleep(10);
    now = test_count_threads();
    same = now == n ? same + 1 : 0;
    n = now;
  }
  return n;
}

static struct {
  test_thread_t thread;
  int64_t pgid;
  int ms, ended, started;
} watch;

static void watch_main(void *arg)
{
  int waited;
  (void)arg;
  for (waited = 0; waited < watch.ms; waited += 10) {
    if (test_atomic_add(&watch.ended, 0))
      return;
    test_msleep(10);
  }
  fprintf(stderr, "watch: group %lld after %d ms:\n", (long long)watch.pgid, watch.ms);
  test_describe_group(watch.pgid);
}

void test_watch_group(int64_t pgid, int ms)
{
  watch.pgid = pgid;
  watch.ms = ms;
  watch.ended = 0;
  watch.started = test_thread_start(&watch.thread, watch_main, NULL) == 0;
}

void test_watch_group_end(void)
{
  test_atomic_add(&watch.ended, 1);
  if (watch.started)
    test_thread_join(&watch.thread);
  watch.started = 0;
}

int test_run_tool(char *out, size_t size, const char *arg0, ...)
{
  char tool[1024], line[1024];
  char *argv[32];
  const char *a;
  test_proc_t p;
  xsig_status_t st;
  size_t len = 0;
  int n = 1;
  va_list ap;
  test_tool_path(tool, sizeof tool);
  argv[0] = tool;
  va_start(ap, arg0);
  for (a = arg0; a && n < 31; a = va_arg(ap, const char *))
    argv[n++] = (char *)a;
  va_end(ap);
  argv[n] = NULL;
  out[0] = 0;
  if (test_spawn(&p, argv, TEST_PROC_MERGE_STDERR) != 0)
    return -1;
  while (test_read_line(&p, line, sizeof line, 30000) == 0 && len < size)
    len += (size_t)snprintf(out + len, size - len, "%s\n", line);
  if (test_wait(&p, 30000, &st) != 0) {
    test_proc_close(&p);
    return -1;
  }
  test_proc_close(&p);
#ifdef _WIN32
  return (int)st.raw; /* what %ERRORLEVEL% shows */
#else
  return st.exited ? st.code : 128 + st.signo;
#endif
}

int test_file_has(const char *file, const char *prefix)
{
  char buf[256];
  int found = 0;
  FILE *f = fopen(file, "r");
  while (f && fgets(buf, sizeof buf, f))
    found |= strncmp(buf, prefix, strlen(prefix)) == 0;
  if (f)
    fclose(f);
  return found;
}

int test_wait_file_line(const char *file, const char *prefix, int timeout_ms)
{
  int waited;
  for (waited = 0; waited <= timeout_ms; waited += 25) {
    if (test_file_has(file, prefix))
      return 0;
    test_msleep(25);
  }
  return -1;
}

/* This test binary as `--helper NAME A B C` in argv (the list ends at the
 * first NULL); exe holds its path. */
static void helper_argv(char *argv[7], char exe[1024], const char *helper, const char *a,
                        const char *b, const char *c)
{
  test_self_exe(exe, 1024);
  argv[0] = exe;
  argv[1] = (char *)"--helper";
  argv[2] = (char *)helper;
  argv[3] = (char *)a;
  argv[4] = a ? (char *)b : NULL;
  argv[5] = a && b ? (char *)c : NULL;
  argv[6] = NULL;
}

static int spawn_helper(test_proc_t *p, int flags, const char *helper, const char *a, const char *b,
                        const char *c)
{
  char exe[1024];
  char *argv[7];
  helper_argv(argv, exe, helper, a, b, c);
  return test_spawn(p, argv, flags);
}

int test_xsig_spawn_helper(const char *helper, const char *a, const char *b, int flags, xsig_process_t **out)
{
  char exe[1024];
  char *argv[7];
  helper_argv(argv, exe, helper, a, b, NULL);
  return xsig_spawn(exe, argv, flags, out);
}

int test_spawn_helper(test_proc_t *p, const char *helper, const char *arg, int flags)
{
  return spawn_helper(p, flags, helper, arg, NULL, NULL);
}

int test_spawn_helper3(test_proc_t *p, const char *helper, const char *a, const char *b, const char *c)
{
  return spawn_helper(p, 0, helper, a, b, c);
}

int test_read_line_nowait(test_proc_t *p, char *line, size_t size)
{
  return test_read_line(p, line, size, 0);
}

int test_expect_line(test_proc_t *p, const char *prefix, char *line, size_t size, int timeout_ms)
{
  char scratch[512];
  if (line == NULL)
    line = scratch, size = sizeof scratch;
  while (test_read_line(p, line, size, timeout_ms) == 0)
    if (strncmp(line, prefix, strlen(prefix)) == 0)
      return 0;
  return -1;
}

xsig_sigset_t test_sigset_of(int sig)
{
  xsig_sigset_t s;
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, sig);
  return s;
}

const char *test_own_file(const char *stem)
{
  static char name[96];
  snprintf(name, sizeof name, "%s-%lld.txt", stem, (long long)test_getpid());
  return name;
}

/* Takes one line out of p->buf if there is one. */
static int take_line(test_proc_t *p, char *line, size_t size)
{
  char *nl = memchr(p->buf, '\n', p->len);
  size_t n;
  if (nl == NULL)
    return -1;
  n = (size_t)(nl - p->buf);
  snprintf(line, size, "%.*s", (int)n, p->buf);
  if (strlen(line) > 0 && line[strlen(line) - 1] == '\r')
    line[strlen(line) - 1] = 0;
  memmove(p->buf, nl + 1, p->len - n - 1);
  p->len -= n + 1;
  return 0;
}

#ifdef _WIN32
#include <windows.h>
#include <tlhelp32.h>
#include <io.h>

static HANDLE job;
static void end_others(void);

static DWORD WINAPI watchdog(LPVOID arg)
{
  Sleep((DWORD)(uintptr_t)arg * 1000);
  fprintf(stderr, "watchdog: test timed out\n");
  fflush(stderr);
  run_at_fail();
  if (job)
    end_others();
  TerminateProcess(GetCurrentProcess(), 124);
  return 0;
}

void test_platform_init(int is_helper, int timeout_s)
{
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  if (is_helper)
    return;
  job = CreateJobObjectA(NULL, NULL);
  memset(&lim, 0, sizeof lim);
  lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof lim);
  /* The test itself is in the job, so everything it starts (xsig_spawn's
   * trees included, in nested jobs) ends with it, whatever happens. */
  AssignProcessToJobObject(job, GetCurrentProcess());
  CloseHandle(CreateThread(NULL, 0, watchdog, (LPVOID)(uintptr_t)timeout_s, 0, NULL));
}

/* Ends every process of the job but this one. */
static void end_others(void)
{
  union { JOBOBJECT_BASIC_PROCESS_ID_LIST list; unsigned char bytes[sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + 512 * sizeof(ULONG_PTR)]; } ids;
  DWORD i;
  memset(&ids, 0, sizeof ids);
  if (!QueryInformationJobObject(job, JobObjectBasicProcessIdList, &ids, sizeof ids, NULL))
    return;
  for (i = 0; i < ids.list.NumberOfProcessIdsInList; i++) {
    HANDLE h;
    if (ids.list.ProcessIdList[i] == GetCurrentProcessId())
      continue;
    h = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, (DWORD)ids.list.ProcessIdList[i]);
    if (h) {
      TerminateProcess(h, 1);
      WaitForSingleObject(h, 5000);
      CloseHandle(h);
    }
  }
}

void test_platform_end(void)
{
  if (job)
    end_others();
}

void test_fail(const char *file, int line, const char *what)
{
  fprintf(stderr, "Assertion failed in %s:%d: %s\n", file, line, what);
  fflush(stderr);
  if (!test_failed_once++) {
    run_at_fail();
    test_platform_end();
  }
  TerminateProcess(GetCurrentProcess(), 1);
}

int test_spawn(test_proc_t *p, char *const argv[], int flags)
{
  char cmd[2048];
  size_t len = 0;
  int i;
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  SECURITY_ATTRIBUTES sa;
  HANDLE rd, wr;
  DWORD cf = CREATE_SUSPENDED;
  BOOL ok = FALSE;
  memset(p, 0, sizeof *p);
  cmd[0] = 0;
  for (i = 0; argv[i]; i++) /* test arguments hold no quotes */
    len += (size_t)snprintf(cmd + len, sizeof cmd - len, i ? " \"%s\"" : "\"%s\"", argv[i]);
  sa.nLength = sizeof sa;
  sa.lpSecurityDescriptor = NULL;
  sa.bInheritHandle = TRUE;
  if (!CreatePipe(&rd, &wr, &sa, 0)) {
    fprintf(stderr, "test_spawn: CreatePipe failed: error %lu\n", GetLastError());
    return -1;
  }
  SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  if ((flags & TEST_PROC_STDIN_PIPE) && CreatePipe(&p->in.r, &p->in.w, &sa, 0)) {
    SetHandleInformation(p->in.w, HANDLE_FLAG_INHERIT, 0);
    si.hStdInput = p->in.r;
  }
  si.hStdOutput = wr;
  si.hStdError = (flags & TEST_PROC_MERGE_STDERR) ? wr : GetStdHandle(STD_ERROR_HANDLE);
  if (flags & TEST_PROC_NEW_GROUP)
    cf |= CREATE_NEW_PROCESS_GROUP;
  /* Wine under load: ERROR_INTERNAL_ERROR, no process made; a second try
   * goes through (as xsig_spawn does it) */
  for (i = 0; i < 3 && !(ok = CreateProcessA(argv[0], cmd, NULL, NULL, TRUE, cf, NULL, NULL, &si, &pi)) &&
              GetLastError() == ERROR_INTERNAL_ERROR; i++) {
    fprintf(stderr, "test_spawn: CreateProcess %s: ERROR_INTERNAL_ERROR (Wine under load), again\n", argv[0]);
    Sleep(10);
  }
  if (!ok) {
    fprintf(stderr, "test_spawn: CreateProcess %s failed: error %lu\n", argv[0], GetLastError());
    CloseHandle(rd);
    CloseHandle(wr);
    return -1;
  }
  CloseHandle(wr);
  if (p->in.r)
    CloseHandle(p->in.r);
  p->in.r = NULL;
  AssignProcessToJobObject(job, pi.hProcess);
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  p->pid = pi.dwProcessId;
  p->handle = pi.hProcess;
  p->out_pipe = rd;
  return 0;
}

int test_read_line(test_proc_t *p, char *line, size_t size, int timeout_ms)
{
  DWORD avail, got, start = GetTickCount();
  for (;;) {
    if (take_line(p, line, size) == 0)
      return 0;
    if (!PeekNamedPipe(p->out_pipe, NULL, 0, NULL, &avail, NULL))
      return -1;
    if (avail > 0) {
      DWORD room = (DWORD)(sizeof p->buf - p->len - 1);
      if (!ReadFile(p->out_pipe, p->buf + p->len, avail < room ? avail : room, &got, NULL))
        return -1;
      p->len += got;
      continue;
    }
    if ((int)(GetTickCount() - start) > timeout_ms)
      return -1;
    Sleep(2);
  }
}

int test_wait(test_proc_t *p, int timeout_ms, xsig_status_t *st)
{
  DWORD code;
  if (WaitForSingleObject(p->handle, (DWORD)timeout_ms) != WAIT_OBJECT_0)
    return -1;
  GetExitCodeProcess(p->handle, &code);
  p->reaped = 1;
  return st ? xsig_status_from_windows(code, st) : 0;
}

void test_proc_close(test_proc_t *p)
{
  if (p->handle) {
    if (!p->reaped)
      TerminateProcess(p->handle, 1);
    CloseHandle(p->handle);
  }
  if (p->out_pipe)
    CloseHandle(p->out_pipe);
  if (p->in.w)
    CloseHandle(p->in.w);
  memset(p, 0, sizeof *p);
}

void test_msleep(int ms) { Sleep((DWORD)ms); }

/* Standard input becomes a console of this process's own (a helper's). */
int test_stdin_console(void)
{
  FreeConsole();
  if (!AllocConsole())
    return -1;
  return freopen("CONIN$", "r", stdin) ? 0 : -1;
}

/* What standard input is: a Wine pipe from a Linux shell is a pipe that
 * is no named pipe (Wine reads the Unix fd itself). */
const char *test_stdin_kind(void)
{
  HANDLE h = (HANDLE)_get_osfhandle(0);
  DWORD mode, flags;
  switch (GetFileType(h)) {
  case FILE_TYPE_CHAR:
    return GetConsoleMode(h, &mode) ? "console" : "character device";
  case FILE_TYPE_DISK:
    return "file";
  case FILE_TYPE_PIPE:
    return GetNamedPipeInfo(h, &flags, NULL, NULL, NULL) ? "pipe" : "pipe that is no named pipe (Wine: a Unix pipe)";
  default:
    return "unknown";
  }
}

int test_under_wine(void)
{
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

int64_t test_thread_id(void) { return (int64_t)GetCurrentThreadId(); }
int64_t test_getpid(void) { return (int64_t)GetCurrentProcessId(); }
int test_atomic_add(int *v, int n) { return (int)InterlockedAdd((volatile LONG *)v, n); }

/* SystemHandleInformation's entries: 16-bit pids, enough for a test's
 * own process in practice. */
struct handle_entry { USHORT pid, creator; UCHAR type, flags; USHORT value; PVOID object; ULONG access; };
struct handle_list { ULONG count; struct handle_entry e[1]; };
typedef LONG (NTAPI *system_query_fn)(int, void *, ULONG, ULONG *);
typedef LONG (NTAPI *object_query_fn)(HANDLE, int, void *, ULONG, ULONG *);

static int handle_has_type(HANDLE h, const char *type)
{
  object_query_fn query = (object_query_fn)(void (*)(void))GetProcAddress(GetModuleHandleA("ntdll.dll"), "NtQueryObject");
  union { struct { USHORT len, max; PWSTR buf; } name; unsigned char bytes[512]; } u;
  ULONG len = 0;
  size_t i, n = strlen(type);
  if (query == NULL || query(h, 2 /* ObjectTypeInformation */, &u, sizeof u, &len) < 0 ||
      u.name.len != n * sizeof(WCHAR) || u.name.buf == NULL)
    return 0;
  for (i = 0; i < n; i++)
    if (u.name.buf[i] != (WCHAR)(unsigned char)type[i])
      return 0;
  return 1;
}

/* Wine (8.0) has no list of the system's handles to offer: its server's
 * walk of a process's handle table (for SystemHandleInformation) runs off
 * the end of a table that is empty, as a process's is while it starts or
 * ends, and the server dies with every program of the session (seen here
 * with the ring tests 4 at a time: those running hung to their timeout).
 * So under Wine this process's handles are found one by one: Wine gives
 * out the lowest free handle value, so they are dense, and 256 values in a
 * row that are no handle mean the end of the table. */
static int64_t count_own_handles(const char *type)
{
  uintptr_t v, last = 0;
  int64_t n = 0;
  DWORD flags;
  for (v = 4; v - last <= 4 * 256; v += 4)
    if (GetHandleInformation((HANDLE)v, &flags)) {
      last = v;
      n += type == NULL || handle_has_type((HANDLE)v, type);
    }
  return n;
}

/* Wine's GetProcessHandleCount says 0 whatever is open. */
int64_t test_count_handles(void)
{
  DWORD n = 0;
  if (test_under_wine())
    return count_own_handles(NULL);
  GetProcessHandleCount(GetCurrentProcess(), &n);
  return n;
}

int64_t test_count_handles_of_type(const char *type)
{
  system_query_fn query = (system_query_fn)(void (*)(void))GetProcAddress(
      GetModuleHandleA("ntdll.dll"), "NtQuerySystemInformation");
  ULONG size = 1 << 20, len = 0, k;
  struct handle_list *list = NULL;
  int64_t n = -1;
  if (test_under_wine())
    return count_own_handles(type);
  for (; query && size <= (1u << 28); size *= 4) {
    free(list);
    if ((list = malloc(size)) == NULL)
      break;
    if (query(16 /* SystemHandleInformation */, list, size, &len) >= 0) {
      for (n = 0, k = 0; k < list->count; k++)
        if (list->e[k].pid == (USHORT)GetCurrentProcessId() &&
            (type == NULL || handle_has_type((HANDLE)(uintptr_t)list->e[k].value, type)))
          n++;
      break;
    }
  }
  free(list);
  return n;
}

static void append_out(const char *path, const char *text, size_t len)
{
  /* Under a lock (of one byte far past the end, so that readers are not
   * refused): Wine 8 puts an append-only handle's writes at the end no
   * more atomically than the C runtime does (4 processes x 1000 lines:
   * 3876 kept; with the lock, 4000). */
  HANDLE h = CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                         OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  OVERLAPPED at;
  DWORD n;
  if (h == INVALID_HANDLE_VALUE)
    return;
  memset(&at, 0, sizeof at);
  at.OffsetHigh = 0x40000000;
  if (LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &at)) {
    SetFilePointer(h, 0, NULL, FILE_END);
    WriteFile(h, text, (DWORD)len, &n, NULL);
    UnlockFileEx(h, 0, 1, 0, &at);
  }
  CloseHandle(h);
}

static void write_out(const char *text, size_t len)
{
  DWORD n;
  WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, (DWORD)len, &n, NULL);
}

void test_describe_group(int64_t pgid)
{
  (void)pgid;
  fprintf(stderr, "  (Windows: no process states to show)\n");
}

int64_t test_count_threads(void)
{
  THREADENTRY32 te;
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
  int64_t n = 0;
  te.dwSize = sizeof te;
  if (Thread32First(snap, &te))
    do
      n += te.th32OwnerProcessID == GetCurrentProcessId();
    while (Thread32Next(snap, &te));
  CloseHandle(snap);
  return n;
}
int64_t test_now_us(void)
{
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (int64_t)(c.QuadPart / f.QuadPart * 1000000 + c.QuadPart % f.QuadPart * 1000000 / f.QuadPart);
}
int64_t test_cpu_time_us(void)
{
  FILETIME c, e, k, u;
  ULARGE_INTEGER kt, ut;
  if (!GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u))
    return -1;
  kt.LowPart = k.dwLowDateTime, kt.HighPart = k.dwHighDateTime;
  ut.LowPart = u.dwLowDateTime, ut.HighPart = u.dwHighDateTime;
  return (int64_t)((kt.QuadPart + ut.QuadPart) / 10); /* 100 ns units */
}
void test_setenv(const char *name, const char *value) { _putenv_s(name, value); }
void test_self_exe(char *buf, size_t size) { GetModuleFileNameA(NULL, buf, (DWORD)size); }

struct thread_start { void (*fn)(void *); void *arg; };

static DWORD WINAPI thread_main(LPVOID p)
{
  struct thread_start ts = *(struct thread_start *)p;
  free(p);
  ts.fn(ts.arg);
  return 0;
}

int test_pipe_open(test_pipe_t *p)
{
  return CreatePipe(&p->r, &p->w, NULL, 0) ? 0 : -1;
}

int test_pipe_read(test_pipe_t *p)
{
  char b;
  DWORD n = 0;
  if (ReadFile(p->r, &b, 1, &n, NULL))
    return n == 1;
  if (GetLastError() == ERROR_OPERATION_ABORTED)
    return TEST_READ_INTERRUPTED;
  return GetLastError() == ERROR_BROKEN_PIPE ? 0 : -2;
}

int test_pipe_write_text(test_pipe_t *p, const char *text)
{
  DWORD n = 0, len = (DWORD)strlen(text);
  return WriteFile(p->w, text, len, &n, NULL) && n == len ? 0 : -1;
}

int test_pipe_write(test_pipe_t *p) { return test_pipe_write_text(p, "x"); }

void test_pipe_close_write(test_pipe_t *p)
{
  if (p->w)
    CloseHandle(p->w);
  p->w = NULL;
}

int test_thread_start(test_thread_t *t, void (*fn)(void *), void *arg)
{
  struct thread_start *ts = malloc(sizeof *ts);
  ts->fn = fn;
  ts->arg = arg;
  t->h = CreateThread(NULL, 0, thread_main, ts, 0, NULL);
  return t->h ? 0 : -1;
}

void test_thread_join(test_thread_t *t)
{
  WaitForSingleObject(t->h, INFINITE);
  CloseHandle(t->h);
}

int test_wait_handle(xsig_os_handle_t h, int timeout_ms)
{
  return WaitForSingleObject(h, (DWORD)timeout_ms) == WAIT_OBJECT_0;
}

int test_raw_kill(int64_t pid, int sig)
{
  (void)pid;
  (void)sig;
  return -1;
}

void test_kill_hard(test_proc_t *p) { TerminateProcess(p->handle, 9); }

#define CONTROL_KEY L"SYSTEM\\CurrentControlSet\\Control"
static wchar_t saved_wait[32];
static DWORD saved_wait_size;

void test_set_wait_to_kill(const char *ms)
{
  wchar_t text[32];
  HKEY k;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, CONTROL_KEY, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, &k) != ERROR_SUCCESS)
    return;
  if (ms) {
    saved_wait_size = sizeof saved_wait;
    if (RegQueryValueExW(k, L"WaitToKillServiceTimeout", NULL, NULL, (BYTE *)saved_wait, &saved_wait_size) !=
        ERROR_SUCCESS)
      saved_wait_size = 0;
    MultiByteToWideChar(CP_UTF8, 0, ms, -1, text, 32);
    RegSetValueExW(k, L"WaitToKillServiceTimeout", 0, REG_SZ, (const BYTE *)text,
                   (DWORD)((wcslen(text) + 1) * sizeof(wchar_t)));
  } else if (saved_wait_size) {
    RegSetValueExW(k, L"WaitToKillServiceTimeout", 0, REG_SZ, (const BYTE *)saved_wait, saved_wait_size);
  } else {
    RegDeleteValueW(k, L"WaitToKillServiceTimeout");
  }
  RegCloseKey(k);
}

/* NtSuspendProcess has stopped every thread when it returns. */
int test_wait_stopped(int64_t pid, int timeout_ms)
{
  (void)pid;
  (void)timeout_ms;
  return 0;
}

/* Windows picks pids itself; a pid stays taken while a handle is open. */
int test_next_pid(int64_t pid)
{
  (void)pid;
  return -1;
}

#else /* POSIX */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t children[MAX_CHILDREN];
static int nchildren;

#include "procfs.h"
/* Every process below this one, through the parent links in /proc, and,
 * when this process leads a session of its own (test_platform_init), every
 * other process of it: one whose parent already died has left the chain
 * (a helper's child after `xsig run` ended by a signal it missed). */
enum { MAX_PROCS = 4096 };
static struct xsig__linux_proc procs[MAX_PROCS];
static char mine[MAX_PROCS];
static int nprocs;

static int remember(const struct xsig__linux_proc *p, void *arg)
{
  (void)arg;
  if (nprocs < MAX_PROCS)
    procs[nprocs++] = *p;
  return 0;
}

static void kill_descendants(void)
{
  int i, k, changed = 1;
  nprocs = 0;
  xsig__linux_proc_each(remember, NULL);
  memset(mine, 0, sizeof mine);
  while (changed) {
    changed = 0;
    for (i = 0; i < nprocs; i++)
      for (k = -1; !mine[i] && k < nprocs; k++)
        if (k < 0 ? procs[i].ppid == getpid() : mine[k] && procs[k].pid == procs[i].ppid)
          mine[i] = changed = 1;
  }
  if (getsid(0) == getpid())
    for (i = 0; i < nprocs; i++)
      if (procs[i].pid != getpid() && getsid((pid_t)procs[i].pid) == getpid())
        mine[i] = 1;
  for (i = 0; i < nprocs; i++)
    if (mine[i])
      kill((pid_t)procs[i].pid, SIGKILL);
}

static void kill_children(void)
{
  int i;
  for (i = 0; i < nchildren; i++)
    if (children[i] > 0) {
      kill(-children[i], SIGKILL); /* its group, if it leads one */
      kill(children[i], SIGKILL);
    }
  kill_descendants();
}

static void watchdog(int sig)
{
  static const char msg[] = "watchdog: test timed out\n";
  (void)sig;
  if (write(2, msg, sizeof msg - 1) < 0) {
  }
  kill_children();
  _exit(124);
}

void test_platform_init(int is_helper, int timeout_s)
{
  struct sigaction sa;
  struct sigevent ev;
  struct itimerspec its;
  timer_t t;
  if (is_helper)
    return;
  /* A session of its own (not when it leads a group already, as a shell's
   * job: then the session is the terminal's), so that kill_descendants
   * finds orphans too. */
  setsid();
  /* A timer of its own on a signal no test uses: alarm() and ALRM are the
   * timer tests' (test-timer.c). */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = watchdog;
  sigaction(SIGXCPU, &sa, NULL);
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGXCPU;
  memset(&its, 0, sizeof its);
  its.it_value.tv_sec = timeout_s;
  if (timer_create(CLOCK_MONOTONIC, &ev, &t) == 0)
    timer_settime(t, 0, &its, NULL);
}

void test_platform_end(void)
{
  kill_children();
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  nchildren = 0;
}

void test_fail(const char *file, int line, const char *what)
{
  fprintf(stderr, "Assertion failed in %s:%d: %s\n", file, line, what);
  fflush(stderr);
  if (!test_failed_once++) {
    run_at_fail();
    test_platform_end();
  }
  _exit(1);
}

int test_spawn(test_proc_t *p, char *const argv[], int flags)
{
  int fds[2];
  pid_t pid;
  memset(p, 0, sizeof *p);
  p->in.r = p->in.w = -1;
  if (pipe(fds) != 0 || ((flags & TEST_PROC_STDIN_PIPE) && test_pipe_open(&p->in) != 0))
    return -1;
  pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGALRM, SIG_DFL);
    alarm(0);
    if (flags & TEST_PROC_NEW_GROUP)
      setpgid(0, 0);
    dup2(fds[1], 1);
    if (p->in.r >= 0) {
      dup2(p->in.r, 0);
      close(p->in.r);
      close(p->in.w);
    }
    if (flags & TEST_PROC_MERGE_STDERR)
      dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv);
    _exit(127);
  }
  if (flags & TEST_PROC_NEW_GROUP)
    setpgid(pid, pid);
  close(fds[1]);
  if (p->in.r >= 0)
    close(p->in.r);
  p->in.r = -1;
  if (nchildren < MAX_CHILDREN)
    children[nchildren++] = pid;
  p->pid = pid;
  p->out_fd = fds[0];
  return 0;
}

static int64_t now_ms_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int test_read_line(test_proc_t *p, char *line, size_t size, int timeout_ms)
{
  int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    struct pollfd pf;
    ssize_t n;
    int left = (int)(deadline - now_ms());
    if (take_line(p, line, size) == 0)
      return 0;
    if (left < 0)
      return -1;
    pf.fd = p->out_fd;
    pf.events = POLLIN;
    if (poll(&pf, 1, left) <= 0)
      continue;
    n = read(p->out_fd, p->buf + p->len, sizeof p->buf - p->len - 1);
    if (n <= 0)
      return -1;
    p->len += (size_t)n;
  }
}

int test_wait(test_proc_t *p, int timeout_ms, xsig_status_t *st)
{
  int64_t deadline = now_ms() + timeout_ms;
  int status;
  for (;;) {
    pid_t r = waitpid((pid_t)p->pid, &status, WNOHANG);
    if (r == (pid_t)p->pid)
      break;
    if (r < 0 || now_ms() > deadline)
      return -1;
    test_msleep(2);
  }
  p->reaped = 1;
  return st ? xsig_status_from_wait(status, st) : 0;
}

void test_proc_close(test_proc_t *p)
{
  int i;
  if (p->pid > 0 && !p->reaped) {
    kill((pid_t)p->pid, SIGKILL);
    waitpid((pid_t)p->pid, NULL, 0);
  }
  for (i = 0; i < nchildren; i++)
    if (children[i] == (pid_t)p->pid)
      children[i] = 0;
  if (p->out_fd > 0)
    close(p->out_fd);
  if (p->in.w > 0)
    close(p->in.w);
  memset(p, 0, sizeof *p);
}

/* To a deadline: a flood of signals can interrupt a relative sleep faster
 * than it counts down its time left (posix_shutdown_waits_for_trampolines). */
void test_msleep(int ms)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (long)(ms % 1000) * 1000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
}

/* Standard input becomes a pseudo-terminal whose other side stays open
 * (and silent) until the process ends. */
int test_stdin_console(void)
{
  static int master = -1;
  int slave;
  if ((master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
    return -1;
  if ((slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0)
    return -1;
  return dup2(slave, 0) == 0 ? 0 : -1;
}

const char *test_stdin_kind(void)
{
  struct stat st;
  if (isatty(0))
    return "console";
  if (fstat(0, &st) != 0)
    return "unknown";
  return S_ISFIFO(st.st_mode) ? "pipe" : S_ISREG(st.st_mode) ? "file" : "unknown";
}

int test_under_wine(void) { return 0; }

int64_t test_thread_id(void) { return (int64_t)syscall(SYS_gettid); }
int64_t test_getpid(void) { return (int64_t)getpid(); }
int test_atomic_add(int *v, int n) { return __atomic_add_fetch(v, n, __ATOMIC_SEQ_CST); }

#include <dirent.h>
static int64_t count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int64_t n = 0;
  while (d && (e = readdir(d)) != NULL)
    n += e->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

int64_t test_count_handles(void) { return count_entries("/proc/self/fd"); }
int64_t test_count_handles_of_type(const char *type) { (void)type; return -1; }
int64_t test_count_threads(void) { return count_entries("/proc/self/task"); }
int64_t test_now_us(void) { return now_ms_us(); }
int64_t test_cpu_time_us(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return -1;
  return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
         ru.ru_stime.tv_usec;
}
void test_setenv(const char *name, const char *value) { setenv(name, value, 1); }
/* The resolved path, not "/proc/self/exe": a child that is given it must
 * find this program, and under qemu-user another process's /proc/PID/exe
 * names qemu itself. */
void test_self_exe(char *buf, size_t size)
{
  ssize_t n = readlink("/proc/self/exe", buf, size - 1);
  if (n > 0)
    buf[n] = 0;
  else
    snprintf(buf, size, "/proc/self/exe");
}

static void append_out(const char *path, const char *text, size_t len)
{
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  while (write(fd, text, len) < 0 && errno == EINTR) {
  }
  close(fd);
}

static void write_out(const char *text, size_t len)
{
  while (len > 0) {
    ssize_t n = write(1, text, len);
    if (n <= 0 && errno != EINTR)
      return;
    if (n > 0)
      text += n, len -= (size_t)n;
  }
}

static void print_file(const char *pid, const char *name)
{
  char path[300], buf[600];
  size_t n;
  FILE *f;
  snprintf(path, sizeof path, "/proc/%s/%s", pid, name);
  if ((f = fopen(path, "r")) == NULL)
    return;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  buf[strcspn(buf, "\n")] = 0;
  fprintf(stderr, "  %s %s: %s\n", pid, name, buf);
}

struct group_look { int64_t pgid; int n; };

static int describe_member(const struct xsig__linux_proc *p, void *arg)
{
  struct group_look *g = arg;
  char pid[24];
  if (p->pgrp != g->pgid)
    return 0;
  snprintf(pid, sizeof pid, "%lld", (long long)p->pid);
  print_file(pid, "stat");
  print_file(pid, "wchan");
  print_file(pid, "syscall");
  g->n++;
  return 0;
}

void test_describe_group(int64_t pgid)
{
  struct group_look g;
  g.pgid = pgid;
  g.n = 0;
  if (xsig__linux_proc_each(describe_member, &g) < 0)
    fprintf(stderr, "  (no /proc: cannot tell)\n");
  else if (g.n == 0)
    fprintf(stderr, "  (no process)\n");
}

#include <pthread.h>
struct thread_start { void (*fn)(void *); void *arg; };

static void *thread_main(void *p)
{
  struct thread_start ts = *(struct thread_start *)p;
  free(p);
  ts.fn(ts.arg);
  return NULL;
}

int test_pipe_open(test_pipe_t *p)
{
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  p->r = fds[0];
  p->w = fds[1];
  return 0;
}

int test_pipe_read(test_pipe_t *p)
{
  char b;
  ssize_t n = read(p->r, &b, 1);
  if (n >= 0)
    return (int)n;
  return errno == EINTR ? TEST_READ_INTERRUPTED : -2;
}

int test_pipe_write_text(test_pipe_t *p, const char *text)
{
  size_t len = strlen(text);
  return write(p->w, text, len) == (ssize_t)len ? 0 : -1;
}

int test_pipe_write(test_pipe_t *p) { return test_pipe_write_text(p, "x"); }

void test_pipe_close_write(test_pipe_t *p)
{
  if (p->w >= 0)
    close(p->w);
  p->w = -1;
}

int test_thread_start(test_thread_t *t, void (*fn)(void *), void *arg)
{
  struct thread_start *ts = malloc(sizeof *ts);
  pthread_t *th = malloc(sizeof *th);
  ts->fn = fn;
  ts->arg = arg;
  t->h = th;
  return pthread_create(th, NULL, thread_main, ts) == 0 ? 0 : -1;
}

void test_thread_join(test_thread_t *t)
{
  pthread_join(*(pthread_t *)t->h, NULL);
  free(t->h);
}

int test_raw_kill(int64_t pid, int sig) { return kill((pid_t)pid, sig); }
void test_kill_hard(test_proc_t *p) { kill((pid_t)p->pid, SIGKILL); }

/* The kernel stops the process on its way back to user space: wait for
 * state 'T' in /proc/PID/stat. */
int test_wait_stopped(int64_t pid, int timeout_ms)
{
  struct xsig__linux_proc p;
  int waited;
  for (waited = 0; waited <= timeout_ms; waited += 5) {
    if (xsig__linux_proc_get(pid, &p) == 0 && p.state == 'T')
      return 0;
    test_msleep(5);
  }
  return -1;
}

int test_next_pid(int64_t pid)
{
  FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
  int ok;
  if (f == NULL)
    return -1;
  ok = fprintf(f, "%lld", (long long)pid - 1) > 0;
  return fclose(f) == 0 && ok ? 0 : -1;
}

int test_wait_handle(xsig_os_handle_t h, int timeout_ms)
{
  struct pollfd pf;
  int r;
  pf.fd = h;
  pf.events = POLLIN;
  do /* poll is never restarted after a handler, whatever SA_RESTART says */
    r = poll(&pf, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r == 1;
}
#endif
