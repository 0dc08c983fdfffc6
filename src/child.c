/* SPDX-License-Identifier: MIT */
/* The children of xsig_spawn: who has ended, reported once each (by
 * xsig_wait_child or xsig_process_wait), and the CHLD info record. The
 * platforms provide xsig__os_child_* (src/internal.h).
 *
 * children_lock guards the list and, of every child, reaped, status,
 * listed, detached and discarded. It may be held while the state lock is
 * taken (to read CHLD's action), never the other way round. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* How often children that the waitable does not cover are looked at. */
#define UNWATCHED_NAP_MS 10

static xsig__mutex_t children_lock = XSIG__MUTEX_INIT;
static xsig_process_t *children; /* listed: not reported yet, newest first */
static int unwatched;            /* listed children the waitable does not cover */

static int chld_ignored(void)
{
  xsig_action_t act;
  xsig__action_get(XSIG_CHLD, &act);
  return act.handler == XSIG_IGN;
}

int xsig__children_none_locked(void)
{
  return children == NULL;
}

/* POSIX, in the child of fork(): the parent's children are not ours. */
void xsig__children_after_fork(void)
{
  xsig__mutex_reinit(&children_lock);
  children = NULL;
  unwatched = 0;
}

void xsig__child_list(xsig_process_t *p)
{
  xsig__mutex_lock(&children_lock);
  if (children == NULL)
    xsig__os_children_empty_locked(0);
  p->listed = 1;
  p->next_child = children;
  children = p;
  /* after listing: a child that ends at once is found by whoever wakes */
  p->unwatched = !xsig__os_child_watch(p);
  unwatched += p->unwatched;
  xsig__mutex_unlock(&children_lock);
}

/* Stops watching it too (Windows: waits for a notification in flight,
 * which never takes this lock), so that whoever frees p afterwards may. */
static void unlist_locked(xsig_process_t *p)
{
  xsig_process_t **pp;
  for (pp = &children; *pp; pp = &(*pp)->next_child)
    if (*pp == p) {
      *pp = p->next_child;
      break;
    }
  p->listed = 0;
  if (children == NULL)
    xsig__os_children_empty_locked(1); /* a waiter in another thread: ECHILD now */
  xsig__os_child_unwatch(p);
  unwatched -= p->unwatched;
  p->unwatched = 0;
}

/* 1 once p's status is known (or discarded). */
static int reap_locked(xsig_process_t *p)
{
  int r;
  if (p->reaped)
    return 1;
  r = xsig__os_child_reap(p);
  if (r == 0)
    return 0;
  /* POSIX: the kernel reaped it already (SIGCHLD ignored): r < 0 */
  if (r < 0 || chld_ignored()) {
    memset(&p->status, 0, sizeof p->status);
    p->discarded = 1;
  }
  p->reaped = 1;
  return 1;
}

/* Frees an unlisted child whose owner closed it. Without the lock. */
static void release(xsig_process_t *p, int detached)
{
  if (detached) {
    xsig__os_process_close(p);
    free(p);
  }
}

int xsig__child_reaped(xsig_process_t *p)
{
  int r;
  if (!p->child)
    return 0;
  xsig__mutex_lock(&children_lock);
  r = p->reaped;
  xsig__mutex_unlock(&children_lock);
  return r;
}

int xsig__child_reap(xsig_process_t *p, int timeout_ms)
{
  int64_t deadline = xsig__os_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
  for (;;) {
    int64_t left;
    int done;
    xsig__mutex_lock(&children_lock);
    done = reap_locked(p);
    xsig__mutex_unlock(&children_lock);
    if (done)
      return 1;
    left = deadline - xsig__os_now_ms();
    if (timeout_ms == 0 || (timeout_ms > 0 && left <= 0))
      return 0;
    xsig__os_child_wait_end(p, timeout_ms < 0 ? -1 : (int)left);
  }
}

static xsig_process_t *listed_locked(int64_t pid)
{
  xsig_process_t *p;
  for (p = children; p; p = p->next_child)
    if (p->pid == pid)
      return p;
  return NULL;
}

/* Under the lock, so that no reap of one child of ours (reap_locked) can
 * find it gone: the status of one of ours is kept for whoever reports it. */
int xsig_reap_orphans(void)
{
  xsig_process_t *p;
  xsig_status_t st;
  int64_t pid;
  int n = 0, r;
  xsig__mutex_lock(&children_lock);
  while ((r = xsig__os_reap_any(&pid, &st)) > 0) {
    if ((p = listed_locked(pid)) == NULL) {
      n++;
    } else if (!p->reaped) {
      p->status = st;
      p->reaped = 1;
      if (chld_ignored()) {
        memset(&p->status, 0, sizeof p->status);
        p->discarded = 1;
      }
    }
  }
  xsig__mutex_unlock(&children_lock);
  return r < 0 ? r : n;
}

