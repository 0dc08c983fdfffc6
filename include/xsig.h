/* SPDX-License-Identifier: MIT */
/*
 * xsig: one signal API for Windows and POSIX.
 *
 * Conventions used throughout this header:
 * - Functions that can fail return 0 (or a non-negative count) on success and
 *   a negative XSIG_E* code on failure; xsig_strerror() names it.
 * - "Async-signal-safe" means callable from a native POSIX signal handler.
 *   xsig handlers do NOT run in signal context (see docs/delivery.md), so
 *   most programs never need that guarantee.
 * - Signal numbers are the native ones where the platform has them.
 * - Text written into a caller's buffer (buf, size) works as snprintf():
 *   it is NUL-terminated and truncated to size, the return value is the
 *   length the whole text needs (without the NUL), and buf may be NULL
 *   when size is 0, to measure; buf NULL with size > 0 is XSIG_EINVAL.
 *   (xsig_dump_path, a path that is useless cut short, fails with
 *   XSIG_ERANGE instead.)
 * - Structs that xsig writes into the caller's memory (xsig_info_t,
 *   xsig_status_t, xsig_stats_t, xsig_proc_entry_t) end in reserved space that xsig sets to
 *   0: a later 1.x version may give it meaning without changing the
 *   struct's size, so a program built against 1.0 stays correct. Read
 *   only the fields of the version you build against; a struct passed in
 *   (xsig_status_format's) has its reserved space ignored, except
 *   xsig_spawn_options_t's, which must be 0 (zero the whole struct).
 * - Version 1.x keeps the API and ABI of 1.0 (docs/packaging.md).
 */
#ifndef XSIG_H
#define XSIG_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(XSIG_SHARED)
# if defined(XSIG_BUILDING)
#  define XSIG_API __declspec(dllexport)
# else
#  define XSIG_API __declspec(dllimport)
# endif
#elif defined(__GNUC__) && defined(XSIG_BUILDING)
# define XSIG_API __attribute__((visibility("default")))
#else
# define XSIG_API
#endif

#define XSIG_VERSION_MAJOR 1
#define XSIG_VERSION_MINOR 0
#define XSIG_VERSION_PATCH 0

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

#define XSIG_EINVAL    (-1)  /* invalid argument (bad signal, flags, pointer) */
#define XSIG_ENOSYS    (-2)  /* not supported on this platform */
#define XSIG_ESRCH     (-3)  /* no such process (or it has exited) */
#define XSIG_EPERM     (-4)  /* not allowed to signal that process */
#define XSIG_EAGAIN    (-5)  /* queue full: the signal was not queued */
#define XSIG_ETIMEDOUT (-6)  /* the time-out expired */
#define XSIG_EINTR     (-7)  /* interrupted: signal handlers ran */
#define XSIG_ENOMEM    (-8)  /* out of memory */
#define XSIG_ENOTINIT  (-9)  /* xsig_init() has not been called */
#define XSIG_ESYS      (-10) /* an operating-system call failed */
#define XSIG_ERANGE    (-11) /* a number is out of range */
#define XSIG_ENOGRACE  (-12) /* no graceful way to deliver to that process */
#define XSIG_ECHILD    (-13) /* not a child of this process */
#define XSIG_ENOENT    (-14) /* program not found */
#define XSIG_ENOEXEC   (-15) /* program found but cannot be run */
#define XSIG_EBADF     (-16) /* not an open fd / HANDLE (closed, or never was) */
#define XSIG_ETIMER    (-17) /* no such timer (never made, or deleted) */
#define XSIG_ENOSERVICE (-18) /* not started as a service (by Windows' SCM) */
#define XSIG_ENOTSTARTED (-19) /* not started (xsig_handler_thread_stop
                                  without a start) */
#define XSIG_ERR_MAX_  (-19)

/* Returns a static, never-NULL English description of an XSIG_E* code, or
 * "unknown error" for a code it does not know (a later version's, say).
 * Thread-safe and async-signal-safe. */
XSIG_API const char *xsig_strerror(int err);

/* Returns the short name of an XSIG_E* code ("EINVAL"), or "E?" if unknown. */
XSIG_API const char *xsig_errname(int err);

/* ------------------------------------------------------------------------ */
/* Signal numbers                                                           */

/* Where each comes from on each platform, and its default action there:
 * docs/signals.md. Windows: WINCH comes from the console's size, watched
 * only while a handler is installed (a WinEvent hook on a classic console
 * window, else polled every 200 ms), ALRM from xsig_alarm/xsig_setitimer,
 * QUIT's default action writes a minidump (xsig_set_dump_dir). */
#ifdef _WIN32
/* The CRT's numbers where it has the signal, Linux numbers for the rest. */
# define XSIG_HUP    1
# define XSIG_INT    2
# define XSIG_QUIT   3
# define XSIG_ILL    4
# define XSIG_TRAP   5
# define XSIG_BUS    7
# define XSIG_FPE    8
# define XSIG_KILL   9
# define XSIG_USR1  10
# define XSIG_SEGV  11
# define XSIG_USR2  12
# define XSIG_PIPE  13
# define XSIG_ALRM  14
# define XSIG_TERM  15
# define XSIG_CHLD  17
# define XSIG_CONT  18
# define XSIG_STOP  19
# define XSIG_TSTP  20
# define XSIG_BREAK 21
# define XSIG_ABRT  22
# define XSIG_WINCH 28
#else
# include <signal.h>
# define XSIG_HUP   SIGHUP
# define XSIG_INT   SIGINT
# define XSIG_QUIT  SIGQUIT
# define XSIG_ILL   SIGILL
# define XSIG_TRAP  SIGTRAP
# define XSIG_BUS   SIGBUS
# define XSIG_FPE   SIGFPE
# define XSIG_KILL  SIGKILL
# define XSIG_USR1  SIGUSR1
# define XSIG_SEGV  SIGSEGV
# define XSIG_USR2  SIGUSR2
# define XSIG_PIPE  SIGPIPE
# define XSIG_ALRM  SIGALRM
# define XSIG_TERM  SIGTERM
# define XSIG_CHLD  SIGCHLD
# define XSIG_CONT  SIGCONT
# define XSIG_STOP  SIGSTOP
# define XSIG_TSTP  SIGTSTP
# define XSIG_ABRT  SIGABRT
# define XSIG_WINCH SIGWINCH
/* BREAK (Ctrl-Break) exists only on Windows. On POSIX this number is no
 * signal (xsig_valid is 0, it lies above XSIG_NSIG) but keeps its name,
 * so that a Windows exit status decodes and prints there: xsig_name gives
 * "BREAK" and xsig_describe "Ctrl-Break", and every operation on it
 * (xsig_send/xsig_kill, xsig_raise, xsig_action, xsig_sigaddset,
 * xsig_parse, ...) fails with XSIG_ENOSYS, never with a side effect. On
 * Windows it is a signal as any other: a handler takes it, and its
 * default action ends the process (as Ctrl-Break does), also when
 * xsig_kill sends it to the calling process. A portable program tests
 * xsig_valid(XSIG_BREAK) before it handles or sends BREAK. */
# define XSIG_BREAK 127
#endif

/* First and last real-time signal (34 and 64 on Windows; the C library's
 * SIGRTMIN/SIGRTMAX on POSIX, which are not compile-time constants there). */
#define XSIG_RTMIN (xsig_rtmin())
#define XSIG_RTMAX (xsig_rtmax())
XSIG_API int xsig_rtmin(void);
XSIG_API int xsig_rtmax(void);

/* Largest signal number plus one: every signal of the platform (every
 * number xsig_valid accepts) is in 1..XSIG_NSIG-1, so an array of
 * XSIG_NSIG entries indexed by signal holds them all. XSIG_BREAK on POSIX
 * (127) is above it, being no signal there. */
#define XSIG_NSIG 65

/* Returns 1 if sig is a signal of this platform, 0 if not (XSIG_BREAK on
 * POSIX, 0, numbers the platform does not have). Async-signal-safe. */
XSIG_API int xsig_valid(int sig);

/* Returns 1 for a real-time (queued) signal, 0 otherwise. Async-signal-safe. */
XSIG_API int xsig_is_realtime(int sig);

/* ------------------------------------------------------------------------ */
/* Names                                                                    */

/* Parses "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3", "SIGRTMAX-1".
 * Returns the signal number, XSIG_EINVAL for text that names no signal (or
 * NULL), XSIG_ENOSYS for a signal this platform lacks ("BREAK" on POSIX).
 * "0" parses as 0 (the existence check of kill). Async-signal-safe. */
XSIG_API int xsig_parse(const char *name);

