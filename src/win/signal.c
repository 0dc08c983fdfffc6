/* SPDX-License-Identifier: MIT */
/* Windows delivery: the layer below every door and the transport. Signals
 * arrive on threads that are not the program's (the console's, the
 * transport's) through one entry, xsig__win_accept; they are queued in the
 * shared state, the waitable event is set, and an APC is queued to the
 * delivery thread so that handlers run there at its next alertable wait, or
 * wherever the program calls xsig_dispatch. Masks are per thread and kept
 * here. This file names nothing above it: what the doors do at the end of
 * the process runs through xsig__win_ending (docs/internals.md). */
#include <string.h>
#include "internal.h"

typedef LONG (NTAPI *nt_suspend_process_fn)(HANDLE);

/* A thread signals are steered to: its handle (for APCs and, for the
 * program's, cancelling its I/O), id and mask (readable by the arrival
 * threads). */
struct role {
  HANDLE thread;
  xsig__atomic_long tid;
  xsig_sigset_t mask;
};

/* ready_event is made and closed while no other thread of ours runs.
 * program is the delivery thread the program named (xsig_init,
 * xsig_set_delivery_thread); handler is xsig's handler thread while it
 * runs (thread NULL otherwise), which then takes APCs and decides default
 * actions. Their fields and interrupting are guarded by the state lock,
 * but tid changes under it and is read through an atomic load (a fault
 * handler asks it, and must not take the lock). new_thread_mask, the
 * program thread's mask for threads that start, has a lock of its own: a
 * starting thread reads it under the loader lock. apc_queued is atomic.
 * ready_lock guards ready_on and the state of ready_event with it, so that
 * each is set or reset only when it changes (a server call under Wine, and
 * dispatch collects before every take). remote_count, conts, at_end_set
 * and on_stopping_set are
 * atomic. */
static HANDLE ready_event;
static SRWLOCK ready_lock = SRWLOCK_INIT;
static int ready_on;
static struct role program, handler;
static xsig_sigset_t interrupting; /* actions with XSIG_INTERRUPT */
static SRWLOCK new_thread_lock = SRWLOCK_INIT;
static xsig_sigset_t new_thread_mask;
static xsig__atomic_long apc_queued;
static CONDITION_VARIABLE arrived = CONDITION_VARIABLE_INIT;
static XSIG__TLS xsig_sigset_t thread_mask;
static xsig__atomic_u64 remote_count; /* accepted with XSIG__ACCEPT_REMOTE */
/* What the layers above do at the end (src/win/init.c): at_end is written
 * once, before at_end_set, and never again. */
static void (*at_end)(int how, uint32_t code);
static xsig__atomic_long at_end_set;
/* The same for a stop by a default action (src/win/init.c). */
static void (*on_stopping)(int sig);
static xsig__atomic_long on_stopping_set;
/* CONTs that arrived: a stop that sees one come while it tells its
 * parent does not happen (POSIX: CONT discards a pending stop). */
static xsig__atomic_long conts;

static int is_thread_of(struct role *r)
{
  return (DWORD)xsig__atomic_load(&r->tid) == GetCurrentThreadId();
}

/* The thread that takes APCs; the caller holds the lock. */
static struct role *deliverer_locked(void)
{
  return handler.thread ? &handler : &program;
}

static void set_new_thread_mask(const xsig_sigset_t *mask)
{
  AcquireSRWLockExclusive(&new_thread_lock);
  new_thread_mask = *mask;
  ReleaseSRWLockExclusive(&new_thread_lock);
}

/* src/win/thread.c, on each thread that starts: POSIX threads inherit
 * their creator's mask; here the creator is unknown, so the program
 * thread's it is. */
void xsig__win_thread_attach(void)
{
  if (!xsig__is_initialised())
    return;
  AcquireSRWLockShared(&new_thread_lock);
  thread_mask = new_thread_mask;
  ReleaseSRWLockShared(&new_thread_lock);
}

/* Makes the calling thread r's; the caller holds the lock. THREAD_TERMINATE
 * is what CancelSynchronousIo needs. */
