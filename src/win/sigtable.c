/* SPDX-License-Identifier: MIT */
#include "internal.h"

#define T XSIG__DFL_TERM
#define C XSIG__DFL_CORE
#define I XSIG__DFL_IGN

/* The CRT's numbers for its seven signals, Linux numbers for the rest. */
const struct xsig__sigdesc xsig__sigtable[] = {
  { XSIG_HUP, "HUP", "Hangup", T },
  { XSIG_INT, "INT", "Interrupt", T },
  { XSIG_QUIT, "QUIT", "Quit", C },
  { XSIG_ILL, "ILL", "Illegal instruction", C },
  { XSIG_TRAP, "TRAP", "Trace/breakpoint trap", C },
  { XSIG_BUS, "BUS", "Bus error", C },
  { XSIG_FPE, "FPE", "Floating point exception", C },
  { XSIG_KILL, "KILL", "Killed", T },
  { XSIG_USR1, "USR1", "User defined signal 1", T },
  { XSIG_SEGV, "SEGV", "Segmentation fault", C },
  { XSIG_USR2, "USR2", "User defined signal 2", T },
  { XSIG_PIPE, "PIPE", "Broken pipe", T },
  { XSIG_ALRM, "ALRM", "Alarm clock", T },
  { XSIG_TERM, "TERM", "Terminated", T },
  { XSIG_CHLD, "CHLD", "Child exited", I },
  { XSIG_CONT, "CONT", "Continued", XSIG__DFL_CONT },
  { XSIG_STOP, "STOP", "Stopped (signal)", XSIG__DFL_STOP },
  { XSIG_TSTP, "TSTP", "Stopped", XSIG__DFL_STOP },
  { XSIG_BREAK, "BREAK", "Ctrl-Break", T },
  { XSIG_ABRT, "ABRT", "Aborted", C },
  { XSIG_WINCH, "WINCH", "Window changed", I },
};

const int xsig__sigtable_len = sizeof xsig__sigtable / sizeof xsig__sigtable[0];

int xsig_rtmin(void) { return 34; }
int xsig_rtmax(void) { return 64; }
