/* SPDX-License-Identifier: MIT */
/* POSIX delivery: one sigaction trampoline writes a fixed-size record per
 * signal into a non-blocking pipe (write() is async-signal-safe and atomic up
 * to PIPE_BUF); xsig_dispatch reads the pipe and runs handlers in normal
 * context on the thread that calls it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <ucontext.h>
#include <unistd.h>
#include "internal.h"
#include "extras.h"

struct record {
  int32_t signo;
  int32_t code;
  int64_t pid;
  int64_t value; /* queued, timer: the value; CHLD: XSIG_CLD_* << 32 | status */
};
/* A timer's record carries its overrun count in pid. */

/* pipe_fds change only while pipe_live is 0 and no trampoline is in
 * flight (in_flight: trampolines between their check of pipe_live and
 * their last use of the pipe), or in the child of fork: a trampoline never
 * writes into an fd that a shutdown closed and something else reopened. */
static int pipe_fds[2] = { -1, -1 };
static xsig__atomic_long pipe_live, in_flight;
static struct sigaction saved[XSIG_NSIG];
static int saved_valid[XSIG_NSIG];
/* Standard signals whose record did not fit in the pipe: never lost. */
static xsig__atomic_u64 overflow_std[2];
static xsig__atomic_u64 overflow_dropped;
/* Set by the trampoline after it wrote: collect reads only then. */
static xsig__atomic_long records_waiting;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static int pipe_capacity;
/* Real-time records read from the pipe while xsig's queue was full, oldest
 * first: the pipe is always read to its end, so that a standard signal
 * behind them is not held up and the pipe does not stay readable (every
 * poller would spin). collect_lock guards the spill and makes collecting
 * one thread at a time (records are posted in the order they were read);
 * spill_count is its length for the trampoline. It holds what the pipe
 * does, and at least a queue's worth; a record beyond that is counted in
 * dropped. */
static xsig__mutex_t collect_lock = XSIG__MUTEX_INIT;
static struct record *spill;
static int spill_cap, spill_head;
static xsig__atomic_long spill_count;
/* Back-pressure: the real-time signals a thread's trampoline blocked
 * because the pipe and the spill were nearly full. The kernel keeps them
 * queued (and tells senders EAGAIN at its own limit) until this thread's
 * next collect finds room. Only on a thread that comes back to xsig to
 * collect: the handler thread, one that has collected before (collects:
 * xsig_dispatch, the waits, xsig_sigpending, xsig_timer_settime and
 * _delete; a loop of xsig_sleep that a storm keeps interrupted never
 * reaches the wait, only the collect), or one whose xsig_sigmask is
 * unblocking them (in_mask_change: a burst the kernel held lands there,
 * and that call dispatches next). A thread that never calls these keeps
 * the mask the program gave it; a child forked from a throttled thread
 * gets that mask back. */
static XSIG__TLS xsig_sigset_t throttled;
static XSIG__TLS int is_throttled, collects;
/* volatile: its own thread's trampoline reads it inside the call it
 * brackets, which the compiler cannot know */
static XSIG__TLS volatile int in_mask_change;
/* Signals whose action has XSIG_INTERRUPT: written under the state lock,
 * read by the handler thread, which blocks them in the kernel so that
 * they land on (and interrupt) a thread of the program. */
static xsig__atomic_u64 interrupting[2];
/* A thread's mask is virtual (vmask, xsig's alone) on the handler thread,
 * whose kernel mask is vmask | interrupting | throttled as of applied[],
 * and while a handler runs: its mask goes on top of the kernel's without
 * two sigprocmask calls per handler, unless the handler sets a mask
 * itself (kernel_dirty: the kernel's is then put back at its end). */
static XSIG__TLS int is_handler_thread;
static XSIG__TLS int in_handlers;
static XSIG__TLS int kernel_dirty;
static XSIG__TLS xsig_sigset_t vmask;
static XSIG__TLS uint64_t applied[2];
static void set_kernel_mask(const xsig_sigset_t *mask);

/* Bytes kept free for trampolines already running: half the pipe, at
 * most 64 KiB. */
#define HEADROOM_MAX (64 * 1024)
static int headroom;
/* Where the system cannot say how big a pipe is: the smallest default of
 * Linux, macOS and FreeBSD. */
#define PIPE_CAPACITY_UNKNOWN (16 * 1024)

