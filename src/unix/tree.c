/* Descendants of a process. Linux: one pass over /proc, then breadth first
 * through the parent links. A parent link always names a live process (the
 * kernel hands orphans to a reaper), so no age check is needed. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "internal.h"
#include "procfs.h"

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

/* After the parent ended, the process that adopted us (1 or a subreaper),
 * as the kernel says. */
int64_t xsig__os_getppid(void)
{
  return (int64_t)getppid();
}

int xsig__os_descendants(int64_t pid, int64_t *out, int max)
{
  struct proc_list l;
  int n = 0, done, i;
  if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
    return XSIG_ESRCH;
  l.max = 65536;
  l.n = 0;
  l.p = malloc((size_t)l.max * sizeof *l.p);
  if (l.p == NULL)
    return XSIG_ENOMEM;
  if (xsig__linux_proc_each(collect, &l) < 0) {
    free(l.p);
    return XSIG_ENOSYS;
  }
  for (done = -1; done < n && n < max; done++) {
    int64_t parent = done < 0 ? pid : out[done];
    for (i = 0; i < l.n && n < max; i++)
      if (l.p[i].ppid == parent)
        out[n++] = l.p[i].pid;
  }
  free(l.p);
  return n;
}
