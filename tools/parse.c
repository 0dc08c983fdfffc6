/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <limits.h>
#include "tool.h"

static int digit(char c) { return c >= '0' && c <= '9'; }

static int hex_digit(char c)
{
  if (digit(c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int tool_parse_int64(const char *s, int64_t *out)
{
  uint64_t v = 0;
  int neg = 0, n = 0;
  if (s == NULL)
    return -1;
  if (*s == '-' || *s == '+')
    neg = *s++ == '-';
  for (; digit(*s); s++, n++) {
    if (v > (UINT64_C(9223372036854775807) - (uint64_t)(*s - '0')) / 10)
      return -1;
    v = v * 10 + (uint64_t)(*s - '0');
  }
  if (n == 0 || *s)
    return -1;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return 0;
}

/* cmd and PowerShell print exit codes as signed 32-bit decimals:
 * -1073741510 is 0xC000013A. */
static int parse_negative_status(const char *s, uint32_t *out)
{
  int64_t v;
  if (tool_parse_int64(s, &v) != 0 || v >= 0 || v < INT32_MIN)
    return -1;
  *out = (uint32_t)(v + 0x100000000LL);
  return 0;
}

int tool_parse_status(const char *s, uint32_t *out)
{
  uint64_t v = 0;
  int n = 0, base = 10;
  if (s == NULL)
    return -1;
  if (s[0] == '-')
    return parse_negative_status(s, out);
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    base = 16, s += 2;
  for (; *s; s++, n++) {
    int d = hex_digit(*s);
    if (d < 0 || d >= base)
      return -1;
    v = v * (uint64_t)base + (uint64_t)d;
    if (v > 0xFFFFFFFFu)
      return -1;
  }
  if (n == 0)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

static int lower(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* Case-insensitive prefix match; returns its length, or 0. */
static size_t match_word(const char *s, const char *word)
{
  size_t i;
  for (i = 0; word[i]; i++)
    if (lower(s[i]) != word[i])
      return 0;
  return i;
}

/* An exponent's digits (base 10), capped; -1 if there are none. */
static int parse_exponent(const char **s)
{
  int e = 0, sign = 1, n = 0;
  if (**s == '+' || **s == '-')
    sign = *(*s)++ == '-' ? -1 : 1;
  for (; digit(**s); (*s)++, n++)
    if (e < 100000)
      e = e * 10 + (**s - '0');
  return n ? sign * e : INT_MIN;
}

/* Stops once the value is beyond any duration, or below any (1e-300 s
 * still rounds up to 1 ms: going on would underflow to 0, "no time-out"). */
static double scale_by(double v, int base, int e)
{
  for (; e > 0 && v < 1e300; e--)
    v *= base;
  for (; e < 0 && v > 1e-300; e++)
    v /= base;
  return v;
}

/* What strtod reads in the C locale: digits with a fraction and an e
 * exponent, hex digits with a fraction and a p exponent (0x1.8p3), inf,
 * infinity. Returns -1 for anything else (nan too: no duration). */
static int parse_number(const char **s, double *out)
{
  const char *p = *s;
  double v = 0, frac = 1;
  int base = 10, n = 0, d, e;
  size_t w;
  if ((w = match_word(p, "infinity")) != 0 || (w = match_word(p, "inf")) != 0) {
    *s = p + w;
    *out = 1e300;
    return 0;
  }
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && (hex_digit(p[2]) >= 0 || (p[2] == '.' && hex_digit(p[3]) >= 0)))
    base = 16, p += 2;
  for (; (d = hex_digit(*p)) >= 0 && d < base; p++, n++)
    v = v * base + d;
  if (*p == '.')
    for (p++; (d = hex_digit(*p)) >= 0 && d < base; p++, n++)
      v += d * (frac /= base);
  if (n == 0)
    return -1;
  if ((base == 10 && (*p == 'e' || *p == 'E')) || (base == 16 && (*p == 'p' || *p == 'P'))) {
    const char *q = p + 1;
    if ((e = parse_exponent(&q)) != INT_MIN) /* else the letter is not an exponent */
      v = scale_by(v, base == 10 ? 10 : 2, e), p = q;
  }
  *s = p;
  *out = v;
  return 0;
}

/* GNU timeout's DURATION, parsed by hand so that no locale applies. */
int tool_parse_duration(const char *s, int64_t *ms)
{
  double v, scale = 1000;
  int negative = 0;
  if (s == NULL)
    return -1;
  while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
    s++; /* as strtod */
  if (*s == '+' || *s == '-')
    negative = *s++ == '-';
  if (parse_number(&s, &v) != 0 || (negative && v != 0))
    return -1;
  switch (*s) {
  case 0: case 's': break;
  case 'm': scale *= 60; break;
  case 'h': scale *= 3600; break;
  case 'd': scale *= 86400; break;
  default: return -1;
  }
  if (*s && s[1])
    return -1;
  v *= scale;
  if (!(v < (double)INT32_MAX)) /* also inf */
    v = (double)INT32_MAX;
  *ms = (int64_t)v;
  if ((double)*ms < v)
    (*ms)++; /* round up: a tiny duration is not "no time-out" */
  return 0;
}

const char *tool_signame(int sig, char *buf, size_t size)
{
  if (sig == 0)
    snprintf(buf, size, "EXIT");
  else if (xsig_name(sig, buf, size) < 0)
    snprintf(buf, size, "%d", sig);
  return buf;
}
