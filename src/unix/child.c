/* SPDX-License-Identifier: MIT */
/* Children on POSIX: reaping with waitpid, and the children waitable, an
 * epoll set of their pidfds on Linux (none with POSIX alone: then
 * xsig_wait_child naps). The primitives of src/internal.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"
#include "extras.h"

int xsig__os_child_reap(xsig_process_t *p)
{
  int wstatus = 0;
  pid_t r;
  do
    r = waitpid((pid_t)p->pid, &wstatus, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno == ECHILD)
    return -1;
  if (r != (pid_t)p->pid)
    return 0;
  xsig_status_from_wait(wstatus, &p->status);
  return 1;
}

static int look_for_change(xsig_process_t *p, siginfo_t *si, int flags)
{
  int r;
  memset(si, 0, sizeof *si);
  do
    r = waitid(P_PID, (id_t)p->pid, si, WSTOPPED | WCONTINUED | WNOHANG | flags);
  while (r < 0 && errno == EINTR);
  return r == 0 && si->si_pid == (pid_t)p->pid &&
         (si->si_code == CLD_STOPPED || si->si_code == CLD_CONTINUED);
}

/* WSTOPPED | WCONTINUED alone: an end is left for xsig__os_child_reap. A
 * look first (WNOWAIT): a tracer's stop (CLD_TRAPPED) is not ours to take. */
int xsig__os_child_change(xsig_process_t *p)
{
  siginfo_t si;
  if (!look_for_change(p, &si, WNOWAIT) || !look_for_change(p, &si, 0))
    return 0;
  return si.si_code == CLD_CONTINUED ? XSIG_CONT : si.si_status;
}

int xsig__os_reap_any(int64_t *pid, xsig_status_t *st)
{
  int wstatus = 0;
  pid_t r;
  do
    r = waitpid(-1, &wstatus, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return errno == ECHILD ? 0 : XSIG_ESYS;
  if (r == 0)
    return 0;
  *pid = r;
  xsig_status_from_wait(wstatus, st);
  return 1;
}

/* On the pidfd where there is one (readable once the child ended), else
 * a look that leaves it a zombie (WNOWAIT) every 10 ms. */
void xsig__os_child_wait_end(xsig_process_t *p, int timeout_ms)
{
  int64_t deadline = xsig__os_now_ms() + timeout_ms;
  struct pollfd pf;
  if (p->os.pidfd >= 0) {
    pf.fd = p->os.pidfd;
    pf.events = POLLIN;
    poll(&pf, 1, timeout_ms);
    return;
  }
  for (;;) {
    siginfo_t si;
    int64_t left = deadline - xsig__os_now_ms();
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid != 0)
      return; /* ended (or not ours any more) */
    if (timeout_ms >= 0 && left <= 0)
      return;
    xsig__os_nap(timeout_ms < 0 || left > 10 ? 10 : (int)left);
  }
}

/* --- the children waitable: an epoll set of the children's pidfds ------- */

/* Made at the first call, under the children lock, and then never
 * changed (so read without it); a forked child drops the parent's: an
 * epoll set is shared across fork. empty_pipe holds one byte while the
 * list is empty, so that a blocked xsig_wait_child wakes for XSIG_ECHILD. */
static int children_epoll = -1;
static int empty_pipe[2] = { -1, -1 };
static int empty_marked;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void close_fd(int *fd)
{
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

static void forget_after_fork(void)
{
  xsig__children_after_fork();
  close_fd(&children_epoll);
  close_fd(&empty_pipe[0]);
  close_fd(&empty_pipe[1]);
  empty_marked = 0;
}

static void register_atfork(void)
{
  pthread_atfork(NULL, NULL, forget_after_fork);
}

xsig_os_handle_t xsig__os_children_waitable_locked(void)
{
  pthread_once(&atfork_once, register_atfork);
  if (children_epoll >= 0)
    return children_epoll;
  if (xsig__unix_pipe(empty_pipe) != 0)
    return XSIG_NO_HANDLE;
  if ((children_epoll = xsig__unix_set_create()) < 0) {
    close_fd(&empty_pipe[0]);
    close_fd(&empty_pipe[1]);
    return XSIG_NO_HANDLE;
  }
  xsig__os_children_empty_locked(xsig__children_none_locked());
  return children_epoll;
}

void xsig__os_children_empty_locked(int empty)
{
  char c = 0;
  if (empty_pipe[0] < 0 || empty == empty_marked)
    return;
  if (empty ? write(empty_pipe[1], &c, 1) == 1 : read(empty_pipe[0], &c, 1) == 1)
    empty_marked = empty;
}

void xsig__os_children_wait(int timeout_ms)
{
  struct pollfd p[2];
  p[0].fd = children_epoll;
  p[0].events = POLLIN;
  p[1].fd = empty_pipe[0];
  p[1].events = POLLIN;
  poll(p, 2, timeout_ms);
}

int xsig__os_child_watch(xsig_process_t *p)
{
  if (p->os.pidfd < 0 || xsig__os_children_waitable_locked() < 0)
    return 0;
  return xsig__unix_set_add(children_epoll, p->os.pidfd) == 0;
}

void xsig__os_child_unwatch(xsig_process_t *p)
{
  if (p->os.pidfd >= 0 && children_epoll >= 0)
    xsig__unix_set_del(children_epoll, p->os.pidfd);
}

/* The epoll set is level-triggered: ready exactly while a pidfd in it is. */
void xsig__os_children_rearm_locked(int ready)
{
  (void)ready;
}

