/* SPDX-License-Identifier: MIT */
/* Win32 primitives used by the shared code. */
#ifndef XSIG_WIN_OS_H
#define XSIG_WIN_OS_H

#ifndef WIN32_LEAN_AND_MEAN
# define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <stdint.h>
#include "atomic.h"

#ifdef _MSC_VER
# define XSIG__TLS __declspec(thread)
#else
# define XSIG__TLS _Thread_local
#endif

typedef SRWLOCK xsig__mutex_t;
#define XSIG__MUTEX_INIT SRWLOCK_INIT

static __inline void xsig__mutex_lock(xsig__mutex_t *m) { AcquireSRWLockExclusive(m); }
static __inline void xsig__mutex_unlock(xsig__mutex_t *m) { ReleaseSRWLockExclusive(m); }
static __inline void xsig__mutex_reinit(xsig__mutex_t *m) { InitializeSRWLock(m); }

static __inline int64_t xsig__os_getpid(void) { return (int64_t)GetCurrentProcessId(); }
#define XSIG__NO_HANDLE NULL
static __inline int64_t xsig__os_now_ms(void) { return (int64_t)GetTickCount64(); }
/* src/win/timer.c: QueryPerformanceCounter in microseconds. */
int64_t xsig__os_now_us(void);

/* A thread (src/win/thread.c) and a wake-up object: a manual-reset event. */
typedef HANDLE xsig__thread_t;
struct xsig__os_event {
  HANDLE h;
};

/* What a handler's mask replaced: nothing to keep (src/win/signal.c). */
struct xsig__os_mask_save {
  int unused;
};

/* The platform's part of a timer (src/win/timer.c). */
struct xsig__os_timer {
  PTP_TIMER tp;
  int64_t next_us;     /* the next expiry on xsig__os_now_us; 0: disarmed */
  int64_t interval_us;
  unsigned settings;   /* how often it was set: an expiry posted under an
                          older setting is taken back (src/win/timer.c) */
};

/* The platform's part of xsig_process_t (src/internal.h). */
struct xsig__os_process {
  HANDLE h;   /* the process: while we hold it, its pid is not reused */
  HANDLE job; /* spawned by xsig: the job that holds its tree */
  HANDLE wait; /* spawned: the thread-pool wait that sends CHLD (src/win/child.c) */
};

/* What follows is src/win's own, in layers from the bottom up; a file
 * calls only into its own layer and those below (src/win/init.c draws
 * them, docs/internals.md says why). */

/* --- what a process is: no delivery state ------------------------------ */

/* src/win/tree.c: a process's PEB address and recorded parent; and
 * NtQueryInformationProcess (its status: < 0 on failure, -1 if missing) */
int xsig__win_process_basics(HANDLE h, void **peb, DWORD *parent);
long xsig__win_query_process(HANDLE h, int what, void *out, unsigned long size);
/* src/win/tree.c: every thread of process pid is suspended (STOP); read
 * only, the threads are left as they were. */
int xsig__win_is_stopped(DWORD pid);
/* The same, 1 (stopped), 0 (running) or -1 (cannot be told). */
int xsig__win_stop_state(DWORD pid);
/* The same for n processes, from one look at the system's threads. */
void xsig__win_stop_states(const DWORD *pids, int n, int *state);
/* src/win/tree.c: the parent recorded at process h's (pid's) creation, if
 * it still runs and is older than pid (else its pid is someone else's);
 * 0 otherwise. */
DWORD xsig__win_parent_of(HANDLE h, DWORD pid);
/* src/win/tree.c: the console handle and ConsoleFlags of process h's
 * parameters (same bitness only): 0, or -1 when they cannot be read. */
int xsig__win_console_fields(HANDLE h, HANDLE *console, ULONG *flags);
/* src/win/tree.c: turns Ctrl-C on in child h before it runs (the only
 * write of this layer): 0, XSIG_ENOSYS (another bitness), XSIG_ESYS. */
int xsig__win_ctrl_c_on(HANDLE h);
/* src/win/tree.c: whether process h is attached to a console (NULL for a
 * GUI program or a service, -1 when detached): 1, 0, or -1 when it cannot
 * be read. */
int xsig__win_has_console(HANDLE h);

