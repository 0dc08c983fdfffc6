/* SPDX-License-Identifier: MIT */
/* Console control events as signals. The console calls its handlers on a
 * thread it creates; handlers never run there. For CLOSE, LOGOFF and
 * SHUTDOWN Windows ends the process once the console handler returns, so
 * that handler waits (bounded) until the program's handler has finished. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Windows allows 5 s after CLOSE before it ends the process itself, and
 * after LOGOFF or SHUTDOWN WaitToKillServiceTimeout (5 s unless set: a
 * Windows container's image may raise it); xsig's handler waits that long
 * for the program's, less a margin to return in. */
#define CONSOLE_WAIT_MS 5000
#define CONSOLE_MARGIN_MS 500

static HANDLE close_done;
/* Set while the console thread is inside on_console_event: SetConsoleCtrlHandler
 * must not be called then from a thread the console thread waits for (it
 * takes the lock the console thread holds: deadlock). */
static xsig__atomic_long in_console_event;
/* A thread that turns Ctrl-C back on once the console thread lets go. */
static HANDLE enabler;
static int registered;

static int signal_of_event(DWORD ev)
{
  switch (ev) {
  case CTRL_C_EVENT: return XSIG_INT;
  case CTRL_BREAK_EVENT: return XSIG_BREAK;
  case CTRL_CLOSE_EVENT: return XSIG_HUP;
  case CTRL_LOGOFF_EVENT:
  case CTRL_SHUTDOWN_EVENT: return XSIG_TERM;
  default: return 0;
  }
}

static int is_closing(DWORD ev)
{
  return ev == CTRL_CLOSE_EVENT || ev == CTRL_LOGOFF_EVENT || ev == CTRL_SHUTDOWN_EVENT;
}

static DWORD grace_ms(DWORD ev)
{
  DWORD ms = ev == CTRL_CLOSE_EVENT ? 0 : xsig__win_wait_to_kill_ms();
  if (ms == 0)
    ms = CONSOLE_WAIT_MS;
  return ms > 2 * CONSOLE_MARGIN_MS ? ms - CONSOLE_MARGIN_MS : ms / 2;
}

static BOOL WINAPI on_console_event(DWORD ev)
{
  xsig_info_t info;
  int sig = signal_of_event(ev);
  DWORD grace = 0;
  if (sig == 0 || !xsig__is_initialised())
    return FALSE;
  xsig__atomic_add(&in_console_event, 1);
  memset(&info, 0, sizeof info);
  info.signo = sig;
  info.code = XSIG_SI_CONSOLE;
  info.event = (int)ev;
  if (is_closing(ev)) {
    grace = grace_ms(ev);
    info.deadline_us = xsig_clock_us() + grace * (int64_t)1000;
    ResetEvent(close_done);
  }
  switch (xsig__win_accept(&info, 0)) {
  case XSIG__ARRIVE_DEFAULT:
    xsig__os_default_action(sig);
    break;
  case 0:
    if (is_closing(ev))
      WaitForSingleObject(close_done, grace);
    break;
  }
  xsig__atomic_add(&in_console_event, -1);
  return TRUE;
}

void xsig__win_console_handler_done(const xsig_info_t *info)
{
  if (info->code == XSIG_SI_CONSOLE && is_closing((DWORD)info->event))
    SetEvent(close_done);
}

static DWORD WINAPI enable_ctrl_c(LPVOID unused)
{
  (void)unused;
  SetConsoleCtrlHandler(NULL, FALSE); /* waits until the console thread is done */
  return 0;
}

/* Returns 1 if an enabler is still on its way (it will do the job). */
static int enabler_running(DWORD wait_ms)
{
  if (enabler && WaitForSingleObject(enabler, wait_ms) == WAIT_TIMEOUT)
    return 1;
  if (enabler)
    CloseHandle(enabler);
  enabler = NULL;
  return 0;
}

/* A process started with CREATE_NEW_PROCESS_GROUP has Ctrl-C turned off;
 * a program that handles INT wants it on. During a console event (a
 * handler that installs INT's) another thread does it, so that neither
 * waits for the other. Called under the state lock. */
