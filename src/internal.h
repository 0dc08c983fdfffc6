/* SPDX-License-Identifier: MIT */
/* Shared internals: the process-wide signal state and what each platform
 * folder provides to it (src/unix/os.h, src/win/os.h). */
#ifndef XSIG_INTERNAL_H
#define XSIG_INTERNAL_H

#include "xsig.h"
#include "os.h"

/* What the default disposition does. */
enum xsig__dfl { XSIG__DFL_TERM, XSIG__DFL_CORE, XSIG__DFL_IGN, XSIG__DFL_STOP, XSIG__DFL_CONT };

struct xsig__sigdesc {
  int sig;
  const char *name;  /* without "SIG" */
  const char *desc;
  int dfl;           /* enum xsig__dfl */
};

/* The platform's table of named (non-real-time) signals, in sigtable.c,
 * sorted by number. */
extern const struct xsig__sigdesc xsig__sigtable[];
extern const int xsig__sigtable_len;

const struct xsig__sigdesc *xsig__sigdesc(int sig);
int xsig__dfl_kind(int sig);

/* Returns 0 if sig may be used in signal operations, else XSIG_EINVAL or
 * XSIG_ENOSYS (BREAK on POSIX). */
int xsig__check(int sig);

/* Checks the arguments of xsig_send: 0 or an XSIG_E* code. */
int xsig__check_send(int64_t pid, int sig, int flags);

/* A process held open (src/process.c); os is the platform's part. pid,
 * pgid, child and os are set before it is shared and never change; the
 * rest of a child's fields are guarded by the children lock (src/child.c). */
struct xsig_process {
  int64_t pid;
  int64_t pgid;           /* the group it leads (XSIG_SPAWN_NEW_GROUP), else 0 */
  int64_t joined;         /* the group it joined (xsig_spawn_options_t.pgid), else 0 */
  int child;              /* started by xsig_spawn: may be waited for */
  int reaped;             /* it ended and status holds how (or discarded) */
  xsig_status_t status;
  int listed;             /* in the children list: not reported yet */
  int detached;           /* its owner closed it: freed once reported */
  int discarded;          /* ended while CHLD was ignored: no status */
  int unwatched;          /* the children waitable does not cover it */
  int stop_sig;           /* the signal it is stopped by, as last reported; 0: running */
  int change;             /* XSIG_CLD_STOPPED or _CONTINUED not taken yet; 0: none */
  int stop_news;          /* Windows: the stop signal the latest news named; 0: none */
  int looking;            /* Windows: a pool thread looks whether the news is true */
  struct xsig_process *next_child;
  struct xsig__os_process os;
};

/* --- children, src/child.c (the children lock; see there) -------------- */

/* Under the children lock: 1 if no child is listed. */
int xsig__children_none_locked(void);
/* In the child of fork(): an empty list, a new lock (no lock taken). */
void xsig__children_after_fork(void);
/* Puts a new child in the list and has the platform watch it. */
void xsig__child_list(xsig_process_t *p);
/* 1 once the child's status is known (or discarded), waiting up to
 * timeout_ms (< 0: forever). */
int xsig__child_reap(xsig_process_t *p, int timeout_ms);
/* A listed child pid stopped by sig (or continued: XSIG_CONT). Returns
 * XSIG_CLD_STOPPED or XSIG_CLD_CONTINUED when that changes what was last
 * reported of it, else 0 (no such child, or nothing new). */
int xsig__child_changed(int64_t pid, int sig);
/* 1 if pid is a listed child that has not ended. */
int xsig__child_running(int64_t pid);
/* News that listed child pid stopped by sig (or continued: XSIG_CONT):
 * 0 if it is no running child of ours; else 1 when the caller is the one
 * to look whether it is so (xsig__child_look_done after), 2 when another
 * looks already. */
int xsig__child_news(int64_t pid, int sig);
void xsig__child_look_done(int64_t pid);
/* Reads p->reaped under the lock (0 for a process that is no child). */
int xsig__child_reaped(xsig_process_t *p);
/* A reaped child is reported: out of the list; its status into st.
 * 0, or XSIG_ECHILD if it was discarded. */
int xsig__child_take(xsig_process_t *p, xsig_status_t *st);
/* Its owner closes it: 1 if it stays listed (freed once reported). */
int xsig__child_detach(xsig_process_t *p);
/* 1 if a listed child has ended (looks at each). */
int xsig__children_ended(void);
/* -1 when the children waitable covers every child, else how long a wait
 * may last before they must be looked at again. */
