/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix: declarations shared by the layer's sources (Windows only).
 * The layer is built on xsig's public API (include/xsig.h) alone.
 *
 * Who owns what (issue 27): signals, masks, delivery, the per-thread state
 * and the interruptible wait: posix-core (action.c, deliver.c, init.c,
 * jump.c, mask.c, names.c, send.c, sigset.c, thread.c, wait.c); time and
 * children: posix-time (its own files, using xsig_posix__wait below).
 */
#ifndef XSIG_POSIX_INTERNAL_H
#define XSIG_POSIX_INTERNAL_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <xsig.h>
#ifndef WIN32_LEAN_AND_MEAN
# define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

/* ---- errors -------------------------------------------------------------- */

/* The errno value of an XSIG_E* code (XSIG_EINVAL -> EINVAL, XSIG_ECHILD ->
 * ECHILD, XSIG_ETIMEDOUT -> EAGAIN, XSIG_ENOGRACE -> EPERM...). */
int xsig_posix__errno_of(int xsig_err);
/* Sets errno from an XSIG_E* code and returns -1: `return xsig_posix__fail(err);` */
int xsig_posix__fail(int xsig_err);

/* ---- start-up ------------------------------------------------------------ */

/* Starts the layer once per process (xsig_init, the signal thread, the
 * calling thread's state). Every public function calls it first; 0, or
 * -1 with errno set (EAGAIN: a system call failed; ENOMEM). Thread-safe. */
int xsig_posix__init(void);

/* The calling process's uid_t (si_uid): the relative identifier of the
 * user's SID. */
uid_t xsig_posix__uid(void);

/* ---- signals and sets ---------------------------------------------------- */

/* 1 for a signal number of the layer (1..64 that xsig knows, plus the
 * layer-only 56..64), else 0. */
int xsig_posix__valid(int sig);
/* The layer's set as a 64-bit mask (bit sig-1) and back; xsig's sets. */
#define XSIG_POSIX_BIT(sig) (1ull << ((sig) - 1))
uint64_t xsig_posix__bits(const sigset_t *set);
void xsig_posix__set_bits(sigset_t *set, uint64_t bits);
void xsig_posix__to_xsig(uint64_t bits, xsig_sigset_t *out);
uint64_t xsig_posix__from_xsig(const xsig_sigset_t *in);
/* The same for a mask a thread is given (SETMASK): with the layer's own
 * signal, which every thread keeps blocked (state.h, XP_NUDGE). */
void xsig_posix__to_xsig_mask(uint64_t bits, xsig_sigset_t *out);
/* KILL and STOP: never blocked. */
#define XSIG_POSIX_UNBLOCKABLE (XSIG_POSIX_BIT(SIGKILL) | XSIG_POSIX_BIT(SIGSTOP))

/* siginfo_t from xsig's record. */
void xsig_posix__info_from_xsig(const xsig_info_t *in, siginfo_t *out);
/* A siginfo_t for a signal this process sends itself (SI_USER, our pid). */
void xsig_posix__info_self(siginfo_t *out, int sig, int code);

/* ---- dispositions (action.c) --------------------------------------------- */

/* 1 while children should leave no zombie: SIGCHLD is SIG_IGN or its
 * action has SA_NOCLDWAIT (for waitpid). */
int xsig_posix__nocldwait(void);

/* The process group of the calling process, for kill(0, sig) and
 * killpg(0, sig): its leader's pid, or 0 when it is in no group xsig can
 * reach (pgrp.c; posix-time's getpgrp owns it). */
pid_t xsig_posix__getpgrp(void);

/* What the children part (posix-time: spawn, waitpid, groups) tells the
 * signal part (kill). Filled by the children part when the layer starts
 * (a member may stay NULL: kill then does without it). */
struct xsig_posix__kids_ops {
  /* 1 if pid is a child of this process not reaped yet (running, or
   * ended: a zombie, which kill must still find), else 0. */
  int (*unreaped)(int64_t pid);
  /* Sends sig (0: the existence check) to every process of group pgid
   * except the calling one. Returns 0 when it reached at least one,
   * XSIG_ESRCH when the group has no other member, or an XSIG_E* code. */
  int (*group_send)(int64_t pgid, int sig);
};
extern struct xsig_posix__kids_ops xsig_posix__kids;

/* ---- the per-thread state and delivery (thread.c, deliver.c) -------------- */

/* The calling program thread's signal mask as the program set it
 * (sigprocmask), without the extra bits a running handler adds. */
uint64_t xsig_posix__thread_mask(void);

/* Runs, on the calling thread, the signals handed to it (by pthread_kill,
 * or by the signal thread while it waited) that mask does not block, and
 * the process's held-back ones that mask now lets through. Returns how
 * many handlers ran. */
int xsig_posix__run_own(uint64_t mask);

/* The handler-run counters of the calling thread: the interruptible wait
 * compares them before and after to tell EINTR from a restart. */
struct xsig_posix__runs {
  unsigned ran;           /* handlers that ran on this thread */
  unsigned ran_norestart; /* of those, without SA_RESTART */
};
void xsig_posix__runs_get(struct xsig_posix__runs *out);

/* ---- the interruptible wait (wait.c): where EINTR comes from --------------
 *
 * Waits until one of h[0..n-1] is signalled (n <= 60; h may be NULL when
 * n is 0), deadline_us passes (a time of xsig_clock_us(); -1: never), or a
 * signal handler has run on the calling thread. Signals that arrive are
 * dispatched on the calling thread while it waits (or handed to it by the
 * signal thread), so a program blocked here runs its handler as on Linux.
 * flags:
 *   XSIG_POSIX_WAIT_RESTART  when every handler that ran had SA_RESTART,
 *                            go on waiting (waitpid, read...); without it
 *                            any handler gives EINTR (sleep, nanosleep,
 *                            pause, sigsuspend, select, poll: POSIX never
 *                            restarts those).
 *   XSIG_POSIX_WAIT_CHILDREN also return n when a child of xsig_spawn has
 *                            ended and not been reported.
 * mask: NULL to wait with the thread's mask; else the mask to wait with,
 * set atomically with the start of the wait and restored before return
 * (sigsuspend, pselect, ppoll).
 * Returns the index of the ready handle (0..n-1), n for a child,
 * XSIG_POSIX_TIMEDOUT when the deadline passed, or -1 with errno EINTR
 * (a handler ran), EINVAL or EAGAIN (the wait failed). */
#define XSIG_POSIX_WAIT_RESTART  0x1
#define XSIG_POSIX_WAIT_CHILDREN 0x2
#define XSIG_POSIX_TIMEDOUT      (-2)
int xsig_posix__wait(const HANDLE *h, int n, int flags, int64_t deadline_us, const sigset_t *mask);

/* A deadline for xsig_posix__wait from a relative time in ns (< 0: none). */
int64_t xsig_posix__deadline_ns(int64_t ns);

#endif /* XSIG_POSIX_INTERNAL_H */