/* src/win/group.c: groups that xsig started, with their job objects */
int xsig__win_group_add(DWORD pgid, HANDLE job, int leader);
void xsig__win_group_remove(DWORD pgid, HANDLE job);
/* Duplicates of the jobs of group pgid (members that joined it too unless
 * leader_only), at most max; how many. */
int xsig__win_group_jobs(DWORD pgid, int leader_only, HANDLE *out, int max);
/* A duplicate of the group leader's job, or NULL if pgid is not ours. */
HANDLE xsig__win_group_job(DWORD pgid);
/* 1 if pgid is a group this process started (its leader's job is known). */
int xsig__win_group_known(DWORD pgid);
/* The group xsig started in this process whose job holds process h, or 0. */
DWORD xsig__win_group_of(HANDLE h);

/* src/win/dump.c: a minidump of process h (tid and ep: the faulting
 * thread and its exception, or 0 and NULL) to its file, named in path.
 * 0, XSIG_ENOENT (dumps are off), XSIG_ENOSYS (no dbghelp), XSIG_ESYS... */
int xsig__win_write_dump(HANDLE h, DWORD tid, EXCEPTION_POINTERS *ep, wchar_t *path, DWORD size);
int xsig__win_dump_self(void);
int xsig__win_crash_dump_on(void);

/* --- delivery: src/win/signal.c ----------------------------------------- */

/* The one entry for a signal from outside the program's threads (a door,
 * the transport). Queues it and alerts the delivery thread, or returns
 * XSIG__ARRIVE_DEFAULT: its default action must run now (the caller does
 * it, xsig__os_default_action, after replying if it has to). Else 0 or
 * XSIG_EAGAIN. how: RESERVED, a real-time signal for which a ring's credit
 * kept room; NO_WAKE, the caller wakes the delivery thread once for a
 * batch; REMOTE, it came from another process (xsig_stats_t.remote). */
#define XSIG__ARRIVE_DEFAULT 1
struct xsig_info;
#define XSIG__ACCEPT_RESERVED 1
#define XSIG__ACCEPT_NO_WAKE 2
#define XSIG__ACCEPT_REMOTE 4
int xsig__win_accept(const struct xsig_info *info, int how);
/* The same, posted only if still(arg) says yes under the state lock (a
 * timer's expiry that xsig_timer_settime has outdated: src/win/timer.c). */
int xsig__win_accept_if(const struct xsig_info *info, int (*still)(void *arg), void *arg);
/* xsig__os_init's first step and xsig__os_shutdown's last. */
int xsig__win_delivery_start(void);
void xsig__win_delivery_stop(void);
/* Under the state lock: sig's action has XSIG_INTERRUPT (on) or not. */
void xsig__win_set_interrupting(int sig, int on);
/* A thread starts (src/win/thread.c's TLS callback). */
void xsig__win_thread_attach(void);
/* The process is about to end; any thread, returns. how: REPLIES, a
 * default action's first step (senders waiting for a reply get it); CODE,
 * it ends with exit code code; UNKNOWN, the C runtime's exit or the
 * loader's detach. It runs what on_ending set (src/win/init.c, once):
 * the layers above, which this one does not name. */
#define XSIG__END_REPLIES 0
#define XSIG__END_CODE 1
#define XSIG__END_UNKNOWN 2
void xsig__win_ending(int how, uint32_t code);
void xsig__win_on_ending(void (*fn)(int how, uint32_t code));
/* The process is about to stop itself by sig (a default action): what
 * the sending layer does first (tell the parent), registered once. */
void xsig__win_on_stopping(void (*fn)(int sig));

/* --- the doors: each delivers through xsig__win_accept -------------------- */

/* src/win/console.c */
int xsig__win_console_init(void);
void xsig__win_console_shutdown(void);
void xsig__win_console_handler_done(const struct xsig_info *info);
void xsig__win_console_enable_ctrl_c(void);
/* Under the state lock: watch the console's size (WINCH) while on. */
void xsig__win_console_watch_size(int on);

/* src/win/session.c: a hidden top-level window for the end of a GUI
 * session, in a process without a console. */
void xsig__win_session_init(void);
void xsig__win_session_shutdown(void);

/* src/win/child.c: news that child pid of ours stopped by sig (XSIG_CONT:
 * continued), from the transport or a send in this process. Believed only
 * once the child is seen so: then CHLD. Returns at once. */