int xsig__children_nap_ms(void);
/* The CHLD record of a child that ended with st. */
void xsig__chld_info(int64_t pid, const xsig_status_t *st, xsig_info_t *info);
/* The CHLD info record of a stop or continue (XSIG_CLD_*) by sig. */
void xsig__chld_change_info(int64_t pid, int code, int sig, xsig_info_t *info);

/* --- the process-wide state, src/signal.c ------------------------------
 * The state lock (xsig__lock) guards it. Functions named *_locked expect
 * the caller to hold it; the others take it themselves. */

/* The lock around the state. */
void xsig__lock(void);
void xsig__unlock(void);

/* Accepts one signal. Applies IGN (discard), coalesces standard signals,
 * queues real-time ones. Returns 0 or XSIG_EAGAIN (queue full, counted). */
int xsig__post(const xsig_info_t *info);
/* The same, but a real-time signal that finds the queue full stays the
 * caller's: XSIG_EAGAIN, not counted (POSIX keeps it in its spill). */
int xsig__post_or_keep(const xsig_info_t *info);
/* The same as xsig__post, if still(arg), asked under the state lock, says
 * yes (else 0, nothing posted): no dispatch sees a post that a change made
 * under the state lock has outdated (src/win/timer.c). */
int xsig__post_if(const xsig_info_t *info, int (*still)(void *arg), void *arg);

/* Free entries in the real-time queue (less those promised). */
int xsig__rt_room(void);

/* Promises up to want entries of the real-time queue to a sender (the
 * Windows ring's credit); returns how many. xsig__post_reserved spends one
 * (the entry is taken even if the signal is then ignored); unreserve gives
 * back what was never spent. A shutdown drops them all. */
int xsig__rt_reserve(int want);
void xsig__rt_unreserve(int n);
int xsig__post_reserved(const xsig_info_t *info);
void xsig__stats_add_dropped(void);

/* Removes the first pending signal that is in set (or, with set NULL, the
 * first not in mask) and stores its info and current action. Returns the
 * signal, or 0 if none. Applies XSIG_RESETHAND. */
int xsig__take_locked(const xsig_sigset_t *set, const xsig_sigset_t *mask,
                      xsig_info_t *info, xsig_action_t *act);
void xsig__pending_locked(xsig_sigset_t *set);

/* Copies the action of sig (for platform code on the arrival path). */
void xsig__action_get(int sig, xsig_action_t *act);
void xsig__stats_add_rejected(void);
/* In the child after fork: new locks, nothing pending (no lock taken;
 * src/init.c). */
void xsig__reset_after_fork(void);

/* What the state tells the parts above it (the handler thread, timers),
 * which it does not name: src/init.c gives them at xsig_init. */
struct xsig__state_hooks {
  /* under the state lock: a signal was accepted, or one a handler left
   * is free again, or an action's XSIG_INTERRUPT changed */
  void (*arrived_locked)(void);
  /* in xsig_dispatch: wait for the handler thread's round; 1 if it did */
  int (*settle)(void);
  /* a timer's signal was taken (its overrun becomes the timer's last) */
  void (*timer_taken)(const xsig_info_t *info);
};
/* The state's part of xsig_init and xsig_shutdown (src/signal.c), in the
 * order src/init.c calls them. */
void xsig__state_set_hooks(const struct xsig__state_hooks *h);
int xsig__state_acquire(void);               /* a reference; the first starts the platform */
int xsig__state_last_ref(void);              /* 1 if one reference is left */
int xsig__state_release_locked(void);        /* 1 for the last, 0, XSIG_ENOTINIT */
void xsig__state_restore_locked(void);       /* the dispositions xsig changed */
void xsig__state_reset(void);                /* every action and pending signal gone */
void xsig__state_after_fork(void);           /* a new state lock, nothing pending */
/* In the child after fork, when the platform cannot go on there (POSIX:
 * no new pipe): xsig is no longer initialised (no lock taken). */
void xsig__drop_after_fork(void);

/* An atomic read: true between the first xsig_init and the last shutdown. */
int xsig__is_initialised(void);

/* Set helpers that skip the checks (sig known valid). */
void xsig__set_add(xsig_sigset_t *set, int sig);
void xsig__set_del(xsig_sigset_t *set, int sig);
int xsig__set_has(const xsig_sigset_t *set, int sig);

/* --- what each platform provides (src/unix/signal.c, src/win/signal.c) - */

