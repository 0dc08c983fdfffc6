/* SPDX-License-Identifier: MIT */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <io.h>
#include "tool.h"

void tool_exe_dir(char *buf, size_t size)
{
  char *slash;
  DWORD n = GetModuleFileNameA(NULL, buf, (DWORD)size);
  buf[n < size ? n : size - 1] = 0;
  slash = strrchr(buf, '\\');
  if (slash)
    slash[1] = 0;
  else
    snprintf(buf, size, ".\\");
}

const char *tool_worker_name(void) { return "xsig-worker.exe"; }
const char *tool_platform_name(void) { return "Windows"; }
const char *tool_tree_carrier(void) { return "job object + xsig transport"; }
const char *tool_fault_carrier(void) { return "vectored exception handler"; }
const char *tool_child_carrier(void) { return "thread-pool wait on each child's handle"; }
const char *tool_supervisor_name(void) { return "xsig-supervisor.exe"; }
int tool_handle_valid(xsig_os_handle_t h) { return h != NULL && h != INVALID_HANDLE_VALUE; }

void tool_exit_like_signal(int sig)
{
  fflush(NULL);
  exit(128 + sig);
}

void tool_exit_like_child(const xsig_status_t *st)
{
  if ((st->raw & 0xFFFFFF00u) == XSIG_WIN_EXIT_BASE || st->raw == xsig_win_exit_code(XSIG_INT))
    tool_exit_like_signal(st->signo);
  fflush(NULL);
  exit((int)st->raw);
}

int tool_redirect_output(const char *path)
{
  SECURITY_ATTRIBUTES sa;
  wchar_t w[MAX_PATH];
  HANDLE h;
  int fd;
  sa.nLength = sizeof sa;
  sa.lpSecurityDescriptor = NULL;
  sa.bInheritHandle = TRUE; /* the command inherits it as its stdout and stderr */
  if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, MAX_PATH) == 0)
    return -1;
  h = CreateFileW(w, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_ALWAYS,
                  FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return -1;
  SetStdHandle(STD_OUTPUT_HANDLE, h);
  SetStdHandle(STD_ERROR_HANDLE, h);
  fflush(stdout);
  fflush(stderr);
  if ((fd = _open_osfhandle((intptr_t)h, _O_APPEND | _O_WRONLY)) < 0)
    return -1;
  _dup2(fd, 1);
  _dup2(fd, 2);
  return 0;
}

/* One argument as CommandLineToArgvW reads it back. */
static void append_quoted(wchar_t *line, size_t size, const char *arg)
{
  wchar_t w[1024];
  size_t len = wcslen(line), i, slashes = 0;
  if (MultiByteToWideChar(CP_UTF8, 0, arg, -1, w, 1024) == 0)
    w[0] = 0;
  if (len && len + 1 < size)
    line[len++] = L' ';
  if (len + 1 < size)
    line[len++] = L'"';
  for (i = 0; w[i] && len + 3 < size; i++) {
    if (w[i] == L'\\') {
      slashes++;
    } else {
      if (w[i] == L'"') /* its backslashes doubled, and the quote escaped */
        for (slashes++; slashes && len + 2 < size; slashes--)
          line[len++] = L'\\';
      slashes = 0;
    }
    line[len++] = w[i];
  }
  for (; slashes && len + 2 < size; slashes--) /* before the closing quote */
    line[len++] = L'\\';
  if (len + 1 < size)
    line[len++] = L'"';
  line[len] = 0;
}

static SC_HANDLE open_service(const char *name, DWORD access, SC_HANDLE *manager)
{
  wchar_t w[257];
  SC_HANDLE s = NULL;
  *manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (*manager && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, -1, w, 257))
    s = OpenServiceW(*manager, w, access);
  return s;
}

static int win_error(const char *what, const char *name)
{
  DWORD e = GetLastError();
  fprintf(stderr, "xsig service: %s '%s': Windows error %lu%s\n", what, name, (unsigned long)e,
          e == ERROR_ACCESS_DENIED ? " (access denied: run it as an administrator)" :
          e == ERROR_SERVICE_DOES_NOT_EXIST ? " (no such service)" :
          e == ERROR_SERVICE_EXISTS ? " (a service of that name exists)" : "");
  return 1;
}

int tool_service_install(const char *name, const char *log, const char *grace, char *const command[])
{
  static wchar_t line[32768];
  char self[MAX_PATH];
  wchar_t w[257];
  SC_HANDLE m, s;
  int i;
  GetModuleFileNameA(NULL, self, sizeof self);
  line[0] = 0;
  append_quoted(line, 32768, self);
  append_quoted(line, 32768, "service");
  append_quoted(line, 32768, "run");
  append_quoted(line, 32768, name);
  if (log) {
    append_quoted(line, 32768, "--log");
    append_quoted(line, 32768, log);
  }
  append_quoted(line, 32768, "--grace");
  append_quoted(line, 32768, grace);
  append_quoted(line, 32768, "--");
  for (i = 0; command[i]; i++)
    append_quoted(line, 32768, command[i]);
  if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, -1, w, 257) == 0) {
    fprintf(stderr, "xsig service: invalid service name '%s'\n", name);
    return 1;
  }
  if ((m = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE)) == NULL)
    return win_error("cannot open the service manager for", name);
  s = CreateServiceW(m, w, w, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                     SERVICE_ERROR_NORMAL, line, NULL, NULL, NULL, NULL, NULL);
  if (s == NULL) {
    i = win_error("cannot create service", name);
    CloseServiceHandle(m);
    return i;
  }
  printf("xsig service: installed '%s'\n", name);
  CloseServiceHandle(s);
  CloseServiceHandle(m);
  return 0;
}

