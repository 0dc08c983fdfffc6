/* SPDX-License-Identifier: MIT */
/* The transport's message decoder: anything a process can write to the
 * pipe (fuzz-ring and fuzz-reply cover the ring and the reply). */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "wire.h"

/* An accepted message is a real signal that may travel, or news of a
 * child, and it encodes back the same, in its own version (with the ring
 * request, if any). */
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
  if (meta.child) { /* news of a child: a pid that can be one, a stop or a continue */
    if (info.signo != XSIG_CHLD || meta.child < 1 || meta.child > 0x7fffffff || meta.wants_ring ||
        (meta.child_sig != XSIG_CONT && xsig__dfl_kind(meta.child_sig) != XSIG__DFL_STOP))
      abort();
    xsig__wire_encode_child(&again, meta.child, meta.child_sig);
    if (memcmp(&again, data, sizeof again) != 0)
      abort();
    return 0;
  }
  xsig__wire_encode(&again, meta.version, info.signo, info.value, info.code == XSIG_SI_QUEUE);
  if (meta.wants_ring)
    again.flags |= XSIG__WIRE_FLAG_RING;
  if (memcmp(&again, data, sizeof again) != 0)
    abort();
  return 0;
}