/* Writes the name without "SIG" ("TERM", "RTMIN+3") into buf, as snprintf
 * (NUL-terminated, truncated to size; buf may be NULL when size is 0, to
 * measure). Returns the name's length, or XSIG_EINVAL for a number that
 * names no signal (0 included: it is the existence check of xsig_send,
 * not a signal; timeout(1) calls it "EXIT") or for buf NULL with
 * size > 0. XSIG_BREAK gives "BREAK" on every platform. Async-signal-safe. */
XSIG_API int xsig_name(int sig, char *buf, size_t size);

/* Returns a static description like strsignal() ("Terminated"), or NULL for a
 * number that names no signal (0 included). XSIG_BREAK gives "Ctrl-Break"
 * on every platform (as xsig_name gives "BREAK"). Thread-safe and
 * async-signal-safe. */
XSIG_API const char *xsig_describe(int sig);

/* ------------------------------------------------------------------------ */
/* Signal sets: hold every xsig signal of the platform.                     */

typedef struct xsig_sigset { uint64_t bits[2]; } xsig_sigset_t;

/* All return 0, or XSIG_EINVAL for a NULL set or a number that is no signal
 * (XSIG_ENOSYS for XSIG_BREAK on POSIX). xsig_sigismember and
 * xsig_sigisempty answer a question, so that `if` reads them as meant:
 * they return 1 or 0 only, never an error: xsig_sigismember is 0 for a
 * NULL set or a number that is no signal of the platform (nothing holds
 * it), xsig_sigisempty is 1 for a NULL set (it holds nothing).
 * All are async-signal-safe. */
XSIG_API int xsig_sigemptyset(xsig_sigset_t *set);
XSIG_API int xsig_sigfillset(xsig_sigset_t *set);  /* every valid signal */
XSIG_API int xsig_sigaddset(xsig_sigset_t *set, int sig);
XSIG_API int xsig_sigdelset(xsig_sigset_t *set, int sig);
XSIG_API int xsig_sigismember(const xsig_sigset_t *set, int sig);
XSIG_API int xsig_sigisempty(const xsig_sigset_t *set);
/* dst = a & b, dst = a | b (dst may alias a or b). */
XSIG_API int xsig_sigandset(xsig_sigset_t *dst, const xsig_sigset_t *a,
                            const xsig_sigset_t *b);
XSIG_API int xsig_sigorset(xsig_sigset_t *dst, const xsig_sigset_t *a,
                           const xsig_sigset_t *b);

/* ------------------------------------------------------------------------ */
/* Info record                                                              */

/* Why a signal arrived. */
#define XSIG_SI_RAISE   1 /* xsig_raise() in this process */
#define XSIG_SI_USER    2 /* sent by a process (kill) */
#define XSIG_SI_QUEUE   3 /* queued with a value (sigqueue/xsig_queue) */
#define XSIG_SI_CONSOLE 4 /* a Windows console control event */
#define XSIG_SI_FAULT   5 /* a hardware fault on the receiving thread */
#define XSIG_SI_KERNEL  6 /* sent by the kernel or the system (POSIX SI_KERNEL,
                             xsig_alarm and xsig_setitimer, ...) */
#define XSIG_SI_TIMER   7 /* a timer of xsig_timer_create expired (POSIX SI_TIMER) */
#define XSIG_SI_SERVICE 8 /* a Windows service control from the SCM; event is
                             its SERVICE_CONTROL_* number */
#define XSIG_SI_SESSION 9 /* the end of a Windows GUI session (WM_ENDSESSION);
                             event is its ENDSESSION_* flags */

typedef struct xsig_info {
  int signo;        /* the signal */
  int code;         /* XSIG_SI_* */
  int64_t pid;      /* sender's pid, from the operating system; 0 if unknown */
  intptr_t value;   /* the queued value (XSIG_SI_QUEUE), else 0 */
  int event;        /* XSIG_SI_CONSOLE: the CTRL_*_EVENT number;
                       XSIG_SI_SERVICE: the SERVICE_CONTROL_* number; else 0 */
  int subcode;      /* XSIG_SI_FAULT: the fault kind; else 0 */
  void *addr;       /* XSIG_SI_FAULT: the faulting address; else NULL */
  uint32_t os_code; /* XSIG_SI_FAULT: Windows exception code / POSIX si_code;
                       XSIG_CHLD: the raw status (Windows exit code, POSIX
                       wait status); XSIG_SI_TIMER: the timer's id */
  int status;       /* XSIG_CHLD: the exit code (XSIG_CLD_EXITED) or the
                       signal (the others); XSIG_SI_TIMER: the overrun
                       count (expiries beyond this one); else 0 */
  int64_t deadline_us; /* when the system ends this process after this
                       request, on the clock of xsig_clock_us; 0 if it
                       does not say (always on POSIX). Windows: the CLOSE
                       console event (its handler is waited for 4.5 s at
                       most), LOGOFF and SHUTDOWN (WaitToKillServiceTimeout
                       less 0.5 s; 4.5 s if not set), a service's SHUTDOWN
                       (WaitToKillServiceTimeout) and PRESHUTDOWN (its
                       preshutdown time-out), a GUI session's end (4.5 s);
                       docs/termination.md */
  int64_t reserved[4]; /* 0; room for later 1.x fields (see the top) */
} xsig_info_t;

/* xsig_info_t.subcode of XSIG_CHLD: how the child changed (POSIX si_code
 * of SIGCHLD). Windows: STOPPED and CONTINUED when xsig stopped or
 * continued the child (xsig_child_change), with os_code 0. */
#define XSIG_CLD_EXITED    1 /* exited; status is its exit code */
#define XSIG_CLD_KILLED    2 /* ended by signal status */
#define XSIG_CLD_DUMPED    3 /* ended by signal status, core dumped */
#define XSIG_CLD_STOPPED   5 /* stopped by signal status */
#define XSIG_CLD_CONTINUED 6 /* continued (status XSIG_CONT) */

/* ------------------------------------------------------------------------ */
/* Library lifetime and delivery                                            */

/* Initialises the library for this process. The calling thread becomes the
 * delivery thread (see xsig_set_delivery_thread). Calls nest: each successful
 * xsig_init needs one xsig_shutdown.
 * POSIX: creates one non-blocking close-on-exec pipe; no thread.
 * Windows: creates one event, installs a console control handler and starts
 * the receiving thread for signals from other processes; in a process
 * without a console (a GUI program) also a thread with a hidden top-level
 * window, through which the end of the session arrives as TERM
 * (docs/termination.md).
 * Errors: XSIG_ESYS, XSIG_ENOMEM. Not async-signal-safe; thread-safe. */
XSIG_API int xsig_init(void);

/* Undoes xsig_init. The last call restores every disposition the library
 * replaced (including handlers other code had installed before) and frees
 * everything. Returns 0 or XSIG_ENOTINIT. */
XSIG_API int xsig_shutdown(void);

/* Makes the calling thread the one that asynchronous signals are steered to.
 * Windows: an APC is queued to it when a signal arrives from the console or
 * another process, so its handlers run at its next alertable wait
 * (SleepEx(..., TRUE), WaitFor*Ex(..., TRUE), xsig_sleep, ...).
 * POSIX: no effect beyond bookkeeping; handlers run in xsig_dispatch and the
 * xsig waiting helpers on whichever thread calls them.
 * Returns 0, XSIG_ENOTINIT or XSIG_ESYS. */
XSIG_API int xsig_set_delivery_thread(void);

/* Starts xsig's own handler thread: from now on handlers run promptly on
 * that thread, whatever the program's threads are doing (blocked in a
 * read, in a busy loop), as Go's os/signal and .NET's
 * PosixSignalRegistration deliver them. The thread starts with the
 * calling thread's mask (as a new POSIX thread does) and runs the handler
 * of every signal that mask does not block; a program thread's own
 * dispatch points (xsig_dispatch, xsig_sleep, ...) may still run one
 * first. Handlers then run concurrently with the program: guard what they
 * share with it. Calls nest: each successful start needs one
 * xsig_handler_thread_stop; the last xsig_shutdown stops it too.
 * Zero wake-ups while no signal comes. See docs/delivery.md.
 * POSIX: one thread, only in this mode; it waits on the signal pipe.
 * Windows: one thread more (not the transport's, which must go on
 * receiving and replying while a handler runs); it takes the delivery
 * thread's role for APCs and default actions until it stops, and the
 * program's delivery thread stays the one XSIG_INTERRUPT interrupts.
 * Returns 0, XSIG_ENOTINIT, XSIG_ENOMEM or XSIG_ESYS. Thread-safe. */
XSIG_API int xsig_handler_thread_start(void);