/* The value that marks a sigqueue() to self made by xsig_raise. */
static const char raise_marker;

static int cld_code(int si_code)
{
  switch (si_code) {
  case CLD_EXITED: return XSIG_CLD_EXITED;
  case CLD_KILLED: return XSIG_CLD_KILLED;
  case CLD_DUMPED: return XSIG_CLD_DUMPED;
  case CLD_STOPPED: return XSIG_CLD_STOPPED;
  case CLD_CONTINUED: return XSIG_CLD_CONTINUED;
  default: return 0; /* CLD_TRAPPED: a tracer's business */
  }
}

/* The raw wait status a CHLD stands for, as waitpid would give it. */
static uint32_t cld_wait_status(int cld, int status)
{
  switch (cld) {
  case XSIG_CLD_EXITED: return (uint32_t)(status & 0xff) << 8;
  case XSIG_CLD_KILLED: return (uint32_t)status & 0x7f;
  case XSIG_CLD_DUMPED: return ((uint32_t)status & 0x7f) | 0x80;
  case XSIG_CLD_STOPPED: return ((uint32_t)(status & 0xff) << 8) | 0x7f;
  default: return 0xffff; /* continued */
  }
}

static int code_from_siginfo(const siginfo_t *si)
{
  switch (si->si_code) {
  case SI_USER:
    return XSIG_SI_USER;
  case SI_QUEUE:
    if (si->si_value.sival_ptr == &raise_marker && si->si_pid == getpid())
      return XSIG_SI_RAISE;
    return XSIG_SI_QUEUE;
  case SI_TIMER:
    return XSIG_SI_TIMER;
  default:
    if (xsig__unix_is_tkill(si->si_code))
      return si->si_pid == getpid() ? XSIG_SI_RAISE : XSIG_SI_USER;
    return XSIG_SI_KERNEL;
  }
}

static void info_from_siginfo(int sig, const siginfo_t *si, xsig_info_t *info)
{
  memset(info, 0, sizeof *info);
  info->signo = sig;
  info->code = code_from_siginfo(si);
  if (info->code != XSIG_SI_KERNEL)
    info->pid = si->si_pid;
  if (info->code == XSIG_SI_QUEUE || info->code == XSIG_SI_TIMER)
    info->value = (intptr_t)si->si_value.sival_ptr;
  if (info->code == XSIG_SI_TIMER) {
    info->pid = 0;
    info->status = si->si_overrun;
  }
  if (sig == SIGCHLD && info->code == XSIG_SI_KERNEL && (info->subcode = cld_code(si->si_code))) {
    info->pid = si->si_pid;
    info->status = si->si_status;
    info->os_code = cld_wait_status(info->subcode, si->si_status);
  }
}

static void to_native(const xsig_sigset_t *in, sigset_t *out);

/* Bytes waiting for xsig: in the pipe, and spilled; -1 if unknown. */
static long bytes_waiting(void)
{
  int queued = 0;
  if (ioctl(pipe_fds[0], FIONREAD, &queued) != 0)
    return -1;
  return queued + xsig__atomic_load(&spill_count) * (long)sizeof(struct record);
}

/* Back-pressure on the handler thread: stop taking real-time signals from
 * the kernel while the pipe is nearly full, instead of dropping them. */
static void throttle_if_full(void *uc)
{
  ucontext_t *ctx = uc;
  long waiting = bytes_waiting();
  int s;
  if (waiting < 0 || waiting < pipe_capacity - headroom)
    return;
  for (s = SIGRTMIN; s <= SIGRTMAX; s++)
    if (!sigismember(&ctx->uc_sigmask, s)) {
      sigaddset(&ctx->uc_sigmask, s); /* applies when the handler returns */
      xsig__set_add(&throttled, s);
      is_throttled = 1;
    }
}

static void unthrottle(void)
{
  xsig_sigset_t was;
  sigset_t set;
  long waiting;
  if (!is_throttled || (waiting = bytes_waiting()) < 0 || waiting > pipe_capacity / 2)
    return;
  /* Clear the state first: unblocking lets the kernel deliver a burst at
   * once, and those trampolines may throttle again. */
  was = throttled;
  memset(&throttled, 0, sizeof throttled);
  is_throttled = 0;
  to_native(&was, &set);
  in_mask_change++;
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  in_mask_change--;
}

/* A fault raised by the CPU on this thread (not sent by anyone). */
static int is_synchronous_fault(int sig, const siginfo_t *si)
{
  return (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) &&
         si->si_code > 0;
}

