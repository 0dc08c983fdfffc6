/* SPDX-License-Identifier: MIT */
/* xsig-posix: strsignal, psignal, psiginfo. */
#include <stdio.h>
#include <string.h>
#include "state.h"

/* The POSIX signals xsig has no number for (56..64 here). */
static const char *const layer_only[] = {
  "Stopped (tty input)", "Stopped (tty output)", "Urgent I/O condition",
  "CPU time limit exceeded", "File size limit exceeded", "Virtual timer expired",
  "Profiling timer expired", "Bad system call", "I/O possible",
};

static const char *describe(int sig, char *buf, size_t size)
{
  if (sig >= SIGTTIN && sig <= SIGPOLL)
    return layer_only[sig - SIGTTIN];
  if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
    snprintf(buf, size, "Real-time signal %d", sig - SIGRTMIN);
    return buf;
  }
  if (xsig_valid(sig) && xsig_describe(sig))
    return xsig_describe(sig);
  snprintf(buf, size, "Unknown signal %d", sig);
  return buf;
}

char *strsignal(int sig)
{
  static XP_TLS char buf[40];
  return (char *)describe(sig, buf, sizeof buf);
}

/* One write of the whole line, as glibc: "s: description\n". */
static void print_line(const char *s, const char *what)
{
  if (s && *s)
    fprintf(stderr, "%s: %s\n", s, what);
  else
    fprintf(stderr, "%s\n", what);
}

void psignal(int sig, const char *s)
{
  char buf[40];
  print_line(s, describe(sig, buf, sizeof buf));
}

static const char *code_name(const siginfo_t *info)
{
  switch (info->si_code) {
  case SI_USER: return "SI_USER";
  case SI_QUEUE: return "SI_QUEUE";
  case SI_TIMER: return "SI_TIMER";
  case SI_KERNEL: return "SI_KERNEL";
  case SI_TKILL: return "SI_TKILL";
  default: return NULL;
  }
}

void psiginfo(const siginfo_t *info, const char *s)
{
  char buf[40], line[200];
  const char *code;
  if (info == NULL) {
    errno = EINVAL;
    return;
  }
  code = code_name(info);
  if (info->si_signo == SIGSEGV || info->si_signo == SIGBUS || info->si_signo == SIGILL ||
      info->si_signo == SIGFPE)
    snprintf(line, sizeof line, "%s (%d [%p])", describe(info->si_signo, buf, sizeof buf),
             info->si_code, info->si_addr);
  else if (info->si_signo == SIGCHLD)
    snprintf(line, sizeof line, "%s (%d %d %d %d)", describe(info->si_signo, buf, sizeof buf),
             info->si_code, (int)info->si_pid, (int)info->si_uid, info->si_status);
  else if (code)
    snprintf(line, sizeof line, "%s (%s %d %d)", describe(info->si_signo, buf, sizeof buf), code,
             (int)info->si_pid, (int)info->si_uid);
  else
    snprintf(line, sizeof line, "%s (%d)", describe(info->si_signo, buf, sizeof buf), info->si_code);
  print_line(s, line);
}
