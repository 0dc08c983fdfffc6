/* SPDX-License-Identifier: MIT */
/* Exit-status text (xsig status) and both decoders. */
#include <stdlib.h>
#include <string.h>
#include "tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char text[64], out[128];
  xsig_status_t st;
  uint32_t code;
  if (size >= sizeof text)
    return 0;
  memcpy(text, data, size);
  text[size] = 0;
  if (tool_parse_status(text, &code) != 0)
    return 0;
  if (xsig_status_from_windows(code, &st) != 0 || xsig_status_format(&st, out, sizeof out) <= 0)
    abort();
  if (!st.exited && !xsig_valid(st.signo) && st.signo != XSIG_BREAK)
    abort();
  if (xsig_status_from_wait((int)code, &st) == 0)
    xsig_status_format(&st, out, sizeof out);
  tool_windows_code_name(code);
  return 0;
}
