#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tool.h"

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

static long long parent_of(const char *pid)
{
  char path[300], buf[512], *paren;
  long long ppid = -1;
  FILE *f;
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  if ((f = fopen(path, "r")) == NULL)
    return -1;
  buf[fread(buf, 1, sizeof buf - 1, f)] = 0;
  fclose(f);
  paren = strrchr(buf, ')');
  if (paren == NULL || sscanf(paren + 1, " %*c %lld", &ppid) != 1)
    return -1;
  return ppid;
}

int tool_descendants(int64_t pid, int64_t *out, int max)
{
  int n = 0, done = 0;
  out[0] = pid; /* used as a queue: parents are scanned in turn */
  if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
    return XSIG_ESRCH;
  for (; done <= n && n < max; done++) {
    int64_t parent = done == 0 ? pid : out[done - 1];
    DIR *d = opendir("/proc");
    struct dirent *e;
    if (d == NULL)
      return XSIG_ESYS;
    while ((e = readdir(d)) != NULL && n < max)
      if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && parent_of(e->d_name) == parent)
        out[n++] = atoll(e->d_name);
    closedir(d);
  }
  return n;
}

const char *tool_error_text(int err)
{
  switch (err) {
  case XSIG_ESRCH: return "No such process";
  case XSIG_EPERM: return "Operation not permitted";
  case XSIG_EINVAL: return "Invalid argument";
  case XSIG_EAGAIN: return "Resource temporarily unavailable";
  default: return xsig_strerror(err);
  }
}

void tool_exit_like_child(const xsig_status_t *st)
{
  tool_exit_like_signal(st->signo);
}
