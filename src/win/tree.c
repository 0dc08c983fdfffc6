/* SPDX-License-Identifier: MIT */
/* What a process is: its descendants (one Toolhelp snapshot, walked
 * breadth first), the list of every process, a process's command line,
 * whether it is stopped, and its console fields. All read only, but for
 * xsig__win_ctrl_c_on, which changes a child that has not run yet.
 * Windows keeps a parent's pid after the parent is gone, and the pid can be
 * reused: a "child" created before its "parent" belongs to someone else. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include <tlhelp32.h> /* needs windows.h first (internal.h) */
#include <winternl.h> /* PEB, RTL_USER_PROCESS_PARAMETERS */
#include "ring.h" /* xsig__win_pipe_name */

/* PROCESS_BASIC_INFORMATION as ntdll fills it; spelled out because the
 * SDKs name its fields differently (MSVC hides the parent as Reserved3). */
struct basic_info {
  LONG exit_status;
  void *peb;
  ULONG_PTR affinity;
  LONG base_priority;
  ULONG_PTR pid;
  ULONG_PTR parent;
};
typedef LONG (NTAPI *query_process_fn)(HANDLE, int, void *, ULONG, ULONG *);

long xsig__win_query_process(HANDLE h, int what, void *out, unsigned long size)
{
  query_process_fn query = (query_process_fn)(void (*)(void))GetProcAddress(
      GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationProcess");
  return query ? query(h, what, out, size, NULL) : -1;
}

int xsig__win_process_basics(HANDLE h, void **peb, DWORD *parent)
{
  struct basic_info bi;
  if (xsig__win_query_process(h, 0 /* ProcessBasicInformation */, &bi, sizeof bi) < 0)
    return XSIG_ESYS;
  if (peb)
    *peb = bi.peb;
  if (parent)
    *parent = (DWORD)bi.parent;
  return 0;
}

/* When the process was created; 0 if it cannot be told. */
static uint64_t created_at(int64_t pid)
{
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
  FILETIME c, e, k, u;
  uint64_t t = 0;
  if (h == NULL)
    return 0;
  if (GetProcessTimes(h, &c, &e, &k, &u))
    t = ((uint64_t)c.dwHighDateTime << 32) | c.dwLowDateTime;
  CloseHandle(h);
  return t;
}

/* Adds the children of parent (born at born) that are not older. */
static int add_children(HANDLE snap, int64_t root, int64_t parent, uint64_t born, int64_t *out, int n, int max)
{
  PROCESSENTRY32 pe;
  pe.dwSize = sizeof pe;
  if (!Process32First(snap, &pe))
    return n;
  do {
    uint64_t t;
    if ((int64_t)pe.th32ParentProcessID != parent || (int64_t)pe.th32ProcessID == root || n >= max)
      continue;
    t = created_at(pe.th32ProcessID);
    if (t != 0 && t >= born)
      out[n++] = pe.th32ProcessID;
  } while (Process32Next(snap, &pe));
  return n;
}

static int exists(int64_t pid)
{
  HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid);
  int alive = h && WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
  if (h)
    CloseHandle(h);
  return alive || (h == NULL && GetLastError() == ERROR_ACCESS_DENIED);
}

DWORD xsig__win_parent_of(HANDLE h, DWORD pid)
{
  DWORD parent = 0;
  HANDLE ph;
  uint64_t born, child;
  if (xsig__win_process_basics(h, NULL, &parent) != 0 || parent == 0 || parent == pid)
    return 0;
  ph = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, parent);
  if (ph == NULL)
    return 0;
  if (WaitForSingleObject(ph, 0) == WAIT_OBJECT_0) {
    CloseHandle(ph);
    return 0; /* ended: kept alive by a handle someone holds */
  }
  CloseHandle(ph);
  born = created_at(parent);
  child = created_at(pid);
  return born != 0 && born <= child ? parent : 0;
}

/* The parent recorded at our creation, if it still runs and is older than
 * us (else its pid may be reused by an unrelated process): 0 otherwise. */
int64_t xsig__os_getppid(void)
{
  return (int64_t)xsig__win_parent_of(GetCurrentProcess(), GetCurrentProcessId());
}

