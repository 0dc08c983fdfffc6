/* SPDX-License-Identifier: MIT */
/* Our parent and the descendants of a process (the listing is one of the
 * extras: /proc on Linux, src/unix/extras.h). */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include "internal.h"
#include "extras.h"

/* After the parent ended, the process that adopted us (1 or a subreaper),
 * as the kernel says. */
int64_t xsig__os_getppid(void)
{
  return (int64_t)getppid();
}

int xsig__os_descendants(int64_t pid, int64_t *out, int *depth, int max)
{
  if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
    return XSIG_ESRCH;
  return xsig__unix_descendants(pid, out, depth, max);
}

int xsig__os_process_list(xsig_proc_entry_t *out, int max)
{
  return xsig__unix_process_list(out, max);
}

int xsig__os_process_cmdline(int64_t pid, char *buf, size_t size)
{
  if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
    return XSIG_ESRCH;
  return xsig__unix_process_cmdline(pid, buf, size);
}

/* Without a group of its own the tree is the child alone. */
int xsig__os_tree_count(xsig_process_t *p)
{
  return p->pgid ? xsig__unix_group_count(p->pgid) : 1;
}