/* Waits (at most 60 s) for state; 1 if reached. */
static int wait_state(SC_HANDLE s, DWORD state, SERVICE_STATUS_PROCESS *st)
{
  DWORD n;
  int i;
  for (i = 0; i < 1200; i++) {
    if (!QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)st, sizeof *st, &n))
      return 0;
    if (st->dwCurrentState == state)
      return 1;
    if (state == SERVICE_RUNNING && st->dwCurrentState == SERVICE_STOPPED && i > 0)
      return 0; /* it ended while starting */
    Sleep(50);
  }
  return 0;
}

/* The manager is busy for a while after boot ("database locked"): again,
 * for at most 20 s. */
static BOOL start_retrying(SC_HANDLE s)
{
  int i;
  for (i = 0; i < 100; i++) {
    if (StartServiceW(s, 0, NULL))
      return TRUE;
    if (GetLastError() != ERROR_SERVICE_DATABASE_LOCKED)
      return FALSE;
    Sleep(200);
  }
  return FALSE;
}

int tool_service_control(const char *what, const char *name)
{
  SERVICE_STATUS_PROCESS st;
  SERVICE_STATUS ss;
  SC_HANDLE m, s = open_service(name, SERVICE_ALL_ACCESS, &m);
  int r = 0;
  if (s == NULL) {
    r = win_error("cannot open service", name);
  } else if (strcmp(what, "remove") == 0) {
    r = DeleteService(s) ? 0 : win_error("cannot remove service", name);
    if (r == 0)
      printf("xsig service: removed '%s'\n", name);
  } else if (strcmp(what, "start") == 0) {
    if (!start_retrying(s))
      r = win_error("cannot start service", name);
    else if (!wait_state(s, SERVICE_RUNNING, &st))
      r = (fprintf(stderr, "xsig service: '%s' did not reach RUNNING (exit code %lu)\n", name,
                   (unsigned long)st.dwServiceSpecificExitCode), 1);
    else
      printf("xsig service: '%s' running, pid %lu\n", name, (unsigned long)st.dwProcessId);
  } else {
    if (!ControlService(s, SERVICE_CONTROL_STOP, &ss))
      r = win_error("cannot stop service", name);
    else if (!wait_state(s, SERVICE_STOPPED, &st))
      r = (fprintf(stderr, "xsig service: '%s' still stopping after 60 s\n", name), 1);
    else
      printf("xsig service: '%s' stopped, exit code %lu\n", name,
             (unsigned long)(st.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR ? st.dwServiceSpecificExitCode
                                                                              : st.dwWin32ExitCode));
  }
  if (s)
    CloseServiceHandle(s);
  if (m)
    CloseServiceHandle(m);
  return r;
}

int tool_console_ctrl_c_reaches_groups(void)
{
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll == NULL || GetProcAddress(ntdll, "wine_get_version") == NULL;
}

/* --- xsig group-leader: what earlier versions put before a command ---- */

static xsig_process_t *led;

/* Every console event is the command's to act on (it shares the group):
 * the leader lives on until the command ends. (Windows ends a process
 * after its handler of CLOSE, LOGOFF or SHUTDOWN returns; xsig run's tree
 * stop waits for the whole tree, the command included, either way.) */
static BOOL WINAPI leader_ctrl(DWORD ev)
{
  (void)ev;
  return TRUE;
}

/* The first process of the group xsig run made. Windows starts a new group
 * with Ctrl-C off, which children inherit: a command that does not use
 * xsig (Python, Node, ping) would get no Ctrl-C, and under Wine no console
 * event at all. The leader turns it on for itself and so for the command,
 * with a handler of its own so that Ctrl-C does not end it. It does not
 * run xsig: a signal to the group reaches it through the ladder, which its
 * handler answers without ending it. */
int tool_group_leader(int argc, char **argv)
{
  xsig_status_t st;
  int i = 1, err;
  if (i < argc && strcmp(argv[i], "--") == 0)
    i++;
  if (i >= argc) {
    fprintf(stderr, "xsig group-leader: missing command\n");
    return 125;
  }
  SetConsoleCtrlHandler(NULL, FALSE);
  SetConsoleCtrlHandler(leader_ctrl, TRUE);
  if ((err = xsig_spawn(argv[i], argv + i, 0, &led)) != 0)
    return tool_run_spawn_error(err, argv[i]);
  if ((err = xsig_process_wait(led, -1, &st)) != 0) {
    fprintf(stderr, "xsig group-leader: cannot wait for '%s': %s\n", argv[i], xsig_strerror(err));
    return 125;
  }
  fflush(NULL);
  ExitProcess(st.raw);
}
