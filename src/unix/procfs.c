/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include "procfs.h"

#ifdef __linux__
#include <dirent.h>
#include <stdlib.h>

static int read_stat(const char *pid, struct xsig__linux_proc *p)
{
  char path[300], buf[512], *paren;
  long long ppid, pgrp;
  size_t n;
  FILE *f;
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  if ((f = fopen(path, "r")) == NULL)
    return -1;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  paren = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
  if (paren == NULL || sscanf(paren + 1, " %c %lld %lld", &p->state, &ppid, &pgrp) != 3)
    return -1;
  p->pid = atoll(pid);
  p->ppid = ppid;
  p->pgrp = pgrp;
  return 0;
}

int xsig__linux_proc_each(int (*fn)(const struct xsig__linux_proc *p, void *arg), void *arg)
{
  DIR *d = opendir("/proc");
  struct dirent *e;
  struct xsig__linux_proc p;
  int r = 0;
  if (d == NULL)
    return -1;
  while (r == 0 && (e = readdir(d)) != NULL)
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && read_stat(e->d_name, &p) == 0)
      r = fn(&p, arg);
  closedir(d);
  return r;
}

int xsig__linux_proc_get(int64_t pid, struct xsig__linux_proc *p)
{
  char name[24];
  snprintf(name, sizeof name, "%lld", (long long)pid);
  return read_stat(name, p);
}
#else
int xsig__linux_proc_each(int (*fn)(const struct xsig__linux_proc *p, void *arg), void *arg)
{
  (void)fn;
  (void)arg;
  return -1;
}

int xsig__linux_proc_get(int64_t pid, struct xsig__linux_proc *p)
{
  (void)pid;
  (void)p;
  return -1;
}
#endif

static int is_live_member(const struct xsig__linux_proc *p, void *arg)
{
  return p->pgrp == *(const int64_t *)arg && p->state != 'Z' && p->state != 'X';
}

int xsig__linux_proc_group_live(int64_t pgid)
{
  return xsig__linux_proc_each(is_live_member, &pgid);
}
