/* SPDX-License-Identifier: MIT */
/* Signal names and numbers: xsig_parse, xsig_name, xsig_describe. */
#include <stdlib.h>
#include <string.h>
#include "xsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char text[64], name[32];
  int sig;
  if (size >= sizeof text)
    return 0;
  memcpy(text, data, size);
  text[size] = 0;
  sig = xsig_parse(text);
  if (sig <= 0)
    return 0;
  /* whatever parses names a signal that prints and parses back to itself */
  if (xsig_name(sig, name, sizeof name) <= 0 || xsig_parse(name) != sig || xsig_describe(sig) == NULL)
    abort();
  return 0;
}