/* Undoes one xsig_handler_thread_start; the last one waits for a handler
 * that is running to return, and ends the thread. Returns 0,
 * XSIG_ENOTINIT, XSIG_ENOTSTARTED (not started), or XSIG_EINVAL when called on
 * the handler thread itself (from a handler: it would wait for itself).
 * Thread-safe; not from a handler on the handler thread. */
XSIG_API int xsig_handler_thread_stop(void);

/* A thread that starts with its creator's mask on both platforms. */
typedef struct xsig_thread xsig_thread_t;
typedef void (*xsig_thread_fn)(void *arg);

/* Starts fn(arg) on a new thread whose mask is the calling thread's, as
 * pthread_create gives it (Windows threads made with CreateThread start
 * with the new-thread mask instead: see xsig_sigmask). *out is the
 * thread, for xsig_thread_join. Returns 0, XSIG_EINVAL (fn or out NULL),
 * XSIG_ENOMEM or XSIG_ESYS. Thread-safe. */
XSIG_API int xsig_thread_start(xsig_thread_t **out, xsig_thread_fn fn, void *arg);

/* Waits until the thread of xsig_thread_start has returned and frees it.
 * Returns 0 or XSIG_EINVAL (NULL, or the calling thread itself). */
XSIG_API int xsig_thread_join(xsig_thread_t *t);

#ifdef _WIN32
typedef void *xsig_os_handle_t;   /* a HANDLE */
# define XSIG_NO_HANDLE ((xsig_os_handle_t)0)
#else
typedef int xsig_os_handle_t;     /* a file descriptor */
# define XSIG_NO_HANDLE (-1)
#endif

/* Returns the waitable object that becomes ready when a signal arrives: a
 * readable fd on POSIX (for poll/epoll), an event HANDLE on Windows (for
 * WaitForMultipleObjects). It stays ready until xsig_dispatch() is called.
 * Do not read, close or reset it. Returns -1 / NULL before xsig_init. */
XSIG_API xsig_os_handle_t xsig_waitable(void);

/* Runs, on the calling thread, the handler of every pending signal that the
 * calling thread does not block, in order: standard signals lowest first, then
 * queued real-time signals lowest first, FIFO within a signal. Returns the
 * number of handlers run (0 if none), or XSIG_ENOTINIT. At most 4096
 * handlers run per call, so that signals arriving as fast as they are handled
 * cannot keep the caller inside; if more remain, the waitable stays ready and
 * the next call (or xsig_sleep round) goes on with them. While the handler
 * thread runs (xsig_handler_thread_start), a call on another thread also
 * waits for the handlers it is running to return, so that when it returns
 * every signal that had arrived has been handled (after an interrupted
 * read: its handler has run); the waiting helpers below do the same.
 * Not async-signal-safe; thread-safe (concurrent callers split the work). */
XSIG_API int xsig_dispatch(void);

/* ------------------------------------------------------------------------ */
/* Dispositions                                                             */

typedef void (*xsig_handler_t)(int sig, const xsig_info_t *info, void *arg);

#define XSIG_DFL ((xsig_handler_t)0)
#define XSIG_IGN ((xsig_handler_t)1)

/* Flags for xsig_action_t.flags */
#define XSIG_RESETHAND 0x1  /* reset to XSIG_DFL when the handler is entered */
#define XSIG_NODEFER   0x2  /* do not block the signal while its handler runs */
#define XSIG_NOCLDSTOP 0x4  /* CHLD only: not when a child stops or continues
                               (POSIX SA_NOCLDSTOP); xsig_child_change
                               still reports them */
#define XSIG_INTERRUPT 0x8  /* the signal interrupts a blocking call, the
                               opposite of SA_RESTART (docs/delivery.md):
                               POSIX: installed without SA_RESTART, so the
                               call of the thread that takes it fails with
                               EINTR; Windows: the delivery thread's
                               synchronous I/O is cancelled (it fails with
                               ERROR_OPERATION_ABORTED) and its alertable
                               wait returns */
#define XSIG_FOREIGN   0x100 /* (output only) a non-xsig handler was installed */

typedef struct xsig_action {
  xsig_handler_t handler;  /* a function, XSIG_DFL or XSIG_IGN */
  void *arg;               /* passed to handler */
  xsig_sigset_t mask;      /* also blocked while the handler runs */
  int flags;               /* XSIG_RESETHAND | XSIG_NODEFER | XSIG_NOCLDSTOP
                              | XSIG_INTERRUPT */
} xsig_action_t;

/* Like sigaction(): if act is not NULL, installs it for sig; if old is not
 * NULL, stores the previous action there first. Setting XSIG_IGN discards a
 * pending instance (all queued ones for real-time signals).
 * Errors: XSIG_EINVAL (bad signal, KILL or STOP with a handler or IGN, unknown
 * flags), XSIG_ENOSYS (BREAK on POSIX), XSIG_ENOTINIT, XSIG_ESYS.
 * Windows: installing a handler for INT re-enables Ctrl-C for a process that
 * was started in a new process group.
 * Thread-safe; not async-signal-safe. */
XSIG_API int xsig_action(int sig, const xsig_action_t *act, xsig_action_t *old);

/* Shorthand: installs handler with an empty mask, no flags, arg NULL. */
XSIG_API int xsig_handle(int sig, xsig_handler_t handler);

/* ------------------------------------------------------------------------ */
/* Masks, pending, raising                                                  */

#define XSIG_BLOCK   0
#define XSIG_UNBLOCK 1
#define XSIG_SETMASK 2

/* Like pthread_sigmask() for the calling thread. KILL and STOP are silently
 * left out. If the change unblocks a pending signal, its handler runs on this
 * thread before the call returns (POSIX rule). set may be NULL (query).
 * POSIX: this is the thread's kernel mask. Windows: a per-thread mask kept
 * by the library. A new thread: POSIX gives it its creator's mask;
 * Windows gives a thread made by xsig_thread_start its creator's, and any
 * other thread (CreateThread, _beginthreadex, a thread pool's), when it
 * starts, the current mask of the delivery thread (xsig_init's caller,
 * unless xsig_set_delivery_thread named another: the usual creator, as a
 * program blocks signals in main, then starts its threads).
 * Errors: XSIG_EINVAL, XSIG_ENOTINIT. */
XSIG_API int xsig_sigmask(int how, const xsig_sigset_t *set, xsig_sigset_t *old);

/* Stores the set of signals pending for the process or the calling thread.
 * Errors: XSIG_EINVAL, XSIG_ENOTINIT. */
XSIG_API int xsig_sigpending(xsig_sigset_t *set);

/* Sends sig to the calling process with code XSIG_SI_RAISE. If the calling
 * thread does not block it, its handler runs on this thread before return
 * (as raise() does); a default action that terminates ends the process (on
 * Windows with the exit code of docs/exit-status.md: INT -> 0xC000013A).
 * Returns 0, XSIG_EINVAL, XSIG_ENOSYS, XSIG_ENOTINIT, or XSIG_EAGAIN for a
 * real-time signal whose queue is full. */
XSIG_API int xsig_raise(int sig);

/* Like sigqueue() to self: raises a real-time (or any) signal with a value. */
XSIG_API int xsig_raise_value(int sig, intptr_t value);

/* ------------------------------------------------------------------------ */
/* Waiting                                                                  */

/* Like sigtimedwait(): takes one pending signal of set (without running its
 * handler) and stores its info. timeout_ms < 0 waits forever, 0 polls.
 * Returns the signal number, XSIG_ETIMEDOUT, XSIG_EINVAL (empty set),
 * XSIG_ENOTINIT, or XSIG_ESYS if the wait itself failed (POSIX
 * sigtimedwait). As with sigwait(), block the set in every thread first, or
 * a signal may be delivered to a handler instead.
 * Thread-safe; not async-signal-safe. */
XSIG_API int xsig_sigwait(const xsig_sigset_t *set, int timeout_ms, xsig_info_t *info);

/* Like sigsuspend(): replaces the thread's mask by mask, waits until at least
 * one handler has run, restores the mask. Returns XSIG_EINTR (always, like
 * sigsuspend's -1/EINTR), or XSIG_EINVAL, XSIG_ENOTINIT. */
XSIG_API int xsig_sigsuspend(const xsig_sigset_t *mask);

/* Interruptible sleep: returns 0 after ms milliseconds, or XSIG_EINTR as soon
 * as signal handlers have run on this thread (the EINTR analog).
 * XSIG_ERANGE for ms above INT32_MAX, XSIG_ENOTINIT before xsig_init,
 * XSIG_ESYS if the wait itself failed. */
XSIG_API int xsig_sleep(unsigned ms);

/* Interruptible wait for an fd to become readable (POSIX) or a HANDLE to be
 * signalled (Windows). timeout_ms < 0 waits forever. Returns 1 when h is
 * ready, XSIG_EINTR if handlers ran first, XSIG_ETIMEDOUT, XSIG_EBADF (h
 * is not open), XSIG_EINVAL (XSIG_NO_HANDLE) or XSIG_ESYS. */
