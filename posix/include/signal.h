/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <signal.h>: POSIX.1-2017 signals on Windows, on top of the
 * toolchain's own <signal.h> (its signal(), raise(), sig_atomic_t, SIG_DFL,
 * SIG_IGN, SIG_ERR stay; signal and raise become the layer's).
 * What each name does on Windows, and what differs: docs/posix.md.
 */
#ifndef XSIG_POSIX_SIGNAL_H
#define XSIG_POSIX_SIGNAL_H

#include "xsig_posix.h"

#if defined(__GNUC__) || defined(__clang__)
# pragma GCC system_header /* #include_next is an extension: no -pedantic warning */
# include_next <signal.h>
#elif defined(_MSC_VER)
# ifdef XSIG_POSIX_UCRT_SIGNAL_H
#  include XSIG_POSIX_UCRT_SIGNAL_H
# else
#  include <../ucrt/signal.h>
# endif
#else
# error "xsig-posix <signal.h>: unknown compiler; define how to reach the C library's <signal.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- signal numbers ------------------------------------------------------
 * xsig's Windows numbers (the C runtime's for INT, ILL, FPE, SEGV, TERM,
 * BREAK and ABRT; Linux's for the rest). The POSIX signals xsig has no
 * number for take the top of xsig's real-time range (56..64) and the
 * layer keeps 55 for itself, so SIGRTMAX is 54 here (21 real-time
 * signals; POSIX asks for 8). mingw-w64 defines
 * some of these names, with other numbers, under _POSIX: ours replace them. */
#undef SIGHUP
#undef SIGQUIT
#undef SIGTRAP
#undef SIGIOT
#undef SIGEMT
#undef SIGKILL
#undef SIGBUS
#undef SIGSYS
#undef SIGPIPE
#undef SIGALRM
#undef NSIG
#define SIGHUP     1
/*      SIGINT     2    C runtime */
#define SIGQUIT    3
/*      SIGILL     4    C runtime */
#define SIGTRAP    5
#define SIGBUS     7
/*      SIGFPE     8    C runtime */
#define SIGKILL    9
#define SIGUSR1   10
/*      SIGSEGV   11    C runtime */
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
/*      SIGTERM   15    C runtime */
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
/*      SIGBREAK  21    C runtime (Ctrl-Break) */
/*      SIGABRT   22    C runtime */
#define SIGIOT    SIGABRT
#define SIGWINCH  28
#define SIGRTMIN  34
#define SIGRTMAX  54 /* 55 is the layer's own (see posix/src/state.h) */
#define SIGTTIN   56
#define SIGTTOU   57
#define SIGURG    58
#define SIGXCPU   59
#define SIGXFSZ   60
#define SIGVTALRM 61
#define SIGPROF   62
#define SIGSYS    63
#define SIGPOLL   64
#define SIGIO     SIGPOLL
#define NSIG      65
#define _NSIG     NSIG

/* The disposition that holds a signal (XSI sigset). */
#define SIG_HOLD ((void (*)(int))5)

/* ---- siginfo_t ---------------------------------------------------------- */
typedef struct {
  int si_signo;
  int si_code;
  int si_errno;
  pid_t si_pid;       /* sender (SI_USER, SI_QUEUE), child (SIGCHLD) */
  uid_t si_uid;       /* Windows: the relative id of the user's SID */
  void *si_addr;      /* faults: the faulting address */
  int si_status;      /* SIGCHLD: exit code or signal */
  long si_band;       /* SIGPOLL: always 0 (no band events on Windows) */
  union sigval si_value;
  int si_overrun;     /* SI_TIMER: the overrun count */
  int si_timerid;     /* SI_TIMER: the timer's id */
} siginfo_t;

/* si_code: Linux's values */
#define SI_USER     0
#define SI_KERNEL   0x80
#define SI_QUEUE    (-1)
#define SI_TIMER    (-2)
#define SI_MESGQ    (-3)
#define SI_ASYNCIO  (-4)
#define SI_SIGIO    (-5)
#define SI_TKILL    (-6)
#define ILL_ILLOPC  1
#define ILL_ILLOPN  2
#define ILL_ILLADR  3
#define ILL_ILLTRP  4
#define ILL_PRVOPC  5
#define ILL_PRVREG  6
#define ILL_COPROC  7
#define ILL_BADSTK  8
#define FPE_INTDIV  1
#define FPE_INTOVF  2
#define FPE_FLTDIV  3
#define FPE_FLTOVF  4
#define FPE_FLTUND  5
#define FPE_FLTRES  6
#define FPE_FLTINV  7
#define FPE_FLTSUB  8
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN  1
#define BUS_ADRERR  2
#define BUS_OBJERR  3
#define TRAP_BRKPT  1
#define TRAP_TRACE  2
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_TRAPPED   4
#define CLD_STOPPED   5
#define CLD_CONTINUED 6
#define POLL_IN   1
#define POLL_OUT  2
#define POLL_MSG  3
#define POLL_ERR  4
#define POLL_PRI  5
#define POLL_HUP  6