void xsig__win_console_enable_ctrl_c(void)
{
  if (xsig__atomic_load(&in_console_event) == 0) {
    SetConsoleCtrlHandler(NULL, FALSE);
    return;
  }
  if (!enabler_running(0))
    enabler = CreateThread(NULL, 64 * 1024, enable_ctrl_c, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
}

int xsig__win_console_init(void)
{
  if (close_done == NULL)
    close_done = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (close_done == NULL)
    return XSIG_ESYS;
  /* Registered once for the life of the process: removing it from a
   * handler that runs during a console event would deadlock, and the
   * handler does nothing while the library is shut down. */
  if (!registered && !SetConsoleCtrlHandler(on_console_event, TRUE))
    return XSIG_ESYS;
  registered = 1;
  return 0;
}

static void winch_shutdown(void);

void xsig__win_console_shutdown(void)
{
  winch_shutdown();
  if (close_done)
    SetEvent(close_done); /* release a console thread that is waiting */
  enabler_running(CONSOLE_WAIT_MS); /* the console thread was just released */
}

/* --- WINCH: the console's size ------------------------------------------
 * Watched only while a WINCH handler is installed, in one of two ways,
 * chosen when it is installed. Reading input records (WINDOW_BUFFER_SIZE_EVENT)
 * would take the program's own input, so neither does.
 * - A classic console window, its host's pid known: a WinEvent hook on
 *   EVENT_CONSOLE_LAYOUT from that conhost only (an unfiltered hook slows
 *   every console of the session: microsoft/terminal#410), on a thread that
 *   waits in GetMessage. Nothing runs until the console's layout changes.
 * - Anything else, polled every WINCH_POLL_MS on a thread-pool timer: a
 *   pseudoconsole (Windows Terminal, VS Code), whose window never raises
 *   WinEvents (microsoft/terminal#1811), and Wine, whose conhost raises none
 *   and cannot name its pid.
 * winch_lock guards the fields below; the callbacks post without it. */
#define WINCH_POLL_MS 200
#define PROCESS_CONSOLE_HOST_PROCESS 49 /* NtQueryInformationProcess: the conhost's pid */

static SRWLOCK winch_lock = SRWLOCK_INIT;
static PTP_TIMER winch_timer;
static HANDLE winch_hook_thread;  /* while the hook is the way; ends at WM_QUIT */
static HANDLE winch_hook_ended;   /* the last one asked to end, waited for at shutdown */
static DWORD winch_hook_tid;
static HANDLE winch_out = INVALID_HANDLE_VALUE; /* CONOUT$, opened when first read */
static int winch_on, winch_known;
static SHORT winch_size[4]; /* buffer columns, rows; window columns, rows */

/* Under winch_lock: reads the console's size; 1 if it changed since the
 * last reading (none before the first). */
static int winch_read_locked(void)
{
  CONSOLE_SCREEN_BUFFER_INFO i;
  SHORT now[4];
  int changed;
  if (winch_out == INVALID_HANDLE_VALUE)
    winch_out = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                            NULL, OPEN_EXISTING, 0, NULL);
  if (winch_out == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(winch_out, &i)) {
    if (winch_out != INVALID_HANDLE_VALUE)
      CloseHandle(winch_out); /* no console now, or another one: open again */
    winch_out = INVALID_HANDLE_VALUE;
    winch_known = 0;
    return 0;
  }
  now[0] = i.dwSize.X;
  now[1] = i.dwSize.Y;
  now[2] = (SHORT)(i.srWindow.Right - i.srWindow.Left + 1);
  now[3] = (SHORT)(i.srWindow.Bottom - i.srWindow.Top + 1);
  changed = winch_known && memcmp(now, winch_size, sizeof now) != 0;
  memcpy(winch_size, now, sizeof now);
  winch_known = 1;
  return changed;
}

/* Reads the size and posts WINCH if it changed. */
static void winch_check(void)
{
  xsig_info_t info;
  int changed;
  AcquireSRWLockExclusive(&winch_lock);
  changed = winch_on && winch_read_locked();
  ReleaseSRWLockExclusive(&winch_lock);
  if (!changed || !xsig__is_initialised())
    return;
  memset(&info, 0, sizeof info);
  info.signo = XSIG_WINCH;
  info.code = XSIG_SI_KERNEL; /* from the system, as the kernel's on Linux */
  xsig__win_accept(&info, 0);    /* its default is to ignore it */
}

static void CALLBACK winch_poll(PTP_CALLBACK_INSTANCE inst, PVOID arg, PTP_TIMER t)
{
  (void)inst, (void)arg, (void)t;
  winch_check();
}

static void CALLBACK winch_on_layout(HWINEVENTHOOK h, DWORD ev, HWND w, LONG obj, LONG child,
                                     DWORD thread, DWORD ms)
{
  (void)h, (void)ev, (void)w, (void)obj, (void)child, (void)thread, (void)ms;
  winch_check();
}

/* The pid of the conhost that draws this process's console in a window of
 * its own, 0 if none does or the system cannot tell. XSIG_CONSOLE_HOST_PID
 * names one instead: the tests' stand-in for conhost under Wine. */
static DWORD console_host_pid(void)
{
  ULONG_PTR host = 0;
  char named[16];
  HWND w;
  DWORD n = GetEnvironmentVariableA("XSIG_CONSOLE_HOST_PID", named, sizeof named);
  if (n > 0 && n < sizeof named)
    return (DWORD)strtoul(named, NULL, 10);
  w = GetConsoleWindow();
  if (w == NULL || !IsWindowVisible(w)) /* none, hidden, or a pseudoconsole's */
    return 0;
  if (xsig__win_query_process(GetCurrentProcess(), PROCESS_CONSOLE_HOST_PROCESS, &host, sizeof host) < 0)
    return 0;
  return (DWORD)(host & ~(ULONG_PTR)3); /* the low two bits are flags */
}

