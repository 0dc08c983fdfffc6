#include <windows.h>
#include <tlhelp32.h>
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

void tool_exit_like_signal(int sig)
{
  fflush(NULL);
  exit(128 + sig);
}

/* Children first, then theirs: one snapshot, walked breadth first. */
int tool_descendants(int64_t pid, int64_t *out, int max)
{
  PROCESSENTRY32 pe;
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  int n = 0, done;
  if (snap == INVALID_HANDLE_VALUE)
    return XSIG_ESYS;
  for (done = -1; done < n && n < max; done++) {
    int64_t parent = done < 0 ? pid : out[done];
    pe.dwSize = sizeof pe;
    if (!Process32First(snap, &pe))
      break;
    do
      if ((int64_t)pe.th32ParentProcessID == parent && (int64_t)pe.th32ProcessID != pid && n < max)
        out[n++] = pe.th32ProcessID;
    while (Process32Next(snap, &pe));
  }
  CloseHandle(snap);
  return n;
}

const char *tool_error_text(int err)
{
  switch (err) {
  case XSIG_ESRCH: return "No such process";
  case XSIG_EPERM: return "Operation not permitted";
  case XSIG_EINVAL: return "Invalid argument";
  case XSIG_ENOGRACE: return "no graceful way to signal this process (it does not use xsig, "
                             "has no window and leads no console group; --force ends it)";
  default: return xsig_strerror(err);
  }
}

void tool_exit_like_child(const xsig_status_t *st)
{
  if ((st->raw & 0xFFFFFF00u) == XSIG_WIN_EXIT_BASE || st->raw == xsig_win_exit_code(XSIG_INT))
    tool_exit_like_signal(st->signo);
  fflush(NULL);
  exit((int)st->raw);
}
