/* SPDX-License-Identifier: MIT */
/* Signal numbers <-> names and descriptions. The per-platform table of
 * named signals is in sigtable.c of each platform folder. */
#include <string.h>
#include "internal.h"

/* Binary search: the tables are sorted by number (and this is on the
 * delivery path, through the mask conversions). */
const struct xsig__sigdesc *xsig__sigdesc(int sig)
{
  int lo = 0, hi = xsig__sigtable_len - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (xsig__sigtable[mid].sig == sig)
      return &xsig__sigtable[mid];
    if (xsig__sigtable[mid].sig < sig)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return NULL;
}

int xsig_is_realtime(int sig)
{
  return sig >= xsig_rtmin() && sig <= xsig_rtmax();
}

int xsig_valid(int sig)
{
  if (sig <= 0 || sig >= XSIG_NSIG)
    return 0;
  return xsig_is_realtime(sig) || xsig__sigdesc(sig) != NULL;
}

int xsig__check(int sig)
{
  if (xsig_valid(sig))
    return 0;
  return sig == XSIG_BREAK ? XSIG_ENOSYS : XSIG_EINVAL;
}

int xsig__dfl_kind(int sig)
{
  const struct xsig__sigdesc *d = xsig__sigdesc(sig);
  return d ? d->dfl : XSIG__DFL_TERM;
}

static int upper(int c)
{
  return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int same_name(const char *a, const char *b)
{
  while (*a && upper(*a) == *b)
    a++, b++;
  return *a == 0 && *b == 0;
}

/* Parses a decimal number of at most 4 digits; returns -1 if s is not one. */
static int parse_small(const char *s)
{
  int n = 0, digits = 0;
  for (; *s; s++, digits++) {
    if (*s < '0' || *s > '9' || digits == 4)
      return -1;
    n = n * 10 + (*s - '0');
  }
  return digits ? n : -1;
}

static int parse_rt(const char *s)
{
  int base, sign, n;
  if (same_name(s, "RTMIN"))
    return xsig_rtmin();
  if (same_name(s, "RTMAX"))
    return xsig_rtmax();
  if (strlen(s) < 6)
    return XSIG_EINVAL;
  if (upper(s[0]) != 'R' || upper(s[1]) != 'T' || upper(s[2]) != 'M')
    return XSIG_EINVAL;
  if (upper(s[3]) == 'I' && upper(s[4]) == 'N' && s[5] == '+')
    base = xsig_rtmin(), sign = 1;
  else if (upper(s[3]) == 'A' && upper(s[4]) == 'X' && s[5] == '-')
    base = xsig_rtmax(), sign = -1;
  else
    return XSIG_EINVAL;
  n = parse_small(s + 6);
  if (n < 0 || n > xsig_rtmax() - xsig_rtmin())
    return XSIG_EINVAL;
  return base + sign * n;
}

int xsig_parse(const char *name)
{
  int i, n;
  if (name == NULL || *name == 0)
    return XSIG_EINVAL;
  n = parse_small(name);
  if (n == 0)
    return 0;
  if (n > 0)
    return xsig__check(n) ? xsig__check(n) : n;
  if (upper(name[0]) == 'S' && upper(name[1]) == 'I' && upper(name[2]) == 'G')
    name += 3;
  if (same_name(name, "BREAK"))
    return xsig_valid(XSIG_BREAK) ? XSIG_BREAK : XSIG_ENOSYS;
  for (i = 0; i < xsig__sigtable_len; i++)
    if (same_name(name, xsig__sigtable[i].name))
      return xsig__sigtable[i].sig;
  return parse_rt(name);
}

static int copy_out(char *buf, size_t size, const char *a, int num)
{
  char tmp[24];
  size_t len = strlen(a), i = len;
  memcpy(tmp, a, len);
  if (num > 0) {
    if (num >= 10)
      tmp[i++] = (char)('0' + num / 10);
    tmp[i++] = (char)('0' + num % 10);
  }
  tmp[i] = 0;
  if (buf && size) {
    size_t n = i < size - 1 ? i : size - 1;
    memcpy(buf, tmp, n);
    buf[n] = 0;
  }
  return (int)i;
}

int xsig_name(int sig, char *buf, size_t size)
{
  const struct xsig__sigdesc *d;
  int lo = xsig_rtmin(), hi = xsig_rtmax();
  if (buf == NULL && size > 0)
    return XSIG_EINVAL;
  if (sig == XSIG_BREAK)
    return copy_out(buf, size, "BREAK", 0);
  if (!xsig_valid(sig))
    return XSIG_EINVAL;
  if (sig == lo)
    return copy_out(buf, size, "RTMIN", 0);
  if (sig == hi)
    return copy_out(buf, size, "RTMAX", 0);
  if (xsig_is_realtime(sig) && sig - lo <= hi - sig)
    return copy_out(buf, size, "RTMIN+", sig - lo);
  if (xsig_is_realtime(sig))
    return copy_out(buf, size, "RTMAX-", hi - sig);
  d = xsig__sigdesc(sig);
  return copy_out(buf, size, d->name, 0);
}

const char *xsig_describe(int sig)
{
  const struct xsig__sigdesc *d;
  if (sig == XSIG_BREAK)
    return "Ctrl-Break";
  if (xsig_is_realtime(sig))
    return "Real-time signal";
  d = xsig__sigdesc(sig);
  return d ? d->desc : NULL;
}
