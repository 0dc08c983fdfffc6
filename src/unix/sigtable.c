/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include "internal.h"

#define T XSIG__DFL_TERM
#define C XSIG__DFL_CORE
#define I XSIG__DFL_IGN

const struct xsig__sigdesc xsig__sigtable[] = {
  { SIGHUP, "HUP", "Hangup", T },
  { SIGINT, "INT", "Interrupt", T },
  { SIGQUIT, "QUIT", "Quit", C },
  { SIGILL, "ILL", "Illegal instruction", C },
  { SIGTRAP, "TRAP", "Trace/breakpoint trap", C },
  { SIGABRT, "ABRT", "Aborted", C },
  { SIGBUS, "BUS", "Bus error", C },
  { SIGFPE, "FPE", "Floating point exception", C },
  { SIGKILL, "KILL", "Killed", T },
  { SIGUSR1, "USR1", "User defined signal 1", T },
  { SIGSEGV, "SEGV", "Segmentation fault", C },
  { SIGUSR2, "USR2", "User defined signal 2", T },
  { SIGPIPE, "PIPE", "Broken pipe", T },
  { SIGALRM, "ALRM", "Alarm clock", T },
  { SIGTERM, "TERM", "Terminated", T },
#ifdef SIGSTKFLT
  { SIGSTKFLT, "STKFLT", "Stack fault", T },
#endif
  { SIGCHLD, "CHLD", "Child exited", I },
  { SIGCONT, "CONT", "Continued", XSIG__DFL_CONT },
  { SIGSTOP, "STOP", "Stopped (signal)", XSIG__DFL_STOP },
  { SIGTSTP, "TSTP", "Stopped", XSIG__DFL_STOP },
  { SIGTTIN, "TTIN", "Stopped (tty input)", XSIG__DFL_STOP },
  { SIGTTOU, "TTOU", "Stopped (tty output)", XSIG__DFL_STOP },
  { SIGURG, "URG", "Urgent I/O condition", I },
  { SIGXCPU, "XCPU", "CPU time limit exceeded", C },
  { SIGXFSZ, "XFSZ", "File size limit exceeded", C },
  { SIGVTALRM, "VTALRM", "Virtual timer expired", T },
  { SIGPROF, "PROF", "Profiling timer expired", T },
  { SIGWINCH, "WINCH", "Window changed", I },
#ifdef SIGIO
  { SIGIO, "IO", "I/O possible", T },
#endif
#ifdef SIGPWR
  { SIGPWR, "PWR", "Power failure", T },
#endif
  { SIGSYS, "SYS", "Bad system call", C },
};

const int xsig__sigtable_len = sizeof xsig__sigtable / sizeof xsig__sigtable[0];

int xsig_rtmin(void) { return SIGRTMIN; }
int xsig_rtmax(void) { return SIGRTMAX; }