XSIG_API int xsig_wait_os(xsig_os_handle_t h, int timeout_ms);

/* Most handles xsig_wait_many takes (Windows' limit of 64, less the two
 * that xsig adds: the signal waitable and the children's). */
#define XSIG_WAIT_MAX 62
/* Flags for xsig_wait_many */
#define XSIG_WAIT_CHILDREN 0x1 /* also return when a child of xsig_spawn has
                                  ended and not been reported yet, or when
                                  the last one ended while CHLD was
                                  XSIG_IGN (xsig_wait_child: XSIG_ECHILD) */

/* Waits until one of n handles (fds readable on POSIX, HANDLEs signalled
 * on Windows) is ready, a signal handler has run on this thread (the
 * EINTR analog: pending signals are dispatched here, as by xsig_sleep),
 * or, with XSIG_WAIT_CHILDREN, a child has ended. The one call an event
 * loop or supervisor needs on both platforms. h may be NULL when n is 0.
 * timeout_ms < 0 waits forever, 0 polls. Returns the index of the first
 * ready handle (0..n-1), n when a child ended (take it with
 * xsig_wait_child(0, ...)), XSIG_EINTR, XSIG_ETIMEDOUT, XSIG_ERANGE (n
 * above XSIG_WAIT_MAX or below 0), XSIG_EINVAL (h NULL with n > 0, an
 * XSIG_NO_HANDLE, unknown flags), XSIG_EBADF (a handle is not open: the
 * first such is not named, check them), XSIG_ENOTINIT or XSIG_ESYS.
 * Handles are only waited on, never read or reset. Thread-safe. */
XSIG_API int xsig_wait_many(const xsig_os_handle_t *h, int n, int flags, int timeout_ms);

/* ------------------------------------------------------------------------ */
/* Timers                                                                   */

/* A monotonic clock in microseconds (POSIX CLOCK_MONOTONIC, Windows
 * QueryPerformanceCounter): the clock of XSIG_TIMER_ABSTIME and of
 * deadlines. Never goes back. Thread-safe, async-signal-safe. */
XSIG_API int64_t xsig_clock_us(void);

/* A timer's setting, as POSIX struct itimerspec in microseconds: the time
 * to the first expiry (0: disarmed) and the period after it (0: once). */
typedef struct xsig_timerval {
  int64_t value_us;
  int64_t interval_us;
} xsig_timerval_t;

/* Like alarm(): ALRM after seconds (0 cancels); returns the seconds that
 * were left of the previous one (rounded to nearest, at least 1 while one
 * was set, as glibc), or XSIG_ENOTINIT, XSIG_ERANGE (above INT32_MAX),
 * XSIG_ESYS. The same timer as xsig_setitimer: one per process.
 * ALRM's info has code XSIG_SI_KERNEL. POSIX: alarm() itself. Windows:
 * a thread-pool timer (see xsig_timer_create). Thread-safe. */
XSIG_API int xsig_alarm(unsigned seconds);

/* Like setitimer(ITIMER_REAL, ...): ALRM after tv->value_us, then every
 * tv->interval_us; a value of 0 disarms. old (may be NULL) gets the
 * previous setting. XSIG_EINVAL (tv NULL, a negative time),
 * XSIG_ENOTINIT, XSIG_ESYS. POSIX: setitimer itself (microseconds).
 * Thread-safe. */
XSIG_API int xsig_setitimer(const xsig_timerval_t *tv, xsig_timerval_t *old);
/* What is left of xsig_alarm / xsig_setitimer's timer. */
XSIG_API int xsig_getitimer(xsig_timerval_t *cur);

/* Flags for xsig_timer_settime */
#define XSIG_TIMER_ABSTIME 0x1 /* value_us is a time of xsig_clock_us */

/* Most timers a process may hold at once. */
#define XSIG_TIMER_MAX 256

/* Like timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL): a disarmed timer that
 * sends sig when it expires, with code XSIG_SI_TIMER, value as
 * info->value, its id as info->os_code and, in info->status, its overrun
 * count: while its signal is still pending (blocked, or not dispatched
 * yet) further expiries are counted there instead of queued, so one
 * signal per timer is pending at most, real-time or not. Returns the
 * timer's id (> 0), or XSIG_EINVAL (bad sig), XSIG_EAGAIN (XSIG_TIMER_MAX
 * timers), XSIG_ENOTINIT, XSIG_ESYS.
 * POSIX: the kernel's timer (timer_create). Windows: a thread-pool timer
 * (CreateThreadpoolTimer): no thread of its own, no wake-up while it is
 * disarmed; it expires with the system's timer resolution (docs/timers.md).
 * Thread-safe. */
XSIG_API int xsig_timer_create(int sig, intptr_t value);
/* Like timer_settime: arms (tv->value_us > 0) or disarms (0) the timer;
 * with XSIG_TIMER_ABSTIME the first expiry is at that xsig_clock_us time
 * (a past time expires at once). old may be NULL. Errors: XSIG_ETIMER (no
 * such id), XSIG_EINVAL (tv NULL, a negative time, unknown flags),
 * XSIG_ENOTINIT, XSIG_ESYS. */
XSIG_API int xsig_timer_settime(int id, int flags, const xsig_timerval_t *tv, xsig_timerval_t *old);
/* The time to its next expiry and its period. XSIG_ETIMER, XSIG_EINVAL. */
XSIG_API int xsig_timer_gettime(int id, xsig_timerval_t *cur);
/* Like timer_getoverrun: the overrun count of its last signal taken (by
 * a handler or xsig_sigwait), or XSIG_ETIMER. */
XSIG_API int xsig_timer_getoverrun(int id);
/* Disarms and frees the timer; its id is never valid again (until ids
 * wrap after about 8 million timers). A signal of it already in xsig's
 * queue stays pending; POSIX: one the kernel still holds (its signal
 * blocked) is dropped when it arrives. XSIG_ETIMER. The last
 * xsig_shutdown deletes every timer and disarms xsig_alarm's. */
XSIG_API int xsig_timer_delete(int id);

/* ------------------------------------------------------------------------ */
/* Exit statuses                                                            */

/* The Windows exit code xsig uses for "ended by signal sig": 0xC000013A for
 * INT (STATUS_CONTROL_C_EXIT), else 0xE0580000 | the signal's Windows number
 * (on POSIX too: ABRT is 22 there). 0 for a signal Windows does not have
 * (Linux's TTIN, URG, ...). */
#define XSIG_WIN_EXIT_BASE 0xE0580000u
/* Or'ed into that code when a dump was written (QUIT's default action):
 * it decodes to a status with core = 1, as POSIX's "core dumped". */
#define XSIG_WIN_EXIT_CORE 0x80u
XSIG_API uint32_t xsig_win_exit_code(int sig);

typedef struct xsig_status {
  int exited;   /* 1: ended normally with code */
  int code;     /* exit code if exited */
  int signo;    /* signal that ended it, if !exited */
  int core;     /* 1 if POSIX reported a core dump */
  uint32_t raw; /* the raw value decoded */
  uint32_t reserved[3]; /* 0; room for later 1.x fields (see the top) */
} xsig_status_t;

/* Decodes a Windows process exit code (works on every platform). Codes that
 * mean a signal (docs/exit-status.md) give exited = 0 and signo; any other
 * value gives exited = 1 and code = the value. A small code is always an
 * exit code: 3 is exit(3), although abort() in older CRTs also gives 3.
 * Returns 0 or XSIG_EINVAL. */
XSIG_API int xsig_status_from_windows(uint32_t code, xsig_status_t *st);

/* Writes "exited with code 3", "ended by signal TERM (Terminated)" or
 * "ended by signal SEGV (Segmentation fault), core dumped" into buf, as
 * snprintf (truncated to size; buf may be NULL when size is 0, to
 * measure). Returns the length it needed, or XSIG_EINVAL (st NULL, buf
 * NULL with size > 0). */
XSIG_API int xsig_status_format(const xsig_status_t *st, char *buf, size_t size);

/* Decodes a POSIX wait() status (works on every platform, Linux encoding).
 * Returns 0, or XSIG_EINVAL for a stopped/continued status, NULL st, or a
 * value no wait() gives: a signal number beyond Linux's 64 (0xff is not
 * "signal 127, core dumped"), bits above the 16 of a status. */
XSIG_API int xsig_status_from_wait(int wstatus, xsig_status_t *st);

/* ------------------------------------------------------------------------ */
/* Sending to other processes                                               */

/* How a signal was delivered (the step of the Windows ladder that worked,
 * docs/sending.md). */