int xsig__os_init(void);
void xsig__os_shutdown(void);
/* Installs act as the native disposition of sig (called under the lock). */
int xsig__os_install(int sig, const xsig_action_t *act, int *foreign);
/* Restores the native disposition found before xsig first installed one. */
void xsig__os_restore(int sig);
/* Moves signals that arrived asynchronously into the state; resets the
 * waitable object. */
void xsig__os_collect(void);
/* Called under the lock after xsig__post accepted a signal. */
void xsig__os_posted_locked(const xsig_info_t *info);
/* Carries out the default action of sig (may not return). */
void xsig__os_default_action(int sig);
/* Sends a signal to this process for whichever thread can take it (the
 * caller blocks it): POSIX through the kernel, Windows into the state. */
int xsig__os_send_self(const xsig_info_t *info);
/* Raise info with the default disposition in place (a queued value and
 * its code are kept while the signal waits, blocked). */
int xsig__os_raise_default(const xsig_info_t *info);
/* The calling thread's mask. */
void xsig__os_mask_get(xsig_sigset_t *mask);
void xsig__os_mask_set(const xsig_sigset_t *mask);
/* Around a handler: the thread's mask is during until _end puts base (the
 * mask it had) back; save is the platform's (POSIX keeps the kernel's mask
 * as it is unless the handler sets one). */
void xsig__os_handler_mask_begin(const xsig_sigset_t *during, struct xsig__os_mask_save *save);
void xsig__os_handler_mask_end(const xsig_sigset_t *base, const struct xsig__os_mask_save *save);
/* Called on the handler's thread after a handler returned. */
void xsig__os_handler_done(const xsig_info_t *info);
/* Makes the waitable object ready and, on Windows, alerts the delivery thread. */
void xsig__os_wake(void);
/* Waits for one of the n handles h, for the waitable object, or (Windows)
 * an APC. Returns i + 1 if h[i] is the first ready one, 0 on a wake-up,
 * XSIG_ETIMEDOUT, XSIG_EBADF (a handle is not open) or XSIG_ESYS. */
int xsig__os_wait(const xsig_os_handle_t *h, int n, int timeout_ms);
/* The fd / event that becomes ready when a signal arrives. */
xsig_os_handle_t xsig__os_waitable(void);
/* Makes the calling thread the one that asynchronous signals are steered to. */
int xsig__os_set_delivery_thread(void);
/* Takes one pending signal of set (non-empty), waiting up to timeout_ms
 * (< 0: forever): the signal, XSIG_ETIMEDOUT or XSIG_ESYS. */
int xsig__os_sigwait(const xsig_sigset_t *set, int timeout_ms, xsig_info_t *info);
/* Handlers run so far on the calling thread (src/signal.c). */
unsigned long xsig__handlers_done(void);
xsig__mutex_t *xsig__state_mutex(void);
void xsig__os_extra_stats(xsig_stats_t *stats);
void xsig__os_pending_extra(xsig_sigset_t *set);

/* --- processes: what each platform provides (src/unix/process.c and
 * tree.c, src/win/process.c and tree.c); arguments are checked already -- */

/* pid > 0 a process, pid < -1 the group -pid, pid 0 the caller's group. */
int xsig__os_send(int64_t pid, int sig, intptr_t value, int flags, int *via);
/* Holds p->pid open (p->os): 0, XSIG_ESRCH, XSIG_EPERM, XSIG_ENOMEM. */
int xsig__os_process_open(xsig_process_t *p);
int xsig__os_process_send(xsig_process_t *p, int sig, intptr_t value, int flags, int *via);
/* 1 while it runs, 0 once it ended. */
int xsig__os_process_alive(xsig_process_t *p);
void xsig__os_process_close(xsig_process_t *p);
/* Starts the child and fills p->pid, p->pgid and p->os; o is checked
 * (flags, nfds, envp strings), its fds are not. */
int xsig__os_spawn(const char *file, char *const argv[], const xsig_spawn_options_t *o,
                   xsig_process_t *p);
xsig_os_handle_t xsig__os_process_waitable(const xsig_process_t *p);
/* Under the children lock: if the child has ended, stores its status in
 * p->status and returns 1; 0 while it runs; -1 if it is gone without a
 * status (POSIX: the kernel reaped it, SIGCHLD being ignored). */
int xsig__os_child_reap(xsig_process_t *p);
/* Under the children lock: reaps any one child that has ended, whoever
 * started it, into *pid and *st; 1 if one was, 0 if none (or, Windows,
 * never: no process is handed to another there), XSIG_ESYS. */
int xsig__os_reap_any(int64_t *pid, xsig_status_t *st);
/* Under the children lock: a stop or continue of p that the system
 * reports and nobody took yet: the signal that stopped it, XSIG_CONT, or 0
 * (none; Windows: always, xsig's own news comes to xsig__child_changed). */