/* abort() and raise(): ABRT sent by this process (Linux: by tkill;
 * elsewhere SI_USER), not a value queued with it. */
static int is_abort(int sig, const siginfo_t *si)
{
  return sig == SIGABRT && si->si_pid == getpid() && si->si_code != SI_QUEUE;
}

static void trampoline(int sig, siginfo_t *si, void *uc)
{
  int saved_errno = errno;
  xsig_info_t info;
  struct record r;
  if (is_synchronous_fault(sig, si) || is_abort(sig, si)) {
    if (xsig__unix_fault_active()) {
      xsig__unix_fault(sig, si, uc); /* src/unix/fault.c */
      errno = saved_errno;
      return;
    }
    if (sig != SIGABRT) {
      /* Returning re-runs the faulting instruction, and a deferred handler
       * could never fix it: take the default action (the fault recurs and
       * ends the process with this signal) instead of looping. */
      xsig__unix_fault_default(sig);
      return;
    }
  }
  xsig__atomic_add(&in_flight, 1); /* before the look: see xsig__os_shutdown */
  if (!xsig__atomic_load(&pipe_live)) {
    xsig__atomic_add(&in_flight, -1); /* shut down: the signal has no taker */
    errno = saved_errno;
    return;
  }
  if ((is_handler_thread || collects || in_mask_change) && sig >= SIGRTMIN && sig <= SIGRTMAX)
    throttle_if_full(uc);
  info_from_siginfo(sig, si, &info);
  r.signo = sig;
  r.code = info.code;
  r.pid = info.code == XSIG_SI_TIMER ? info.status : info.pid;
  r.value = info.subcode ? (int64_t)((uint64_t)info.subcode << 32 | (uint32_t)info.status) : info.value;
  if (write(pipe_fds[1], &r, sizeof r) != (ssize_t)sizeof r) {
    if (xsig_is_realtime(sig))
      xsig__atomic_add64(&overflow_dropped, 1);
    else
      xsig__atomic_or64(&overflow_std[sig >> 6], 1ull << (sig & 63));
  }
  /* after the write: a collector that saw the flag finds the record */
  xsig__atomic_store(&records_waiting, 1);
  xsig__atomic_add(&in_flight, -1);
  errno = saved_errno;
}

static int make_pipe(void)
{
  if (xsig__unix_pipe(pipe_fds) != 0)
    return XSIG_ESYS;
  pipe_capacity = xsig__unix_pipe_grow(pipe_fds[1]);
  if (pipe_capacity <= 0)
    pipe_capacity = PIPE_CAPACITY_UNKNOWN;
  headroom = pipe_capacity / 2 < HEADROOM_MAX ? pipe_capacity / 2 : HEADROOM_MAX;
  return 0;
}

static void close_pipe(void)
{
  if (pipe_fds[0] >= 0)
    close(pipe_fds[0]);
  if (pipe_fds[1] >= 0)
    close(pipe_fds[1]);
  pipe_fds[0] = pipe_fds[1] = -1;
}

static void clear_overflow(void)
{
  xsig__atomic_exchange64(&overflow_std[0], 0);
  xsig__atomic_exchange64(&overflow_std[1], 0);
  xsig__atomic_store(&records_waiting, 0);
}

static void spill_clear(void)
{
  spill_head = 0;
  xsig__atomic_store(&spill_count, 0);
}

static void spill_free(void)
{
  free(spill);
  spill = NULL;
  spill_cap = 0;
  spill_clear();
}

/* No pipe in the child (no fd left, say): xsig ends there, as at its last
 * xsig_shutdown: the dispositions it found come back and every call says
 * XSIG_ENOTINIT, instead of signals that would go nowhere. */
static void end_in_child(void)
{
  int sig;
  xsig__os_fault_disable();
  for (sig = 1; sig < XSIG_NSIG; sig++)
    xsig__os_restore(sig);
  xsig__drop_after_fork();
}

/* Takes the state lock across fork (the forking thread's own): the child
 * never copies a disposition half-written by another thread. */
static XSIG__TLS int locked_for_fork;

static void before_fork(void)
{
  if (xsig__is_initialised()) {
    xsig__lock();
    locked_for_fork = 1;
  }
}

static void after_fork_in_parent(void)
{
  if (locked_for_fork) {
    locked_for_fork = 0;
    xsig__unlock();
  }
}

