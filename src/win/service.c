/* SPDX-License-Identifier: MIT */
/* Running as a Windows service: the Service Control Manager's controls
 * arrive as signals through the normal delivery, and xsig reports the
 * service's status for the program (RUNNING, STOP_PENDING with wait hints
 * while it stops, STOPPED with its exit code when it ends).
 *
 * The SCM's controls come on the dispatcher thread, which
 * StartServiceCtrlDispatcherW makes of the thread that calls it: a thread
 * of xsig's own, so that the program's main thread goes on as it would
 * from a console. service_lock guards status, stopping and the timer. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include <tlhelp32.h>

#define CHECKPOINT_MS 1000       /* STOP_PENDING is re-reported this often */
#define STOP_WAIT_HINT_MS 3000   /* the wait hint of each report */
#define SHUTDOWN_DEFAULT_MS 20000 /* WaitToKillServiceTimeout's default */

static xsig__mutex_t service_lock = XSIG__MUTEX_INIT;
static wchar_t service_name[257];
static int service_flags;
static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status;
static int stopping, stopped;
static HANDLE checkpoint_timer;
static HANDLE started;        /* set once ServiceMain ran, or the dispatcher failed */
static DWORD dispatcher_error;
static void(WINAPI *real_exit_process)(UINT);

static void report_locked(DWORD state)
{
  status.dwCurrentState = state;
  status.dwWaitHint = state == SERVICE_STOP_PENDING ? STOP_WAIT_HINT_MS : 0;
  if (state != SERVICE_STOP_PENDING)
    status.dwCheckPoint = 0;
  SetServiceStatus(status_handle, &status);
}

static VOID CALLBACK next_checkpoint(PVOID arg, BOOLEAN fired)
{
  (void)arg, (void)fired;
  xsig__mutex_lock(&service_lock);
  if (stopping && !stopped) {
    status.dwCheckPoint++;
    report_locked(SERVICE_STOP_PENDING);
  }
  xsig__mutex_unlock(&service_lock);
}

/* What the SCM reads from the process's end: an exit code of 0 is
 * NO_ERROR, any other is a service-specific code. */
void xsig__win_service_ended(DWORD code)
{
  HANDLE timer = NULL;
  int i, locked = 0;
  /* bounded: a fault may come on a thread that holds the lock */
  for (i = 0; i < 1000 && !(locked = TryAcquireSRWLockExclusive(&service_lock) != 0); i++)
    Sleep(1);
  if (status_handle && !stopped) {
    stopped = 1;
    timer = checkpoint_timer;
    checkpoint_timer = NULL;
    status.dwWin32ExitCode = code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
    status.dwServiceSpecificExitCode = code;
    status.dwControlsAccepted = 0;
    report_locked(SERVICE_STOPPED);
  }
  if (locked)
    xsig__mutex_unlock(&service_lock);
  if (timer)
    DeleteTimerQueueTimer(NULL, timer, NULL); /* no wait: it may be firing now */
}

/* Windows tells a program nothing of its own exit code at its end, so
 * while it runs as a service the ExitProcess entries of the loaded
 * modules' import tables (the C runtime's exit() calls it) point here. */
static void WINAPI exit_process_hook(UINT code)
{
  xsig__win_service_ended(code);
  real_exit_process(code);
}

/* Function pointers as numbers: the slots of an import table hold them. */
static void patch_imports(HMODULE m, const uintptr_t *from, int nfrom, uintptr_t to)
{
  IMAGE_DOS_HEADER *dos = (IMAGE_DOS_HEADER *)m;
  IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)((char *)m + dos->e_lfanew);
  IMAGE_DATA_DIRECTORY *iat = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IAT];
  uintptr_t *slot = (uintptr_t *)((char *)m + iat->VirtualAddress);
  size_t i, n = iat->Size / sizeof *slot;
  int k;
  if (dos->e_magic != IMAGE_DOS_SIGNATURE || iat->VirtualAddress == 0)
    return;
  for (i = 0; i < n; i++)
    for (k = 0; k < nfrom; k++)
      if (from[k] && slot[i] == from[k]) {
        DWORD old;
        if (VirtualProtect(&slot[i], sizeof *slot, PAGE_READWRITE, &old)) {
          slot[i] = to;
          VirtualProtect(&slot[i], sizeof *slot, old, &old);
        }
      }
}