/* ---- sigaction ---------------------------------------------------------- */
#define SA_NOCLDSTOP 0x0001
#define SA_NOCLDWAIT 0x0002
#define SA_SIGINFO   0x0004
#define SA_ONSTACK   0x0008
#define SA_RESTART   0x0010
#define SA_NODEFER   0x0040
#define SA_RESETHAND 0x0080

struct sigaction {
  union {
    void (*xsig__handler)(int);
    void (*xsig__sigaction)(int, siginfo_t *, void *);
  } xsig__u;
  sigset_t sa_mask;
  int sa_flags;
};
#define sa_handler   xsig__u.xsig__handler
#define sa_sigaction xsig__u.xsig__sigaction

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* ---- alternate stack, contexts ------------------------------------------ */
#define SS_ONSTACK  1
#define SS_DISABLE  2
#define MINSIGSTKSZ 8192
#define SIGSTKSZ    32768

typedef struct {
  void *ss_sp;
  int ss_flags;
  size_t ss_size;
} stack_t;

/* The third argument of an SA_SIGINFO handler. uc_mcontext.xsig__context
 * is the Windows CONTEXT of a fault (NULL for other signals); changing it
 * has no effect. */
typedef struct { void *xsig__context; } mcontext_t;
typedef struct ucontext_t {
  struct ucontext_t *uc_link;
  sigset_t uc_sigmask;
  stack_t uc_stack;
  mcontext_t uc_mcontext;
} ucontext_t;

/* ---- struct sigevent (timer_create; posix/include/time.h) ---------------- */
#define SIGEV_SIGNAL 0
#define SIGEV_NONE   1
#define SIGEV_THREAD 2

/* ---- functions ---------------------------------------------------------- */
struct timespec;

XSIG_POSIX_API int kill(pid_t pid, int sig);
XSIG_POSIX_API int killpg(pid_t pgrp, int sig);
XSIG_POSIX_API int sigaction(int sig, const struct sigaction *act, struct sigaction *oact);
XSIG_POSIX_API int sigaddset(sigset_t *set, int sig);
XSIG_POSIX_API int sigdelset(sigset_t *set, int sig);
XSIG_POSIX_API int sigemptyset(sigset_t *set);
XSIG_POSIX_API int sigfillset(sigset_t *set);
XSIG_POSIX_API int sigismember(const sigset_t *set, int sig);
XSIG_POSIX_API int sigpending(sigset_t *set);
XSIG_POSIX_API int sigprocmask(int how, const sigset_t *set, sigset_t *oset);
XSIG_POSIX_API int sigsuspend(const sigset_t *mask);
XSIG_POSIX_API int sigwait(const sigset_t *set, int *sig);
XSIG_POSIX_API int sigwaitinfo(const sigset_t *set, siginfo_t *info);
XSIG_POSIX_API int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout);
XSIG_POSIX_API int sigqueue(pid_t pid, int sig, union sigval value);
XSIG_POSIX_API int sigaltstack(const stack_t *ss, stack_t *oss);
XSIG_POSIX_API int siginterrupt(int sig, int flag);
XSIG_POSIX_API void psignal(int sig, const char *s);
XSIG_POSIX_API void psiginfo(const siginfo_t *info, const char *s);
/* XSI */
XSIG_POSIX_API int sighold(int sig);
XSIG_POSIX_API int sigrelse(int sig);
XSIG_POSIX_API int sigignore(int sig);
XSIG_POSIX_API int sigpause(int sig);
XSIG_POSIX_API void (*sigset(int sig, void (*disp)(int)))(int);

/* The C runtime's signal() and raise() are replaced (their names stay
 * declared above; these macros make every later use the layer's). */
XSIG_POSIX_API void (*xsig_posix_signal(int sig, void (*handler)(int)))(int);
XSIG_POSIX_API int xsig_posix_raise(int sig);
#undef signal
#undef raise
#define signal xsig_posix_signal
#define raise xsig_posix_raise

#if defined(_GNU_SOURCE) || defined(_DEFAULT_SOURCE) || defined(_BSD_SOURCE)
typedef void (*sighandler_t)(int);
XSIG_POSIX_API int sigisemptyset(const sigset_t *set);
XSIG_POSIX_API int sigandset(sigset_t *dst, const sigset_t *a, const sigset_t *b);
XSIG_POSIX_API int sigorset(sigset_t *dst, const sigset_t *a, const sigset_t *b);
#endif

#ifdef __cplusplus
}
#endif

#define XSIG_POSIX_SIGNAL_DEFS_DONE

/* pthread_kill, pthread_sigmask and struct sigevent need the pthread
 * types: with winpthreads (mingw-w64) they come from <pthread.h>, and
 * whichever of the two headers completes last brings them in. */
#if defined(__MINGW32__)
# include <pthread.h>
#endif
#if defined(XSIG_POSIX_PTHREAD_DONE) || !defined(__MINGW32__)
# include "xsig_posix_sigthread.h"
#endif

#endif /* XSIG_POSIX_SIGNAL_H */
