#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
