/* SPDX-License-Identifier: MIT */
/* The Windows transport's wire format: one fixed-size message per signal,
 * one fixed-size reply. Versioned; anything else is rejected. Kept free of
 * platform headers so that the fuzz targets and tests can use it anywhere.
 *
 * Versions (docs/internals.md, "The wire protocol"):
 * - 1: a message and a 40-byte reply. Receivers of xsig 0.x before the
 *   ring took only XSIG__WIRE_FLAG_VALUE; later ones took
 *   XSIG__WIRE_FLAG_RING too and answered it with handles they had put into
 *   the sender's process. A receiver of today answers a version 1 message
 *   in version 1, never with a ring.
 * - 2: the same message; a ring request is answered by a 48-byte reply
 *   naming objects in the receiver's own process, which the sender takes
 *   itself (DuplicateHandle), checking each one. A receiver that knows
 *   only version 1 drops a version 2 message without a reply: the sender
 *   then says it again in version 1, without the ring request. */
#ifndef XSIG_WIRE_H
#define XSIG_WIRE_H

#include <stdint.h>
#include "xsig.h"

#define XSIG__WIRE_MAGIC 0x47495358u /* "XSIG" */
#define XSIG__WIRE_VERSION 2     /* what a sender says first */
#define XSIG__WIRE_VERSION_OLD 1 /* what it falls back to */
#define XSIG__WIRE_FLAG_VALUE 0x1u
#define XSIG__WIRE_FLAG_RING 0x2u /* pipe only: "and give me a ring" */
/* Pipe only, version 2, signo XSIG_CHLD, alone: "a child of yours stopped
 * or continued", value = its pid << 8 | the signal (STOP, TSTP, TTIN,
 * TTOU or CONT). Only news: the receiver looks at the child itself. */
#define XSIG__WIRE_FLAG_CHILD 0x4u

struct xsig__wire_msg {
  uint32_t magic;
  uint16_t version;
  uint16_t size;     /* sizeof(struct xsig__wire_msg) */
  int32_t signo;
  uint32_t flags;    /* XSIG__WIRE_FLAG_* */
  int64_t value;
  uint64_t reserved; /* 0 */
};

/* The reply to a version 1 message: 40 bytes, ring always 0. */
struct xsig__wire_reply_v1 {
  uint32_t magic;
  int32_t result;    /* 0 or an XSIG_E* code */
  uint32_t ring;     /* 0 (xsig 0.x receivers: 1 with handles below) */
  uint32_t reserved; /* 0 */
  uint64_t section, doorbell, wake;
};

/* The reply to a version 2 message: 48 bytes. With ring 1 the three
 * values are handles in the receiver's process: a section of one struct
 * xsig__win_ring, a semaphore (the doorbell), an event (the wake-up). */
struct xsig__wire_reply {
  uint32_t magic;
  uint16_t version;  /* 2 */
  uint16_t size;     /* sizeof(struct xsig__wire_reply) */
  int32_t result;    /* 0 or an XSIG_E* code */
  uint32_t ring;     /* 0 or 1 */
  uint64_t section, doorbell, wake;
  uint64_t reserved; /* 0 */
};

/* What a decoded message says besides the signal. */
struct xsig__wire_meta {
  int version;   /* XSIG__WIRE_VERSION or XSIG__WIRE_VERSION_OLD */
  int wants_ring;
  int64_t child; /* XSIG__WIRE_FLAG_CHILD: the child it names (1..2^31-1), else 0 */
  int child_sig; /* and its signal */
};

/* A ring (src/win/ring.c) holds messages in the format above (version 2),
 * minus XSIG__WIRE_FLAG_RING: XSIG__RING_SLOTS of them, one sender, one
 * receiver; head and tail count messages from 0, wrapping at 2^32. */
#define XSIG__RING_SLOTS 256

/* How many messages are waiting, from the sender's head and the receiver's
 * own tail; -1 when the head cannot be (behind the tail, or more than
 * XSIG__RING_SLOTS ahead): a sender that wrote it is not playing fair. */
int xsig__ring_count(uint32_t head, uint32_t tail);

/* A message copied out of a ring: as xsig__wire_decode, and XSIG_EINVAL
 * for XSIG__WIRE_FLAG_RING or any version but XSIG__WIRE_VERSION too. */
int xsig__ring_decode(const struct xsig__wire_msg *slot, xsig_info_t *info);

/* Fills msg for sig (and value, if has_value) in the given version. */
void xsig__wire_encode(struct xsig__wire_msg *msg, int version, int sig, intptr_t value, int has_value);

/* Fills msg with the news that child stopped by sig (or continued: CONT). */
void xsig__wire_encode_child(struct xsig__wire_msg *msg, int64_t child, int sig);

/* Checks len bytes received; fills *info's signo, code and value (not pid)
 * and, if meta is not NULL, *meta. Returns 0 or XSIG_EINVAL for anything
 * malformed, a version it does not know included, and for child news
 * when meta is NULL (a ring never carries it). */
int xsig__wire_decode(const void *buf, size_t len, xsig_info_t *info, struct xsig__wire_meta *meta);

/* The reply to a message of that version: *size bytes of buf (which holds
 * a struct xsig__wire_reply), with the ring's handle values when ring. */
void xsig__wire_reply_encode(void *buf, size_t *size, int version, int result,
                             const uint64_t *handles);

/* Checks len bytes of a reply to a message of that version. Fills
 * *result and, for a ring (returns 1), handles[3]: section, doorbell,
 * wake, each a plausible handle value (non-zero, a multiple of 4, below
 * 2^30), not yet anything more. Returns 0 without a ring, 1 with one, or
 * XSIG_EINVAL for anything malformed (then nothing in it may be used). */
int xsig__wire_reply_decode(const void *buf, size_t len, int version, int *result,
                            uint64_t *handles);

/* The value v as a receiver whose intptr_t has bits bits holds it: its low
 * bits, read as two's complement (a 32-bit receiver of a value from a
 * 64-bit sender; docs/sending.md). */
int64_t xsig__value_narrow(int64_t v, int bits);

#endif
