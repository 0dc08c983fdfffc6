/* SPDX-License-Identifier: MIT */
/* The stand-ins for Linux's extras (src/unix/extras.h), with POSIX.1-2008
 * alone: what a macOS or FreeBSD port runs. Built instead of linux.c when
 * XSIG_LINUX_EXTRAS is OFF (CI runs the Linux suite so too). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#include "extras.h"

int xsig__unix_pidfd_open(int64_t pid)
{
  (void)pid;
  errno = ENOSYS; /* the plain pid, with the race xsig.h describes */
  return -1;
}

int xsig__unix_pidfd_send(int pidfd, int sig, intptr_t value, int queue)
{
  (void)pidfd, (void)sig, (void)value, (void)queue;
  errno = ENOSYS;
  return -1;
}

static int set_fd_flag(int fd, int get, int set, int flag)
{
  int f = fcntl(fd, get);
  return f < 0 ? -1 : fcntl(fd, set, f | flag);
}

int xsig__unix_pipe(int fds[2])
{
  int i;
  if (pipe(fds) != 0)
    return -1;
  for (i = 0; i < 2; i++)
    if (set_fd_flag(fds[i], F_GETFD, F_SETFD, FD_CLOEXEC) != 0 ||
        set_fd_flag(fds[i], F_GETFL, F_SETFL, O_NONBLOCK) != 0) {
      close(fds[0]);
      close(fds[1]);
      return -1;
    }
  return 0;
}

int xsig__unix_pipe_grow(int fd)
{
  (void)fd;
  return 0;
}

int xsig__unix_set_create(void)
{
  return -1; /* no pollable set of fds in POSIX: xsig_wait_child naps */
}

int xsig__unix_set_add(int set, int fd)
{
  (void)set, (void)fd;
  return -1;
}

void xsig__unix_set_del(int set, int fd)
{
  (void)set, (void)fd;
}

uint64_t xsig__unix_thread_id(void)
{
  pthread_t self = pthread_self(); /* async-signal-safe since POSIX.1-2008 TC2 */
  uint64_t id = 0;
  memcpy(&id, &self, sizeof self < sizeof id ? sizeof self : sizeof id);
  return id;
}

int xsig__unix_is_tkill(int si_code)
{
  (void)si_code;
  return 0;
}

int xsig__unix_group_live(int64_t pgid)
{
  (void)pgid;
  return -1;
}

int xsig__unix_group_count(int64_t pgid)
{
  (void)pgid;
  return -1;
}

int xsig__unix_descendants(int64_t pid, int64_t *out, int *depth, int max)
{
  (void)pid, (void)out, (void)depth, (void)max;
  return XSIG_ENOSYS; /* POSIX has no way to list processes */
}

int xsig__unix_process_list(struct xsig_proc_entry *out, int max)
{
  (void)out, (void)max;
  return XSIG_ENOSYS; /* POSIX has no way to list processes */
}

int xsig__unix_process_cmdline(int64_t pid, char *buf, size_t size)
{
  (void)pid, (void)buf, (void)size;
  return XSIG_ENOSYS;
}