/* xsig_process_wait reported it: xsig_wait_child will not. */
int xsig__child_take(xsig_process_t *p, xsig_status_t *st)
{
  int listed, discarded;
  xsig__mutex_lock(&children_lock);
  listed = p->listed;
  discarded = p->discarded;
  if (listed)
    unlist_locked(p);
  if (st && !discarded)
    *st = p->status;
  xsig__mutex_unlock(&children_lock);
  return discarded ? XSIG_ECHILD : 0;
}

int xsig__child_detach(xsig_process_t *p)
{
  int listed;
  xsig__mutex_lock(&children_lock);
  listed = p->listed;
  p->detached = listed;
  xsig__mutex_unlock(&children_lock);
  return listed;
}

/* Looks at every listed child; unlists the discarded ones (those nobody
 * holds into *gone, to free) and the first ended one into *got. Returns
 * how many stay listed. */
static int sweep_locked(xsig_process_t **got, xsig_process_t **gone)
{
  xsig_process_t *p = children, *next;
  int left = 0, ended = 0;
  xsig__os_children_rearm_locked(0); /* before looking: a later end sets it again */
  for (; p; p = next) {
    next = p->next_child;
    if (!reap_locked(p)) {
      left++;
    } else if (p->discarded) {
      unlist_locked(p);
      if (p->detached) { /* nobody holds it: ours to free */
        p->next_child = *gone;
        *gone = p;
      }
    } else if (got && *got == NULL) {
      unlist_locked(p);
      *got = p;
    } else {
      left++;
      ended++;
    }
  }
  if (ended)
    xsig__os_children_rearm_locked(1);
  return left;
}

static void release_all(xsig_process_t *gone)
{
  while (gone) {
    xsig_process_t *next = gone->next_child;
    release(gone, 1);
    gone = next;
  }
}

/* One look: 1 and *got if a child ended, 0 if some still run, -1 if none
 * is listed. */
static int look(xsig_process_t **got, xsig_status_t *st, int64_t *pid, int *detached)
{
  xsig_process_t *gone = NULL;
  int left;
  xsig__mutex_lock(&children_lock);
  left = sweep_locked(got, &gone);
  if (*got) {
    if (st)
      *st = (*got)->status;
    if (pid)
      *pid = (*got)->pid;
    *detached = (*got)->detached;
  }
  xsig__mutex_unlock(&children_lock);
  release_all(gone);
  return *got ? 1 : left > 0 ? 0 : -1;
}

/* 1 also when the sweep discarded the last child (CHLD ignored): a
 * waiter learns from xsig_wait_child's XSIG_ECHILD that none is left. */
int xsig__children_ended(void)
{
  xsig_process_t *gone = NULL, *p;
  int ended, had;
  xsig__mutex_lock(&children_lock);
  had = children != NULL;
  sweep_locked(NULL, &gone);
  ended = had && children == NULL;
  for (p = children; p && !ended; p = p->next_child)
    ended = p->reaped;
  xsig__mutex_unlock(&children_lock);
  release_all(gone);
  return ended;
}

/* How long one wait may last before the children are looked at again:
 * -1 when the waitable covers them all. */
int xsig__children_nap_ms(void)
{
  int n;
  xsig__mutex_lock(&children_lock);
  n = unwatched;
  xsig__mutex_unlock(&children_lock);
  return n > 0 || xsig_children_waitable() == XSIG_NO_HANDLE ? UNWATCHED_NAP_MS : -1;
}

int xsig_wait_child(int timeout_ms, int64_t *pid, xsig_status_t *st)
{
  int64_t deadline = xsig__os_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
  for (;;) {
    xsig_process_t *got = NULL;
    int detached = 0, r = look(&got, st, pid, &detached);
    int64_t left;
    int nap, wait;
    if (r > 0) {
      release(got, detached);
      return 0;
    }
    if (r < 0)
      return XSIG_ECHILD;
    left = deadline - xsig__os_now_ms();
    if (timeout_ms == 0 || (timeout_ms > 0 && left <= 0))
      return XSIG_ETIMEDOUT;
    nap = xsig__children_nap_ms(); /* -1 when the waitable covers them all */
    wait = timeout_ms < 0 ? -1 : (int)left;
    if (nap >= 0 && (wait < 0 || wait > nap))
      wait = nap;
    if (nap < 0)
      xsig__os_children_wait(wait);
    else
      xsig__os_nap(wait);
  }
}

xsig_os_handle_t xsig_children_waitable(void)
{
  xsig_os_handle_t h;
  xsig__mutex_lock(&children_lock);
  h = xsig__os_children_waitable_locked();
  xsig__mutex_unlock(&children_lock);
  return h;
}

/* --- stops and continues ---------------------------------------------- */

