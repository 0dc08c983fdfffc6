/* Sending on POSIX: kill, sigqueue, and pidfds where Linux has them. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"
#include "procfs.h"

extern char **environ;

struct xsig_process {
  int64_t pid;
  int pidfd;   /* -1: no pidfd on this kernel; the plain pid is used */
  int child;   /* spawned by xsig_spawn: we may wait for it */
  int64_t pgid;
  int reaped;
  int wstatus;
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
  p = calloc(1, sizeof *p);
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
  if (p->reaped)
    return XSIG_ESRCH; /* its pid may belong to another process by now */
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
  if (p->reaped)
    return 0;
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

/* Every signal at its default, an empty mask, and a new group if asked,
 * all applied in the child before exec. (posix_spawnp rather than fork and
 * execvp: execvp is not async-signal-safe, so a threaded parent's child
 * could deadlock in it.) */
static int spawn_attributes(posix_spawnattr_t *a, int flags)
{
  sigset_t all, none;
  short how = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  int e = posix_spawnattr_init(a);
  if (e)
    return e;
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  sigemptyset(&none);
  if (flags & XSIG_SPAWN_NEW_GROUP)
    how |= POSIX_SPAWN_SETPGROUP; /* pgroup 0: the child's own pid */
  if ((e = posix_spawnattr_setsigdefault(a, &all)) == 0 && (e = posix_spawnattr_setsigmask(a, &none)) == 0)
    e = posix_spawnattr_setflags(a, how);
  if (e)
    posix_spawnattr_destroy(a);
  return e;
}

static int spawn_error(int e)
{
  switch (e) {
  case ENOENT:
  case ENOTDIR:
    return XSIG_ENOENT;
  case EACCES:
  case ENOEXEC:
  case EPERM:
  case EISDIR:
    return XSIG_ENOEXEC;
  case ENOMEM:
    return XSIG_ENOMEM;
  default:
    return XSIG_ESYS;
  }
}

int xsig_spawn(const char *file, char *const argv[], int flags, xsig_process_t **out)
{
  xsig_process_t *p;
  posix_spawnattr_t attr;
  int e;
  pid_t pid;
  if (file == NULL || argv == NULL || argv[0] == NULL || out == NULL ||
      (flags & ~XSIG_SPAWN_NEW_GROUP))
    return XSIG_EINVAL;
  p = calloc(1, sizeof *p);
  if (p == NULL)
    return XSIG_ENOMEM;
  e = spawn_attributes(&attr, flags);
  if (e == 0) {
    e = posix_spawnp(&pid, file, NULL, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
  }
  if (e) {
    free(p);
    return spawn_error(e);
  }
  if (flags & XSIG_SPAWN_NEW_GROUP)
    setpgid(pid, pid); /* where posix_spawnp returns before the child's exec */
  p->pid = pid;
  p->child = 1;
  p->pgid = (flags & XSIG_SPAWN_NEW_GROUP) ? pid : 0;
  p->pidfd = pidfd_open_(pid);
  *out = p;
  return 0;
}

int64_t xsig_process_group(const xsig_process_t *p)
{
  return p ? p->pgid : 0;
}

xsig_os_handle_t xsig_process_waitable(const xsig_process_t *p)
{
  return p ? p->pidfd : -1;
}

static int reap(xsig_process_t *p, int options)
{
  pid_t r;
  if (p->reaped)
    return 1;
  do
    r = waitpid((pid_t)p->pid, &p->wstatus, options);
  while (r < 0 && errno == EINTR);
  if (r == (pid_t)p->pid)
    p->reaped = 1;
  return p->reaped;
}

static void nap_or_poll(xsig_process_t *p, int ms)
{
  struct pollfd pf;
  if (p->pidfd >= 0 && !p->reaped) {
    pf.fd = p->pidfd;
    pf.events = POLLIN;
    poll(&pf, 1, ms);
  } else {
    struct timespec ts = { 0, (long)ms * 1000000 };
    nanosleep(&ts, NULL);
  }
}

int xsig_process_wait(xsig_process_t *p, int timeout_ms, xsig_status_t *st)
{
  int64_t deadline = xsig__os_now_ms() + timeout_ms;
  if (p == NULL)
    return XSIG_EINVAL;
  if (!p->child)
    return XSIG_ECHILD;
  if (timeout_ms < 0)
    reap(p, 0);
  while (!reap(p, WNOHANG)) {
    int64_t left = deadline - xsig__os_now_ms();
    if (left <= 0)
      return XSIG_ETIMEDOUT;
    nap_or_poll(p, left < 10 ? (int)left : 10);
  }
  return st ? xsig_status_from_wait(p->wstatus, st) : 0;
}

/* Gone: the leader reaped and nobody left in its group. */
static int tree_gone(xsig_process_t *p)
{
  reap(p, WNOHANG);
  if (!p->reaped)
    return 0;
  if (p->pgid == 0 || (kill((pid_t)-p->pgid, 0) != 0 && errno == ESRCH))
    return 1;
  /* a zombie counts for kill(-pgid, 0) until its new parent reaps it */
  return xsig__proc_group_live(p->pgid) == 0;
}

static int wait_tree(xsig_process_t *p, int ms)
{
  int64_t deadline = xsig__os_now_ms() + ms;
  while (!tree_gone(p)) {
    if (xsig__os_now_ms() >= deadline)
      return 0;
    nap_or_poll(p, 2);
  }
  return 1;
}

static void send_tree(xsig_process_t *p, int sig)
{
  if (p->pgid)
    kill((pid_t)-p->pgid, sig);
  else if (!p->reaped)
    kill((pid_t)p->pid, sig);
}

int xsig_process_stop_tree(xsig_process_t *p, int sig, int grace_ms, xsig_status_t *st, int *forced)
{
  int err = sig == 0 ? 0 : xsig__check(sig);
  if (p == NULL || err || grace_ms < 0)
    return p == NULL ? XSIG_EINVAL : err ? err : XSIG_EINVAL;
  if (!p->child)
    return XSIG_ECHILD;
  if (forced)
    *forced = 0;
  sig = sig ? sig : SIGTERM;
  send_tree(p, sig);
  /* as systemd does: a stopped member can act on sig only once continued */
  if (sig != SIGKILL && sig != SIGCONT && xsig__dfl_kind(sig) != XSIG__DFL_STOP)
    send_tree(p, SIGCONT);
  if (grace_ms == 0 || !wait_tree(p, grace_ms)) { /* no grace: no need to look */
    if (forced)
      *forced = 1;
    send_tree(p, SIGKILL);
    if (!wait_tree(p, 10000))
      return XSIG_ETIMEDOUT;
  }
  return xsig_process_wait(p, 0, st);
}