#define XSIG_VIA_NONE       0 /* nothing to do (sig 0, or a default of "ignore") */
#define XSIG_VIA_KERNEL     1 /* POSIX kill/sigqueue/pidfd_send_signal */
#define XSIG_VIA_XSIG       2 /* Windows: the target's xsig transport (catchable) */
#define XSIG_VIA_CONSOLE    3 /* Windows: GenerateConsoleCtrlEvent to its group */
#define XSIG_VIA_CTRLROUTINE 4 /* Windows: a thread in the target at CtrlRoutine */
#define XSIG_VIA_WM_CLOSE   5 /* Windows: WM_CLOSE to its top-level windows */
#define XSIG_VIA_TERMINATE  6 /* Windows: TerminateProcess (KILL, or forced) */
#define XSIG_VIA_SUSPEND    7 /* Windows: STOP as NtSuspendProcess */
#define XSIG_VIA_RESUME     8 /* Windows: CONT as NtResumeProcess */
#define XSIG_VIA_DUMP       9 /* Windows: a minidump of it, then TerminateProcess
                                 (QUIT, forced: see xsig_dump_path) */
#define XSIG_VIA_CTRL_C    10 /* Windows: TERM as Ctrl-C, by a thread at
                                 CtrlRoutine (XSIG_SEND_CTRL_C_FIRST) */

/* Returns a static name of an XSIG_VIA_* value ("xsig transport", ...). */
XSIG_API const char *xsig_via_name(int via);

/* Flags for xsig_send / xsig_process_send */
#define XSIG_SEND_VALUE 0x1 /* queue with the value (like sigqueue) */
#define XSIG_SEND_FORCE 0x2 /* Windows: if no catchable path exists, end the
                               process with TerminateProcess and the exit
                               code of sig (never done without this flag) */
#define XSIG_SEND_CTRL_C_FIRST 0x4 /* Windows: TERM to a console program that
                               does not use xsig and has Ctrl-C on goes as
                               Ctrl-C (XSIG_VIA_CTRL_C), the one event most
                               runtimes take as a stop request (Python,
                               Node); the ladder's SHUTDOWN is then the
                               caller's next step (docs/sending.md). Other
                               signals, and POSIX: no effect */

/* Sends sig to process pid (pid > 0), to process group -pid (pid < -1), or
 * to the caller's group (pid 0). sig 0 only checks that the target exists
 * and may be signalled. If via is not NULL it receives XSIG_VIA_*: for a
 * group -pgid, its leader's way (the member whose pid is pgid) while the
 * leader is among those signalled, else (and for pid 0) the last
 * member's.
 * Errors: XSIG_EINVAL (bad signal, pid -1 or flags), XSIG_ESRCH, XSIG_EPERM,
 * XSIG_EAGAIN (target's queue full), XSIG_ENOGRACE (Windows: the target does
 * not use xsig and no catchable way exists; see docs/sending.md),
 * XSIG_ENOSYS (a group on Windows that xsig did not start; pid 0 from a
 * process that xsig_spawn did not start in a new group, nor a descendant
 * of one: Windows' "own group" is the job of that group, docs/sending.md),
 * XSIG_ENOMEM (Windows: a group or tree, no memory for the send), XSIG_ESYS.
 * STOP and CONT are states as on POSIX: STOP stops the process (Windows:
 * every thread suspended) and a second STOP changes nothing; CONT resumes
 * it and then goes to its CONT handler. A signal sent to a stopped process
 * returns at once and stays pending until CONT, when its handler runs
 * (Windows: a stopped xsig receiver holds what fits in each sender's ring,
 * 256 signals, real-time ones up to the credit it gave that sender, or two
 * from a sender that has no ring yet; one more gets XSIG_EAGAIN). KILL
 * ends a stopped process.
 * Windows: to an xsig process, the first signal from a sender goes through
 * its named pipe and sets up a ring in memory the two share; the next ones
 * are posted there, as kill(2) posts them (docs/sending.md). Its end is
 * XSIG_ESRCH at once, or within 2 ms when another process ended it with
 * TerminateProcess (a signal sent before that is lost with it).
 * Race: a plain pid may be reused by a new process between the caller's
 * learning it and the call; use xsig_process_t to rule that out.
 * A value beyond 32 bits reaches a 32-bit receiver (Windows i686, a 32-bit
 * Linux process) as its low 32 bits, read as two's complement.
 * Thread-safe. Does not need xsig_init(). */
XSIG_API int xsig_send(int64_t pid, int sig, intptr_t value, int flags, int *via);

/* kill(2): xsig_send(pid, sig, 0, 0, NULL). */
XSIG_API int xsig_kill(int64_t pid, int sig);
/* sigqueue(3): xsig_send(pid, sig, value, XSIG_SEND_VALUE, NULL). */
XSIG_API int xsig_queue(int64_t pid, int sig, intptr_t value);
/* killpg(3): xsig_send(-pgid, sig, 0, 0, NULL); pgid must be > 1. */
XSIG_API int xsig_killpg(int64_t pgid, int sig);

/* A process held open so that its pid cannot be reused under us: a pidfd on
 * Linux 5.3+ (else the pid, with the race documented above), a process
 * HANDLE on Windows. */
typedef struct xsig_process xsig_process_t;

/* Opens process pid. Errors: XSIG_EINVAL, XSIG_ESRCH, XSIG_EPERM, XSIG_ENOMEM. */
XSIG_API int xsig_process_open(int64_t pid, xsig_process_t **out);
/* Like xsig_send, to the process itself. XSIG_ESRCH once it has exited, even
 * if its pid now belongs to another process. */
XSIG_API int xsig_process_send(xsig_process_t *p, int sig, intptr_t value, int flags, int *via);
/* The pid, or 0 for NULL. */
XSIG_API int64_t xsig_process_pid(const xsig_process_t *p);
/* Returns 1 while the process runs, 0 after it exited, or an XSIG_E* code. */
XSIG_API int xsig_process_alive(xsig_process_t *p);
/* Frees p (does not signal or wait for the process). A child of
 * xsig_spawn that has not been reported stays known to xsig_wait_child
 * until it is (POSIX: it would be a zombie until then). NULL is ignored. */
XSIG_API void xsig_process_close(xsig_process_t *p);

/* ------------------------------------------------------------------------ */
/* Children, groups and trees                                               */

#define XSIG_SPAWN_NEW_GROUP 0x1 /* POSIX: setpgid(0, 0); Windows:
                                    CREATE_NEW_PROCESS_GROUP (Windows then
                                    turns Ctrl-C off in the child until it
                                    handles INT) */
#define XSIG_SPAWN_CTRL_C_ON 0x2 /* with XSIG_SPAWN_NEW_GROUP. Windows: the
                                    new group starts with Ctrl-C on, so that
                                    INT reaches a child that does not use
                                    xsig (Python, Node: they handle only
                                    Ctrl-C), from xsig_send and from the
                                    console alike (the console gives its
                                    Ctrl-C to every process attached to it
                                    that has it on); its children inherit
                                    it. XSIG_ENOSYS for a child of another
                                    bitness. POSIX: nothing to do (INT
                                    reaches any group) */

/* Starts file (searched in PATH when it has no slash) with argv (argv[0]
 * first, NULL-terminated), stdio and environment inherited. The child's
 * signal dispositions are reset to the default and its mask emptied, as
 * posix_spawn with SETSIGDEF/SETSIGMASK does (POSIX: it is posix_spawnp,
 * safe in a threaded program). On Windows the child and everything it
 * starts are put in a job object before it runs, so that the tree stays
 * reachable; with XSIG_SPAWN_NEW_GROUP its pid names that group for
 * xsig_send(-pid, ...). On *out the child is held open until closed.
 * Windows: every argument must be UTF-8 (XSIG_EINVAL otherwise: none is
 * dropped or altered); a child that cannot be put in its job or group is
 * ended before it runs, and the error returned.
 * When the child ends, CHLD comes to this process with its pid and status
 * in the info record (pid, subcode XSIG_CLD_*, status, os_code): on POSIX
 * from the kernel, on Windows from a thread-pool wait on its handle (no
 * thread of its own, no wake-up while it runs).
 * Errors: XSIG_EINVAL (also XSIG_SPAWN_CTRL_C_ON without XSIG_SPAWN_NEW_GROUP),
 * XSIG_ENOENT, XSIG_ENOEXEC, XSIG_ENOMEM, XSIG_ENOSYS (Windows:
 * XSIG_SPAWN_CTRL_C_ON for a child of another bitness), XSIG_ESYS.
 * Thread-safe. Does not need xsig_init(). */
XSIG_API int xsig_spawn(const char *file, char *const argv[], int flags, xsig_process_t **out);

