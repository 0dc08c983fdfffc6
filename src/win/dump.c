/* SPDX-License-Identifier: MIT */
/* Minidumps: what POSIX calls core dumps (docs/faults.md). dbghelp.dll's
 * MiniDumpWriteDump, loaded when first needed (before a crash, by
 * xsig_crash_dump: loading a DLL from a crashed process can deadlock on
 * the loader lock). Files go to DIR\EXE.PID.dmp, named as Windows Error
 * Reporting names them. dump_lock guards dir_set and dir. */
#include <string.h>
#include "internal.h"
#include <dbghelp.h> /* after windows.h */

typedef BOOL(WINAPI *write_dump_fn)(HANDLE, DWORD, HANDLE, MINIDUMP_TYPE, PMINIDUMP_EXCEPTION_INFORMATION,
                                    PMINIDUMP_USER_STREAM_INFORMATION, PMINIDUMP_CALLBACK_INFORMATION);

static SRWLOCK dump_lock = SRWLOCK_INIT;
static int dir_set;              /* the program chose (xsig_set_dump_dir) */
static wchar_t dir[MAX_PATH];    /* its choice; "" for no dumps */
static xsig__atomic_long crash_dump_on;

int xsig__os_set_dump_dir(const char *d)
{
  wchar_t w[MAX_PATH];
  if (d && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, d, -1, w, MAX_PATH) == 0)
    return XSIG_EINVAL;
  AcquireSRWLockExclusive(&dump_lock);
  dir_set = d != NULL;
  if (d)
    memcpy(dir, w, sizeof w);
  ReleaseSRWLockExclusive(&dump_lock);
  return 0;
}

/* The environment's XSIG_DUMP_DIR into out: 1 if set ("" too), else 0. */
static int dir_from_env(wchar_t *out, DWORD size)
{
  DWORD n;
  SetLastError(0);
  n = GetEnvironmentVariableW(L"XSIG_DUMP_DIR", out, size);
  if (n >= size)
    return 0; /* too long to use: the default */
  if (n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND)
    return 0;
  out[n] = 0;
  return 1;
}

/* %LOCALAPPDATA%\CrashDumps, or the temporary folder's CrashDumps. */
static int default_dir(wchar_t *out, DWORD size)
{
  DWORD n = GetEnvironmentVariableW(L"LOCALAPPDATA", out, size);
  if (n == 0 || n + 12 >= size)
    n = GetTempPathW(size, out);
  if (n == 0 || n + 12 >= size)
    return XSIG_ERANGE;
  if (out[n - 1] != L'\\')
    out[n++] = L'\\';
  memcpy(out + n, L"CrashDumps", 11 * sizeof(wchar_t));
  return 0;
}

/* The folder, made if missing: 0, or XSIG_ENOENT when dumps are off. */
static int dump_dir(wchar_t *out, DWORD size)
{
  int set, err = 0;
  AcquireSRWLockShared(&dump_lock);
  if ((set = dir_set) != 0)
    memcpy(out, dir, sizeof dir);
  ReleaseSRWLockShared(&dump_lock);
  if (!set && !dir_from_env(out, size))
    err = default_dir(out, size);
  if (err)
    return err;
  if (out[0] == 0)
    return XSIG_ENOENT;
  CreateDirectoryW(out, NULL); /* there already is fine */
  return 0;
}

static void append_ulong(wchar_t *s, unsigned long v)
{
  wchar_t digits[16];
  int n = 0;
  do
    digits[n++] = (wchar_t)(L'0' + v % 10);
  while ((v /= 10) != 0);
  s += wcslen(s);
  while (n > 0)
    *s++ = digits[--n];
  *s = 0;
}

/* DIR\EXE.PID.dmp for process h. */
static int dump_file(HANDLE h, DWORD pid, wchar_t *path, DWORD size)
{
  wchar_t image[MAX_PATH];
  const wchar_t *exe;
  DWORD n = MAX_PATH;
  int err = dump_dir(path, size);
  if (err)
    return err;
  if (!QueryFullProcessImageNameW(h, 0, image, &n))
    return GetLastError() == ERROR_ACCESS_DENIED ? XSIG_EPERM : XSIG_ESRCH;
  exe = wcsrchr(image, L'\\');
  exe = exe ? exe + 1 : image;
  if (wcslen(path) + wcslen(exe) + 20 >= size)
    return XSIG_ERANGE;
  wcscat(path, L"\\");
  wcscat(path, exe);
  wcscat(path, L".");
  append_ulong(path, (unsigned long)pid);
  wcscat(path, L".dmp");
  return 0;
}

