/* SPDX-License-Identifier: MIT */
/* Atomics for state shared between threads outside the lock: the only way
 * such state is touched. Sequentially consistent (the Interlocked family
 * is a full barrier). The same functions, with the same names, are in
 * src/unix/atomic.h. xsig__atomic_load_acquire is for memory another
 * process writes (a ring): a read that never writes the cache line. */
#ifndef XSIG_WIN_ATOMIC_H
#define XSIG_WIN_ATOMIC_H

#ifndef WIN32_LEAN_AND_MEAN
# define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <stdint.h>
#include <intrin.h> /* _ReadWriteBarrier */

typedef volatile LONG xsig__atomic_long;
typedef volatile LONG64 xsig__atomic_u64;
typedef PVOID volatile xsig__atomic_ptr;

static __inline long xsig__atomic_load(xsig__atomic_long *p) { return InterlockedCompareExchange(p, 0, 0); }

/* An acquire load, as MSVC's ReadAcquire (not in mingw-w64's headers): on
 * x86 and x64 a plain load is one, and the compiler barrier keeps later
 * accesses after it; on ARM64 a full barrier follows the load. */
static __inline long xsig__atomic_load_acquire(const volatile LONG *p)
{
  LONG v = *p;
#if defined(_M_ARM64) || defined(__aarch64__)
  MemoryBarrier();
#else
  _ReadWriteBarrier();
#endif
  return v;
}
static __inline void xsig__atomic_store(xsig__atomic_long *p, long v) { InterlockedExchange(p, v); }
static __inline long xsig__atomic_exchange(xsig__atomic_long *p, long v) { return InterlockedExchange(p, v); }
/* Returns the new value. */
static __inline long xsig__atomic_add(xsig__atomic_long *p, long d) { return InterlockedExchangeAdd(p, d) + d; }

static __inline uint64_t xsig__atomic_load64(xsig__atomic_u64 *p) { return (uint64_t)InterlockedCompareExchange64(p, 0, 0); }
static __inline uint64_t xsig__atomic_add64(xsig__atomic_u64 *p, uint64_t d)
{
  return (uint64_t)InterlockedExchangeAdd64(p, (LONG64)d) + d;
}
static __inline void xsig__atomic_or64(xsig__atomic_u64 *p, uint64_t bits) { InterlockedOr64(p, (LONG64)bits); }
static __inline uint64_t xsig__atomic_exchange64(xsig__atomic_u64 *p, uint64_t v)
{
  return (uint64_t)InterlockedExchange64(p, (LONG64)v);
}

static __inline void *xsig__atomic_load_ptr(xsig__atomic_ptr *p) { return InterlockedCompareExchangePointer(p, NULL, NULL); }
static __inline void xsig__atomic_store_ptr(xsig__atomic_ptr *p, void *v) { InterlockedExchangePointer(p, v); }

#endif