/* What xsig_spawn_with does beyond xsig_spawn; all zero is xsig_spawn. */
typedef struct xsig_spawn_options {
  int flags;                   /* XSIG_SPAWN_NEW_GROUP, XSIG_SPAWN_CTRL_C_ON */
  char *const *envp;           /* the child's environment, "NAME=value"
                                  strings, NULL-terminated; NULL: this
                                  process's own */
  const xsig_os_handle_t *fds; /* with nfds > 0: the child's fds 0..nfds-1
                                  are fds[0..nfds-1] of this process (fds
                                  on POSIX, HANDLEs on Windows), and
                                  XSIG_NO_HANDLE leaves that one closed */
  int nfds;                    /* 0..XSIG_SPAWN_FDS_MAX */
  int64_t pgid;                /* > 0: the child joins this group, one that
                                  a child of this process's xsig_spawn
                                  leads (XSIG_SPAWN_NEW_GROUP), so that
                                  xsig_send(-pgid, ...) reaches it too
                                  (POSIX: setpgid(child, pgid); Windows: its
                                  job is added to the group's) */
  int64_t reserved[4];         /* must be 0 (XSIG_EINVAL otherwise): room
                                  for later 1.x options, which keep
                                  today's behaviour at 0 */
} xsig_spawn_options_t;

/* Most fds xsig_spawn_with sets up. */
#define XSIG_SPAWN_FDS_MAX 256

/* xsig_spawn with an environment and the child's first fds given.
 * POSIX: posix_spawnp with dup2 file actions (fds beyond nfds that are
 * not close-on-exec stay open in the child, as exec leaves them).
 * Windows: fds 0-2 become the child's standard handles, and all nfds reach
 * the child's C runtime as its fds (the runtime's own hand-over in the
 * startup information, as _spawn uses), made inheritable for the child
 * only; a child's other fds are not open. Each envp string must have a
 * '=' after a non-empty name and be UTF-8 on Windows.
 * Errors: those of xsig_spawn, and XSIG_EINVAL (opt NULL, nfds out of
 * range, a bad envp string, pgid with XSIG_SPAWN_NEW_GROUP, reserved
 * not 0), XSIG_EBADF
 * (an fd or HANDLE of fds that is not open), XSIG_EPERM (Windows: pgid
 * is no group this process's xsig_spawn made; POSIX: the child's setpgid
 * fails there). Thread-safe. Does not need xsig_init(). */
XSIG_API int xsig_spawn_with(const char *file, char *const argv[], const xsig_spawn_options_t *opt,
                             xsig_process_t **out);

/* The process group a spawned child leads (its pid), or 0. */
XSIG_API int64_t xsig_process_group(const xsig_process_t *p);

/* Waits up to timeout_ms (< 0: forever) for a child of xsig_spawn to end and
 * decodes its status (a second call returns the same status, as does a
 * call after xsig_wait_child reported it; once this call has reported it,
 * xsig_wait_child does not). Errors: XSIG_ETIMEDOUT, XSIG_EINVAL,
 * XSIG_ECHILD (not spawned by xsig, or it ended while CHLD was XSIG_IGN:
 * its status was discarded). */
XSIG_API int xsig_process_wait(xsig_process_t *p, int timeout_ms, xsig_status_t *st);

/* An fd (POSIX pidfd; -1 on kernels without pidfds) or HANDLE (Windows)
 * that becomes ready when the process ends: for xsig_wait_os or an event
 * loop. Owned by p. XSIG_NO_HANDLE for NULL. */
XSIG_API xsig_os_handle_t xsig_process_waitable(const xsig_process_t *p);

/* Stops a spawned child and everything it started: sends sig (usually
 * XSIG_TERM; it must be a signal: 0, which xsig_send takes as "is it
 * there", is XSIG_EINVAL here) to the whole tree (its group on POSIX, its job on Windows, catchable where
 * the target allows), then CONT so that stopped members can act on it (as
 * systemd does; POSIX sends CONT to the group, Windows to the members that
 * are stopped), waits up to grace_ms for all to end, then KILLs what is
 * left and waits for that too (bounded). Stores the leader's status in st
 * (st->exited, or a signal other than KILL: the leader had ended before
 * the KILL) and in *forced how many of the tree's processes were still
 * running and got KILL: 0 when none was needed, so that it reads as "was
 * KILL needed" (-1: KILL was needed, but they cannot be counted: POSIX
 * without Linux's /proc).
 * Processes that left the group (setsid)
 * on POSIX, or broke away from the job on Windows, are out of reach.
 * Errors: XSIG_ECHILD, XSIG_EINVAL, XSIG_ETIMEDOUT (something survived KILL
 * for 10 s). */
XSIG_API int xsig_process_stop_tree(xsig_process_t *p, int sig, int grace_ms,
                                    xsig_status_t *st, int *forced);

/* Stops n spawned children and their trees under one deadline, the way
 * xsig_process_stop_tree stops one: sig (a signal, as there) and CONT go to every
 * tree before any is waited for, then one grace period of grace_ms (from
 * when the last tree was asked) for all of them together, not one each,
 * then KILL to each tree still running and a bounded wait for those.
 * st[i] gets tree i's leader status and forced[i] how many of its
 * processes got KILL, as there (st and forced may be NULL; else n entries each). flags: 0, or
 * XSIG_STOP_LEAF_FIRST: the trees' processes are asked depth by depth,
 * the deepest first, each depth until it is gone or for its share of what
 * is left of the grace (the leaders being one more depth), then the
 * leaders; the deadline and the KILL after it stay the same (it needs the
 * process listing of xsig_process_descendants: XSIG_ENOSYS where there is
 * none, before anything is sent; at most 1024 members in all are asked
 * one by one, the rest get KILL at the deadline). Nothing is sent unless
 * every tree is valid. Errors: XSIG_EINVAL (t or an entry NULL,
 * n <= 0, grace_ms < 0, bad sig (0 too) or flags), XSIG_ECHILD (an entry not
 * spawned by xsig), XSIG_ENOSYS, XSIG_ENOMEM, XSIG_ETIMEDOUT (something survived KILL
 * for 10 s; the other trees are still seen to). Thread-safe for distinct
 * trees. */
#define XSIG_STOP_LEAF_FIRST 0x1 /* xsig_process_stop_trees: children before
                                    their parents, within the one grace */
XSIG_API int xsig_process_stop_trees(xsig_process_t *const *t, int n, int sig, int grace_ms, int flags,
                                     xsig_status_t *st, int *forced);

/* Like waitpid(-1, ...) over the children of xsig_spawn: takes one child
 * that has ended and not been reported yet, stores its pid and its status
 * (either may be NULL) and returns 0. Each child is reported once, by this
 * or by xsig_process_wait on it, whichever comes first, however many end
 * at once and whether or not CHLD handlers ran (CHLD coalesces: one
 * handler call may stand for several children, so a handler should loop
 * on xsig_wait_child(0, ...)). timeout_ms < 0 waits forever, 0 polls. It
 * does not run signal handlers; to wait for children and signals together
 * use xsig_wait_many with XSIG_WAIT_CHILDREN. Children whose
 * xsig_process_t was closed are still reported (and then freed); while
 * CHLD is XSIG_IGN, ended children are discarded instead, as POSIX's
 * SA_NOCLDWAIT does. Returns 0, XSIG_ETIMEDOUT, or XSIG_ECHILD (no child
 * of xsig_spawn is running or waiting to be reported). Does not need
 * xsig_init. Thread-safe. */
XSIG_API int xsig_wait_child(int timeout_ms, int64_t *pid, xsig_status_t *st);

/* Like waitpid(pid, ..., WUNTRACED | WCONTINUED | WNOHANG) for stops and
 * continues alone, over the children of xsig_spawn not reported yet: takes
 * the latest stop or continue of child pid (0: of any) that has not been
 * taken, stores its pid (may be NULL) and the signal (may be NULL: the one
 * that stopped it, or XSIG_CONT), and returns XSIG_CLD_STOPPED or
 * XSIG_CLD_CONTINUED; 0 when there is none. Never waits: CHLD (subcode
 * XSIG_CLD_STOPPED or XSIG_CLD_CONTINUED, status the signal; not with
 * XSIG_NOCLDSTOP) says when to look. An end is still
 * xsig_wait_child's. Errors: XSIG_EINVAL (pid < 0), XSIG_ECHILD (pid is
 * no such child; 0: none is listed).
 * POSIX: the kernel's report (waitid with WSTOPPED | WCONTINUED), whoever
 * stopped the child. Windows has no such report, so each call looks at
 * the child itself (all its threads suspended: stopped); the signal is
 * the one xsig's news named (whoever stops a process with xsig, from any
 * process, tells its parent: xsig_send STOP, the child's own TSTP, TTIN or
 * TTOU default action, its xsig_raise(XSIG_STOP); a CONT), else XSIG_STOP.
 * The news, checked against what the child is, also sends CHLD within
 * about a second; a parent that does not run xsig gets no CHLD, but its
 * calls still see the change (docs/process.md). A stop and continue both
 * between two calls, with no news, is not seen. Does not need xsig_init.
 * Thread-safe. */
