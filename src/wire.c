/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "internal.h"
#include "wire.h"

void xsig__wire_encode(struct xsig__wire_msg *msg, int sig, intptr_t value, int has_value)
{
  memset(msg, 0, sizeof *msg);
  msg->magic = XSIG__WIRE_MAGIC;
  msg->version = XSIG__WIRE_VERSION;
  msg->size = (uint16_t)sizeof *msg;
  msg->signo = sig;
  msg->flags = has_value ? XSIG__WIRE_FLAG_VALUE : 0;
  msg->value = has_value ? (int64_t)value : 0;
}

int xsig__wire_decode(const void *buf, size_t len, xsig_info_t *info)
{
  struct xsig__wire_msg m;
  if (buf == NULL || len != sizeof m)
    return XSIG_EINVAL;
  memcpy(&m, buf, sizeof m);
  if (m.magic != XSIG__WIRE_MAGIC || m.version != XSIG__WIRE_VERSION || m.size != sizeof m)
    return XSIG_EINVAL;
  if ((m.flags & ~(XSIG__WIRE_FLAG_VALUE | XSIG__WIRE_FLAG_RING)) || m.reserved != 0)
    return XSIG_EINVAL;
  if (!(m.flags & XSIG__WIRE_FLAG_VALUE) && m.value != 0)
    return XSIG_EINVAL;
  /* KILL and STOP never travel: the sender acts on the process directly. */
  if (!xsig_valid(m.signo) || m.signo == XSIG_KILL || m.signo == XSIG_STOP)
    return XSIG_EINVAL;
  memset(info, 0, sizeof *info);
  info->signo = m.signo;
  info->code = (m.flags & XSIG__WIRE_FLAG_VALUE) ? XSIG_SI_QUEUE : XSIG_SI_USER;
  info->value = (intptr_t)m.value;
  return 0;
}

int xsig__ring_count(uint32_t head, uint32_t tail)
{
  uint32_t n = head - tail;
  return n <= XSIG__RING_SLOTS ? (int)n : -1;
}

int xsig__ring_decode(const struct xsig__wire_msg *slot, xsig_info_t *info)
{
  if (slot->flags & XSIG__WIRE_FLAG_RING)
    return XSIG_EINVAL;
  return xsig__wire_decode(slot, sizeof *slot, info);
}

int xsig__wire_wants_ring(const void *buf)
{
  struct xsig__wire_msg m;
  memcpy(&m, buf, sizeof m);
  return (m.flags & XSIG__WIRE_FLAG_RING) != 0;
}
