/* SPDX-License-Identifier: MIT */
/* The transport's message decoder: anything a process can write to the
 * pipe, or into a ring (its head, then its messages). */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "wire.h"

/* An accepted message is a real signal that may travel, and it encodes
 * back the same (less the ring request, which only the pipe carries). */
static void check_accepted(const xsig_info_t *info, const uint8_t *data, int ring_asked)
{
  struct xsig__wire_msg again;
  if (!xsig_valid(info->signo) || info->signo == XSIG_KILL || info->signo == XSIG_STOP)
    abort();
  xsig__wire_encode(&again, info->signo, info->value, info->code == XSIG_SI_QUEUE);
  if (ring_asked)
    again.flags |= XSIG__WIRE_FLAG_RING;
  if (memcmp(&again, data, sizeof again) != 0)
    abort();
}

/* As the receiver reads a ring: a head it checks against its own tail,
 * then each message copied out once. */
static void ring(const uint8_t *data, size_t size)
{
  struct xsig__wire_msg slot;
  xsig_info_t info;
  uint32_t head, tail;
  int n, k;
  if (size < 8)
    return;
  memcpy(&head, data, 4);
  memcpy(&tail, data + 4, 4);
  n = xsig__ring_count(head, tail);
  if (n > XSIG__RING_SLOTS || (n < 0 && head - tail <= XSIG__RING_SLOTS))
    abort();
  data += 8;
  size -= 8;
  for (k = 0; k < n && size >= sizeof slot; k++, data += sizeof slot, size -= sizeof slot) {
    memcpy(&slot, data, sizeof slot);
    if (xsig__ring_decode(&slot, &info) == 0) {
      if (slot.flags & XSIG__WIRE_FLAG_RING)
        abort();
      check_accepted(&info, data, 0);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  xsig_info_t info;
  ring(data, size);
  if (xsig__wire_decode(data, size, &info) != 0)
    return 0;
  if (size != sizeof(struct xsig__wire_msg))
    abort();
  check_accepted(&info, data, xsig__wire_wants_ring(data));
  return 0;
}
