#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tool.h"
#include "procfs.h"

void tool_exe_dir(char *buf, size_t size)
{
  ssize_t n = readlink("/proc/self/exe", buf, size - 1);
  char *slash;
  buf[n > 0 ? n : 0] = 0;
  slash = strrchr(buf, '/');
  if (slash)
    slash[1] = 0;
  else
    snprintf(buf, size, "./");
}

const char *tool_worker_name(void) { return "xsig-worker"; }
int tool_handle_valid(xsig_os_handle_t h) { return h >= 0; }

void tool_exit_like_signal(int sig)
{
  struct sigaction dfl;
  sigset_t one;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, NULL);
  sigemptyset(&one);
  sigaddset(&one, sig);
  sigprocmask(SIG_UNBLOCK, &one, NULL);
  fflush(NULL);
  raise(sig);
  exit(128 + sig); /* a signal whose default is to ignore */
}

struct proc_list { struct xsig__proc *p; int n, max; };

static int collect(const struct xsig__proc *p, void *arg)
{
  struct proc_list *l = arg;
  if (l->n < l->max)
    l->p[l->n++] = *p;
  return 0;
}

/* One pass over /proc, then breadth first through the parent links. */
int tool_descendants(int64_t pid, int64_t *out, int max)
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
  if (xsig__proc_each(collect, &l) < 0) {
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

void tool_exit_like_child(const xsig_status_t *st)
{
  tool_exit_like_signal(st->signo);
}