int xsig__os_descendants(int64_t pid, int64_t *out, int *depth, int max)
{
  HANDLE snap;
  int n = 0, done, k, before;
  if (!exists(pid))
    return XSIG_ESRCH;
  snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snap == INVALID_HANDLE_VALUE)
    return XSIG_ESYS;
  for (done = -1; done < n && n < max; done++) {
    int64_t parent = done < 0 ? pid : out[done];
    uint64_t born = created_at(parent);
    before = n;
    if (born != 0)
      n = add_children(snap, pid, parent, born, out, n, max);
    for (k = before; depth && k < n; k++)
      depth[k] = done < 0 ? 1 : depth[done] + 1;
  }
  CloseHandle(snap);
  return n;
}

/* The parent a snapshot records for a process born at born, if that parent
 * still runs and is older (else its pid may name someone else): 0 if not. */
static int64_t live_parent(int64_t parent, uint64_t born)
{
  uint64_t t;
  if (parent == 0 || !exists(parent))
    return 0;
  t = created_at(parent);
  return t != 0 && born != 0 && t <= born ? parent : 0;
}

/* Whether pid runs xsig's receiver: its pipe's name exists (a pipe whose
 * every instance is busy exists too). Only looked at, never connected to. */
static int has_pipe(DWORD pid)
{
  wchar_t name[64];
  xsig__win_pipe_name(pid, name, 64);
  if (WaitNamedPipeW(name, 1))
    return 1;
  return GetLastError() != ERROR_FILE_NOT_FOUND && GetLastError() != ERROR_BAD_PATHNAME;
}

static int64_t group_of(DWORD pid)
{
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  int64_t pgid = h ? xsig__win_group_of(h) : 0;
  if (h)
    CloseHandle(h);
  return pgid;
}

int xsig__os_process_list(xsig_proc_entry_t *out, int max)
{
  PROCESSENTRY32 pe;
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  int n = 0;
  if (snap == INVALID_HANDLE_VALUE)
    return XSIG_ESYS;
  pe.dwSize = sizeof pe;
  if (Process32First(snap, &pe)) {
    do {
      xsig_proc_entry_t *e = n < max ? &out[n] : NULL;
      n++;
      if (e == NULL)
        continue;
      memset(e, 0, sizeof *e);
      e->pid = pe.th32ProcessID;
      e->ppid = live_parent(pe.th32ParentProcessID, created_at(pe.th32ProcessID));
      e->xsig = has_pipe(pe.th32ProcessID);
      e->group = group_of(pe.th32ProcessID);
    } while (Process32Next(snap, &pe));
  }
  CloseHandle(snap);
  return n;
}

/* UNICODE_STRING, then its text: what ProcessCommandLineInformation (60,
 * Windows 8.1 and later) gives. */
struct cmdline_info {
  USHORT len, max;
  wchar_t *text;
};

/* From the target's own memory, where Windows before 8.1 and Wine keep it:
 * PEB, its process parameters, their CommandLine. The target's memory is
 * not trusted: the length is bounded by w, the text is only copied. */
static int cmdline_from_peb(HANDLE h, wchar_t *w, DWORD wsize)
{
  void *peb;
  PRTL_USER_PROCESS_PARAMETERS params;
  UNICODE_STRING line;
  SIZE_T got;
  if (xsig__win_process_basics(h, &peb, NULL) != 0 || peb == NULL ||
      !ReadProcessMemory(h, (char *)peb + offsetof(PEB, ProcessParameters), &params, sizeof params, &got) ||
      got != sizeof params ||
      !ReadProcessMemory(h, (char *)params + offsetof(RTL_USER_PROCESS_PARAMETERS, CommandLine), &line,
                         sizeof line, &got) ||
      got != sizeof line || line.Buffer == NULL || (DWORD)line.Length / 2 >= wsize ||
      !ReadProcessMemory(h, line.Buffer, w, line.Length, &got) || got != line.Length)
    return 0;
  w[line.Length / 2] = 0;
  return 1;
}

/* The command line as UTF-16 into w (NUL-terminated), or the program's
 * path where that cannot be read. 0 or an XSIG_E* code. */
