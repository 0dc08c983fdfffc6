/* SPDX-License-Identifier: MIT */
/* The Windows transport's wire format: one fixed-size message per signal,
 * one fixed-size reply. Versioned; anything else is rejected. Kept free of
 * platform headers so that the fuzz targets and tests can use it anywhere. */
#ifndef XSIG_WIRE_H
#define XSIG_WIRE_H

#include <stdint.h>
#include "xsig.h"

#define XSIG__WIRE_MAGIC 0x47495358u /* "XSIG" */
#define XSIG__WIRE_VERSION 1
#define XSIG__WIRE_FLAG_VALUE 0x1u
#define XSIG__WIRE_FLAG_RING 0x2u /* pipe only: "and give me a ring" */

struct xsig__wire_msg {
  uint32_t magic;
  uint16_t version;
  uint16_t size;     /* sizeof(struct xsig__wire_msg) */
  int32_t signo;
  uint32_t flags;    /* XSIG__WIRE_FLAG_* */
  int64_t value;
  uint64_t reserved; /* 0 */
};

struct xsig__wire_reply {
  uint32_t magic;
  int32_t result;    /* 0 or an XSIG_E* code */
  uint32_t ring;     /* 1: the three handles below are the sender's ring */
  uint32_t reserved; /* 0 */
  uint64_t section, doorbell, wake; /* handle values in the sender's process */
};

/* Whether a message that decoded asks for a ring. */
int xsig__wire_wants_ring(const void *buf);

/* A ring (src/win/ring.c) holds messages in the format above, minus
 * XSIG__WIRE_FLAG_RING: XSIG__RING_SLOTS of them, one sender, one
 * receiver; head and tail count messages from 0, wrapping at 2^32. */
#define XSIG__RING_SLOTS 256

/* How many messages are waiting, from the sender's head and the receiver's
 * own tail; -1 when the head cannot be (behind the tail, or more than
 * XSIG__RING_SLOTS ahead): a sender that wrote it is not playing fair. */
int xsig__ring_count(uint32_t head, uint32_t tail);

/* A message copied out of a ring: as xsig__wire_decode, and XSIG_EINVAL
 * for XSIG__WIRE_FLAG_RING too. */
int xsig__ring_decode(const struct xsig__wire_msg *slot, xsig_info_t *info);

/* Fills msg for sig (and value, if has_value). */
void xsig__wire_encode(struct xsig__wire_msg *msg, int sig, intptr_t value, int has_value);

/* Checks len bytes received; fills *info's signo, code and value (not pid).
 * Returns 0 or XSIG_EINVAL for anything malformed. */
int xsig__wire_decode(const void *buf, size_t len, xsig_info_t *info);

#endif
