/* SPDX-License-Identifier: MIT */
/* xsig-posix: start-up, errors, identity. */
#include "state.h"
#include "posix-time.h"

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static int init_errno;
static uid_t own_uid;

int xsig_posix__errno_of(int err)
{
  switch (err) {
  case XSIG_EINVAL: return EINVAL;
  case XSIG_ENOSYS: return ENOSYS;
  case XSIG_ESRCH: return ESRCH;
  case XSIG_EPERM: return EPERM;
  case XSIG_ENOGRACE: return EPERM;
  case XSIG_EAGAIN: return EAGAIN;
  case XSIG_ETIMEDOUT: return EAGAIN;
  case XSIG_EINTR: return EINTR;
  case XSIG_ENOMEM: return ENOMEM;
  case XSIG_ERANGE: return EINVAL;
  case XSIG_ECHILD: return ECHILD;
  case XSIG_ENOENT: return ENOENT;
  case XSIG_ENOEXEC: return ENOEXEC;
  case XSIG_EBADF: return EBADF;
  case XSIG_ETIMER: return EINVAL;
  default: return EAGAIN; /* XSIG_ESYS, XSIG_ENOTINIT: a resource failed */
  }
}

int xsig_posix__fail(int err)
{
  errno = xsig_posix__errno_of(err);
  return -1;
}

/* The relative identifier (the last sub-authority) of the user's SID:
 * what tells users apart on one machine, as a uid does. */
static uid_t read_uid(void)
{
  HANDLE tok;
  union { TOKEN_USER tu; char buf[256]; } u;
  DWORD len = 0;
  uid_t uid = 0;
  PUCHAR n;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
    return 0;
  if (GetTokenInformation(tok, TokenUser, &u, sizeof u, &len) && IsValidSid(u.tu.User.Sid)) {
    n = GetSidSubAuthorityCount(u.tu.User.Sid);
    if (*n > 0)
      uid = (uid_t)*GetSidSubAuthority(u.tu.User.Sid, *n - 1u);
  }
  CloseHandle(tok);
  return uid;
}

uid_t xsig_posix__uid(void)
{
  return own_uid;
}

int xp_start(void); /* thread.c */

static BOOL CALLBACK init_once(PINIT_ONCE o, PVOID p, PVOID *ctx)
{
  int err;
  (void)o, (void)p, (void)ctx;
  own_uid = read_uid();
  xsig_posix__children_start();
  err = xsig_init();
  /* faults and abort() end the process as the signal's default action
   * does (the parent's waitpid sees WTERMSIG SIGSEGV, SIGABRT...), not
   * through Windows Error Reporting or the C runtime's exit code 3 */
  if (err == 0)
    err = xsig_crash_report(XSIG_NO_HANDLE);
  if (err == 0)
    err = xp_actions_start();
  if (err == 0)
    err = xp_start();
  if (err)
    init_errno = xsig_posix__errno_of(err);
  return TRUE;
}

/* posix-time's start block (children.c): the mask, ignored signals and
 * group a parent's posix_spawn gave this process, applied once, after the
 * start (it calls sigaction and sigprocmask, which start the layer). */
static volatile LONG started;

int xsig_posix__init(void)
{
  InitOnceExecuteOnce(&once, init_once, NULL, NULL);
  if (init_errno) {
    errno = init_errno;
    return -1;
  }
  if (started == 0 && InterlockedCompareExchange(&started, 1, 0) == 0)
    xsig_posix__start_block_apply();
  return 0;
}

/* A child of posix_spawn starts the layer before main, so that the
 * dispositions and mask it was given hold from its first instruction on
 * (a signal may come before it calls the layer). Other programs start it
 * at their first call. */
static void start_if_spawned(void)
{
  if (GetEnvironmentVariableA("XSIG_POSIX_START", NULL, 0) > 0)
    xsig_posix__init();
}
#if defined(__GNUC__) || defined(__clang__)
__attribute__((constructor)) static void xsig_posix__early(void)
{
  start_if_spawned();
}
#elif defined(_MSC_VER)
static void __cdecl xsig_posix__early(void)
{
  start_if_spawned();
}
# pragma section(".CRT$XCU", read)
__declspec(allocate(".CRT$XCU")) void (__cdecl *xsig_posix__early_ptr)(void) = xsig_posix__early;
#endif
