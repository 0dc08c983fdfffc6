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
int tool_handle_valid(xsig_os_handle_t h) { return h != NULL && h != INVALID_HANDLE_VALUE; }

void tool_exit_like_signal(int sig)
{
  fflush(NULL);
  exit(128 + sig);
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

/* Children first, then theirs: one snapshot, walked breadth first. Windows
 * keeps a parent's pid after the parent is gone, and the pid can be reused:
 * a "child" created before its "parent" belongs to someone else. */
int tool_descendants(int64_t pid, int64_t *out, int max)
{
  PROCESSENTRY32 pe;
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  int n = 0, done;
  if (snap == INVALID_HANDLE_VALUE)
    return XSIG_ESYS;
  for (done = -1; done < n && n < max; done++) {
    int64_t parent = done < 0 ? pid : out[done];
    uint64_t born = created_at(parent);
    pe.dwSize = sizeof pe;
    if (born == 0 || !Process32First(snap, &pe))
      continue;
    do {
      uint64_t t;
      if ((int64_t)pe.th32ParentProcessID != parent || (int64_t)pe.th32ProcessID == pid || n >= max)
        continue;
      t = created_at(pe.th32ProcessID);
      if (t != 0 && t >= born)
        out[n++] = pe.th32ProcessID;
    } while (Process32Next(snap, &pe));
  }
  CloseHandle(snap);
  return n;
}

void tool_exit_like_child(const xsig_status_t *st)
{
  if ((st->raw & 0xFFFFFF00u) == XSIG_WIN_EXIT_BASE || st->raw == xsig_win_exit_code(XSIG_INT))
    tool_exit_like_signal(st->signo);
  fflush(NULL);
  exit((int)st->raw);
}
