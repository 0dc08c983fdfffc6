/* Sending on Windows. A target that runs xsig gets the signal through its
 * transport (catchable, with our pid verified by the system). Any other
 * target gets the ladder of docs/sending.md; TerminateProcess only for KILL
 * or when the caller passed XSIG_SEND_FORCE. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "wire.h"

#define SEND_TIMEOUT_MS 5000
#define MAX_GROUPS 64
#define NO_TRANSPORT 1

typedef LONG (NTAPI *nt_process_fn)(HANDLE);

struct xsig_process {
  int64_t pid;
  HANDLE h;
  HANDLE job;  /* spawned by xsig: the job that holds its tree */
  int64_t pgid;
};

struct group {
  DWORD pgid;
  HANDLE job;
};

static SRWLOCK groups_lock = SRWLOCK_INIT;
static struct group groups[MAX_GROUPS];

/* Process groups xsig started (CREATE_NEW_PROCESS_GROUP), with the job that
 * holds the whole tree. Only these ids are ever given to
 * GenerateConsoleCtrlEvent: for any other id the console acts as if group 0
 * were meant. */
int xsig__win_group_add(DWORD pgid, HANDLE job)
{
  int i, err = XSIG_ENOMEM;
  AcquireSRWLockExclusive(&groups_lock);
  for (i = 0; i < MAX_GROUPS; i++)
    if (groups[i].pgid == 0) {
      groups[i].pgid = pgid;
      groups[i].job = job;
      err = 0;
      break;
    }
  ReleaseSRWLockExclusive(&groups_lock);
  return err;
}

void xsig__win_group_remove(DWORD pgid)
{
  int i;
  AcquireSRWLockExclusive(&groups_lock);
  for (i = 0; i < MAX_GROUPS; i++)
    if (groups[i].pgid == pgid)
      groups[i].pgid = 0, groups[i].job = NULL;
  ReleaseSRWLockExclusive(&groups_lock);
}

/* Returns a duplicate of the group's job handle, or NULL if not ours. */
static HANDLE group_job(DWORD pgid)
{
  HANDLE job = NULL;
  int i;
  AcquireSRWLockShared(&groups_lock);
  for (i = 0; i < MAX_GROUPS; i++)
    if (groups[i].pgid == pgid && pgid != 0)
      DuplicateHandle(GetCurrentProcess(), groups[i].job, GetCurrentProcess(), &job, 0, FALSE,
                      DUPLICATE_SAME_ACCESS);
  ReleaseSRWLockShared(&groups_lock);
  return job;
}

static int error_from_win(DWORD e)
{
  switch (e) {
  case ERROR_INVALID_PARAMETER: return XSIG_ESRCH; /* no such pid */
  case ERROR_ACCESS_DENIED: return XSIG_EPERM;
  case ERROR_NOT_ENOUGH_MEMORY: return XSIG_ENOMEM;
  default: return XSIG_ESYS;
  }
}

static HANDLE open_target(DWORD pid, int *err)
{
  static const DWORD full = PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE | PROCESS_TERMINATE |
                            PROCESS_SUSPEND_RESUME | PROCESS_CREATE_THREAD |
                            PROCESS_QUERY_INFORMATION | PROCESS_VM_OPERATION |
                            PROCESS_VM_READ | PROCESS_VM_WRITE;
  HANDLE h = OpenProcess(full, FALSE, pid);
  if (h == NULL && GetLastError() == ERROR_ACCESS_DENIED)
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid);
  *err = h ? 0 : error_from_win(GetLastError());
  return h;
}

static int has_exited(HANDLE h)
{
  return WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
}

static HANDLE connect_transport(DWORD pid, int *err)
{
  wchar_t name[64];
  HANDLE pipe;
  ULONG server = 0;
  DWORD mode = PIPE_READMODE_MESSAGE;
  ULONGLONG deadline = GetTickCount64() + SEND_TIMEOUT_MS;
  xsig__win_pipe_name(pid, name, 64);
  for (;;) {
    pipe = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                       FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, NULL);
    if (pipe != INVALID_HANDLE_VALUE)
      break;
    if (GetLastError() == ERROR_FILE_NOT_FOUND) {
      *err = NO_TRANSPORT;
      return NULL;
    }
    /* Every instance busy: the receiver adds one; wait for it, bounded. */
    if (GetLastError() != ERROR_PIPE_BUSY || GetTickCount64() >= deadline) {
      *err = GetLastError() == ERROR_PIPE_BUSY ? XSIG_ETIMEDOUT : error_from_win(GetLastError());
      return NULL;
    }
    if (!WaitNamedPipeW(name, 100))
      Sleep(1);
  }
  /* Whoever made the name must be the target itself, not a squatter. */
  if (!GetNamedPipeServerProcessId(pipe, &server) || server != pid ||
      !SetNamedPipeHandleState(pipe, &mode, NULL, NULL)) {
    CloseHandle(pipe);
    *err = XSIG_EPERM;
    return NULL;
  }
  *err = 0;
  return pipe;
}