int xsig__os_child_change(xsig_process_t *p);
/* Connects to the service manager as service name (UTF-8, checked) if it
 * started this process: 0, XSIG_ENOSERVICE (not started by it; POSIX:
 * always), XSIG_EINVAL (name not valid there), XSIG_ESYS. */
int xsig__os_service_start(const char *name, int flags);
/* Waits up to timeout_ms (< 0: forever) until the child has ended, without
 * reaping it. Without the lock. */
void xsig__os_child_wait_end(xsig_process_t *p, int timeout_ms);
/* Under the children lock, once it is listed: has the children waitable
 * cover p (and, Windows, CHLD sent when it ends). 1 if covered, 0 if not
 * (POSIX without pidfds). */
int xsig__os_child_watch(xsig_process_t *p);
/* Under the children lock: undoes xsig__os_child_watch (Windows: waits for
 * a notification in flight; it never takes the children lock). */
void xsig__os_child_unwatch(xsig_process_t *p);
/* Under the children lock: the children waitable, made at the first call;
 * XSIG_NO_HANDLE if the platform cannot make one. */
xsig_os_handle_t xsig__os_children_waitable_locked(void);
/* Under the children lock: ready 0 before the children are looked at
 * (Windows resets its event), 1 if one that ended is still listed. */
void xsig__os_children_rearm_locked(int ready);
/* Under the children lock: whether the list is empty (a waiter of
 * xsig__os_children_wait must then wake: there is nothing left to wait for). */
void xsig__os_children_empty_locked(int empty);
/* Waits up to timeout_ms (< 0: forever) until the children waitable is
 * ready or the list is empty. Without the lock. */
void xsig__os_children_wait(int timeout_ms);
/* sig to the child's whole tree (its group or job), then CONT to what is
 * stopped if cont_after. */
void xsig__os_tree_send(xsig_process_t *p, int sig, int cont_after);
/* KILL to the whole tree. */
void xsig__os_tree_kill(xsig_process_t *p);
/* How many processes of the tree still run (src/unix/tree.c, src/win/tree.c);
 * -1 where they cannot be counted. */
int xsig__os_tree_count(xsig_process_t *p);
/* 1 once nothing of a reaped child's tree runs. */
int xsig__os_tree_gone(xsig_process_t *p);
/* Descendants of pid, children first, none older than its parent; with
 * depth, each one's depth (1: a child of pid). */
int xsig__os_descendants(int64_t pid, int64_t *out, int *depth, int max);
/* Every process (src/unix/tree.c, src/win/tree.c): as xsig_process_list,
 * arguments checked. The command line: raw bytes into buf, truncated to
 * size, returns the full length; the caller makes it printable. */
int xsig__os_process_list(xsig_proc_entry_t *out, int max);
int xsig__os_process_cmdline(int64_t pid, char *buf, size_t size);
/* Our parent's pid, or 0 when it cannot be named (Windows: it ended). */
int64_t xsig__os_getppid(void);
void xsig__os_nap(int ms);

/* --- threads, src/thread.c (the handler thread's lock; see there) ----- */

/* Under the state lock, after a signal was accepted: wakes the handler
 * thread (if it runs and the caller is not it). */
void xsig__handler_thread_poke_locked(void);
/* In xsig_dispatch: waits for the handler thread's round in progress (not
 * on the handler thread); 1 if it waited. */
int xsig__handler_thread_settle(void);
/* The last xsig_shutdown, before the platform's: ends the handler thread. */
void xsig__handler_thread_shutdown(void);
void xsig__handler_thread_after_fork(void);

/* What each platform provides (src/unix/thread.c, src/win/thread.c). */
/* Starts fn(arg) on a new thread: 0, XSIG_ENOMEM or XSIG_ESYS. */
int xsig__os_thread_create(xsig__thread_t *t, void (*fn)(void *), void *arg);
void xsig__os_thread_join(xsig__thread_t t);
void xsig__os_thread_detach(xsig__thread_t t);
/* A wake-up object: its handle h is readable / signalled once set, until
 * cleared. Set is safe under the state lock. */
int xsig__os_event_open(struct xsig__os_event *e);
void xsig__os_event_set(struct xsig__os_event *e);
void xsig__os_event_clear(struct xsig__os_event *e);
void xsig__os_event_wait(struct xsig__os_event *e);
void xsig__os_event_close(struct xsig__os_event *e);
/* On the handler thread (src/unix/signal.c, src/win/signal.c): begin
 * makes it one with mask; refresh runs before each of its waits; end
 * gives the role back. */
