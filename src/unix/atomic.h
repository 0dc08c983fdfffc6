/* SPDX-License-Identifier: MIT */
/* Atomics for state shared between threads (or with a signal handler)
 * outside the lock: the only way such state is touched. Sequentially
 * consistent; lock-free on every target (async-signal-safe). The same
 * functions, with the same names, are in src/win/atomic.h. */
#ifndef XSIG_UNIX_ATOMIC_H
#define XSIG_UNIX_ATOMIC_H

#include <stdint.h>

typedef volatile long xsig__atomic_long;
typedef volatile uint64_t xsig__atomic_u64;
typedef void *volatile xsig__atomic_ptr;

static inline long xsig__atomic_load(xsig__atomic_long *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline void xsig__atomic_store(xsig__atomic_long *p, long v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static inline long xsig__atomic_exchange(xsig__atomic_long *p, long v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
/* Returns the new value. */
static inline long xsig__atomic_add(xsig__atomic_long *p, long d) { return __atomic_add_fetch(p, d, __ATOMIC_SEQ_CST); }

static inline uint64_t xsig__atomic_load64(xsig__atomic_u64 *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline uint64_t xsig__atomic_add64(xsig__atomic_u64 *p, uint64_t d) { return __atomic_add_fetch(p, d, __ATOMIC_SEQ_CST); }
static inline void xsig__atomic_or64(xsig__atomic_u64 *p, uint64_t bits) { __atomic_fetch_or(p, bits, __ATOMIC_SEQ_CST); }
static inline uint64_t xsig__atomic_exchange64(xsig__atomic_u64 *p, uint64_t v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }

static inline void *xsig__atomic_load_ptr(xsig__atomic_ptr *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline void xsig__atomic_store_ptr(xsig__atomic_ptr *p, void *v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }

#endif
