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
};

/* Fills msg for sig (and value, if has_value). */
void xsig__wire_encode(struct xsig__wire_msg *msg, int sig, intptr_t value, int has_value);

/* Checks len bytes received; fills *info's signo, code and value (not pid).
 * Returns 0 or XSIG_EINVAL for anything malformed. */
int xsig__wire_decode(const void *buf, size_t len, xsig_info_t *info);

#endif