int xsig__os_dump_path(int64_t pid, char *buf, size_t size)
{
  wchar_t path[MAX_PATH];
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
  int err;
  if (h == NULL)
    return GetLastError() == ERROR_ACCESS_DENIED ? XSIG_EPERM : XSIG_ESRCH;
  err = dump_file(h, (DWORD)pid, path, MAX_PATH);
  CloseHandle(h);
  if (err == 0 && WideCharToMultiByte(CP_UTF8, 0, path, -1, buf, (int)size, NULL, NULL) == 0)
    err = XSIG_ERANGE;
  return err;
}

static INIT_ONCE dbghelp_once = INIT_ONCE_STATIC_INIT;
static write_dump_fn write_dump;

static BOOL CALLBACK load_dbghelp_once(PINIT_ONCE once, PVOID arg, PVOID *ctx)
{
  HMODULE m = LoadLibraryW(L"dbghelp.dll");
  FARPROC f = m ? GetProcAddress(m, "MiniDumpWriteDump") : NULL;
  (void)once, (void)arg, (void)ctx;
  if (f)
    memcpy(&write_dump, &f, sizeof f); /* FARPROC to its real type, without a cast */
  return TRUE;
}

static write_dump_fn load_dbghelp(void)
{
  InitOnceExecuteOnce(&dbghelp_once, load_dbghelp_once, NULL, NULL);
  return write_dump;
}

int xsig__win_write_dump(HANDLE h, DWORD tid, EXCEPTION_POINTERS *ep, wchar_t *path, DWORD size)
{
  MINIDUMP_EXCEPTION_INFORMATION mei;
  write_dump_fn fn = load_dbghelp();
  DWORD pid = GetProcessId(h);
  HANDLE file;
  BOOL ok;
  int err;
  if (fn == NULL)
    return XSIG_ENOSYS;
  if ((err = dump_file(h, pid, path, size)) != 0)
    return err;
  file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  if (file == INVALID_HANDLE_VALUE)
    return XSIG_ESYS;
  mei.ThreadId = tid;
  mei.ExceptionPointers = ep;
  mei.ClientPointers = FALSE; /* ours: the same process */
  ok = fn(h, pid, file, MiniDumpNormal, ep ? &mei : NULL, NULL, NULL);
  CloseHandle(file);
  if (!ok)
    DeleteFileW(path);
  return ok ? 0 : XSIG_ESYS;
}

int xsig__os_crash_dump(int on)
{
  if (on && load_dbghelp() == NULL)
    return XSIG_ESYS;
  xsig__atomic_store(&crash_dump_on, on);
  return 0;
}

int xsig__win_crash_dump_on(void) { return (int)xsig__atomic_load(&crash_dump_on); }

/* QUIT's default action: a dump of ourselves, said on stderr. 1 if it
 * was written. */
int xsig__win_dump_self(void)
{
  wchar_t path[MAX_PATH];
  char line[MAX_PATH * 3 + 64];
  DWORD n;
  int err = xsig__win_write_dump(GetCurrentProcess(), 0, NULL, path, MAX_PATH);
  if (err == XSIG_ENOENT)
    return 0; /* dumps are off */
  if (err == 0) {
    strcpy(line, "xsig: QUIT: minidump written to ");
    n = (DWORD)strlen(line);
    n += (DWORD)WideCharToMultiByte(CP_UTF8, 0, path, -1, line + n, (int)(sizeof line - n - 2), NULL, NULL);
    if (n > 0 && line[n - 1] == 0)
      n--;
  } else {
    strcpy(line, "xsig: QUIT: no minidump: ");
    strcat(line, xsig_strerror(err));
    n = (DWORD)strlen(line);
  }
  line[n++] = '\n';
  WriteFile(GetStdHandle(STD_ERROR_HANDLE), line, n, &n, NULL);
  return err == 0;
}