/* The pipe broke before a reply: the receiver is ending or gone, so the
 * signal was not taken (a receiver whose default action ends it replies
 * first). */
static int ends_within(HANDLE target, DWORD ms)
{
  return target && WaitForSingleObject(target, ms) == WAIT_OBJECT_0;
}

static int receiver_gone(HANDLE target)
{
  return ends_within(target, 1000) ? XSIG_ESRCH : XSIG_ESYS;
}

/* One message, one reply, bounded in time. */
static int transact(HANDLE pipe, HANDLE target, int sig, intptr_t value, int flags)
{
  struct xsig__wire_msg msg;
  struct xsig__wire_reply reply;
  OVERLAPPED ov;
  DWORD got = 0;
  int err;
  xsig__wire_encode(&msg, sig, value, (flags & XSIG_SEND_VALUE) != 0);
  memset(&ov, 0, sizeof ov);
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (ov.hEvent == NULL)
    return XSIG_ESYS;
  if (!TransactNamedPipe(pipe, &msg, sizeof msg, &reply, sizeof reply, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    err = receiver_gone(target);
  } else if (WaitForSingleObject(ov.hEvent, SEND_TIMEOUT_MS) != WAIT_OBJECT_0) {
    CancelIo(pipe);
    GetOverlappedResult(pipe, &ov, &got, TRUE);
    err = XSIG_ETIMEDOUT;
  } else if (!GetOverlappedResult(pipe, &ov, &got, FALSE)) {
    err = receiver_gone(target);
  } else {
    err = got == sizeof reply && reply.magic == XSIG__WIRE_MAGIC ? reply.result : XSIG_ESYS;
  }
  CloseHandle(ov.hEvent);
  return err;
}

static int send_transport(DWORD pid, HANDLE target, int sig, intptr_t value, int flags)
{
  int err;
  HANDLE pipe = connect_transport(pid, &err);
  if (pipe == NULL)
    return err;
  err = transact(pipe, target, sig, value, flags);
  CloseHandle(pipe);
  return err;
}

static int call_nt(HANDLE h, const char *name)
{
  nt_process_fn fn = (nt_process_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"), name);
  if (fn == NULL)
    return XSIG_ENOSYS;
  return fn(h) >= 0 ? 0 : XSIG_EPERM;
}

static int shares_console(DWORD pid)
{
  DWORD list[256], n, i;
  n = GetConsoleProcessList(list, 256);
  for (i = 0; i < n && i < 256; i++)
    if (list[i] == pid)
      return 1;
  return 0;
}

static int console_event_to_group(DWORD pid, DWORD ev)
{
  HANDLE job = group_job(pid);
  int ok;
  if (job == NULL)
    return 0;
  CloseHandle(job);
  ok = shares_console(pid) && GenerateConsoleCtrlEvent(ev, pid);
  return ok;
}

/* Starts a thread in the target at kernelbase!CtrlRoutine, as the console
 * does. kernelbase is mapped at the same address in every process of a boot;
 * a 32-bit target has its own copy, so only same-bitness targets. */
static int ctrl_routine_thread(HANDLE h, DWORD ev)
{
  FARPROC ctrl = GetProcAddress(GetModuleHandleW(L"kernelbase.dll"), "CtrlRoutine");
  BOOL wow = FALSE;
  HANDLE t;
  if (ctrl == NULL)
    return XSIG_ENOSYS;
  if (IsWow64Process(h, &wow) && wow)
    return XSIG_ENOSYS;
  t = CreateRemoteThread(h, NULL, 0, (LPTHREAD_START_ROUTINE)(void (*)(void))ctrl,
                         (LPVOID)(ULONG_PTR)ev, 0, NULL);
  if (t == NULL)
    return error_from_win(GetLastError());
  CloseHandle(t);
  return 0;
}

struct close_search { DWORD pid; int posted; };

static BOOL CALLBACK post_close(HWND w, LPARAM arg)
{
  struct close_search *s = (struct close_search *)arg;
  DWORD pid = 0;
  GetWindowThreadProcessId(w, &pid);
  if (pid == s->pid && PostMessageW(w, WM_CLOSE, 0, 0))
    s->posted++;
  return TRUE;
}

static int wm_close(DWORD pid)
{
  struct close_search s;
  s.pid = pid;
  s.posted = 0;
  EnumWindows(post_close, (LPARAM)&s);
  return s.posted > 0;
}

static int done(int *via, int how)
{
  if (via)
    *via = how;
  return 0;
}

static int terminate(HANDLE h, int sig, int *via)
{
  if (!TerminateProcess(h, xsig_win_exit_code(sig)))
    return error_from_win(GetLastError());
  return done(via, XSIG_VIA_TERMINATE);
}

/* The ladder, for a target that does not run xsig. */
static int send_ladder(DWORD pid, HANDLE h, int sig, int flags, int *via)
{
  int err;
  if (sig == 0)
    return done(via, XSIG_VIA_NONE);
  if (sig == XSIG_KILL)
    return terminate(h, sig, via);
  if (sig == XSIG_STOP || sig == XSIG_CONT) {
    err = call_nt(h, sig == XSIG_STOP ? "NtSuspendProcess" : "NtResumeProcess");
    return err ? err : done(via, sig == XSIG_STOP ? XSIG_VIA_SUSPEND : XSIG_VIA_RESUME);
  }
  if (sig == XSIG_INT || sig == XSIG_BREAK) {
    DWORD ev = sig == XSIG_INT ? CTRL_C_EVENT : CTRL_BREAK_EVENT;
    if (console_event_to_group(pid, ev))
      return done(via, XSIG_VIA_CONSOLE);
    err = ctrl_routine_thread(h, ev);
    if (err == 0)
      return done(via, XSIG_VIA_CTRLROUTINE);
  } else if (sig == XSIG_TERM) {
    if (wm_close(pid))
      return done(via, XSIG_VIA_WM_CLOSE);
    if (console_event_to_group(pid, CTRL_BREAK_EVENT))
      return done(via, XSIG_VIA_CONSOLE);
  } else if (xsig__dfl_kind(sig) == XSIG__DFL_IGN) {
    return done(via, XSIG_VIA_NONE); /* its default is to ignore it */
  }
  if (flags & XSIG_SEND_FORCE)
    return terminate(h, sig, via);
  return XSIG_ENOGRACE;
}

static int send_to(DWORD pid, HANDLE h, int sig, intptr_t value, int flags, int *via)
{
  int err;
  if (has_exited(h))
    return XSIG_ESRCH;
  if (sig != 0 && sig != XSIG_KILL && sig != XSIG_STOP) {
    err = send_transport(pid, h, sig, value, flags);
    if (err != NO_TRANSPORT)
      return err ? err : done(via, XSIG_VIA_XSIG);
  }
  if (flags & XSIG_SEND_VALUE && sig != 0 && sig != XSIG_KILL && sig != XSIG_STOP)
    err = XSIG_ENOGRACE; /* a value needs a receiver that runs xsig */
  else
    err = send_ladder(pid, h, sig, flags, via);
  /* An xsig receiver that is exiting has closed its transport a moment
   * before its process ends: that is "gone", not "no graceful way". */
  if (err == XSIG_ENOGRACE && ends_within(h, 200))
    return XSIG_ESRCH;
  return err;
}

/* Every process of a job (the whole tree xsig started). */
static int send_job(HANDLE job, int sig, int flags, int *via)
{
  union { JOBOBJECT_BASIC_PROCESS_ID_LIST list; unsigned char bytes[sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + 1024 * sizeof(ULONG_PTR)]; } ids;
  DWORD i;
  int err = 0, sent = 0, last_via = XSIG_VIA_NONE;
  memset(&ids, 0, sizeof ids);
  if (!QueryInformationJobObject(job, JobObjectBasicProcessIdList, &ids, sizeof ids, NULL))
    return XSIG_ESYS;
  for (i = 0; i < ids.list.NumberOfProcessIdsInList; i++) {
    DWORD pid = (DWORD)ids.list.ProcessIdList[i];
    int e, v = XSIG_VIA_NONE;
    HANDLE h = open_target(pid, &e);
    if (h == NULL)
      continue;
    e = send_to(pid, h, sig, 0, flags, &v);
    CloseHandle(h);
    if (e == 0)
      sent++, last_via = v;
    else if (e != XSIG_ESRCH)
      err = e;
  }
  if (sent == 0)
    return err ? err : XSIG_ESRCH;
  return done(via, last_via);
}

static int send_group(DWORD pgid, int sig, int flags, int *via)
{
  HANDLE job = group_job(pgid);
  int err;
  if (job == NULL)
    return XSIG_ENOSYS; /* Windows cannot name a group it did not start */
  err = send_job(job, sig, flags, via);
  CloseHandle(job);
  return err;
}

int xsig_send(int64_t pid, int sig, intptr_t value, int flags, int *via)
{
  HANDLE h;
  int err = xsig__check_send(pid, sig, flags);
  if (err)
    return err;
  if (pid < -1)
    return send_group((DWORD)-pid, sig, flags, via);
  if (pid == 0)
    return XSIG_ENOSYS; /* "my own group" has no meaning Windows can act on */
  h = open_target((DWORD)pid, &err);
  if (h == NULL)
    return err;
  err = send_to((DWORD)pid, h, sig, value, flags, via);
  CloseHandle(h);
  return err;
}

int xsig_process_open(int64_t pid, xsig_process_t **out)
{
  xsig_process_t *p;
  int err;
  if (out == NULL || pid <= 0 || pid > 0x7fffffff)
    return XSIG_EINVAL;
  p = calloc(1, sizeof *p);
  if (p == NULL)
    return XSIG_ENOMEM;
  p->pid = pid;
  p->h = open_target((DWORD)pid, &err);
  if (p->h == NULL) {
    free(p);
    return err;
  }
  if (has_exited(p->h)) {
    CloseHandle(p->h);
    free(p);
    return XSIG_ESRCH;
  }
  *out = p;
  return 0;
}

/* While we hold the handle, Windows does not reuse the pid. */
int xsig_process_send(xsig_process_t *p, int sig, intptr_t value, int flags, int *via)
{
  int err;
  if (p == NULL)
    return XSIG_EINVAL;
  err = xsig__check_send(p->pid, sig, flags);
  return err ? err : send_to((DWORD)p->pid, p->h, sig, value, flags, via);
}

int64_t xsig_process_pid(const xsig_process_t *p)
{
  return p ? p->pid : XSIG_EINVAL;
}

int xsig_process_alive(xsig_process_t *p)
{
  return p ? !has_exited(p->h) : XSIG_EINVAL;
}

void xsig_process_close(xsig_process_t *p)
{
  if (p == NULL)
    return;
  if (p->pgid)
    xsig__win_group_remove((DWORD)p->pgid);
  if (p->job)
    CloseHandle(p->job);
  CloseHandle(p->h);
  free(p);
}

/* --- spawning ----------------------------------------------------------- */

static wchar_t *utf16(const char *s)
{
  int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
  wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
  if (w)
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
  return w;
}

/* Appends arg quoted the way CommandLineToArgvW and the CRT split it. */
static size_t quote_arg(const wchar_t *arg, wchar_t *out)
{
  size_t n = 0, slashes;
  const wchar_t *c;
  int plain = *arg != 0 && wcspbrk(arg, L" \t\n\v\"") == NULL;
  if (plain) {
    for (c = arg; *c; c++)
      out ? (void)(out[n++] = *c) : (void)n++;
    return n;
  }
  if (out) out[n] = L'"';
  n++;
  for (c = arg;; c++) {
    for (slashes = 0; *c == L'\\'; c++)
      slashes++;
    if (*c == 0 || *c == L'"') {
      size_t k, twice = slashes * 2 + (*c == L'"');
      for (k = 0; k < twice; k++, n++)
        if (out) out[n] = L'\\';
      if (*c == 0)
        break;
    } else {
      for (; slashes; slashes--, n++)
        if (out) out[n] = L'\\';
    }
    if (out) out[n] = *c;
    n++;
  }
  if (out) out[n] = L'"';
  return n + 1;
}

static wchar_t *command_line(char *const argv[])
{
  wchar_t *line, **args;
  size_t len = 0, i, n;
  for (n = 0; argv[n]; n++) {
  }
  args = calloc(n, sizeof *args);
  if (args == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    if ((args[i] = utf16(argv[i])) != NULL)
      len += quote_arg(args[i], NULL) + 1;
  line = malloc((len + 1) * sizeof *line);
  for (i = 0, len = 0; line && i < n; i++) {
    if (args[i] == NULL)
      continue;
    if (len)
      line[len++] = L' ';
    len += quote_arg(args[i], line + len);
  }
  if (line)
    line[len] = 0;
  for (i = 0; i < n; i++)
    free(args[i]);
  free(args);
  return line;
}

static int spawn_error(DWORD e)
{
  switch (e) {
  case ERROR_FILE_NOT_FOUND:
  case ERROR_PATH_NOT_FOUND:
  case ERROR_INVALID_NAME:
    return XSIG_ENOENT;
  case ERROR_ACCESS_DENIED:
  case ERROR_BAD_EXE_FORMAT:
  case ERROR_EXE_MACHINE_TYPE_MISMATCH:
    return XSIG_ENOEXEC;
  case ERROR_NOT_ENOUGH_MEMORY:
    return XSIG_ENOMEM;
  default:
    return XSIG_ESYS;
  }
}

/* The application name: file as given if it has a path, else NULL so that
 * CreateProcess searches for argv[0]'s program the usual way. */
static int start_suspended(const char *file, char *const argv[], int flags, PROCESS_INFORMATION *pi)
{
  STARTUPINFOW si;
  wchar_t *app = NULL, *line = command_line(argv);
  DWORD cf = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT;
  int err = 0;
  if (line == NULL)
    return XSIG_ENOMEM;
  if (strpbrk(file, "/\\:") != NULL && (app = utf16(file)) == NULL) {
    free(line);
    return XSIG_ENOMEM;
  }
  if (flags & XSIG_SPAWN_NEW_GROUP)
    cf |= CREATE_NEW_PROCESS_GROUP;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  if (!CreateProcessW(app, line, NULL, NULL, TRUE, cf, NULL, NULL, &si, pi))
    err = spawn_error(GetLastError());
  free(app);
  free(line);
  return err;
}

int xsig_spawn(const char *file, char *const argv[], int flags, xsig_process_t **out)
{
  PROCESS_INFORMATION pi;
  xsig_process_t *p;
  int err;
  if (file == NULL || argv == NULL || argv[0] == NULL || out == NULL ||
      (flags & ~XSIG_SPAWN_NEW_GROUP))
    return XSIG_EINVAL;
  p = calloc(1, sizeof *p);
  if (p == NULL)
    return XSIG_ENOMEM;
  p->job = CreateJobObjectW(NULL, NULL);
  err = p->job ? start_suspended(file, argv, flags, &pi) : XSIG_ESYS;
  if (err) {
    if (p->job)
      CloseHandle(p->job);
    free(p);
    return err;
  }
  /* In the job before it runs a single instruction: its children follow. */
  AssignProcessToJobObject(p->job, pi.hProcess);
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  p->pid = pi.dwProcessId;
  p->h = pi.hProcess;
  if (flags & XSIG_SPAWN_NEW_GROUP) {
    p->pgid = p->pid;
    xsig__win_group_add((DWORD)p->pid, p->job);
  }
  *out = p;
  return 0;
}

int64_t xsig_process_group(const xsig_process_t *p)
{
  return p ? p->pgid : 0;
}

xsig_os_handle_t xsig_process_waitable(const xsig_process_t *p)
{
  return p ? p->h : NULL;
}

int xsig_process_wait(xsig_process_t *p, int timeout_ms, xsig_status_t *st)
{
  DWORD code;
  if (p == NULL)
    return XSIG_EINVAL;
  if (p->job == NULL)
    return XSIG_ECHILD;
  if (WaitForSingleObject(p->h, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms) != WAIT_OBJECT_0)
    return XSIG_ETIMEDOUT;
  GetExitCodeProcess(p->h, &code);
  return st ? xsig_status_from_windows(code, st) : 0;
}

static DWORD active_in_job(HANDLE job)
{
  JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acct;
  if (!QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &acct, sizeof acct, NULL))
    return 0;
  return acct.ActiveProcesses;
}

static int wait_job_empty(xsig_process_t *p, int ms)
{
  ULONGLONG deadline = GetTickCount64() + (ULONGLONG)ms;
  while (active_in_job(p->job) > 0) {
    if (GetTickCount64() >= deadline)
      return 0;
    WaitForSingleObject(p->h, 2); /* returns at once once the leader is gone */
    if (WaitForSingleObject(p->h, 0) == WAIT_OBJECT_0)
      Sleep(1);
  }
  return 1;
}

int xsig_process_stop_tree(xsig_process_t *p, int sig, int grace_ms, xsig_status_t *st, int *forced)
{
  int err = sig == 0 ? 0 : xsig__check(sig);
  if (p == NULL || err || grace_ms < 0)
    return p == NULL ? XSIG_EINVAL : err ? err : XSIG_EINVAL;
  if (p->job == NULL)
    return XSIG_ECHILD;
  if (forced)
    *forced = 0;
  send_job(p->job, sig ? sig : XSIG_TERM, 0, NULL);
  if (!wait_job_empty(p, grace_ms)) {
    if (forced)
      *forced = 1;
    TerminateJobObject(p->job, xsig_win_exit_code(XSIG_KILL));
    if (!wait_job_empty(p, 10000))
      return XSIG_ETIMEDOUT;
  }
  return xsig_process_wait(p, 10000, st);
}