XSIG_API int xsig_child_change(int64_t pid, int64_t *out_pid, int *sig);

/* For an init (PID 1 of a container, or a subreaper): reaps every ended
 * child that xsig_spawn did not start, such as the orphans the kernel
 * hands to this process, and returns how many it reaped (0: none). The
 * status of a child of xsig_spawn is kept for xsig_wait_child and
 * xsig_process_wait, as if they had taken it. CHLD comes for an adopted
 * child too, so a CHLD handler is the place to call it. It also reaps
 * children the program started by other means (fork, popen, system): call
 * it only in a program that starts its children through xsig_spawn.
 * Windows: no process is ever handed to another, so it returns 0. Returns
 * n >= 0 or XSIG_ESYS. Does not need xsig_init. Thread-safe. */
XSIG_API int xsig_reap_orphans(void);

/* The waitable that is ready while a child of xsig_spawn has ended and not
 * been reported (an fd on POSIX: an epoll set of pidfds on Linux; an event
 * HANDLE on Windows), for an event loop; owned by xsig, do not read, reset
 * or close it. XSIG_NO_HANDLE where the platform cannot make one (a kernel
 * without pidfds, a POSIX system without Linux's epoll): poll
 * xsig_wait_child(0, ...) then, or use xsig_wait_many, which falls back to
 * naps of 10 ms. Thread-safe. */
XSIG_API xsig_os_handle_t xsig_children_waitable(void);

/* Decodes the child status of a XSIG_CHLD info record as
 * xsig_process_wait reports it. Returns 0, or XSIG_EINVAL for NULL, an
 * info that is not CHLD's, or a stop or continue (XSIG_CLD_STOPPED,
 * XSIG_CLD_CONTINUED). */
XSIG_API int xsig_status_from_info(const xsig_info_t *info, xsig_status_t *st);

/* The calling process's pid, as getpid(). Async-signal-safe. */
XSIG_API int64_t xsig_getpid(void);

/* The calling process's parent. POSIX: getppid(), so after the parent
 * ended it is the process that adopted this one (1 or a subreaper).
 * Windows: the parent recorded when this process was created, while it
 * still runs; 0 once it has ended, or when that pid now belongs to a
 * process created after this one (Windows reuses pids). Never fails.
 * Thread-safe. */
XSIG_API int64_t xsig_getppid(void);

/* Stores in out up to max descendants of process pid: its children, then
 * theirs, and so on. Windows keeps a parent's pid after the parent ended
 * and can reuse it, so a process older than its supposed parent is left
 * out. Returns how many were stored, XSIG_ESRCH (no such process),
 * XSIG_EINVAL, XSIG_ENOMEM, XSIG_ENOSYS (POSIX without Linux's /proc) or
 * XSIG_ESYS. A snapshot: processes come and go meanwhile. Thread-safe. */
XSIG_API int xsig_process_descendants(int64_t pid, int64_t *out, int max);

/* One process of xsig_process_list. */
typedef struct xsig_proc_entry {
  int64_t pid;
  int64_t ppid;   /* its parent; 0 if none or unknown (Windows: the parent
                     recorded at its creation, while that still runs and
                     is older than it, as xsig_getppid says) */
  int64_t group;  /* POSIX: its process group; Windows: the group xsig
                     started in the calling process (XSIG_SPAWN_NEW_GROUP:
                     its leader's pid, what xsig_send(-pid, ...) signals)
                     whose job holds it, else 0 (another process's console
                     group cannot be read) */
  int xsig;       /* 1: it runs xsig's receiver, so it takes every signal
                     catchably (Windows: a pipe of its name exists; the
                     listing does not connect to check whose it is, a send
                     does); 0: it does not
                     (Windows); -1: unknown (POSIX, where every process
                     takes signals from the kernel alike) */
  int reserved_int;      /* 0 */
  int64_t reserved[4];   /* 0; room for later 1.x fields */
} xsig_proc_entry_t;

/* Lists the processes this one can see (a snapshot: processes come and go
 * meanwhile): stores up to max of them in out and returns how many there
 * are, which may be more than max: call again with more room then (out
 * may be NULL with max 0, to count). Errors: XSIG_EINVAL (max < 0, out
 * NULL with max > 0), XSIG_ENOMEM, XSIG_ENOSYS (POSIX without Linux's
 * /proc), XSIG_ESYS. Linux: /proc; Windows: a Toolhelp snapshot, and a
 * look for each process's pipe. Does not need xsig_init. Thread-safe. */
XSIG_API int xsig_process_list(xsig_proc_entry_t *out, int max);

/* Writes the command line of process pid into buf, as snprintf (buf may
 * be NULL when size is 0): its arguments joined by spaces (Linux:
 * /proc/PID/cmdline, "[name]" for a kernel thread; Windows: the command
 * line it was started with, as UTF-8, or its program's path where that
 * cannot be read). Control characters come out as '?': the text is
 * another process's, safe to print. Returns the length, or XSIG_EINVAL,
 * XSIG_ESRCH (no such process), XSIG_EPERM (not allowed to read it),
 * XSIG_ENOSYS (POSIX without /proc), XSIG_ESYS. Thread-safe. */
XSIG_API int xsig_process_cmdline(int64_t pid, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* Faults: SEGV, BUS, ILL, FPE raised by the CPU, and ABRT from abort()     */

/* xsig_info_t.subcode of a fault, per signal (POSIX si_code numbering). */
#define XSIG_SEGV_MAPERR 1  /* address not mapped */
#define XSIG_SEGV_ACCERR 2  /* mapped, access denied (write to read-only, no-execute) */
#define XSIG_SEGV_STACK  3  /* stack overflow (Windows: 0xC00000FD; Linux: fault
                               from 64 KiB below to 4 KiB above the stack pointer) */
#define XSIG_BUS_ADRALN  1  /* misaligned address */
#define XSIG_BUS_ADRERR  2  /* no such physical address (file mapping past its end) */
#define XSIG_BUS_OBJERR  3  /* object error (Windows: 0xC0000006 in-page error) */
#define XSIG_ILL_ILLOPC  1  /* illegal opcode */
#define XSIG_ILL_ILLOPN  2  /* illegal operand */
#define XSIG_ILL_PRVOPC  5  /* privileged instruction */
#define XSIG_FPE_INTDIV  1  /* integer divide by zero */
#define XSIG_FPE_INTOVF  2  /* integer overflow */
#define XSIG_FPE_FLTDIV  3  /* floating-point divide by zero */
#define XSIG_FPE_FLTOVF  4  /* floating-point overflow */
#define XSIG_FPE_FLTUND  5  /* floating-point underflow */
#define XSIG_FPE_FLTRES  6  /* floating-point inexact result */
#define XSIG_FPE_FLTINV  7  /* invalid floating-point operation */
#define XSIG_FPE_FLTSUB  8  /* subscript out of range */
#define XSIG_ABRT_ABORT  1  /* abort() on this thread */

/* Installs handler as the fault handler of sig (XSIG_SEGV, XSIG_BUS,
 * XSIG_ILL, XSIG_FPE, or XSIG_ABRT for abort()), or removes it (NULL or
 * XSIG_DFL; XSIG_IGN is XSIG_EINVAL: a fault cannot be ignored).
 * A fault handler runs synchronously on the faulting thread, in signal
 * context (POSIX: sigaction with SA_SIGINFO on an alternate stack; Windows: a
 * vectored exception handler), with info->code XSIG_SI_FAULT, the subcode,
 * the address (data address for SEGV/BUS, instruction for ILL/FPE) and
 * os_code. Only async-signal-safe calls may be made from it. It may recover
 * with xsig_longjmp; if it returns, the default action follows (crash report
 * if enabled, then the process ends with the truth: never a loop).
 * Signals of the same numbers sent by other processes or xsig_raise are not
 * faults: they go to the xsig_action handler as usual.
 * Windows: exceptions without the error bit, C++ (0xE06D7363) and CLR
 * (0xE0434352) exceptions, breakpoints, and faults that a frame-based handler
 * (__try/__except) on the faulting stack would see first are passed on;
 * xsig's handler is the last vectored one, so others (CPython's faulthandler)
 * run before it. Also gives the calling thread a fault stack
 * (xsig_fault_stack). Needs xsig_init. Returns 0, XSIG_EINVAL (another
 * signal), XSIG_ENOTINIT, XSIG_ENOMEM or XSIG_ESYS. Thread-safe. */