/* The child must not share the parent's pipe, nor inherit its pending set. */
static void after_fork_in_child(void)
{
  locked_for_fork = 0; /* the lock is made anew below */
  if (is_handler_thread) { /* forked by a handler on the handler thread */
    is_handler_thread = 0;
    is_throttled = 0;
    set_kernel_mask(&vmask);
  }
  if (is_throttled) { /* the program's mask, not the back-pressure's */
    sigset_t set;
    is_throttled = 0;
    to_native(&throttled, &set);
    memset(&throttled, 0, sizeof throttled);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  }
  if (!xsig__is_initialised())
    return;
  xsig__reset_after_fork();
  xsig__mutex_reinit(&collect_lock);
  xsig__atomic_store(&pipe_live, 0);
  xsig__atomic_store(&in_flight, 0); /* those were other threads' */
  close_pipe();
  clear_overflow();
  spill_clear();
  if (make_pipe() != 0) {
    end_in_child();
    return;
  }
  xsig__atomic_store(&pipe_live, 1);
}

static void register_atfork(void)
{
  pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

int xsig__os_init(void)
{
  int err;
  pthread_once(&atfork_once, register_atfork);
  clear_overflow();
  xsig__atomic_exchange64(&overflow_dropped, 0);
  if ((err = make_pipe()) == 0)
    xsig__atomic_store(&pipe_live, 1);
  return err;
}

/* How long a shutdown waits for trampolines in flight (a few system calls
 * each, but a loaded machine may preempt one) before it leaves the pipe
 * open rather than close an fd one of them may still write to. */
#define QUIESCE_WAIT_MS 2000

static int trampolines_quiet(void)
{
  int waited;
  for (waited = 0; xsig__atomic_load(&in_flight) > 0; waited++) {
    if (waited == QUIESCE_WAIT_MS)
      return 0;
    xsig__os_nap(1);
  }
  return 1;
}

/* The dispositions are restored: no trampoline starts to use the pipe
 * after pipe_live is 0, and those that did are waited for. */
void xsig__os_shutdown(void)
{
  xsig__atomic_store(&pipe_live, 0);
  if (trampolines_quiet())
    close_pipe();
  else
    pipe_fds[0] = pipe_fds[1] = -1; /* two fds leaked, none reused under a writer */
  spill_free();
}

static int install(int sig, const struct sigaction *sa, int *foreign)
{
  struct sigaction old;
  if (sigaction(sig, sa, &old) != 0)
    return XSIG_ESYS;
  if (!saved_valid[sig]) {
    saved[sig] = old;
    saved_valid[sig] = 1;
  }
  if (foreign)
    *foreign = (old.sa_flags & SA_SIGINFO) ? old.sa_sigaction != trampoline
                                           : old.sa_handler != SIG_DFL;
  return 0;
}

/* SA_ONSTACK: a fault from a stack overflow still finds a stack to run on
 * (xsig_fault_stack); without an alternate stack it changes nothing. */
static void trampoline_action(struct sigaction *sa)
{
  memset(sa, 0, sizeof *sa);
  sigemptyset(&sa->sa_mask);
  sa->sa_sigaction = trampoline;
  sa->sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
}

static int native_flags(int sig, const xsig_action_t *act)
{
  return sig == SIGCHLD && (act->flags & XSIG_NOCLDSTOP) ? SA_NOCLDSTOP : 0;
}

int xsig__unix_install_trampoline(int sig)
{
  struct sigaction sa;
  trampoline_action(&sa);
  return install(sig, &sa, NULL);
}

/* Under the state lock, the only writer. */
static void set_interrupting(int sig, int on)
{
  uint64_t bit = 1ull << (sig & 63), was = xsig__atomic_load64(&interrupting[sig >> 6]);
  xsig__atomic_exchange64(&interrupting[sig >> 6], on ? was | bit : was & ~bit);
}

int xsig__os_install(int sig, const xsig_action_t *act, int *foreign)
{
  struct sigaction sa;
  /* while faults are handled, they keep coming here (sent ones still go
   * to the action) */
  if ((act->handler != XSIG_DFL && act->handler != XSIG_IGN) ||
      (xsig__unix_fault_active() && xsig__is_fault_signal(sig))) {
    trampoline_action(&sa);
  } else {
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = act->handler == XSIG_DFL ? SIG_DFL : SIG_IGN;
  }
  sa.sa_flags |= native_flags(sig, act);
  if (act->flags & XSIG_INTERRUPT)
    sa.sa_flags &= ~SA_RESTART;
  set_interrupting(sig, (act->flags & XSIG_INTERRUPT) != 0);
  return install(sig, &sa, foreign);
}

void xsig__os_restore(int sig)
{
  if (saved_valid[sig])
    sigaction(sig, &saved[sig], NULL);
  saved_valid[sig] = 0;
}

/* 0, or XSIG_EAGAIN for a real-time one that found the queue full (the
 * caller keeps it). */
static int post_record(const struct record *r)
{
  xsig_info_t info;
  memset(&info, 0, sizeof info);
  info.signo = r->signo;
  info.code = r->code;
  info.pid = r->pid;
  if (r->signo == SIGCHLD && r->code == XSIG_SI_KERNEL && r->value) {
    info.subcode = (int)((uint64_t)r->value >> 32);
    info.status = (int)(uint32_t)r->value;
    info.os_code = cld_wait_status(info.subcode, info.status);
  } else {
    info.value = (intptr_t)r->value;
  }
  if (info.code == XSIG_SI_TIMER) {
    info.pid = 0;
    info.status = (int)r->pid;
    if (!xsig__timer_resolve(&info))
      return 0;
  }
  return xsig__post_or_keep(&info);
}

static void collect_overflow(void)
{
  int w, sig;
  for (w = 0; w < 2; w++) {
    uint64_t bits = xsig__atomic_exchange64(&overflow_std[w], 0);
    for (sig = w * 64; bits; sig++, bits >>= 1) {
      struct record r = { 0, XSIG_SI_KERNEL, 0, 0 };
      r.signo = sig;
      if (bits & 1)
        post_record(&r);
    }
  }
}

/* Under collect_lock: r goes behind what is spilled; 0 if there is no
 * room (counted in dropped). The spill is made at its first use. */
static int spill_push(const struct record *r)
{
  long n = xsig__atomic_load(&spill_count);
  if (spill == NULL) {
    int cap = pipe_capacity / (int)sizeof *r;
    if (cap < XSIG_QUEUE_MAX)
      cap = XSIG_QUEUE_MAX;
    if ((spill = malloc((size_t)cap * sizeof *r)) == NULL)
      return 0;
    spill_cap = cap;
  }
  if (n == spill_cap)
    return 0;
  spill[(spill_head + n) % spill_cap] = *r;
  xsig__atomic_add(&spill_count, 1);
  return 1;
}

/* Under collect_lock: moves spilled records into the queue while it has
 * room, oldest first; 1 if any moved. */
static int spill_drain(void)
{
  int moved = 0;
  while (xsig__atomic_load(&spill_count) > 0 && post_record(&spill[spill_head]) == 0) {
    spill_head = (spill_head + 1) % spill_cap;
    xsig__atomic_add(&spill_count, -1);
    moved = 1;
  }
  return moved;
}

/* Under collect_lock: a record read from the pipe. A real-time one waits
 * behind those spilled before it. */
static void take_record(const struct record *r)
{
  int rt = r->signo >= SIGRTMIN && r->signo <= SIGRTMAX;
  if (rt && xsig__atomic_load(&spill_count) > 0) {
    if (!spill_push(r))
      xsig__stats_add_dropped();
  } else if (post_record(r) == XSIG_EAGAIN && !spill_push(r)) {
    xsig__stats_add_dropped();
  }
}

/* Reads the pipe to its end, whatever room the queue has (what does not
 * fit goes to the spill), so that the pipe is readable only while there is
 * news. */
void xsig__os_collect(void)
{
  struct record buf[64];
  ssize_t n, i;
  int moved = 0;
  collects = 1;
  xsig__mutex_lock(&collect_lock);
  if (pipe_fds[0] < 0)
    goto done;
  if (xsig__atomic_load(&spill_count) > 0)
    moved = spill_drain();
  if (!xsig__atomic_exchange(&records_waiting, 0))
    goto done;
  for (;;) {
    if ((n = read(pipe_fds[0], buf, sizeof buf)) <= 0)
      break;
    for (i = 0; i < n / (ssize_t)sizeof buf[0]; i++)
      if (buf[i].signo > 0)
        take_record(&buf[i]);
    if ((size_t)n < sizeof buf)
      break; /* drained */
  }
done:
  xsig__mutex_unlock(&collect_lock);
  if (moved)
    xsig__os_wake(); /* a poller whose mask lets them run sees them */
  collect_overflow();
  unthrottle();
}

void xsig__os_posted_locked(const xsig_info_t *info)
{
  (void)info;
}

void xsig__os_wake(void)
{
  struct record r = { 0, 0, 0, 0 };
  if (write(pipe_fds[1], &r, sizeof r) < 0) {
    /* pipe full: it is readable already */
  }
  xsig__atomic_store(&records_waiting, 1);
}

void xsig__os_handler_done(const xsig_info_t *info)
{
  (void)info;
}

static void to_native(const xsig_sigset_t *in, sigset_t *out)
{
  int w, sig;
  sigemptyset(out);
  for (w = 0; w < 2; w++) {
    uint64_t bits = in->bits[w];
    for (sig = w * 64; bits; sig++, bits >>= 1)
      if ((bits & 1) && xsig_valid(sig))
        sigaddset(out, sig);
  }
}

static void from_native(const sigset_t *in, xsig_sigset_t *out)
{
  int sig;
  memset(out, 0, sizeof *out);
  for (sig = 1; sig < XSIG_NSIG; sig++)
    if (xsig_valid(sig) && sigismember(in, sig) == 1)
      xsig__set_add(out, sig);
}

/* The thread's mask as the program set it: without the throttle's bits. */
static void user_mask(const sigset_t *kernel, xsig_sigset_t *mask)
{
  int w;
  from_native(kernel, mask);
  if (is_throttled)
    for (w = 0; w < 2; w++)
      mask->bits[w] &= ~throttled.bits[w];
}

void xsig__os_mask_get(xsig_sigset_t *mask)
{
  sigset_t cur;
  if (is_handler_thread || in_handlers) {
    *mask = vmask;
    return;
  }
  pthread_sigmask(SIG_BLOCK, NULL, &cur);
  user_mask(&cur, mask);
}

static void set_kernel_mask(const xsig_sigset_t *mask)
{
  xsig_sigset_t k = *mask;
  sigset_t set;
  if (is_throttled)
    xsig_sigorset(&k, &k, &throttled);
  to_native(&k, &set);
  in_mask_change++;
  pthread_sigmask(SIG_SETMASK, &set, NULL);
  in_mask_change--;
}

/* The handler thread's kernel mask: its own, and the interrupting
 * signals. Only when that changed: a handler's mask is xsig's alone. */
static void apply_handler_mask(void)
{
  xsig_sigset_t k;
  int w;
  for (w = 0; w < 2; w++)
    k.bits[w] = vmask.bits[w] | xsig__atomic_load64(&interrupting[w]);
  if (k.bits[0] == applied[0] && k.bits[1] == applied[1])
    return;
  applied[0] = k.bits[0];
  applied[1] = k.bits[1];
  set_kernel_mask(&k);
}

static void set_vmask(const xsig_sigset_t *mask)
{
  vmask = *mask;
  xsig__set_del(&vmask, SIGKILL);
  xsig__set_del(&vmask, SIGSTOP);
}

void xsig__os_mask_set(const xsig_sigset_t *mask)
{
  if (is_handler_thread) {
    set_vmask(mask);
    return;
  }
  if (in_handlers) {
    set_vmask(mask);
    kernel_dirty = 1;
  }
  set_kernel_mask(mask);
}

void xsig__os_handler_mask_begin(const xsig_sigset_t *during, struct xsig__os_mask_save *save)
{
  save->vmask = vmask;
  save->kernel_dirty = kernel_dirty;
  set_vmask(during);
  kernel_dirty = 0;
  in_handlers++;
}

void xsig__os_handler_mask_end(const xsig_sigset_t *base, const struct xsig__os_mask_save *save)
{
  in_handlers--;
  if (kernel_dirty && !is_handler_thread)
    set_kernel_mask(base);
  /* an outer handler's kernel mask is no longer what it found */
  kernel_dirty = in_handlers > 0 && (kernel_dirty || save->kernel_dirty);
  vmask = save->vmask;
}

void xsig__os_handler_thread_begin(const xsig_sigset_t *mask)
{
  is_handler_thread = 1;
  set_vmask(mask);
  applied[0] = applied[1] = ~0ull; /* nothing applied yet */
  apply_handler_mask();
}

void xsig__os_handler_thread_refresh(void)
{
  apply_handler_mask();
}

void xsig__os_handler_thread_end(void)
{
  is_handler_thread = 0;
}

void xsig__os_default_action(int sig)
{
  sigset_t one;
  if (xsig__dfl_kind(sig) == XSIG__DFL_IGN)
    return;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, NULL);
  raise(sig);
}

