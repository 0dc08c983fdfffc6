/* SPDX-License-Identifier: MIT */
/* Exit statuses: the Windows codes that mean "ended by a signal", and the
 * POSIX wait status, decoded the same way on every platform. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

#define XSIG__CONTROL_C_EXIT 0xC000013Au

struct code_map {
  uint32_t lo, hi;
  int sig;
};

/* Windows exception and exit codes that POSIX would report as a signal. */
static const struct code_map win_codes[] = {
  { 0xC000013Au, 0xC000013Au, XSIG_INT },  /* XSIG__CONTROL_C_EXIT */
  { 0xC0000005u, 0xC0000005u, XSIG_SEGV }, /* access violation */
  { 0xC00000FDu, 0xC00000FDu, XSIG_SEGV }, /* stack overflow */
  { 0xC000001Du, 0xC000001Du, XSIG_ILL },  /* illegal instruction */
  { 0xC0000096u, 0xC0000096u, XSIG_ILL },  /* privileged instruction */
  { 0xC000008Eu, 0xC0000095u, XSIG_FPE },  /* float and integer faults */
  { 0xC0000409u, 0xC0000409u, XSIG_ABRT }, /* fail fast (abort() in the UCRT) */
};
/* Not 3, although abort() in older CRTs exits with it: exit(3) is far more
 * common, and a supervisor must not report it as a signal. */

/* The 0xE058xxxx codes carry Windows signal numbers, whatever the host:
 * the CRT's numbers, Linux's for the rest, BREAK 21, ABRT 22. */
static int is_windows_number(int n)
{
  return (n >= 1 && n <= 5) || (n >= 7 && n <= 15) || (n >= 17 && n <= 22) || n == 28 ||
         (n >= 34 && n <= 64);
}

static int to_windows_number(int sig)
{
  if (sig == XSIG_BREAK)
    return 21;
  if (sig == XSIG_ABRT)
    return 22;
  return is_windows_number(sig) && sig != 21 && sig != 22 ? sig : 0;
}

static int from_windows_number(int n)
{
  if (n == 21)
    return XSIG_BREAK;
  if (n == 22)
    return XSIG_ABRT;
  return is_windows_number(n) ? n : 0;
}

uint32_t xsig_win_exit_code(int sig)
{
  int n;
  if (sig == XSIG_INT)
    return XSIG__CONTROL_C_EXIT;
  n = to_windows_number(sig);
  return n ? XSIG_WIN_EXIT_BASE | (uint32_t)n : 0;
}

static int own_code_signal(uint32_t code)
{
  if ((code & 0xFFFFFF00u) != XSIG_WIN_EXIT_BASE)
    return 0;
  return from_windows_number((int)(code & 0x7Fu));
}

int xsig_status_from_windows(uint32_t code, xsig_status_t *st)
{
  size_t i;
  if (st == NULL)
    return XSIG_EINVAL;
  memset(st, 0, sizeof *st);
  st->raw = code;
  st->signo = own_code_signal(code);
  st->core = st->signo && (code & XSIG_WIN_EXIT_CORE);
  for (i = 0; !st->signo && i < sizeof win_codes / sizeof win_codes[0]; i++)
    if (code >= win_codes[i].lo && code <= win_codes[i].hi)
      st->signo = win_codes[i].sig;
  if (!st->signo) {
    st->exited = 1;
    st->code = (int)code;
  }
  return 0;
}

/* Linux encoding: low 7 bits the signal, 0x80 the core flag, 0x7f stopped,
 * exit code in bits 8..15; nothing above bit 15. Linux's signals are 1..64,
 * whatever the host. */
#define WAIT_SIGNAL_MAX 64

static int wait_status_valid(int wstatus)
{
  int sig = wstatus & 0x7f;
  if ((wstatus & ~0xffff) != 0 || (wstatus & 0xff) == 0x7f || wstatus == 0xffff)
    return 0; /* not 16 bits, stopped, continued */
  if (sig == 0)
    return (wstatus & 0x80) == 0; /* an exit has no core flag */
  return sig <= WAIT_SIGNAL_MAX && (wstatus & 0xff00) == 0;
}

int xsig_status_from_wait(int wstatus, xsig_status_t *st)
{
  if (st == NULL)
    return XSIG_EINVAL;
  memset(st, 0, sizeof *st);
  st->raw = (uint32_t)wstatus;
  if (!wait_status_valid(wstatus))
    return XSIG_EINVAL;
  if ((wstatus & 0x7f) == 0) {
    st->exited = 1;
    st->code = (wstatus >> 8) & 0xff;
    return 0;
  }
  st->signo = wstatus & 0x7f;
  st->core = (wstatus & 0x80) != 0;
  return 0;
}

int xsig_status_format(const xsig_status_t *st, char *buf, size_t size)
{
  char name[16];
  const char *desc;
  int n;
  if (st == NULL || (buf == NULL && size > 0))
    return XSIG_EINVAL;
  if (st->exited)
    return snprintf(buf, size, "exited with code %d", st->code);
  if (xsig_name(st->signo, name, sizeof name) < 0)
    snprintf(name, sizeof name, "%d", st->signo);
  desc = xsig_describe(st->signo);
  n = snprintf(buf, size, "ended by signal %s (%s)%s", name, desc ? desc : "unknown signal",
               st->core ? ", core dumped" : "");
  return n;
}
