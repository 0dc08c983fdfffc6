/* Descendants of a process: one Toolhelp snapshot, walked breadth first.
 * Windows keeps a parent's pid after the parent is gone, and the pid can be
 * reused: a "child" created before its "parent" belongs to someone else. */
#include "internal.h"
#include <tlhelp32.h> /* needs windows.h first (internal.h) */

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

int xsig__os_descendants(int64_t pid, int64_t *out, int max)
{
  HANDLE snap;
  int n = 0, done;
  if (!exists(pid))
    return XSIG_ESRCH;
  snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snap == INVALID_HANDLE_VALUE)
    return XSIG_ESYS;
  for (done = -1; done < n && n < max; done++) {
    int64_t parent = done < 0 ? pid : out[done];
    uint64_t born = created_at(parent);
    if (born != 0)
      n = add_children(snap, pid, parent, born, out, n, max);
  }
  CloseHandle(snap);
  return n;
}
