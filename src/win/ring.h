/* SPDX-License-Identifier: MIT */
/* The layout of a ring (src/win/ring.c) as both processes map it: each
 * field is written by one side and read by the other through interlocked
 * operations (full barriers). Here for the tests, which play a sender. */
#ifndef XSIG_WIN_RING_H
#define XSIG_WIN_RING_H

#include <windows.h>
#include "../wire.h"

struct xsig__win_ring {
  LONG head;             /* sender: messages written */
  LONG tail;             /* receiver: messages taken */
  LONG credit;           /* receiver: real-time messages it has room for, in all */
  LONG asks, answered;   /* the sender asks for credit, the receiver answers */
  LONG receiver_sleeping;
  LONG sender_waiting;   /* for room or an answer, on its wake event */
  LONG closed;           /* the receiver takes nothing more */
  LONG ending;           /* the receiver's process is ending */
  struct xsig__wire_msg slot[XSIG__RING_SLOTS];
};

#endif
