/* SPDX-License-Identifier: MIT */
/* A ring as its sender may have written it (src/win/ring.c): a head the
 * receiver checks against its own tail, then each slot, copied out once. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct xsig__wire_msg slot, again;
  xsig_info_t info;
  uint32_t head, tail;
  int n, k;
  if (size < 8)
    return 0;
  memcpy(&head, data, 4);
  memcpy(&tail, data + 4, 4);
  n = xsig__ring_count(head, tail);
  if (n > XSIG__RING_SLOTS || (n < 0 && head - tail <= XSIG__RING_SLOTS) ||
      (n >= 0 && (uint32_t)n != head - tail))
    abort();
  data += 8;
  size -= 8;
  for (k = 0; k < n && size >= sizeof slot; k++, data += sizeof slot, size -= sizeof slot) {
    memcpy(&slot, data, sizeof slot);
    if (xsig__ring_decode(&slot, &info) != 0)
      continue;
    /* only version 2, never a ring request, a signal that may travel */
    if (slot.version != XSIG__WIRE_VERSION || (slot.flags & XSIG__WIRE_FLAG_RING) ||
        !xsig_valid(info.signo) || info.signo == XSIG_KILL || info.signo == XSIG_STOP)
      abort();
    xsig__wire_encode(&again, XSIG__WIRE_VERSION, info.signo, info.value, info.code == XSIG_SI_QUEUE);
    if (memcmp(&again, &slot, sizeof again) != 0)
      abort();
  }
  return 0;
}
