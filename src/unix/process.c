/* Sending on POSIX: kill, sigqueue, and pidfds where Linux has them. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "internal.h"

struct xsig_process {
  int64_t pid;
  int pidfd; /* -1: no pidfd on this kernel; the plain pid is used */
};

static int error_from_errno(int e)
{
  switch (e) {
  case ESRCH: return XSIG_ESRCH;
  case EPERM: return XSIG_EPERM;
  case EINVAL: return XSIG_EINVAL;
  case EAGAIN: return XSIG_EAGAIN;
  case ENOMEM: return XSIG_ENOMEM;
  default: return XSIG_ESYS;
  }
}

static int set_via(int *via, int sig)
{
  if (via)
    *via = sig == 0 ? XSIG_VIA_NONE : XSIG_VIA_KERNEL;
  return 0;
}

int xsig_send(int64_t pid, int sig, intptr_t value, int flags, int *via)
{
  int err = xsig__check_send(pid, sig, flags), r;
  if (err)
    return err;
  if (flags & XSIG_SEND_VALUE) {
    union sigval v;
    v.sival_ptr = (void *)value;
    r = sigqueue((pid_t)pid, sig, v);
  } else {
    r = kill((pid_t)pid, sig);
  }
  return r == 0 ? set_via(via, sig) : error_from_errno(errno);
}

static int pidfd_open_(int64_t pid)
{
#ifdef SYS_pidfd_open
  return (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

int xsig_process_open(int64_t pid, xsig_process_t **out)
{
  xsig_process_t *p;
  if (out == NULL || pid <= 0 || pid > 0x7fffffff)
    return XSIG_EINVAL;
  p = malloc(sizeof *p);
  if (p == NULL)
    return XSIG_ENOMEM;
  p->pid = pid;
  p->pidfd = pidfd_open_(pid);
  if (p->pidfd < 0 && errno != ENOSYS) {
    int err = error_from_errno(errno);
    free(p);
    return err;
  }
  if (p->pidfd < 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
    free(p);
    return XSIG_ESRCH;
  }
  *out = p; /* a pidfd is close-on-exec already */
  return 0;
}

int xsig_process_send(xsig_process_t *p, int sig, intptr_t value, int flags, int *via)
{
  int err;
  if (p == NULL)
    return XSIG_EINVAL;
  err = xsig__check_send(p->pid, sig, flags);
  if (err)
    return err;
  if (p->pidfd < 0)
    return xsig_send(p->pid, sig, value, flags, via);
#ifdef SYS_pidfd_send_signal
  {
    siginfo_t si, *sip = NULL;
    if (flags & XSIG_SEND_VALUE) {
      memset(&si, 0, sizeof si);
      si.si_signo = sig;
      si.si_code = SI_QUEUE;
      si.si_pid = getpid();
      si.si_uid = getuid();
      si.si_value.sival_ptr = (void *)value;
      sip = &si;
    }
    if (syscall(SYS_pidfd_send_signal, p->pidfd, sig, sip, 0) != 0)
      return error_from_errno(errno);
    return set_via(via, sig);
  }
#else
  return xsig_send(p->pid, sig, value, flags, via);
#endif
}

int64_t xsig_process_pid(const xsig_process_t *p)
{
  return p ? p->pid : XSIG_EINVAL;
}

int xsig_process_alive(xsig_process_t *p)
{
  struct pollfd pf;
  if (p == NULL)
    return XSIG_EINVAL;
  if (p->pidfd < 0)
    return kill((pid_t)p->pid, 0) == 0 || errno == EPERM;
  pf.fd = p->pidfd;
  pf.events = POLLIN; /* readable once the process has exited */
  return poll(&pf, 1, 0) == 0;
}

void xsig_process_close(xsig_process_t *p)
{
  if (p == NULL)
    return;
  if (p->pidfd >= 0)
    close(p->pidfd);
  free(p);
}
