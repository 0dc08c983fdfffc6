/* SPDX-License-Identifier: MIT */
/* The layout of a ring (src/win/ring.c) as both processes map it. Each
 * word is written by one side (the comment says which), with a full
 * barrier (InterlockedExchange), and read by the other with an acquire
 * load; the two flags that say "wake me" are also cleared by the other side
 * with InterlockedCompareExchange. Each word has a cache line of its own,
 * so that one side's writes do not move the lines the other side reads.
 * Here for the tests, which play a sender. */
#ifndef XSIG_WIN_RING_H
#define XSIG_WIN_RING_H

#include <windows.h>
#include "../wire.h"

#define XSIG__WIN_CACHE_LINE 64

struct xsig__win_ring_word {
  volatile LONG v;
  char pad[XSIG__WIN_CACHE_LINE - sizeof(LONG)];
};

struct xsig__win_ring {
  struct xsig__win_ring_word head;     /* sender: messages written */
  struct xsig__win_ring_word tail;     /* receiver: messages taken */
  struct xsig__win_ring_word credit;   /* receiver: real-time messages it has room for, in all */
  struct xsig__win_ring_word asks;     /* sender: times it asked for credit */
  struct xsig__win_ring_word answered; /* receiver: the asks it answered */
  struct xsig__win_ring_word receiver_sleeping; /* receiver sets; a sender that rings clears */
  struct xsig__win_ring_word sender_waiting;    /* sender sets (room, an answer); the receiver clears */
  struct xsig__win_ring_word attached; /* sender: 1 once it took the ring (before it closes the pipe) */
  struct xsig__win_ring_word detached; /* sender: 1 once it let the ring go (nothing more comes) */
  struct xsig__win_ring_word closed;   /* receiver: 1 takes nothing more; 2 and tail is final */
  struct xsig__win_ring_word ending;   /* receiver: its process is ending */
  struct xsig__wire_msg slot[XSIG__RING_SLOTS];
};

#define XSIG__WIN_RING_CLOSING 1
#define XSIG__WIN_RING_CLOSED 2

#endif
