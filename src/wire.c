/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <string.h>
#include "internal.h"
#include "wire.h"

void xsig__wire_encode(struct xsig__wire_msg *msg, int version, int sig, intptr_t value, int has_value)
{
  memset(msg, 0, sizeof *msg);
  msg->magic = XSIG__WIRE_MAGIC;
  msg->version = (uint16_t)version;
  msg->size = (uint16_t)sizeof *msg;
  msg->signo = sig;
  msg->flags = has_value ? XSIG__WIRE_FLAG_VALUE : 0;
  msg->value = has_value ? (int64_t)value : 0;
}

void xsig__wire_encode_child(struct xsig__wire_msg *msg, int64_t child, int sig)
{
  xsig__wire_encode(msg, XSIG__WIRE_VERSION, XSIG_CHLD, 0, 0);
  msg->flags = XSIG__WIRE_FLAG_CHILD;
  msg->value = child * 256 + sig;
}

static int is_stop_or_cont(int sig)
{
  return sig == XSIG_CONT || (xsig_valid(sig) && xsig__dfl_kind(sig) == XSIG__DFL_STOP);
}

/* The news of XSIG__WIRE_FLAG_CHILD, checked whole. */
static int decode_child(const struct xsig__wire_msg *m, struct xsig__wire_meta *meta)
{
  int64_t child = m->value / 256;
  int sig = (int)(m->value % 256);
  if (meta == NULL || m->flags != XSIG__WIRE_FLAG_CHILD || m->version != XSIG__WIRE_VERSION ||
      m->signo != XSIG_CHLD || m->value < 0 || child < 1 || child > 0x7fffffff || !is_stop_or_cont(sig))
    return XSIG_EINVAL;
  meta->child = child;
  meta->child_sig = sig;
  return 0;
}

int xsig__wire_decode(const void *buf, size_t len, xsig_info_t *info, struct xsig__wire_meta *meta)
{
  struct xsig__wire_msg m;
  if (buf == NULL || len != sizeof m)
    return XSIG_EINVAL;
  memcpy(&m, buf, sizeof m);
  if (m.magic != XSIG__WIRE_MAGIC || m.size != sizeof m ||
      (m.version != XSIG__WIRE_VERSION && m.version != XSIG__WIRE_VERSION_OLD))
    return XSIG_EINVAL;
  if ((m.flags & ~(XSIG__WIRE_FLAG_VALUE | XSIG__WIRE_FLAG_RING | XSIG__WIRE_FLAG_CHILD)) || m.reserved != 0)
    return XSIG_EINVAL;
  if (meta) {
    meta->child = 0;
    meta->child_sig = 0;
  }
  if ((m.flags & XSIG__WIRE_FLAG_CHILD) && decode_child(&m, meta) != 0)
    return XSIG_EINVAL;
  if (!(m.flags & (XSIG__WIRE_FLAG_VALUE | XSIG__WIRE_FLAG_CHILD)) && m.value != 0)
    return XSIG_EINVAL;
  /* KILL and STOP never travel: the sender acts on the process directly. */
  if (!xsig_valid(m.signo) || m.signo == XSIG_KILL || m.signo == XSIG_STOP)
    return XSIG_EINVAL;
  memset(info, 0, sizeof *info);
  info->signo = m.signo;
  info->code = (m.flags & XSIG__WIRE_FLAG_VALUE) ? XSIG_SI_QUEUE : XSIG_SI_USER;
  if (m.flags & XSIG__WIRE_FLAG_VALUE)
    info->value = (intptr_t)xsig__value_narrow(m.value, (int)(sizeof(intptr_t) * CHAR_BIT));
  if (meta) {
    meta->version = m.version;
    meta->wants_ring = (m.flags & XSIG__WIRE_FLAG_RING) != 0;
  }
  return 0;
}

int64_t xsig__value_narrow(int64_t v, int bits)
{
  uint64_t low, top;
  if (bits >= 64)
    return v;
  top = UINT64_C(1) << bits;
  low = (uint64_t)v & (top - 1);
  /* read as two's complement, spelled out: no implementation-defined cast */
  return low < top / 2 ? (int64_t)low : -(int64_t)(top - low);
}

int xsig__ring_count(uint32_t head, uint32_t tail)
{
  uint32_t n = head - tail;
  return n <= XSIG__RING_SLOTS ? (int)n : -1;
}

int xsig__ring_decode(const struct xsig__wire_msg *slot, xsig_info_t *info)
{
  if ((slot->flags & XSIG__WIRE_FLAG_RING) || slot->version != XSIG__WIRE_VERSION)
    return XSIG_EINVAL;
  return xsig__wire_decode(slot, sizeof *slot, info, NULL);
}

void xsig__wire_reply_encode(void *buf, size_t *size, int version, int result,
                             const uint64_t *handles)
{
  if (version == XSIG__WIRE_VERSION_OLD) {
    struct xsig__wire_reply_v1 r;
    memset(&r, 0, sizeof r);
    r.magic = XSIG__WIRE_MAGIC;
    r.result = result;
    memcpy(buf, &r, sizeof r);
    *size = sizeof r;
  } else {
    struct xsig__wire_reply r;
    memset(&r, 0, sizeof r);
    r.magic = XSIG__WIRE_MAGIC;
    r.version = XSIG__WIRE_VERSION;
    r.size = (uint16_t)sizeof r;
    r.result = result;
    if (handles) {
      r.ring = 1;
      r.section = handles[0];
      r.doorbell = handles[1];
      r.wake = handles[2];
    }
    memcpy(buf, &r, sizeof r);
    *size = sizeof r;
  }
}

/* What a handle value in another process can be: kernel handles are
 * multiples of 4, and far below 2^30 (pseudo-handles such as -1 are not). */
static int plausible_handle(uint64_t h)
{
  return h != 0 && h % 4 == 0 && h < ((uint64_t)1 << 30);
}

/* 0 or an error code this version knows. */
static int plausible_result(int32_t r)
{
  return r <= 0 && r >= XSIG_ERR_MAX_;
}

int xsig__wire_reply_decode(const void *buf, size_t len, int version, int *result,
                            uint64_t *handles)
{
  if (version == XSIG__WIRE_VERSION_OLD) {
    struct xsig__wire_reply_v1 r;
    if (buf == NULL || len != sizeof r)
      return XSIG_EINVAL;
    memcpy(&r, buf, sizeof r);
    /* an xsig 0.x receiver's ring (handles put into our process) is
     * never taken: only the result counts */
    if (r.magic != XSIG__WIRE_MAGIC || !plausible_result(r.result))
      return XSIG_EINVAL;
    *result = r.result;
    return 0;
  } else {
    struct xsig__wire_reply r;
    int i;
    if (buf == NULL || len != sizeof r || version != XSIG__WIRE_VERSION)
      return XSIG_EINVAL;
    memcpy(&r, buf, sizeof r);
    if (r.magic != XSIG__WIRE_MAGIC || r.version != XSIG__WIRE_VERSION || r.size != sizeof r ||
        r.reserved != 0 || r.ring > 1 || !plausible_result(r.result))
      return XSIG_EINVAL;
    handles[0] = r.section;
    handles[1] = r.doorbell;
    handles[2] = r.wake;
    for (i = 0; i < 3; i++)
      if (r.ring ? !plausible_handle(handles[i]) : handles[i] != 0)
        return XSIG_EINVAL;
    *result = r.result;
    return (int)r.ring;
  }
}