void xsig__os_handler_thread_begin(const xsig_sigset_t *mask);
void xsig__os_handler_thread_refresh(void);
void xsig__os_handler_thread_end(void);

/* --- timers, src/timer.c (the timers lock; see there) ------------------ */

/* A timer of xsig_timer_create, or (Windows) the alarm. The shared fields
 * are set at create under the timers lock and read under it. */
struct xsig__timer {
  int id;           /* 0: the slot is free; Windows' alarm: -1 */
  int dying;        /* being deleted: no longer found, not re-armed */
  int sig;
  int code;         /* XSIG_SI_TIMER, or the alarm's XSIG_SI_KERNEL */
  intptr_t value;
  int last_overrun; /* of its last signal taken */
  struct xsig__os_timer os;
};

void xsig__timers_lock(void);
void xsig__timers_unlock(void);
/* The value a kernel timer carries for timer id (POSIX). */
intptr_t xsig__timer_tag(int id);
/* A timer's signal as it arrives with the tagged value: the timer's own
 * value and id into info. 0 if the timer was deleted (drop the signal). */
int xsig__timer_resolve(xsig_info_t *info);
/* A timer's signal is taken: its overrun becomes the timer's last. */
void xsig__timer_taken(const xsig_info_t *info);
/* src/signal.c, under the state lock: timer id's signal (sig) that is
 * still pending is dropped; returns 1 if other signals are pending. */
int xsig__timer_signal_drop_locked(int sig, int id);
/* The last xsig_shutdown: every timer deleted, the alarm disarmed. */
void xsig__timers_shutdown(void);
void xsig__timers_after_fork(void);

/* What each platform provides (src/unix/timer.c, src/win/timer.c); the
 * *_locked ones are called under the timers lock, arguments checked. */
int xsig__os_timer_create_locked(struct xsig__timer *t);
/* abs: tv->value_us is a time of xsig_clock_us. old may be NULL. */
int xsig__os_timer_set_locked(struct xsig__timer *t, int abs, const xsig_timerval_t *tv,
                              xsig_timerval_t *old);
int xsig__os_timer_get_locked(struct xsig__timer *t, xsig_timerval_t *cur);
/* Disarms and frees it; no expiry of it runs after this returns. Without
 * the lock (Windows waits for a callback in flight). */
void xsig__os_timer_destroy(struct xsig__timer *t);
/* The alarm: sets it to tv (NULL: only reads) and stores the old setting. */
int xsig__os_itimer_locked(const xsig_timerval_t *tv, xsig_timerval_t *old);
/* Frees what the alarm holds (Windows' thread-pool timer). */
void xsig__os_itimer_shutdown(void);

/* --- faults (src/fault.c) ------------------------------------------- */

int xsig__is_fault_signal(int sig);
xsig_handler_t xsig__fault_handler(int sig, void **arg);
int xsig__fault_wanted(int sig);
void xsig__fault_shutdown(void);
int xsig__report_on(void);
void xsig__report_header(const xsig_info_t *info, uint64_t tid);
/* One line of the crash report, built in place. */
struct xsig__line {
  char buf[320];
  size_t len;
};
void xsig__line_str(struct xsig__line *l, const char *s);
void xsig__line_hex(struct xsig__line *l, uint64_t v);
void xsig__line_dec(struct xsig__line *l, uint64_t v);
void xsig__line_end(struct xsig__line *l); /* adds the newline, writes it out */
/* What each platform provides (src/unix/fault.c, src/win/fault.c). Enable
 * and disable change the kernel's dispositions: under the state lock, as
 * xsig__os_install (the POSIX child of fork calls disable alone). */
int xsig__os_fault_enable(void);
void xsig__os_fault_disable(void);
void xsig__os_report_write(xsig_os_handle_t out, const char *buf, size_t len);
/* Gives the calling thread a stack to handle its own overflow on. */
int xsig__os_fault_stack(void);
/* The calling thread leaves its fault handler (xsig_longjmp). */
void xsig__os_fault_leave(void);
/* Standard input, output or error (n is 0, 1 or 2) as the platform names it. */
xsig_os_handle_t xsig__os_std_handle(int n);
/* Dumps (src/unix/fault.c, src/win/dump.c); arguments checked. */
int xsig__os_set_dump_dir(const char *dir);
int xsig__os_dump_path(int64_t pid, char *buf, size_t size);
int xsig__os_crash_dump(int on);

#endif
