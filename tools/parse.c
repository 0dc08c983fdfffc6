#include <limits.h>
#include "tool.h"

static int digit(char c) { return c >= '0' && c <= '9'; }

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
  int n = 0, hex = 0;
  if (s == NULL)
    return -1;
  if (s[0] == '-')
    return parse_negative_status(s, out);
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    hex = 1, s += 2;
  for (; *s; s++, n++) {
    int d;
    if (digit(*s))
      d = *s - '0';
    else if (hex && *s >= 'a' && *s <= 'f')
      d = *s - 'a' + 10;
    else if (hex && *s >= 'A' && *s <= 'F')
      d = *s - 'A' + 10;
    else
      return -1;
    v = v * (hex ? 16 : 10) + (uint64_t)d;
    if (v > 0xFFFFFFFFu)
      return -1;
  }
  if (n == 0)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

/* Parsed by hand, without strtod: no locale, no hex floats, no inf/nan. */
int tool_parse_duration(const char *s, int64_t *ms)
{
  double v = 0, scale = 1000, frac = 0.1;
  int n = 0, exp = 0, exp_sign = 1, exp_digits = 0;
  if (s == NULL)
    return -1;
  for (; digit(*s); s++, n++)
    v = v * 10 + (*s - '0');
  if (*s == '.')
    for (s++; digit(*s); s++, n++, frac /= 10)
      v += (*s - '0') * frac;
  if (n == 0)
    return -1;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-')
      exp_sign = *s++ == '-' ? -1 : 1;
    for (; digit(*s); s++, exp_digits++)
      if (exp < 1000)
        exp = exp * 10 + (*s - '0');
    if (exp_digits == 0)
      return -1;
    for (; exp > 0; exp--)
      v = exp_sign > 0 ? v * 10 : v / 10;
  }
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
  if (v > (double)INT32_MAX)
    v = (double)INT32_MAX;
  *ms = (int64_t)v;
  if ((double)*ms < v)
    (*ms)++; /* round up: a tiny duration is not "no time-out" */
  return 0;
}