XSIG_API int xsig_on_fault(int sig, xsig_handler_t handler, void *arg);

/* Chooses where the crash report of a fault (or abort()) that ends the
 * process is written: an fd on POSIX, a HANDLE on Windows; -1 / NULL turns
 * the report off (the default). The report names the signal, its subcode,
 * the address, the thread, the exception code (Windows) and a backtrace of
 * the faulting thread (symbol names where available: dladdr on POSIX, the
 * module's export table on Windows, else module+offset). XSIG_NO_HANDLE
 * turns the report off but still takes over faults: on Windows an
 * unhandled exception then ends the process with its code (0xC0000005)
 * instead of going to Windows Error Reporting or a debugger, which is
 * where it goes (as if xsig were not there) until this or xsig_on_fault
 * is called. It is written with
 * async-signal-safe calls only. Then the process ends: POSIX re-raises the
 * signal with its default disposition (so a core flag is truthful), Windows
 * exits with the original exception code (0xC0000005, ...; abort() with
 * xsig_win_exit_code(XSIG_ABRT)). Also gives the calling thread a fault
 * stack. Windows: the first call of this or xsig_on_fault starts one idle
 * thread that walks a faulting thread's stack for it (see docs/faults.md).
 * Returns 0, XSIG_ENOTINIT, XSIG_ENOMEM or XSIG_ESYS. Thread-safe.
 * For standard error on every platform: xsig_crash_report(xsig_std_handle(2)). */
XSIG_API int xsig_crash_report(xsig_os_handle_t out);

/* The calling process's standard input, output or error (n = 0, 1, 2) as
 * this platform names it: the fd n on POSIX, GetStdHandle's HANDLE on
 * Windows (looked up at the call). XSIG_NO_HANDLE for another n, or where
 * the process has none (a GUI program on Windows). Thread-safe,
 * async-signal-safe. */
XSIG_API xsig_os_handle_t xsig_std_handle(int n);

/* Dumps, what POSIX calls core dumps. POSIX: the kernel writes them
 * (RLIMIT_CORE, /proc/sys/kernel/core_pattern) when a signal whose default
 * action is "core" ends a process. Windows: xsig writes a minidump
 * (MiniDumpWriteDump, dbghelp.dll) when QUIT's default action ends a
 * process of xsig's, when `QUIT` is sent with XSIG_SEND_FORCE to a
 * process that cannot take it (XSIG_VIA_DUMP), and, if asked for with
 * xsig_crash_dump, with the crash report. The exit code then has
 * XSIG_WIN_EXIT_CORE, and a line on stderr (the report's output for a
 * crash) names the file. See docs/faults.md. */

/* Windows: the folder minidumps go to: dir (UTF-8), "" for none, NULL for
 * the default: the environment's XSIG_DUMP_DIR, else
 * %LOCALAPPDATA%\CrashDumps (Windows Error Reporting's), made if missing.
 * Files are named EXE.PID.dmp, as Windows Error Reporting names them.
 * Errors: XSIG_ERANGE (longer than 259 bytes), XSIG_ENOSYS (POSIX: the
 * kernel's core_pattern decides). Thread-safe. */
XSIG_API int xsig_set_dump_dir(const char *dir);

/* Windows: the file a minidump of process pid would be written to, into
 * buf (UTF-8). XSIG_ESRCH, XSIG_EPERM, XSIG_ERANGE (buf too small),
 * XSIG_EINVAL, XSIG_ENOENT (dumps are off: ""), XSIG_ENOSYS (POSIX). */
XSIG_API int xsig_dump_path(int64_t pid, char *buf, size_t size);

/* With on = 1, a crash report (xsig_crash_report) also leaves a dump:
 * Windows writes a minidump of the faulting process (the faulting thread
 * and its exception in it) and says where in the report; POSIX raises the
 * soft RLIMIT_CORE to the hard one so that the kernel writes a core (the
 * report says so). 0 turns it off. XSIG_EINVAL, XSIG_ENOTINIT, XSIG_ESYS
 * (dbghelp.dll is not there). Thread-safe. */
XSIG_API int xsig_crash_dump(int on);

/* Prepares the calling thread so that a stack overflow on it can still be
 * handled and reported: POSIX: an alternate signal stack (freed when the
 * thread ends); Windows: SetThreadStackGuarantee. Call it in each thread
 * that should report its own stack overflow (xsig_on_fault and
 * xsig_crash_report do it for theirs). Returns 0, XSIG_ENOMEM or XSIG_ESYS.
 * Thread-safe; acts on the calling thread only. */
XSIG_API int xsig_fault_stack(void);

/* A short English description of a fault subcode ("address not mapped"),
 * or "unknown". Never NULL. Thread-safe and async-signal-safe. */
XSIG_API const char *xsig_fault_describe(int sig, int subcode);

/* Recovery from a fault handler: like sigsetjmp/siglongjmp with the signal
 * mask saved and restored, on both platforms. xsig_setjmp returns 0 when it
 * saves, then the value passed to xsig_longjmp (1 if that was 0). Use
 * xsig_setjmp only as a whole expression statement or the whole
 * controlling expression of if/switch/while, as with setjmp.
 * xsig_setjmp_prepare is part of the macro (it saves the mask and
 * returns the jmp_buf for setjmp); do not call it yourself.
 * xsig_longjmp may be called from a fault handler (Windows: the unwinder
 * goes through the exception dispatcher's frames, as an __except does) or
 * from ordinary code; async-signal-safe. docs/faults.md has the details. */
typedef struct xsig_jmp_buf {
  jmp_buf jb;
  xsig_sigset_t mask;
} xsig_jmp_buf;
XSIG_API jmp_buf *xsig_setjmp_prepare(xsig_jmp_buf *env);
#define xsig_setjmp(env) setjmp(*xsig_setjmp_prepare(env))
XSIG_API void xsig_longjmp(xsig_jmp_buf *env, int val);

/* ------------------------------------------------------------------------ */
/* Services: every way a service manager asks a program to end, as TERM     */

#define XSIG_SERVICE_PAUSE 0x1 /* accept PAUSE and CONTINUE, as TSTP and CONT;
                                  the program must then handle TSTP (its
                                  default stops the whole process, which
                                  could then not take CONTINUE) */

/* Windows: if the Service Control Manager started this process as the
 * service name (UTF-8), connects it and returns 0; if it did not (run from
 * a console, a shell, another program), returns XSIG_ENOSERVICE and
 * nothing changes, so the same program runs both ways with no #ifdef. As
 * a service: STOP, SHUTDOWN and PRESHUTDOWN arrive as TERM, PARAMCHANGE as
 * HUP (and, with XSIG_SERVICE_PAUSE, PAUSE and CONTINUE as TSTP and CONT),
 * through the normal delivery, with code XSIG_SI_SERVICE, event the
 * SERVICE_CONTROL_* number and, for SHUTDOWN and PRESHUTDOWN, deadline_us;
 * from the stop request on xsig reports SERVICE_STOP_PENDING with a wait
 * hint and a new checkpoint every second, and when the process ends
 * (return from main, exit(), a default action, a fault) SERVICE_STOPPED
 * with its exit code (0: NO_ERROR, else a service-specific code). The
 * controls come on a thread of xsig's own; the program's threads go on.
 * POSIX: always XSIG_ENOSERVICE (a daemon's manager sends TERM itself).
 * Errors: XSIG_ENOTINIT, XSIG_EINVAL (name NULL, empty, over 256 bytes or
 * not UTF-8; unknown flags; a second call), XSIG_ESYS. Call it early: the
 * SCM waits 30 s for a service to connect. Thread-safe. */
XSIG_API int xsig_service_start(const char *name, int flags);

/* ------------------------------------------------------------------------ */
/* Counters                                                                 */

typedef struct xsig_stats {
  uint64_t received;    /* signals accepted (any source) */
  uint64_t dispatched;  /* handlers run */
  uint64_t dropped;     /* real-time signals lost because the queue was full */
  uint64_t rejected;    /* malformed messages from other processes */
  uint64_t remote;      /* signals accepted from other processes (Windows transport) */
  uint64_t reserved[8]; /* 0; room for later 1.x counters (see the top) */
} xsig_stats_t;

/* Copies the process-wide counters (the reserved ones as 0). Returns 0 or
 * XSIG_EINVAL (NULL). */
XSIG_API int xsig_get_stats(xsig_stats_t *stats);

/* Capacity of the real-time queue shared by all real-time signals. */
#define XSIG_QUEUE_MAX 4096

#ifdef __cplusplus
}
#endif
#endif /* XSIG_H */