struct hook_start {
  DWORD host;
  HANDLE ready[2]; /* set, failed */
};

static DWORD WINAPI winch_hook_main(void *arg)
{
  struct hook_start *start = (struct hook_start *)arg;
  HWINEVENTHOOK hook;
  MSG m;
  /* the queue WM_QUIT is posted to, made before the hook can call back
   * (a callback takes winch_lock, which the starter holds until ready) */
  PeekMessageW(&m, NULL, 0, 0, PM_NOREMOVE);
  hook = SetWinEventHook(EVENT_CONSOLE_LAYOUT, EVENT_CONSOLE_LAYOUT, NULL, winch_on_layout,
                         start->host, 0, WINEVENT_OUTOFCONTEXT);
  SetEvent(start->ready[hook ? 0 : 1]); /* start is the starter's from here */
  if (hook == NULL)
    return 1;
  while (GetMessageW(&m, NULL, 0, 0) > 0)
    DispatchMessageW(&m); /* out-of-context events arrive as messages */
  UnhookWinEvent(hook);
  return 0;
}

/* Under winch_lock: starts the hook thread; 0 if the hook was set. */
static int winch_hook_start_locked(void)
{
  struct hook_start start;
  DWORD r = WAIT_FAILED;
  int i;
  start.host = console_host_pid();
  if (start.host == 0)
    return -1;
  for (i = 0; i < 2; i++)
    start.ready[i] = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (start.ready[0] && start.ready[1])
    winch_hook_thread = CreateThread(NULL, 64 * 1024, winch_hook_main, &start,
                                     STACK_SIZE_PARAM_IS_A_RESERVATION, &winch_hook_tid);
  if (winch_hook_thread)
    r = WaitForMultipleObjects(2, start.ready, FALSE, INFINITE); /* it takes no lock of ours */
  for (i = 0; i < 2; i++)
    if (start.ready[i])
      CloseHandle(start.ready[i]);
  if (r == WAIT_OBJECT_0)
    return 0;
  if (winch_hook_thread) {
    WaitForSingleObject(winch_hook_thread, INFINITE); /* it has returned or is about to */
    CloseHandle(winch_hook_thread);
  }
  winch_hook_thread = NULL;
  return -1;
}

/* Under winch_lock: asks the hook thread to end; not waited for here (its
 * callback may be waiting for the state lock the caller holds), but at
 * shutdown. A callback it is running sees winch_on 0. */
static void winch_hook_stop_locked(void)
{
  if (winch_hook_thread == NULL)
    return;
  PostThreadMessageW(winch_hook_tid, WM_QUIT, 0, 0);
  if (winch_hook_ended)
    CloseHandle(winch_hook_ended); /* an older one, long asked to end */
  winch_hook_ended = winch_hook_thread;
  winch_hook_thread = NULL;
}

static int winch_poll_start_locked(void)
{
  FILETIME due;
  ULARGE_INTEGER rel;
  if (winch_timer == NULL)
    winch_timer = CreateThreadpoolTimer(winch_poll, NULL, NULL);
  if (winch_timer == NULL)
    return -1;
  rel.QuadPart = (ULONGLONG)(-(LONGLONG)WINCH_POLL_MS * 10000);
  due.dwLowDateTime = rel.LowPart;
  due.dwHighDateTime = rel.HighPart;
  SetThreadpoolTimer(winch_timer, &due, WINCH_POLL_MS, WINCH_POLL_MS / 4);
  return 0;
}

/* Called under the state lock when WINCH's action changes. */
void xsig__win_console_watch_size(int on)
{
  AcquireSRWLockExclusive(&winch_lock);
  if (on && !winch_on) {
    winch_read_locked(); /* the size a change is measured from */
    winch_on = winch_hook_start_locked() == 0 || winch_poll_start_locked() == 0;
  } else if (!on && winch_on) {
    if (winch_timer)
      SetThreadpoolTimer(winch_timer, NULL, 0, 0); /* a callback in flight sees winch_on 0 */
    winch_hook_stop_locked();
    winch_on = 0;
  }
  ReleaseSRWLockExclusive(&winch_lock);
}

static void winch_shutdown(void)
{
  PTP_TIMER t;
  HANDLE hook;
  AcquireSRWLockExclusive(&winch_lock);
  t = winch_timer;
  winch_timer = NULL;
  winch_hook_stop_locked();
  hook = winch_hook_ended;
  winch_hook_ended = NULL;
  winch_on = 0;
  ReleaseSRWLockExclusive(&winch_lock);
  if (t) {
    SetThreadpoolTimer(t, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(t, TRUE);
    CloseThreadpoolTimer(t);
  }
  if (hook) {
    WaitForSingleObject(hook, 5000);
    CloseHandle(hook);
  }
  AcquireSRWLockExclusive(&winch_lock);
  if (winch_out != INVALID_HANDLE_VALUE)
    CloseHandle(winch_out);
  winch_out = INVALID_HANDLE_VALUE;
  winch_known = 0;
  ReleaseSRWLockExclusive(&winch_lock);
}
