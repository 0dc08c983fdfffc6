/* SPDX-License-Identifier: MIT */
/* Linux's extras (src/unix/extras.h): pidfds, epoll, pipe2, SI_TKILL, /proc. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "internal.h"
#include "extras.h"
#include "procfs.h"

#if !defined(__linux__)
# error "src/unix/linux.c is for Linux: configure with -DXSIG_LINUX_EXTRAS=OFF elsewhere"
#endif

int xsig__unix_pidfd_open(int64_t pid)
{
#ifdef SYS_pidfd_open
  return (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
#else
  (void)pid;
  errno = ENOSYS; /* headers older than Linux 5.3 */
  return -1;
#endif
}

int xsig__unix_pidfd_send(int pidfd, int sig, intptr_t value, int queue)
{
#ifdef SYS_pidfd_send_signal
  siginfo_t si, *sip = NULL;
  if (queue) {
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_ptr = (void *)value;
    sip = &si;
  }
  return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, sip, 0);
#else
  (void)pidfd, (void)sig, (void)value, (void)queue;
  errno = ENOSYS;
  return -1;
#endif
}

int xsig__unix_pipe(int fds[2])
{
  return pipe2(fds, O_CLOEXEC | O_NONBLOCK);
}

int xsig__unix_pipe_grow(int fd)
{
  fcntl(fd, F_SETPIPE_SZ, 1 << 20); /* best effort: more room in storms */
  return fcntl(fd, F_GETPIPE_SZ);
}

int xsig__unix_set_create(void)
{
  return epoll_create1(EPOLL_CLOEXEC);
}

int xsig__unix_set_add(int set, int fd)
{
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  return epoll_ctl(set, EPOLL_CTL_ADD, fd, &ev);
}

void xsig__unix_set_del(int set, int fd)
{
  struct epoll_event ev; /* kernels before 2.6.9 want one */
  epoll_ctl(set, EPOLL_CTL_DEL, fd, &ev);
}

uint64_t xsig__unix_thread_id(void)
{
  return (uint64_t)syscall(SYS_gettid);
}

int xsig__unix_is_tkill(int si_code)
{
  return si_code == SI_TKILL;
}

int xsig__unix_group_live(int64_t pgid)
{
  return xsig__linux_proc_group_live(pgid);
}

struct group_count {
  int64_t pgid;
  int n;
};

static int count_member(const struct xsig__linux_proc *p, void *arg)
{
  struct group_count *c = arg;
  c->n += p->pgrp == c->pgid && p->state != 'Z' && p->state != 'X';
  return 0;
}

int xsig__unix_group_count(int64_t pgid)
{
  struct group_count c;
  c.pgid = pgid;
  c.n = 0;
  return xsig__linux_proc_each(count_member, &c) < 0 ? -1 : c.n;
}

/* --- descendants: one pass over /proc, then breadth first through the
 * parent links. A parent link always names a live process (the kernel
 * hands orphans to a reaper), so no age check is needed. */

struct proc_list {
  struct xsig__linux_proc *p;
  int n, max;
};

static int collect(const struct xsig__linux_proc *p, void *arg)
{
  struct proc_list *l = arg;
  if (l->n < l->max)
    l->p[l->n++] = *p;
  return 0;
}

int xsig__unix_descendants(int64_t pid, int64_t *out, int *depth, int max)
{
  struct proc_list l;
  struct xsig__linux_proc self;
  int n = 0, done, i;
  if (max == 0) /* only whether processes can be listed: no scan */
    return xsig__linux_proc_get(getpid(), &self) == 0 ? 0 : XSIG_ENOSYS;
  l.max = 65536;
  l.n = 0;
  l.p = malloc((size_t)l.max * sizeof *l.p);
  if (l.p == NULL)
    return XSIG_ENOMEM;
  if (xsig__linux_proc_each(collect, &l) < 0) {
    free(l.p);
    return XSIG_ENOSYS; /* /proc not mounted */
  }
  for (done = -1; done < n && n < max; done++) {
    int64_t parent = done < 0 ? pid : out[done];
    for (i = 0; i < l.n && n < max; i++)
      if (l.p[i].ppid == parent) {
        if (depth)
          depth[n] = done < 0 ? 1 : depth[done] + 1;
        out[n++] = l.p[i].pid;
      }
  }
  free(l.p);
  return n;
}

struct list_out {
  xsig_proc_entry_t *out;
  int max, n;
};

static int list_one(const struct xsig__linux_proc *p, void *arg)
{
  struct list_out *l = arg;
  if (l->n < l->max) {
    xsig_proc_entry_t *e = &l->out[l->n];
    memset(e, 0, sizeof *e);
    e->pid = p->pid;
    e->ppid = p->ppid;
    e->group = p->pgrp;
    e->xsig = -1; /* nothing tells from outside; nor need it (see xsig.h) */
  }
  l->n++;
  return 0;
}

int xsig__unix_process_list(xsig_proc_entry_t *out, int max)
{
  struct list_out l;
  l.out = out;
  l.max = max;
  l.n = 0;
  if (xsig__linux_proc_each(list_one, &l) < 0)
    return XSIG_ENOSYS;
  return l.n;
}

/* Reads up to size bytes of /proc/PID/what; returns the count, or -1 with errno. */
static ssize_t read_proc_file(int64_t pid, const char *what, char *buf, size_t size)
{
  char path[64];
  ssize_t n, got = 0;
  int fd;
  snprintf(path, sizeof path, "/proc/%lld/%s", (long long)pid, what);
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    return -1;
  while ((size_t)got < size && (n = read(fd, buf + got, size - (size_t)got)) > 0)
    got += n;
  close(fd);
  return got;
}

/* The arguments NUL-separated, as the kernel keeps them (at most 64 KiB
 * read); a kernel thread has none: "[its name]", as ps shows it. */
int xsig__unix_process_cmdline(int64_t pid, char *buf, size_t size)
{
  enum { MAX = 65536 };
  char *raw = malloc(MAX + 3);
  ssize_t n, i;
  if (raw == NULL)
    return XSIG_ENOMEM;
  n = read_proc_file(pid, "cmdline", raw, MAX);
  if (n < 0) {
    int err = errno == ENOENT || errno == ESRCH ? XSIG_ESRCH : errno == EACCES ? XSIG_EPERM : XSIG_ESYS;
    free(raw);
    return err;
  }
  while (n > 0 && raw[n - 1] == 0)
    n--;
  if (n == 0 && (n = read_proc_file(pid, "comm", raw + 1, MAX - 1)) > 0) {
    while (n > 0 && raw[n] == '\n')
      n--;
    raw[0] = '[';
    raw[++n] = ']';
    n++;
  }
  for (i = 0; i < n; i++)
    if (raw[i] == 0)
      raw[i] = ' ';
  raw[n < 0 ? 0 : n] = 0;
  if (size > 0)
    snprintf(buf, size, "%s", raw);
  free(raw);
  return n < 0 ? 0 : (int)n;
}