static int take_role_locked(struct role *r)
{
  HANDLE self;
  if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &self,
                       THREAD_SET_CONTEXT | THREAD_TERMINATE | SYNCHRONIZE, FALSE, 0))
    return XSIG_ESYS;
  if (r->thread)
    CloseHandle(r->thread);
  r->thread = self;
  xsig__atomic_store(&r->tid, (long)GetCurrentThreadId());
  r->mask = thread_mask;
  if (r == &program)
    set_new_thread_mask(&thread_mask);
  return 0;
}

static void drop_role_locked(struct role *r)
{
  if (r->thread)
    CloseHandle(r->thread);
  r->thread = NULL;
  xsig__atomic_store(&r->tid, 0);
}

/* xsig_init holds the lock. */
int xsig__win_delivery_start(void)
{
  ready_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (ready_event == NULL)
    return XSIG_ESYS;
  ready_on = 0;
  memset(&interrupting, 0, sizeof interrupting);
  xsig__atomic_store(&apc_queued, 0);
  xsig__atomic_exchange64(&remote_count, 0); /* counted per xsig_init, as the other stats */
  if (take_role_locked(&program) != 0) {
    CloseHandle(ready_event);
    ready_event = NULL;
    return XSIG_ESYS;
  }
  return 0;
}

/* Once no door or transport thread runs. */
void xsig__win_delivery_stop(void)
{
  drop_role_locked(&handler);
  drop_role_locked(&program);
  if (ready_event)
    CloseHandle(ready_event);
  ready_event = NULL;
}

/* The caller holds the lock. */
void xsig__win_set_interrupting(int sig, int on)
{
  if (on)
    xsig__set_add(&interrupting, sig);
  else
    xsig__set_del(&interrupting, sig);
}

/* A wake's signal is posted before the wake, so the take after this
 * reset gets it. */
void xsig__os_collect(void)
{
  AcquireSRWLockExclusive(&ready_lock);
  if (ready_event && ready_on) {
    ResetEvent(ready_event);
    ready_on = 0;
  }
  ReleaseSRWLockExclusive(&ready_lock);
}

static void CALLBACK apc_nothing(ULONG_PTR unused)
{
  (void)unused;
}

/* XSIG_INTERRUPT: the program thread's synchronous I/O fails with
 * ERROR_OPERATION_ABORTED, and its alertable wait returns (the APC that
 * runs handlers goes elsewhere while the handler thread runs). Its mask
 * holds the interruption back as POSIX's would. */
static void interrupt_program_locked(int sig)
{
  if (!program.thread || !xsig__set_has(&interrupting, sig) || xsig__set_has(&program.mask, sig) ||
      is_thread_of(&program))
    return;
  CancelSynchronousIo(program.thread);
  if (handler.thread)
    QueueUserAPC(apc_nothing, program.thread, 0);
}

void xsig__os_posted_locked(const xsig_info_t *info)
{
  interrupt_program_locked(info->signo);
  WakeAllConditionVariable(&arrived);
}

static void CALLBACK apc_dispatch(ULONG_PTR unused)
{
  (void)unused;
  xsig__atomic_store(&apc_queued, 0);
  if (xsig__is_initialised())
    xsig_dispatch();
}

/* Whether a dispatch on r's thread could take something now: a pending
 * signal its mask lets through. Else an APC would wake it for nothing, at
 * every arrival it blocks (the POSIX layer's signal thread blocks what the
 * program waits for in sigwaitinfo). If r unblocks one later, its
 * xsig_sigmask runs it. Under the state lock. */
static int deliverable_to_locked(const struct role *r)
{
  xsig_sigset_t p;
  xsig__pending_locked(&p);
  return ((p.bits[0] & ~r->mask.bits[0]) | (p.bits[1] & ~r->mask.bits[1])) != 0;
}

/* Called without the state lock; takes it to read the delivery thread,
 * which xsig_set_delivery_thread may change (and close) meanwhile. */
void xsig__os_wake(void)
{
  struct role *r;
  AcquireSRWLockExclusive(&ready_lock);
  if (!ready_on) {
    SetEvent(ready_event);
    ready_on = 1;
  }
  ReleaseSRWLockExclusive(&ready_lock);
  xsig__lock();
  r = deliverer_locked();
  if (!is_thread_of(r) && deliverable_to_locked(r) && xsig__atomic_exchange(&apc_queued, 1) == 0)
    if (!QueueUserAPC(apc_dispatch, r->thread, 0))
      xsig__atomic_store(&apc_queued, 0); /* the thread is gone: the event remains */
  xsig__unlock();
}