static int wide_cmdline(HANDLE h, wchar_t *w, DWORD wsize)
{
  union { struct cmdline_info ci; unsigned char bytes[sizeof(struct cmdline_info) + 65536]; } *u;
  DWORD n = wsize;
  int ok = 0;
  if ((u = malloc(sizeof *u)) == NULL)
    return XSIG_ENOMEM;
  if (xsig__win_query_process(h, 60, u, sizeof *u) >= 0 && u->ci.text &&
      (DWORD)u->ci.len / 2 < wsize) {
    memcpy(w, u->ci.text, u->ci.len);
    w[u->ci.len / 2] = 0;
    ok = 1;
  }
  free(u);
  if (!ok)
    ok = cmdline_from_peb(h, w, wsize);
  if (!ok && !QueryFullProcessImageNameW(h, 0, w, &n))
    return GetLastError() == ERROR_ACCESS_DENIED ? XSIG_EPERM : XSIG_ESYS;
  return 0;
}

int xsig__os_process_cmdline(int64_t pid, char *buf, size_t size)
{
  enum { WMAX = 32768 };
  HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ | SYNCHRONIZE, FALSE, (DWORD)pid);
  wchar_t *w;
  char *u8;
  int err, n;
  if (h == NULL && GetLastError() == ERROR_ACCESS_DENIED) /* not ours to read: the path at least */
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, (DWORD)pid);
  if (h == NULL)
    return GetLastError() == ERROR_ACCESS_DENIED ? XSIG_EPERM : XSIG_ESRCH;
  if (WaitForSingleObject(h, 0) == WAIT_OBJECT_0) { /* ended; a handle keeps its pid */
    CloseHandle(h);
    return XSIG_ESRCH;
  }
  w = malloc(WMAX * sizeof *w);
  u8 = malloc(WMAX * 3 + 1);
  err = w && u8 ? wide_cmdline(h, w, WMAX) : XSIG_ENOMEM;
  CloseHandle(h);
  if (err == 0) {
    n = WideCharToMultiByte(CP_UTF8, 0, w, -1, u8, WMAX * 3 + 1, NULL, NULL);
    err = n > 0 ? n - 1 : XSIG_ESYS;
    if (n > 0 && size > 0)
      snprintf(buf, size, "%s", u8);
  }
  free(w);
  free(u8);
  return err;
}

/* The job holds the whole tree, the child alone too. */
int xsig__os_tree_count(xsig_process_t *p)
{
  JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acct;
  if (p->os.job == NULL ||
      !QueryInformationJobObject(p->os.job, JobObjectBasicAccountingInformation, &acct, sizeof acct, NULL))
    return -1;
  return (int)acct.ActiveProcesses;
}

/* --- what a process is doing: stopped, and its console ------------------ */

typedef LONG (NTAPI *nt_query_thread_fn)(HANDLE, int, void *, ULONG, ULONG *);

/* Before Windows 8.1 a thread's count cannot be read: SuspendThread
 * returns it, and ResumeThread undoes that at once (a sender killed
 * between the two leaves the thread suspended: only on those systems). */
static long suspend_count_by_suspending(DWORD tid)
{
  HANDLE t = OpenThread(THREAD_SUSPEND_RESUME, FALSE, tid);
  DWORD before;
  if (t == NULL)
    return -1;
  before = SuspendThread(t);
  if (before != (DWORD)-1)
    ResumeThread(t);
  CloseHandle(t);
  return before == (DWORD)-1 ? -1 : (long)before;
}

#define STATUS_INVALID_INFO_CLASS_ ((LONG)0xC0000003)

/* A thread's suspend count, read without changing it
 * (NtQueryInformationThread's ThreadSuspendCount, Windows 8.1 and later;
 * Wine has it): the count, or -1 when it cannot be read. */
static long suspend_count(DWORD tid)
{
  static nt_query_thread_fn query;
  HANDLE t;
  ULONG count = 0, len = 0;
  LONG st = -1;
  if (query == NULL)
    query = (nt_query_thread_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                               "NtQueryInformationThread");
  if (query == NULL || (t = OpenThread(THREAD_QUERY_LIMITED_INFORMATION, FALSE, tid)) == NULL)
    return -1;
  st = query(t, 35 /* ThreadSuspendCount */, &count, sizeof count, &len);
  CloseHandle(t);
  if (st == STATUS_INVALID_INFO_CLASS_)
    return suspend_count_by_suspending(tid);
  return st >= 0 ? (long)count : -1;
}