int xsig__os_send_self(const xsig_info_t *info)
{
  union sigval v;
  v.sival_ptr = info->code == XSIG_SI_RAISE ? (void *)&raise_marker : (void *)info->value;
  if (sigqueue(getpid(), info->signo, v) == 0)
    return 0;
  return errno == EAGAIN ? XSIG_EAGAIN : XSIG_ESYS;
}

int xsig__os_raise_default(const xsig_info_t *info)
{
  if (info->code == XSIG_SI_QUEUE)
    return xsig__os_send_self(info);
  return raise(info->signo) == 0 ? 0 : XSIG_ESYS;
}

void xsig__os_extra_stats(xsig_stats_t *stats)
{
  stats->dropped += xsig__atomic_load64(&overflow_dropped);
}

void xsig__os_pending_extra(xsig_sigset_t *set)
{
  sigset_t k;
  xsig_sigset_t ks;
  long i;
  xsig__mutex_lock(&collect_lock);
  for (i = 0; i < xsig__atomic_load(&spill_count); i++)
    xsig__set_add(set, spill[(spill_head + i) % spill_cap].signo);
  xsig__mutex_unlock(&collect_lock);
  if (sigpending(&k) != 0)
    return;
  from_native(&k, &ks);
  xsig_sigorset(set, set, &ks);
}

