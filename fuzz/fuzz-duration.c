/* SPDX-License-Identifier: MIT */
/* xsig run's DURATION. */
#include <stdlib.h>
#include <string.h>
#include "tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char text[128];
  int64_t ms = -1;
  if (size >= sizeof text)
    return 0;
  memcpy(text, data, size);
  text[size] = 0;
  if (tool_parse_duration(text, &ms) == 0 && (ms < 0 || ms > INT32_MAX))
    abort();
  return 0;
}
