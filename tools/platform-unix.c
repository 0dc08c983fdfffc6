/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
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
  fflush(NULL);
  if (getpid() == 1) /* the kernel drops it for a namespace's init: 128+N, as tini */
    exit(128 + sig);
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

int tool_redirect_output(const char *path)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  int ok = fd >= 0 && dup2(fd, 1) >= 0 && dup2(fd, 2) >= 0;
  if (fd > 2)
    close(fd);
  return ok ? 0 : -1;
}

static int no_service_manager(void)
{
  fprintf(stderr, "xsig service: Windows only: POSIX has no service manager to register with here; "
                  "have yours (systemd, runit, launchd) run 'xsig run --init COMMAND', which passes "
                  "its TERM to the whole tree\n");
  return 1;
}

int tool_service_install(const char *name, const char *log, const char *grace, char *const command[])
{
  (void)name, (void)log, (void)grace, (void)command;
  return no_service_manager();
}

int tool_service_control(const char *what, const char *name)
{
  (void)what, (void)name;
  return no_service_manager();
}

int tool_console_ctrl_c_reaches_groups(void)
{
  return 0;
}

int tool_group_leader(int argc, char **argv)
{
  (void)argc, (void)argv;
  fprintf(stderr, "xsig group-leader: Windows only\n");
  return 125;
}
