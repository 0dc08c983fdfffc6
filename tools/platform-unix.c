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
const char *tool_platform_name(void) { return "POSIX"; }
const char *tool_tree_carrier(void) { return "kernel: the process group"; }
const char *tool_fault_carrier(void) { return "kernel: SIGSEGV on an alternate stack"; }
const char *tool_child_carrier(void) { return "kernel: SIGCHLD, pidfds in an epoll set"; }
const char *tool_supervisor_name(void) { return "xsig-supervisor"; }
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

void tool_exit_like_child(const xsig_status_t *st)
{
  tool_exit_like_signal(st->signo);
}