void xsig__os_mask_get(xsig_sigset_t *mask)
{
  *mask = thread_mask;
}

void xsig__os_mask_set(const xsig_sigset_t *mask)
{
  thread_mask = *mask;
  xsig__set_del(&thread_mask, XSIG_KILL);
  xsig__set_del(&thread_mask, XSIG_STOP);
  if (is_thread_of(&program) || is_thread_of(&handler)) {
    xsig__lock();
    if (is_thread_of(&program)) {
      program.mask = thread_mask;
      set_new_thread_mask(&thread_mask);
    } else {
      handler.mask = thread_mask;
    }
    xsig__unlock();
  }
}

void xsig__os_handler_mask_begin(const xsig_sigset_t *during, struct xsig__os_mask_save *save)
{
  (void)save;
  xsig__os_mask_set(during);
}

void xsig__os_handler_mask_end(const xsig_sigset_t *base, const struct xsig__os_mask_save *save)
{
  (void)save;
  xsig__os_mask_set(base);
}

static int blocked_by_deliverer(int sig)
{
  int blocked;
  xsig__lock();
  blocked = xsig__set_has(&deliverer_locked()->mask, sig);
  xsig__unlock();
  return blocked;
}

void xsig__win_on_ending(void (*fn)(int how, uint32_t code))
{
  if (!xsig__atomic_load(&at_end_set)) {
    at_end = fn;
    xsig__atomic_store(&at_end_set, 1);
  }
}

void xsig__win_on_stopping(void (*fn)(int sig))
{
  if (!xsig__atomic_load(&on_stopping_set)) {
    on_stopping = fn;
    xsig__atomic_store(&on_stopping_set, 1);
  }
}

void xsig__win_ending(int how, uint32_t code)
{
  if (xsig__atomic_load(&at_end_set))
    at_end(how, code);
}

static void suspend_self(void)
{
  nt_suspend_process_fn suspend = (nt_suspend_process_fn)(void (*)(void))GetProcAddress(
      GetModuleHandleW(L"ntdll.dll"), "NtSuspendProcess");
  if (suspend)
    suspend(GetCurrentProcess());
}

void xsig__os_default_action(int sig)
{
  uint32_t code;
  long seen;
  switch (xsig__dfl_kind(sig)) {
  case XSIG__DFL_IGN:
  case XSIG__DFL_CONT:
    return;
  case XSIG__DFL_STOP:
    seen = xsig__atomic_load(&conts);
    if (xsig__atomic_load(&on_stopping_set))
      on_stopping(sig); /* before: once stopped, nothing of ours runs */
    if (xsig__atomic_load(&conts) == seen)
      suspend_self();
    return;
  default:
    /* A sender whose signal led here (a handler that re-raised with the
     * default action) must get its reply first, or it would read the
     * broken pipe as "not delivered". */
    xsig__win_ending(XSIG__END_REPLIES, 0);
    /* QUIT's dumps core on POSIX: here a minidump, if dumps are on. */
    code = xsig_win_exit_code(sig);
    if (sig == XSIG_QUIT && xsig__win_dump_self())
      code |= XSIG_WIN_EXIT_CORE;
    xsig__win_ending(XSIG__END_CODE, code);
    /* Like a POSIX default action: no atexit handlers, no DLL detach. */
    TerminateProcess(GetCurrentProcess(), code);
  }
}

int xsig__os_send_self(const xsig_info_t *info)
{
  int err = xsig__post(info);
  if (err == 0)
    xsig__os_wake();
  return err;
}

int xsig__os_raise_default(const xsig_info_t *info)
{
  if (!xsig__set_has(&thread_mask, info->signo)) {
    xsig__os_default_action(info->signo);
    return 0;
  }
  return xsig__os_send_self(info);
}

