/* Console control events as signals. The console calls its handlers on a
 * thread it creates; handlers never run there. For CLOSE, LOGOFF and
 * SHUTDOWN Windows ends the process once the console handler returns, so
 * that handler waits (bounded) until the program's handler has finished. */
#include <string.h>
#include "internal.h"

/* Windows allows about 5 s after CLOSE (and LOGOFF/SHUTDOWN) before it
 * ends the process itself; stay below that. */
#define CONSOLE_GRACE_MS 4500

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

static BOOL WINAPI on_console_event(DWORD ev)
{
  xsig_info_t info;
  int sig = signal_of_event(ev);
  if (sig == 0 || !xsig__is_initialised())
    return FALSE;
  xsig__atomic_add(&in_console_event, 1);
  memset(&info, 0, sizeof info);
  info.signo = sig;
  info.code = XSIG_SI_CONSOLE;
  info.event = (int)ev;
  if (is_closing(ev))
    ResetEvent(close_done);
  switch (xsig__win_accept(&info)) {
  case XSIG__ARRIVE_DEFAULT:
    xsig__os_default_action(sig);
    break;
  case 0:
    if (is_closing(ev))
      WaitForSingleObject(close_done, CONSOLE_GRACE_MS);
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

void xsig__win_console_shutdown(void)
{
  if (close_done)
    SetEvent(close_done); /* release a console thread that is waiting */
  enabler_running(CONSOLE_GRACE_MS + 1000);
}