int xsig__os_wait(const xsig_os_handle_t *h, int n, int timeout_ms)
{
  struct pollfd p[XSIG_WAIT_MAX + 2];
  int i, r;
  collects = 1;
  p[0].fd = pipe_fds[0];
  p[0].events = POLLIN;
  for (i = 0; i < n; i++) {
    p[i + 1].fd = h[i];
    p[i + 1].events = POLLIN;
  }
  r = poll(p, (nfds_t)n + 1, timeout_ms);
  if (r < 0)
    return errno == EINTR ? 0 : XSIG_ESYS;
  if (r == 0)
    return XSIG_ETIMEDOUT;
  for (i = 1; i <= n; i++)
    if (p[i].revents & POLLNVAL)
      return XSIG_EBADF;
  for (i = 1; i <= n; i++)
    if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
      return i;
  return 0;
}

xsig_os_handle_t xsig__os_waitable(void)
{
  return pipe_fds[0];
}

/* Handlers run wherever the program dispatches: nothing to steer. */
int xsig__os_set_delivery_thread(void)
{
  return 0;
}

static int take_collected(const xsig_sigset_t *set, xsig_info_t *info)
{
  xsig_action_t act;
  int sig;
  xsig__os_collect();
  xsig__lock();
  sig = xsig__take_locked(set, NULL, info, &act);
  xsig__unlock();
  return sig;
}

