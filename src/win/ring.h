/* SPDX-License-Identifier: MIT */
/* What a sender and its receiver agree on beyond the message format
 * (src/wire.h): the name of the receiver's pipe (src/win/transport.c), and
 * the layout of a ring (src/win/ring.c) as both processes map it. Each
 * word is written by one side (the comment says which), with a full
 * barrier (InterlockedExchange), and read by the other with an acquire
 * load; the two flags that say "wake me" are also cleared by the other side
 * with InterlockedCompareExchange. Each word has a cache line of its own,
 * so that one side's writes do not move the lines the other side reads.
 * Here for the tests, which play a sender. */
#ifndef XSIG_WIN_RING_H
#define XSIG_WIN_RING_H

#include <windows.h>
#include <wchar.h>
#include "../wire.h"

/* The pipe a receiver listens on. */
static __inline void xsig__win_pipe_name(DWORD pid, wchar_t *name, size_t size)
{
  swprintf(name, size, L"\\\\.\\pipe\\xsig-1-%lu", (unsigned long)pid);
}

#define XSIG__WIN_CACHE_LINE 64

struct xsig__win_ring_word {
  volatile LONG v;
  char pad[XSIG__WIN_CACHE_LINE - sizeof(LONG)];
};

struct xsig__win_ring {
  struct xsig__win_ring_word head;     /* sender: messages written */
  struct xsig__win_ring_word tail;     /* receiver: messages taken */
  struct xsig__win_ring_word credit;   /* receiver: real-time messages it has room for, in all */
  struct xsig__win_ring_word credit_asks;     /* sender: times it asked for credit */
  struct xsig__win_ring_word credit_answers; /* receiver: the asks it answered */
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