static FARPROC proc_of(const wchar_t *module, const char *name)
{
  HMODULE m = GetModuleHandleW(module);
  return m ? GetProcAddress(m, name) : NULL;
}

static void hook_exit_process(void)
{
  FARPROC exit_process = proc_of(L"kernel32.dll", "ExitProcess");
  uintptr_t from[3];
  MODULEENTRY32W me;
  HANDLE snap;
  BOOL ok;
  if (exit_process == NULL)
    return;
  real_exit_process = (void(WINAPI *)(UINT))(void (*)(void))exit_process;
  from[0] = (uintptr_t)exit_process;
  from[1] = (uintptr_t)proc_of(L"kernelbase.dll", "ExitProcess");
  from[2] = (uintptr_t)proc_of(L"ntdll.dll", "RtlExitUserProcess");
  if ((snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0)) == INVALID_HANDLE_VALUE)
    return;
  me.dwSize = sizeof me;
  for (ok = Module32FirstW(snap, &me); ok; ok = Module32NextW(snap, &me))
    patch_imports(me.hModule, from, 3, (uintptr_t)exit_process_hook);
  CloseHandle(snap);
}

/* Windows keeps it as a string; a DWORD (as some set it) is read too. */
DWORD xsig__win_wait_to_kill_ms(void)
{
  union { wchar_t text[32]; DWORD number; } v;
  DWORD size = sizeof v, type = 0;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Control", L"WaitToKillServiceTimeout",
                   RRF_RT_REG_SZ | RRF_RT_REG_DWORD, &type, &v, &size) != ERROR_SUCCESS)
    return 0;
  return type == REG_DWORD ? v.number : (DWORD)wcstoul(v.text, NULL, 10);
}

/* How long the system waits for a service after SHUTDOWN or PRESHUTDOWN
 * before it ends it, in ms; 0 if it cannot be read. */
static DWORD shutdown_wait_ms(DWORD control)
{
  DWORD size, ms = 0;
  if (control == SERVICE_CONTROL_PRESHUTDOWN) {
    SC_HANDLE m = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), s = NULL;
    union { SERVICE_PRESHUTDOWN_INFO info; BYTE bytes[64]; } cfg;
    if (m && (s = OpenServiceW(m, service_name, SERVICE_QUERY_CONFIG)) != NULL &&
        QueryServiceConfig2W(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, cfg.bytes, sizeof cfg.bytes, &size))
      ms = cfg.info.dwPreshutdownTimeout;
    if (s)
      CloseServiceHandle(s);
    if (m)
      CloseServiceHandle(m);
    return ms;
  }
  ms = xsig__win_wait_to_kill_ms();
  return ms ? ms : SHUTDOWN_DEFAULT_MS;
}

static void post(int sig, DWORD control)
{
  xsig_info_t info;
  DWORD wait_ms = 0;
  memset(&info, 0, sizeof info);
  info.signo = sig;
  info.code = XSIG_SI_SERVICE;
  info.event = (int)control;
  if (control == SERVICE_CONTROL_SHUTDOWN || control == SERVICE_CONTROL_PRESHUTDOWN)
    wait_ms = shutdown_wait_ms(control);
  if (wait_ms)
    info.deadline_us = xsig_clock_us() + (int64_t)wait_ms * 1000;
  if (xsig__is_initialised() && xsig__win_accept(&info, 0) == XSIG__ARRIVE_DEFAULT)
    xsig__os_default_action(sig);
}

static void begin_stop(void)
{
  xsig__mutex_lock(&service_lock);
  if (!stopping && !stopped) {
    stopping = 1;
    status.dwCheckPoint = 1;
    status.dwControlsAccepted = 0;
    report_locked(SERVICE_STOP_PENDING);
    if (!CreateTimerQueueTimer(&checkpoint_timer, NULL, next_checkpoint, NULL, CHECKPOINT_MS,
                               CHECKPOINT_MS, WT_EXECUTEDEFAULT))
      checkpoint_timer = NULL;
  }
  xsig__mutex_unlock(&service_lock);
}

static void report(DWORD state)
{
  xsig__mutex_lock(&service_lock);
  if (!stopping && !stopped)
    report_locked(state);
  xsig__mutex_unlock(&service_lock);
}