/* What was last reported of p becomes sig's: a stop or XSIG_CONT. */
static int record_locked(xsig_process_t *p, int sig)
{
  int code = sig == XSIG_CONT ? XSIG_CLD_CONTINUED : XSIG_CLD_STOPPED;
  p->stop_sig = code == XSIG_CLD_STOPPED ? sig : 0;
  p->change = code;
  p->stop_news = 0;
  return code;
}

/* Only what changes what was last reported: a second stop of a stopped
 * child is nothing new. */
static int changed_locked(xsig_process_t *p, int sig)
{
  if (reap_locked(p) || (sig == XSIG_CONT) == (p->stop_sig == 0))
    return 0;
  return record_locked(p, sig);
}

int xsig__child_changed(int64_t pid, int sig)
{
  xsig_process_t *p;
  int code = 0;
  xsig__mutex_lock(&children_lock);
  if ((p = listed_locked(pid)) != NULL)
    code = changed_locked(p, sig);
  xsig__mutex_unlock(&children_lock);
  return code;
}

int xsig__child_running(int64_t pid)
{
  xsig_process_t *p;
  int r;
  xsig__mutex_lock(&children_lock);
  r = (p = listed_locked(pid)) != NULL && !reap_locked(p);
  xsig__mutex_unlock(&children_lock);
  return r;
}

int xsig__child_news(int64_t pid, int sig)
{
  xsig_process_t *p;
  int r = 0;
  xsig__mutex_lock(&children_lock);
  if ((p = listed_locked(pid)) != NULL && !reap_locked(p)) {
    if (sig != XSIG_CONT)
      p->stop_news = sig;
    r = p->looking ? 2 : 1;
    p->looking = 1;
  }
  xsig__mutex_unlock(&children_lock);
  return r;
}

void xsig__child_look_done(int64_t pid)
{
  xsig_process_t *p;
  xsig__mutex_lock(&children_lock);
  if ((p = listed_locked(pid)) != NULL)
    p->looking = 0;
  xsig__mutex_unlock(&children_lock);
}

/* What the system says comes first (POSIX: the kernel's report; Windows:
 * what the child is now), then what was recorded and not taken. A child
 * that ended has no stop left to report: its end is xsig_wait_child's. */
int xsig_child_change(int64_t pid, int64_t *out_pid, int *sig)
{
  xsig_process_t *p;
  int code = 0, found = 0, reported;
  if (pid < 0)
    return XSIG_EINVAL;
  xsig__mutex_lock(&children_lock);
  for (p = children; p && code == 0; p = p->next_child) {
    if (pid != 0 && p->pid != pid)
      continue;
    found = 1;
    if (reap_locked(p)) {
      p->change = 0;
      continue;
    }
    if ((reported = xsig__os_child_change(p)) != 0)
      record_locked(p, reported);
    if ((code = p->change) != 0) {
      p->change = 0;
      if (out_pid)
        *out_pid = p->pid;
      if (sig)
        *sig = code == XSIG_CLD_STOPPED ? p->stop_sig : XSIG_CONT;
    }
  }
  xsig__mutex_unlock(&children_lock);
  return found ? code : XSIG_ECHILD;
}

/* A CHLD info record for a stop or continue. */
void xsig__chld_change_info(int64_t pid, int code, int sig, xsig_info_t *info)
{
  memset(info, 0, sizeof *info);
  info->signo = XSIG_CHLD;
  info->code = XSIG_SI_KERNEL;
  info->pid = pid;
  info->subcode = code;
  info->status = sig;
}

/* --- the CHLD info record --------------------------------------------- */

void xsig__chld_info(int64_t pid, const xsig_status_t *st, xsig_info_t *info)
{
  memset(info, 0, sizeof *info);
  info->signo = XSIG_CHLD;
  info->code = XSIG_SI_KERNEL;
  info->pid = pid;
  info->os_code = st->raw;
  if (st->exited) {
    info->subcode = XSIG_CLD_EXITED;
    info->status = st->code;
  } else {
    info->subcode = st->core ? XSIG_CLD_DUMPED : XSIG_CLD_KILLED;
    info->status = st->signo;
  }
}

int xsig_status_from_info(const xsig_info_t *info, xsig_status_t *st)
{
  if (info == NULL || st == NULL || info->signo != XSIG_CHLD)
    return XSIG_EINVAL;
  if (info->subcode < XSIG_CLD_EXITED || info->subcode > XSIG_CLD_DUMPED)
    return XSIG_EINVAL;
  memset(st, 0, sizeof *st);
  st->raw = info->os_code;
  st->exited = info->subcode == XSIG_CLD_EXITED;
  if (st->exited)
    st->code = info->status;
  else
    st->signo = info->status;
  st->core = info->subcode == XSIG_CLD_DUMPED;
  return 0;
}
