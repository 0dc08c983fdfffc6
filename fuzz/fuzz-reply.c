/* SPDX-License-Identifier: MIT */
/* The reply a receiver answers (src/wire.c), in both versions: the first
 * byte picks the version the sender asked in, the rest is the reply. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint64_t handles[3] = {0, 0, 0}, again[3];
  unsigned char out[sizeof(struct xsig__wire_reply)];
  size_t out_size = 0;
  int version, result = 1, ring, k;
  if (size < 1)
    return 0;
  version = (data[0] & 1) ? XSIG__WIRE_VERSION : XSIG__WIRE_VERSION_OLD;
  ring = xsig__wire_reply_decode(data + 1, size - 1, version, &result, handles);
  if (ring == XSIG_EINVAL)
    return 0;
  if (ring != 0 && ring != 1)
    abort();
  /* a result this version knows, and no ring in a version 1 reply */
  if (result > 0 || result < XSIG_ERR_MAX_ || (ring && version != XSIG__WIRE_VERSION))
    abort();
  for (k = 0; ring && k < 3; k++)
    if (handles[k] == 0 || handles[k] % 4 != 0 || handles[k] >= ((uint64_t)1 << 30))
      abort();
  /* version 2 replies encode back the same */
  if (version == XSIG__WIRE_VERSION) {
    xsig__wire_reply_encode(out, &out_size, version, result, ring ? handles : NULL);
    if (out_size != size - 1 || memcmp(out, data + 1, out_size) != 0)
      abort();
    if (xsig__wire_reply_decode(out, out_size, version, &k, again) != ring || k != result)
      abort();
  }
  return 0;
}