void xsig__win_child_news(DWORD pid, int sig);

/* src/win/service.c: the process ends with code: a service reports STOPPED. */
void xsig__win_service_ended(DWORD code);
/* WaitToKillServiceTimeout, in ms (0: not set): how long the system waits
 * at shutdown for services and for the console programs that get LOGOFF
 * or SHUTDOWN (only programs with nobody at them do: services, a Windows
 * container's entrypoint). */
DWORD xsig__win_wait_to_kill_ms(void);
/* The service's control handler (HandlerEx), as the SCM calls it. The
 * tests call it for SHUTDOWN and PRESHUTDOWN, which only a system shutdown
 * sends (ControlService refuses them; Wine's shutdown kills services
 * before sending them). */
DWORD WINAPI xsig__win_service_control(DWORD control, DWORD type, LPVOID data, LPVOID context);

/* --- receiving from other processes: src/win/transport.c over ring.c ----- */

int xsig__win_transport_start(void);
void xsig__win_transport_stop(void);
/* Waits (at most 200 ms) until every accepted signal's reply is written. */
void xsig__win_transport_flush_replies(void);

/* src/win/ring.c, the receiver's side, for the transport's thread. */
int xsig__win_rings_start(void);
void xsig__win_rings_stop(void);
/* Fills hs (1 + MAX_RINGS at most) with what its wait must include. */
int xsig__win_rings_wait_handles(HANDLE *hs);
/* A ring for the pipe's client pid (connected at that system time, in
 * 100 ns): handles[3] to name in the reply; returns the offer's number,
 * 0 for none. settle: the connection ended; the ring stays only if the
 * sender took it. */
unsigned xsig__win_rings_offer(DWORD pid, int64_t connected_at, uint64_t *handles);
void xsig__win_rings_settle(unsigned offer);
/* ended: what the wait found signalled (a sender may have ended), or NULL. */
void xsig__win_rings_serve(HANDLE ended);
/* What pid's rings hold, accepted before a pipe message from pid. */
void xsig__win_rings_serve_sender(DWORD pid);
/* Before the wait: every ring says the receiver sleeps; then whether one
 * has news already (the wait must not block). After it: awake. */
void xsig__win_rings_mark_sleeping(void);
int xsig__win_rings_have_news(void);
void xsig__win_rings_mark_awake(void);
/* Any thread: the process is about to end (its senders stop trusting
 * that it runs). */
void xsig__win_rings_ending(void);

/* --- sending: src/win/process.c over ring.c's sender side ----------------- */

/* How long a send waits for its receiver, and how long before it looks
 * whether the receiver is stopped (then it cannot answer until CONT). */
#define XSIG__WIN_SEND_TIMEOUT_MS 5000
#define XSIG__WIN_STOPPED_CHECK_MS 100

/* src/win/ring.c, the sender's side: a channel to one receiver, held by
 * one thread from get to put; NULL when all are in use, or (create 0)
 * when there is none to pid yet. */
struct xsig__win_channel;
#define XSIG__WIN_NO_RING 2 /* the channel has no ring: use the pipe */
struct xsig__win_channel *xsig__win_channel_get(DWORD pid, int create);
void xsig__win_channel_drop(DWORD pid);
void xsig__win_channel_put(struct xsig__win_channel *c);
int xsig__win_channel_send(struct xsig__win_channel *c, int sig, intptr_t value, int has_value);
/* Takes the ring a version 2 reply named (section, doorbell, wake: values
 * in the receiver's process) while the pipe is open; 0 or XSIG__WIN_NO_RING. */
int xsig__win_channel_map_ring(struct xsig__win_channel *c, HANDLE target, const uint64_t *handles);
/* The wire version the channel's receiver understands (xsig__wire_*). */
int xsig__win_channel_wire_version(const struct xsig__win_channel *c);
void xsig__win_channel_set_wire_version(struct xsig__win_channel *c, int version);
int xsig__win_channel_wait_accepted(DWORD pid, int ms);
/* The pipe carries a signal to c's receiver: whether to ask for a ring
 * with it (from the second on). */
int xsig__win_channel_ring_due(struct xsig__win_channel *c);

/* src/win/process.c: this process stops itself by sig (a default action):
 * its parent is told first. */
void xsig__win_stopping(int sig);

#endif
