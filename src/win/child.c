/* SPDX-License-Identifier: MIT */
/* Children on Windows: each spawned child is watched by a thread-pool wait
 * on its process handle (one pool thread waits for up to 63 of them; no
 * thread of its own, no wake-up while it runs). When it ends, the wait's
 * callback sends CHLD with its status and sets the children event. The
 * status itself is read by whoever reports the child (src/child.c), not
 * by the callback. The callback is short (an exit code, a post, an APC)
 * and runs in the wait thread itself (WT_EXECUTEINWAITTHREAD), which saves
 * a hop to a worker thread. Job messages on a completion port were the
 * other way: Windows documents them as not guaranteed, a process handle
 * is. */
#include <stdlib.h>
#include "internal.h"

/* Made once, under the children lock; never closed (children outlive
 * xsig_shutdown). empty_event is set while the list is empty, so that a
 * blocked xsig_wait_child wakes for XSIG_ECHILD. */
static HANDLE children_event;
static HANDLE empty_event;

int xsig__os_child_reap(xsig_process_t *p)
{
  DWORD code = 0;
  if (WaitForSingleObject(p->os.h, 0) != WAIT_OBJECT_0)
    return 0;
  GetExitCodeProcess(p->os.h, &code);
  xsig_status_from_windows(code, &p->status);
  return 1;
}

int xsig__os_reap_any(int64_t *pid, xsig_status_t *st)
{
  (void)pid;
  (void)st;
  return 0;
}

void xsig__os_child_wait_end(xsig_process_t *p, int timeout_ms)
{
  WaitForSingleObject(p->os.h, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
}

/* On a pool thread. p stays valid until xsig__os_child_unwatch, which
 * waits for this to return; pid and handle never change. */
static void CALLBACK child_ended(PVOID arg, BOOLEAN timed_out)
{
  xsig_process_t *p = arg;
  xsig_status_t st;
  xsig_info_t info;
  DWORD code = 0;
  (void)timed_out;
  if (xsig__is_initialised() && GetExitCodeProcess(p->os.h, &code)) {
    xsig_status_from_windows(code, &st);
    xsig__chld_info(p->pid, &st, &info);
    xsig__win_accept(&info, 0); /* its default action is to ignore it */
  }
  SetEvent(children_event);
}

/* --- stops and continues: news, checked ---------------------------------- */

/* A child that stops itself tells first and stops a moment later: it is
 * looked at again for about a second (1 + 2 + ... + 512 ms), by one pool
 * thread per child, and by LOOKS_MAX at most at once (news from a hostile
 * peer is looked at too: it must not use up the pool). What no look saw
 * xsig_child_change still finds: it asks the child itself. */
#define NEWS_LOOKS 10
#define LOOKS_MAX 8

static xsig__atomic_long looks;

struct news {
  DWORD pid;
  int sig;
};

/* "Cannot be told" is neither. */
static int seen_so(const struct news *n)
{
  int st = xsig__win_stop_state(n->pid);
  return st >= 0 && st == (n->sig != XSIG_CONT);
}

static void believe(const struct news *n)
{
  xsig_action_t act;
  xsig_info_t info;
  int code = xsig__child_changed(n->pid, n->sig);
  if (code == 0)
    return;
  xsig__action_get(XSIG_CHLD, &act);
  if ((act.flags & XSIG_NOCLDSTOP) || !xsig__is_initialised())
    return;
  xsig__chld_change_info(n->pid, code, n->sig, &info);
  xsig__win_accept(&info, 0);
}

static DWORD WINAPI look_again(LPVOID arg)
{
  struct news *n = arg;
  DWORD nap = 1;
  int i;
  for (i = 0; i < NEWS_LOOKS && xsig__child_running(n->pid); i++, nap *= 2) {
    Sleep(nap);
    if (seen_so(n)) {
      believe(n);
      break;
    }
  }
  xsig__child_look_done(n->pid);
  xsig__atomic_add(&looks, -1);
  free(n);
  return 0;
}

static int start_look(const struct news *now)
{
  struct news *n;
  if (!xsig__is_initialised())
    return 0; /* no CHLD to send: xsig_child_change looks itself */
  if (xsig__atomic_add(&looks, 1) > LOOKS_MAX || (n = malloc(sizeof *n)) == NULL) {
    xsig__atomic_add(&looks, -1);
    return 0;
  }
  *n = *now;
  if (QueueUserWorkItem(look_again, n, WT_EXECUTELONGFUNCTION))
    return 1;
  free(n);
  xsig__atomic_add(&looks, -1);
  return 0;
}

/* The news may come from anyone: it names a running child of ours or is
 * dropped, and only what the child is seen to be is reported. */
void xsig__win_child_news(DWORD pid, int sig)
{
  struct news now;
  int mine = xsig__child_news(pid, sig);
  if (mine == 0)
    return;
  now.pid = pid;
  now.sig = sig;
  if (seen_so(&now))
    believe(&now);
  else if (mine == 1 && start_look(&now))
    return; /* look_again says when it is done */
  if (mine == 1)
    xsig__child_look_done(pid);
}

/* What the child is now, against what was last reported of it: the poll
 * behind every xsig_child_change, so that news that never came (a parent
 * that was stopped itself, a look that gave up) is made good. */
int xsig__os_child_change(xsig_process_t *p)
{
  int st = xsig__win_stop_state((DWORD)p->pid);
  if (st == 1 && p->stop_sig == 0)
    return p->stop_news ? p->stop_news : XSIG_STOP;
  if (st == 0 && p->stop_sig != 0)
    return XSIG_CONT;
  return 0;
}

xsig_os_handle_t xsig__os_children_waitable_locked(void)
{
  if (children_event)
    return children_event;
  if ((empty_event = CreateEventW(NULL, TRUE, xsig__children_none_locked(), NULL)) == NULL)
    return NULL;
  if ((children_event = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL) {
    CloseHandle(empty_event);
    empty_event = NULL;
  }
  return children_event;
}

void xsig__os_children_empty_locked(int empty)
{
  if (empty_event && empty)
    SetEvent(empty_event);
  else if (empty_event)
    ResetEvent(empty_event);
}

void xsig__os_children_wait(int timeout_ms)
{
  HANDLE hs[2];
  hs[0] = children_event;
  hs[1] = empty_event;
  WaitForMultipleObjects(2, hs, FALSE, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
}

int xsig__os_child_watch(xsig_process_t *p)
{
  if (xsig__os_children_waitable_locked() == NULL)
    return 0;
  return RegisterWaitForSingleObject(&p->os.wait, p->os.h, child_ended, p, INFINITE,
                                     WT_EXECUTEONLYONCE | WT_EXECUTEINWAITTHREAD) != 0;
}

void xsig__os_child_unwatch(xsig_process_t *p)
{
  if (p->os.wait)
    UnregisterWaitEx(p->os.wait, INVALID_HANDLE_VALUE); /* waits for child_ended */
  p->os.wait = NULL;
}

void xsig__os_children_rearm_locked(int ready)
{
  if (children_event && ready)
    SetEvent(children_event);
  else if (children_event)
    ResetEvent(children_event);
}
