/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix: the signal half's own state (posix-core only; other parts of
 * the layer use internal.h).
 *
 * The delivery model (docs/posix.md, "Where a handler runs"):
 * - Each program thread known to the layer has a struct xp_thread: the
 *   mask the program set, whether it waits in the layer (and with which
 *   mask), and a list of signals handed to it.
 * - One signal thread of the layer's is xsig's delivery thread. Its xsig
 *   mask is the intersection of the program threads' masks, so that a
 *   signal every program thread blocks stays pending (in xsig, where
 *   sigpending, sigwait and unblocking find it), and xsig's default
 *   actions obey it. It runs the handler of a signal that arrives while
 *   no program thread takes it at once: a busy loop sees its flag set.
 * - A program thread waiting in the layer (sleep, sigsuspend, waitpid...)
 *   takes signals itself (xsig dispatches them into its wait); one the
 *   signal thread took first is handed to it (its list, its wake event),
 *   so the wait ends with EINTR as on Linux.
 *
 * Locking: xp_lock (an SRW lock) guards the thread list, every record's
 * mask, waiting, waitmask, sigwait_set and list, the process list
 * (xp_held) and the signal thread's wanted mask. It is never held while a
 * handler runs or an xsig call that may run one is made.
 */
#ifndef XSIG_POSIX_STATE_H
#define XSIG_POSIX_STATE_H

#include "internal.h"

#if defined(_MSC_VER)
# define XP_TLS __declspec(thread)
#else
# define XP_TLS _Thread_local
#endif

/* The layer's own signal (xsig's real-time 55): every thread keeps it
 * blocked, so only a thread in sigwait* (whose set has it) takes it: the
 * signal thread posts it to wake such a thread when it hands it
 * something, as xsig's sigwait watches nothing else. */
#define XP_NUDGE 55

struct xp_item {
  struct xp_item *next;
  siginfo_t info;
  int proxy;                 /* for another thread that does not block it
                                and is not at a layer call: the signal
                                thread may run it at once */
  int has_act;               /* act was taken when it arrived (xsig's
                                dispatch already reset SA_RESETHAND) */
  struct sigaction act;
};

struct xp_thread {
  struct xp_thread *next;
  DWORD tid;
  HANDLE wake;               /* auto-reset: something was handed to it */
  uint64_t mask;             /* the program's mask for this thread */
  int waiting;               /* in xsig_posix__wait */
  uint64_t waitmask;         /* its mask meanwhile */
  uint64_t sigwait_set;      /* in sigwait*: the set it waits for */
  struct xp_item *head, **tail;
  /* the thread's own: */
  struct xsig_posix__runs runs;
  stack_t alt;               /* sigaltstack */
  int on_alt;                /* a handler runs on alt */
  int registered;            /* in the list */
};

void xp_lock(void);
void xp_unlock(void);
/* The calling thread's record, made on first use; NULL on the signal
 * thread (and if memory ran out). */
struct xp_thread *xp_self(void);
int xp_is_signal_thread(void);
/* The record of thread tid, or NULL; under the lock. */
struct xp_thread *xp_find_locked(DWORD tid);
struct xp_thread *xp_threads_locked(void);
/* A record's mask changed (or a thread came or went): the signal thread's
 * mask follows. wait: return only once it blocks what every program
 * thread blocks (needed when that grew). Not under the lock. */
void xp_signal_thread_follow(int wait);
/* Wakes the signal thread to look at the lists (a thread-directed signal
 * for a thread that does not take it itself). */
void xp_signal_thread_poke(void);
/* What every program thread blocks; under the lock. */
uint64_t xp_blocked_everywhere_locked(void);

/* Appends to t's list (under the lock). */
void xp_push_locked(struct xp_thread *t, struct xp_item *it);
/* Takes the first item of t's list, or of the held list, whose signal is
 * in want; under the lock. */
struct xp_item *xp_take_locked(struct xp_thread *t, uint64_t want);
/* Signals held by the layer for the process (the signal thread took them
 * when every program thread had just blocked them). */
extern struct xp_item *xp_held;
uint64_t xp_list_bits_locked(const struct xp_item *head);

/* action.c: runs the handler for info on this thread, as POSIX does
 * (mask, SA_RESETHAND unless it was done, SA_SIGINFO, SA_ONSTACK); the
 * default action for SIG_DFL. */
void xp_run(const siginfo_t *info, const struct sigaction *act_or_null);
/* The action in force for sig, copied. reset: XP_RESET_LAYER applies
 * SA_RESETHAND to the layer's table (xsig's dispatch reset its own),
 * XP_RESET_BOTH to xsig's too. */
#define XP_RESET_NONE  0
#define XP_RESET_LAYER 1
#define XP_RESET_BOTH  2
void xp_action_take(int sig, struct sigaction *out, int reset);
/* 1 for the POSIX signals xsig has no number for (56..64). */
#define XP_LAYER_ONLY(sig) ((sig) >= SIGTTIN && (sig) <= SIGPOLL)
/* The signal thread says it runs a handler (nobody waits for it then). */
void xp_signal_thread_busy(int on);
/* The default action of sig, now. */
void xp_default_action(int sig);
int xp_default_ignores(int sig);

/* Drops what the layer holds of sig (SIG_IGN discards pending). */
void xp_discard_held(int sig);
/* action.c: the layer-only signals' trampolines, at start. */
int xp_actions_start(void);

/* deliver.c: a signal xsig dispatched on this thread (the trampoline). */
void xp_arrived(const siginfo_t *info);
/* Wakes the threads in sigwait* to look at their lists. */
void xp_nudge(void);
/* The signals that have a handler function (action.c). */
uint64_t xp_handled(void);
/* The calling thread's mask now (with what a running handler added). */
uint64_t xp_current_mask(void);
/* A signal the calling thread takes now, its mask letting it through:
 * the handler here before return, or the default action. */
int xp_deliver_self(const siginfo_t *info);
/* Delivers info to thread t (thread-directed: pthread_kill, raise). */
int xp_send_thread(struct xp_thread *t, DWORD tid, const siginfo_t *info);

/* mask.c: sets the calling thread's mask (program and xsig) and runs what
 * that unblocks; old may be NULL. */
int xp_setmask(int how, uint64_t set, int has_set, uint64_t *old);

#endif