/* STOP suspends every thread of a process, so it is stopped when each
 * thread whose count can be read is suspended. Only read: a sender that
 * is killed while it looks leaves the target as it was. For n processes
 * at once, from one snapshot of the system's threads (one costs ms under
 * Wine): state[i] is 1 (stopped), 0 (running) or -1 (cannot tell). */
void xsig__win_stop_states(const DWORD *pids, int n, int *state)
{
  THREADENTRY32 te;
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
  BOOL more;
  int i;
  for (i = 0; i < n; i++)
    state[i] = -1;
  if (snap == INVALID_HANDLE_VALUE)
    return;
  te.dwSize = sizeof te;
  for (more = Thread32First(snap, &te); more; more = Thread32Next(snap, &te))
    for (i = 0; i < n; i++)
      if (te.th32OwnerProcessID == pids[i] && state[i] != 0) {
        long count = suspend_count(te.th32ThreadID);
        if (count >= 0)
          state[i] = count > 0;
      }
  CloseHandle(snap);
}

int xsig__win_stop_state(DWORD pid)
{
  int state;
  xsig__win_stop_states(&pid, 1, &state);
  return state;
}

int xsig__win_is_stopped(DWORD pid)
{
  return xsig__win_stop_state(pid) == 1;
}

static int same_bitness(HANDLE h)
{
  BOOL wow = FALSE, self = FALSE;
  return IsWow64Process(h, &wow) && IsWow64Process(GetCurrentProcess(), &self) && wow == self;
}

/* The address, in process h, of its RTL_USER_PROCESS_PARAMETERS, or NULL
 * (another bitness: its CtrlRoutine reads a parameter block of its own). */
static char *process_params(HANDLE h)
{
  void *peb = NULL;
  char *params = NULL;
  SIZE_T got;
  if (!same_bitness(h) || xsig__win_process_basics(h, &peb, NULL) != 0 || peb == NULL ||
      !ReadProcessMemory(h, (char *)peb + offsetof(PEB, ProcessParameters), &params, sizeof params, &got))
    return NULL;
  return params;
}

/* ConsoleHandle and ConsoleFlags follow four ULONGs (MaximumLength,
 * Length, Flags, DebugFlags), on Windows and in Wine. */
#define CONSOLE_HANDLE_AT (4 * sizeof(ULONG))
#define CONSOLE_FLAGS_AT (4 * sizeof(ULONG) + sizeof(HANDLE))

int xsig__win_console_fields(HANDLE h, HANDLE *console, ULONG *flags)
{
  char *params = process_params(h);
  SIZE_T got;
  if (params == NULL || !ReadProcessMemory(h, params + CONSOLE_HANDLE_AT, console, sizeof *console, &got) ||
      !ReadProcessMemory(h, params + CONSOLE_FLAGS_AT, flags, sizeof *flags, &got))
    return -1;
  return 0;
}

/* What SetConsoleCtrlHandler(NULL, FALSE) does in a process, done to a
 * child that has not run yet: bit 0 of its ConsoleFlags cleared (the bit
 * CREATE_NEW_PROCESS_GROUP set, which its CtrlRoutine reads, and which its
 * own children inherit). */
int xsig__win_ctrl_c_on(HANDLE h)
{
  char *params = process_params(h);
  ULONG flags;
  SIZE_T got;
  if (params == NULL)
    return same_bitness(h) ? XSIG_ESYS : XSIG_ENOSYS;
  if (!ReadProcessMemory(h, params + CONSOLE_FLAGS_AT, &flags, sizeof flags, &got))
    return XSIG_ESYS;
  flags &= ~(ULONG)1;
  return WriteProcessMemory(h, params + CONSOLE_FLAGS_AT, &flags, sizeof flags, &got) ? 0 : XSIG_ESYS;
}

int xsig__win_has_console(HANDLE h)
{
  HANDLE console;
  ULONG flags;
  if (xsig__win_console_fields(h, &console, &flags) != 0)
    return -1;
  return console != NULL && console != INVALID_HANDLE_VALUE;
}
