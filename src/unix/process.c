/* Processes on POSIX: kill, sigqueue, posix_spawnp, waitpid, and pidfds
 * where Linux has them. The primitives of src/internal.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"
#include "extras.h"

extern char **environ;

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

int xsig__os_send(int64_t pid, int sig, intptr_t value, int flags, int *via)
{
  int r;
  if (flags & XSIG_SEND_VALUE) {
    union sigval v;
    v.sival_ptr = (void *)value;
    r = sigqueue((pid_t)pid, sig, v);
  } else {
    r = kill((pid_t)pid, sig);
  }
  return r == 0 ? set_via(via, sig) : error_from_errno(errno);
}

/* A pidfd where the kernel has them (close-on-exec already), else -1 and
 * the plain pid, with the race the header describes. */
int xsig__os_process_open(xsig_process_t *p)
{
  p->os.pidfd = xsig__unix_pidfd_open(p->pid);
  if (p->os.pidfd < 0 && errno != ENOSYS)
    return error_from_errno(errno);
  return 0;
}

int xsig__os_process_send(xsig_process_t *p, int sig, intptr_t value, int flags, int *via)
{
  if (p->os.pidfd < 0)
    return xsig__os_send(p->pid, sig, value, flags, via);
  if (xsig__unix_pidfd_send(p->os.pidfd, sig, value, flags & XSIG_SEND_VALUE) != 0)
    return error_from_errno(errno);
  return set_via(via, sig);
}

int xsig__os_process_alive(xsig_process_t *p)
{
  struct pollfd pf;
  if (p->os.pidfd < 0)
    return kill((pid_t)p->pid, 0) == 0 || errno == EPERM;
  pf.fd = p->os.pidfd;
  pf.events = POLLIN; /* readable once the process has exited */
  return poll(&pf, 1, 0) == 0;
}

void xsig__os_process_close(xsig_process_t *p)
{
  if (p->os.pidfd >= 0)
    close(p->os.pidfd);
}

/* --- children ----------------------------------------------------------- */

/* Every signal at its default, an empty mask, and a new group if asked,
 * all applied in the child before exec. (posix_spawnp rather than fork and
 * execvp: execvp is not async-signal-safe, so a threaded parent's child
 * could deadlock in it.) */
static int spawn_attributes(posix_spawnattr_t *a, int flags, int64_t join)
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
  if (join > 0 && (e = posix_spawnattr_setpgroup(a, (pid_t)join)) == 0)
    how |= POSIX_SPAWN_SETPGROUP;
  if (e == 0 && (e = posix_spawnattr_setsigdefault(a, &all)) == 0 && (e = posix_spawnattr_setsigmask(a, &none)) == 0)
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

/* The child's fd i is o->fds[i]. Each source is first copied above
 * nfds (close-on-exec, so the copies go at exec), so that no dup2 can
 * overwrite a source that a later one still needs. *tmp gets the copies. */
static int spawn_fds(posix_spawn_file_actions_t *fa, const xsig_spawn_options_t *o, int *tmp)
{
  int i, e = 0;
  for (i = 0; i < o->nfds; i++)
    tmp[i] = -1;
  for (i = 0; i < o->nfds && e == 0; i++) {
    if (o->fds[i] == XSIG_NO_HANDLE)
      e = posix_spawn_file_actions_addclose(fa, i);
    else if ((tmp[i] = fcntl(o->fds[i], F_DUPFD_CLOEXEC, o->nfds)) < 0)
      e = errno == EBADF ? -1 : errno;
    else
      e = posix_spawn_file_actions_adddup2(fa, tmp[i], i);
  }
  return e;
}

static void close_all(const int *tmp, int n)
{
  int i;
  for (i = 0; i < n; i++)
    if (tmp[i] >= 0)
      close(tmp[i]);
}

int xsig__os_spawn(const char *file, char *const argv[], const xsig_spawn_options_t *o, xsig_process_t *p)
{
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t fa;
  int tmp[XSIG_SPAWN_FDS_MAX];
  char *const *envp = o->envp ? o->envp : environ;
  pid_t pid;
  int e = posix_spawn_file_actions_init(&fa);
  if (e)
    return spawn_error(e);
  e = spawn_fds(&fa, o, tmp);
  if (e == 0 && (e = spawn_attributes(&attr, o->flags, o->pgid)) == 0) {
    e = posix_spawnp(&pid, file, &fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
  }
  posix_spawn_file_actions_destroy(&fa);
  close_all(tmp, o->nfds);
  if (e)
    return e < 0 ? XSIG_EBADF : e == EPERM && o->pgid > 0 ? XSIG_EPERM : spawn_error(e);
  if (o->flags & XSIG_SPAWN_NEW_GROUP)
    setpgid(pid, pid); /* where posix_spawnp returns before the child's exec */
  else if (o->pgid > 0)
    setpgid(pid, (pid_t)o->pgid);
  p->joined = o->pgid;
  p->pid = pid;
  p->pgid = (o->flags & XSIG_SPAWN_NEW_GROUP) ? pid : 0;
  p->os.pidfd = xsig__unix_pidfd_open(pid);
  return 0;
}

xsig_os_handle_t xsig__os_process_waitable(const xsig_process_t *p)
{
  return p->os.pidfd;
}

void xsig__os_nap(int ms)
{
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000;
  nanosleep(&ts, NULL);
}

/* --- trees: the child's process group ----------------------------------- */

static void send_tree(xsig_process_t *p, int sig)
{
  if (p->pgid)
    kill((pid_t)-p->pgid, sig);
  else if (!xsig__child_reaped(p))
    kill((pid_t)p->pid, sig);
}

/* POSIX cannot tell which members are stopped: CONT to the whole group,
 * which is harmless to the others. */
void xsig__os_tree_send(xsig_process_t *p, int sig, int cont_after)
{
  send_tree(p, sig);
  if (cont_after)
    send_tree(p, SIGCONT);
}

void xsig__os_tree_kill(xsig_process_t *p)
{
  send_tree(p, SIGKILL);
}

int xsig__os_tree_gone(xsig_process_t *p)
{
  if (p->pgid == 0 || (kill((pid_t)-p->pgid, 0) != 0 && errno == ESRCH))
    return 1;
  /* a zombie counts for kill(-pgid, 0) until its new parent reaps it;
   * where /proc cannot tell, wait until it is reaped */
  return xsig__unix_group_live(p->pgid) == 0;
}