static int accept_with(const xsig_info_t *info, int how, int (*still)(void *arg), void *arg)
{
  xsig_action_t act;
  int err, reserved = (how & XSIG__ACCEPT_RESERVED) != 0;
  if (how & XSIG__ACCEPT_REMOTE)
    xsig__atomic_add64(&remote_count, 1);
  if (info->signo == XSIG_CONT)
    xsig__atomic_add(&conts, 1);
  xsig__action_get(info->signo, &act);
  /* A default action runs now: the program may never dispatch. */
  if (act.handler == XSIG_IGN || (act.handler == XSIG_DFL && !blocked_by_deliverer(info->signo))) {
    if (reserved)
      xsig__rt_unreserve(1);
    return act.handler == XSIG_IGN ? 0 : XSIG__ARRIVE_DEFAULT;
  }
  if (reserved)
    err = xsig__post_reserved(info);
  else
    err = still ? xsig__post_if(info, still, arg) : xsig__post(info);
  if (err == 0 && !(how & XSIG__ACCEPT_NO_WAKE))
    xsig__os_wake();
  return err;
}

int xsig__win_accept(const xsig_info_t *info, int how)
{
  return accept_with(info, how, NULL, NULL);
}

int xsig__win_accept_if(const xsig_info_t *info, int (*still)(void *arg), void *arg)
{
  return accept_with(info, 0, still, arg);
}

void xsig__os_extra_stats(xsig_stats_t *stats)
{
  stats->remote = xsig__atomic_load64(&remote_count);
}

void xsig__os_pending_extra(xsig_sigset_t *set)
{
  (void)set;
}

int xsig__os_wait(const xsig_os_handle_t *h, int n, int timeout_ms)
{
  HANDLE hs[XSIG_WAIT_MAX + 2];
  DWORD r;
  int i;
  hs[0] = ready_event;
  for (i = 0; i < n; i++)
    hs[i + 1] = h[i];
  r = WaitForMultipleObjectsEx((DWORD)n + 1, hs, FALSE, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms, TRUE);
  if (r == WAIT_OBJECT_0 || r == WAIT_IO_COMPLETION)
    return 0;
  if (r > WAIT_OBJECT_0 && r <= WAIT_OBJECT_0 + (DWORD)n)
    return (int)(r - WAIT_OBJECT_0);
  if (r >= WAIT_ABANDONED_0 + 1 && r <= WAIT_ABANDONED_0 + (DWORD)n)
    return (int)(r - WAIT_ABANDONED_0); /* a mutex whose owner died: ready too */
  if (r == WAIT_TIMEOUT)
    return XSIG_ETIMEDOUT;
  return GetLastError() == ERROR_INVALID_HANDLE ? XSIG_EBADF : XSIG_ESYS;
}

xsig_os_handle_t xsig__os_waitable(void)
{
  return ready_event;
}

int xsig__os_set_delivery_thread(void)
{
  int err;
  xsig__lock();
  err = take_role_locked(&program);
  xsig__unlock();
  return err;
}

void xsig__os_handler_thread_begin(const xsig_sigset_t *mask)
{
  thread_mask = *mask;
  xsig__lock();
  if (take_role_locked(&handler) != 0)
    drop_role_locked(&handler); /* no APCs for it: it still waits on the event */
  xsig__unlock();
}

void xsig__os_handler_thread_refresh(void)
{
}

void xsig__os_handler_thread_end(void)
{
  xsig__lock();
  drop_role_locked(&handler);
  xsig__unlock();
  SleepEx(0, TRUE); /* an APC queued to it before: apc_queued is reset */
}

/* Everything arrives in the shared state: wait on its condition. */
int xsig__os_sigwait(const xsig_sigset_t *set, int timeout_ms, xsig_info_t *info)
{
  xsig_action_t act;
  int64_t deadline = xsig__os_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
  int sig;
  xsig__lock();
  for (;;) {
    int64_t left = deadline - xsig__os_now_ms();
    sig = xsig__take_locked(set, NULL, info, &act);
    if (sig > 0 || timeout_ms == 0 || (timeout_ms > 0 && left <= 0))
      break;
    SleepConditionVariableSRW(&arrived, xsig__state_mutex(),
                              timeout_ms < 0 ? INFINITE : (DWORD)left, 0);
  }
  xsig__unlock();
  return sig > 0 ? sig : XSIG_ETIMEDOUT;
}
