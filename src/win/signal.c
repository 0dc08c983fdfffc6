/* Windows delivery. Signals arrive on threads that are not the program's (the
 * console's, the transport's); they are queued in the shared state, the
 * waitable event is set, and an APC is queued to the delivery thread so that
 * handlers run there at its next alertable wait, or wherever the program
 * calls xsig_dispatch. Masks are per thread and kept here. */
#include <string.h>
#include "internal.h"

typedef LONG (NTAPI *nt_suspend_process_fn)(HANDLE);

/* ready_event is made and closed while no other thread of ours runs;
 * delivery_thread and delivery_mask are guarded by the state lock;
 * delivery_tid changes under it too but is read through an atomic load (a
 * fault handler asks it, and must not take the lock); apc_queued is
 * atomic. */
static HANDLE ready_event;
static HANDLE delivery_thread;
static xsig__atomic_long delivery_tid;
static xsig__atomic_long apc_queued;
static CONDITION_VARIABLE arrived = CONDITION_VARIABLE_INIT;
static XSIG__TLS xsig_sigset_t thread_mask;
/* The delivery thread's mask, readable from the arrival threads. */
static xsig_sigset_t delivery_mask;

static int is_delivery_thread(void)
{
  return (DWORD)xsig__atomic_load(&delivery_tid) == GetCurrentThreadId();
}

/* Makes the calling thread the delivery thread; the caller holds the lock. */
static int take_delivery_thread_locked(void)
{
  HANDLE self;
  if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &self,
                       THREAD_SET_CONTEXT | SYNCHRONIZE, FALSE, 0))
    return XSIG_ESYS;
  if (delivery_thread)
    CloseHandle(delivery_thread);
  delivery_thread = self;
  xsig__atomic_store(&delivery_tid, (long)GetCurrentThreadId());
  delivery_mask = thread_mask;
  return 0;
}

int xsig__os_init(void)
{
  int err;
  ready_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (ready_event == NULL)
    return XSIG_ESYS;
  if (take_delivery_thread_locked() != 0) { /* xsig_init holds the lock */
    CloseHandle(ready_event);
    ready_event = NULL;
    return XSIG_ESYS;
  }
  xsig__atomic_store(&apc_queued, 0);
  err = xsig__win_console_init();
  if (err == 0)
    err = xsig__win_transport_start();
  if (err) {
    xsig__os_shutdown();
    return err;
  }
  return 0;
}

void xsig__os_shutdown(void)
{
  xsig__win_transport_stop();
  xsig__win_console_shutdown();
  if (delivery_thread)
    CloseHandle(delivery_thread);
  if (ready_event)
    CloseHandle(ready_event);
  delivery_thread = ready_event = NULL;
  xsig__atomic_store(&delivery_tid, 0);
}

int xsig__os_install(int sig, const xsig_action_t *act, int *foreign)
{
  if (foreign)
    *foreign = 0;
  if (sig == XSIG_INT && act->handler != XSIG_DFL && act->handler != XSIG_IGN)
    xsig__win_console_enable_ctrl_c();
  if (sig == XSIG_WINCH)
    xsig__win_console_watch_size(act->handler != XSIG_DFL && act->handler != XSIG_IGN);
  return 0;
}

void xsig__os_restore(int sig)
{
  (void)sig;
}

void xsig__os_collect(void)
{
  if (ready_event)
    ResetEvent(ready_event);
}

void xsig__os_posted_locked(const xsig_info_t *info)
{
  (void)info;
  WakeAllConditionVariable(&arrived);
}

static void CALLBACK apc_dispatch(ULONG_PTR unused)
{
  (void)unused;
  xsig__atomic_store(&apc_queued, 0);
  if (xsig__is_initialised())
    xsig_dispatch();
}

/* Called without the state lock; takes it to read the delivery thread,
 * which xsig_set_delivery_thread may change (and close) meanwhile. */
void xsig__os_wake(void)
{
  SetEvent(ready_event);
  xsig__lock();
  if (!is_delivery_thread() && xsig__atomic_exchange(&apc_queued, 1) == 0)
    if (!QueueUserAPC(apc_dispatch, delivery_thread, 0))
      xsig__atomic_store(&apc_queued, 0); /* the thread is gone: the event remains */
  xsig__unlock();
}

void xsig__os_handler_done(const xsig_info_t *info)
{
  xsig__win_console_handler_done(info);
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
  if (is_delivery_thread()) {
    xsig__lock();
    delivery_mask = thread_mask;
    xsig__unlock();
  }
}

static int blocked_by_delivery_thread(int sig)
{
  int blocked;
  xsig__lock();
  blocked = xsig__set_has(&delivery_mask, sig);
  xsig__unlock();
  return blocked;
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
  switch (xsig__dfl_kind(sig)) {
  case XSIG__DFL_IGN:
  case XSIG__DFL_CONT:
    return;
  case XSIG__DFL_STOP:
    suspend_self();
    return;
  default:
    /* A sender whose signal led here (a handler that re-raised with the
     * default action) must get its reply first, or it would read the
     * broken pipe as "not delivered". */
    xsig__win_transport_flush_replies();
    /* QUIT's dumps core on POSIX: here a minidump, if dumps are on. */
    code = xsig_win_exit_code(sig);
    if (sig == XSIG_QUIT && xsig__win_dump_self())
      code |= XSIG_WIN_EXIT_CORE;
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

int xsig__os_raise_default(int sig)
{
  xsig_info_t info;
  if (!xsig__set_has(&thread_mask, sig)) {
    xsig__os_default_action(sig);
    return 0;
  }
  memset(&info, 0, sizeof info);
  info.signo = sig;
  info.code = XSIG_SI_RAISE;
  info.pid = xsig__os_getpid();
  return xsig__os_send_self(&info);
}

int xsig__win_accept(const xsig_info_t *info)
{
  xsig_action_t act;
  xsig__action_get(info->signo, &act);
  if (act.handler == XSIG_IGN)
    return 0;
  /* A default action runs now: the program may never dispatch. */
  if (act.handler == XSIG_DFL && !blocked_by_delivery_thread(info->signo))
    return XSIG__ARRIVE_DEFAULT;
  return xsig__os_send_self(info);
}

void xsig__os_extra_stats(xsig_stats_t *stats)
{
  stats->remote = xsig__win_transport_remote_count();
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
  err = take_delivery_thread_locked();
  xsig__unlock();
  return err;
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
