/* SPDX-License-Identifier: MIT */
/* The transport's message decoder: anything a process can write to the
 * pipe (fuzz-ring and fuzz-reply cover the ring and the reply). */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "wire.h"

/* An accepted message is a real signal that may travel, and it encodes
 * back the same, in its own version (with the ring request, if any). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct xsig__wire_msg again;
  struct xsig__wire_meta meta;
  xsig_info_t info;
  if (xsig__wire_decode(data, size, &info, &meta) != 0)
    return 0;
  if (size != sizeof(struct xsig__wire_msg))
    abort();
  if (meta.version != XSIG__WIRE_VERSION && meta.version != XSIG__WIRE_VERSION_OLD)
    abort();
  if (!xsig_valid(info.signo) || info.signo == XSIG_KILL || info.signo == XSIG_STOP)
    abort();
  xsig__wire_encode(&again, meta.version, info.signo, info.value, info.code == XSIG_SI_QUEUE);
  if (meta.wants_ring)
    again.flags |= XSIG__WIRE_FLAG_RING;
  if (memcmp(&again, data, sizeof again) != 0)
    abort();
  return 0;
}
