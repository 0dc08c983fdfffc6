/* SPDX-License-Identifier: MIT */
/* The end of a GUI session (logoff, shutdown, the Restart Manager) as TERM.
 * Windows tells it only to top-level windows (WM_QUERYENDSESSION, then
 * WM_ENDSESSION; message-only windows get neither), so a process without a
 * console has a hidden top-level window of xsig's own, on a thread of its
 * own that sleeps in GetMessage. A process with a console is told through
 * its console (CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT: console.c), so it
 * has no such window and gets one TERM, not two.
 *
 * Once WM_ENDSESSION returns the process may be ended at any moment, so
 * the window procedure keeps it from returning for the grace, or until the
 * program ends by itself, whether the work is done in the handler or after
 * it, with a reason shown to the user (ShutdownBlockReasonCreate)
 * meanwhile. It answers before the process ends: exit() runs xsig's
 * at-exit hook while this thread still lives (ExitProcess ends the other
 * threads before anything else runs), and the hook has it answer first. A
 * sender never gets an answer from a thread ended in the middle of a
 * message: Wine's wineboot -e then waited for ever (issue 29). */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define SESSION_GRACE_MS 4500 /* Windows lists the blockers after about 5 s */

static HANDLE thread, ready, quit;
static HWND window;
/* exiting: set by the at-exit hook, answered: by the window's thread once
 * it answered WM_ENDSESSION; both made once, never closed (the hook may run
 * after a shutdown). holding: WM_ENDSESSION is held unanswered. */
static HANDLE exiting, answered;
static volatile LONG holding;

static int ignored(void)
{
  xsig_action_t act;
  xsig__action_get(XSIG_TERM, &act);
  return act.handler == XSIG_IGN;
}

static void answer(HWND w);

static void session_ends(HWND w, LPARAM how)
{
  xsig_info_t info;
  memset(&info, 0, sizeof info);
  info.signo = XSIG_TERM;
  info.code = XSIG_SI_SESSION;
  info.event = (int)how; /* ENDSESSION_LOGOFF, _CLOSEAPP, _CRITICAL, or 0 */
  info.deadline_us = xsig_clock_us() + SESSION_GRACE_MS * (int64_t)1000;
  ShutdownBlockReasonCreate(w, L"Finishing its work before the session ends");
  InterlockedExchange(&holding, 1);
  if (xsig__win_accept(&info, 0) == XSIG__ARRIVE_DEFAULT) {
    answer(w);
    xsig__os_default_action(XSIG_TERM);
  } else if (ignored() == 0) {
    HANDLE until[2];
    until[0] = quit; /* set only by xsig_shutdown */
    until[1] = exiting;
    WaitForMultipleObjects(2, until, FALSE, SESSION_GRACE_MS);
  }
  answer(w);
}

/* WM_ENDSESSION answered now: after this the process may end at once. */
static void answer(HWND w)
{
  if (InterlockedExchange(&holding, 0) == 0)
    return;
  ShutdownBlockReasonDestroy(w);
  ReplyMessage(0);
  SetEvent(answered);
}

/* The program ends (exit(), return from main): a WM_ENDSESSION held is
 * answered first, or its sender would wait for the answer for ever. */
static void at_exit(void)
{
  if (exiting == NULL || InterlockedCompareExchange(&holding, 0, 0) == 0)
    return;
  SetEvent(exiting);
  WaitForSingleObject(answered, 1000);
}

static LRESULT CALLBACK session_proc(HWND w, UINT msg, WPARAM wp, LPARAM lp)
{
  switch (msg) {
  case WM_QUERYENDSESSION:
    return TRUE; /* answer at once; the work is done in WM_ENDSESSION */
  case WM_ENDSESSION:
    if (wp)
      session_ends(w, lp);
    return 0;
  case WM_CLOSE: /* from xsig__win_session_shutdown only */
    DestroyWindow(w);
    return 0;
  case WM_DESTROY:
    PostQuitMessage(0);
    return 0;
  default:
    return DefWindowProcW(w, msg, wp, lp);
  }
}

static DWORD WINAPI session_thread(LPVOID arg)
{
  WNDCLASSW wc;
  MSG m;
  (void)arg;
  memset(&wc, 0, sizeof wc);
  wc.lpfnWndProc = session_proc;
  wc.hInstance = GetModuleHandleW(NULL);
  wc.lpszClassName = L"xsig-session";
  RegisterClassW(&wc);
  /* top-level (no parent, not HWND_MESSAGE) and never shown */
  window = CreateWindowExW(0, L"xsig-session", L"xsig", WS_POPUP, 0, 0, 0, 0, NULL, NULL, wc.hInstance, NULL);
  SetEvent(ready);
  if (window == NULL)
    return 0;
  while (GetMessageW(&m, NULL, 0, 0) > 0)
    DispatchMessageW(&m);
  return 0;
}

/* Without a window (no desktop, say) nothing arrives this way: not an
 * error for xsig_init. */
void xsig__win_session_init(void)
{
  if (thread || xsig__win_has_console(GetCurrentProcess()) != 0) /* cannot tell: no window */
    return;
  if (exiting == NULL) {
    if ((exiting = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL ||
        (answered = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL)
      return;
    atexit(at_exit);
  }
  if ((quit = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL ||
      (ready = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL)
    return;
  if ((thread = CreateThread(NULL, 0, session_thread, NULL, 0, NULL)) != NULL)
    WaitForSingleObject(ready, INFINITE);
  CloseHandle(ready);
  ready = NULL;
}

void xsig__win_session_shutdown(void)
{
  if (thread == NULL)
    return;
  SetEvent(quit);
  if (window)
    PostMessageW(window, WM_CLOSE, 0, 0);
  /* bounded: its procedure may be waiting for the state lock we hold */
  WaitForSingleObject(thread, SESSION_GRACE_MS + 500);
  CloseHandle(thread);
  thread = NULL;
  window = NULL;
  CloseHandle(quit);
  quit = NULL;
}
