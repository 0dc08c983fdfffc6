/* Sending: argument checks and the wrappers shared by both platforms. */
#include "internal.h"

int xsig__check_send(int64_t pid, int sig, int flags)
{
  int err = sig == 0 ? 0 : xsig__check(sig);
  if (err)
    return err;
  if (flags & ~(XSIG_SEND_VALUE | XSIG_SEND_FORCE))
    return XSIG_EINVAL;
  if (pid == -1 || pid > 0x7fffffff || pid < -0x7fffffff)
    return XSIG_EINVAL; /* -1 would be every process: refused */
  if ((flags & XSIG_SEND_VALUE) && pid <= 0)
    return XSIG_EINVAL; /* sigqueue takes one process */
  return 0;
}

int xsig_kill(int64_t pid, int sig)
{
  return xsig_send(pid, sig, 0, 0, NULL);
}

int xsig_queue(int64_t pid, int sig, intptr_t value)
{
  return xsig_send(pid, sig, value, XSIG_SEND_VALUE, NULL);
}

int xsig_killpg(int64_t pgid, int sig)
{
  if (pgid <= 1)
    return XSIG_EINVAL;
  return xsig_send(-pgid, sig, 0, 0, NULL);
}

const char *xsig_via_name(int via)
{
  static const char *const names[] = {
    "nothing to do", "kernel", "xsig transport", "console control event",
    "CtrlRoutine thread", "WM_CLOSE", "TerminateProcess", "NtSuspendProcess",
    "NtResumeProcess",
  };
  if (via < 0 || via >= (int)(sizeof names / sizeof names[0]))
    return "unknown";
  return names[via];
}