/* What xsig collected first, then the kernel's own queue. */
int xsig__os_sigwait(const xsig_sigset_t *set, int timeout_ms, xsig_info_t *info)
{
  sigset_t ks;
  siginfo_t si;
  int64_t deadline = xsig__os_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
  int sig;
  to_native(set, &ks);
  for (;;) {
    struct timespec ts = { 0, 0 };
    if ((sig = take_collected(set, info)) > 0)
      return sig;
    if (timeout_ms > 0) {
      int64_t left = deadline - xsig__os_now_ms();
      if (left < 0)
        left = 0;
      ts.tv_sec = left / 1000;
      ts.tv_nsec = (long)(left % 1000) * 1000000;
    }
    sig = timeout_ms < 0 ? sigwaitinfo(&ks, &si) : sigtimedwait(&ks, &si, &ts);
    if (sig > 0) {
      info_from_siginfo(sig, &si, info);
      if (info->code == XSIG_SI_TIMER) {
        if (!xsig__timer_resolve(info))
          continue; /* its timer was deleted */
        xsig__timer_taken(info);
      }
      return sig;
    }
    if (errno == EAGAIN)
      return (sig = take_collected(set, info)) > 0 ? sig : XSIG_ETIMEDOUT;
    if (errno != EINTR)
      return XSIG_ESYS;
  }
}