/* On the dispatcher thread; must return at once (the SCM allows 30 s). */
DWORD WINAPI xsig__win_service_control(DWORD control, DWORD type, LPVOID data, LPVOID context)
{
  (void)type, (void)data, (void)context;
  switch (control) {
  case SERVICE_CONTROL_STOP:
  case SERVICE_CONTROL_SHUTDOWN:
  case SERVICE_CONTROL_PRESHUTDOWN:
    begin_stop();
    post(XSIG_TERM, control);
    return NO_ERROR;
  case SERVICE_CONTROL_PARAMCHANGE:
    post(XSIG_HUP, control);
    return NO_ERROR;
  case SERVICE_CONTROL_PAUSE:
  case SERVICE_CONTROL_CONTINUE:
    if (!(service_flags & XSIG_SERVICE_PAUSE))
      return ERROR_CALL_NOT_IMPLEMENTED;
    report(control == SERVICE_CONTROL_PAUSE ? SERVICE_PAUSED : SERVICE_RUNNING);
    post(control == SERVICE_CONTROL_PAUSE ? XSIG_TSTP : XSIG_CONT, control);
    return NO_ERROR;
  case SERVICE_CONTROL_INTERROGATE:
    return NO_ERROR;
  default:
    return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

/* The service's thread. It stays (asleep) while the process runs: Windows
 * documents that ServiceMain does not return before the service stops. */
static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
  (void)argc, (void)argv;
  xsig__mutex_lock(&service_lock);
  status_handle = RegisterServiceCtrlHandlerExW(service_name, xsig__win_service_control, NULL);
  if (status_handle == NULL) {
    dispatcher_error = GetLastError();
  } else {
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwControlsAccepted = SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN |
                                SERVICE_ACCEPT_PARAMCHANGE |
                                (service_flags & XSIG_SERVICE_PAUSE ? SERVICE_ACCEPT_PAUSE_CONTINUE : 0);
    report_locked(SERVICE_RUNNING);
  }
  xsig__mutex_unlock(&service_lock);
  SetEvent(started);
  if (status_handle)
    Sleep(INFINITE);
}

static DWORD WINAPI dispatcher(LPVOID arg)
{
  SERVICE_TABLE_ENTRYW table[2];
  (void)arg;
  table[0].lpServiceName = service_name;
  table[0].lpServiceProc = service_main;
  table[1].lpServiceName = NULL;
  table[1].lpServiceProc = NULL;
  if (!StartServiceCtrlDispatcherW(table)) {
    dispatcher_error = GetLastError();
    SetEvent(started);
  }
  return 0;
}

/* The SCM starts every service process itself, so a process whose parent
 * is not services.exe was not started as a service (Go's IsWindowsService
 * asks the same). Without this, Wine's StartServiceCtrlDispatcherW waits
 * for the pipe of the last service started (Windows fails at once). */
static int started_by_scm(void)
{
  wchar_t path[MAX_PATH], *base;
  DWORD size = MAX_PATH;
  int64_t parent = xsig__os_getppid();
  HANDLE h;
  int yes = 0;
  if (parent == 0 || (h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)parent)) == NULL)
    return 0;
  if (QueryFullProcessImageNameW(h, 0, path, &size)) {
    base = wcsrchr(path, L'\\');
    yes = _wcsicmp(base ? base + 1 : path, L"services.exe") == 0;
  }
  CloseHandle(h);
  return yes;
}

int xsig__os_service_start(const char *name, int flags)
{
  static int not_a_service; /* the dispatcher can connect once per process */
  HANDLE t;
  if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, -1, service_name,
                          (int)(sizeof service_name / sizeof service_name[0])) == 0)
    return XSIG_EINVAL; /* not UTF-8, or longer than the SCM's 256 */
  if (not_a_service || !started_by_scm())
    return XSIG_ENOSERVICE;
  service_flags = flags;
  if ((started = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL)
    return XSIG_ESYS;
  if ((t = CreateThread(NULL, 0, dispatcher, NULL, 0, NULL)) == NULL) {
    CloseHandle(started);
    return XSIG_ESYS;
  }
  /* "not started by the SCM" comes at once; a service's start, in ms */
  WaitForSingleObject(started, INFINITE);
  if (status_handle == NULL) {
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    CloseHandle(started);
    not_a_service = dispatcher_error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT;
    return not_a_service ? XSIG_ENOSERVICE : XSIG_ESYS;
  }
  CloseHandle(t);
  hook_exit_process();
  return 0;
}
