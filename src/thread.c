/* SPDX-License-Identifier: MIT */
/* xsig's handler thread (handlers run promptly, whatever the program's
 * threads do) and threads that start with their creator's mask. */
#include <stdlib.h>
#include "internal.h"

struct handler_thread {
  xsig__thread_t thread;
  xsig_sigset_t mask;          /* its mask at start: its creator's */
  struct xsig__os_event wake;  /* set when a signal was accepted, or to stop */
  xsig__atomic_long poked;     /* wake is set (one set per round) */
  xsig__atomic_long stop;
  int detached;                /* ended by a handler on it: frees itself */
};

/* ht_lock makes start and stop one at a time; ht_refs changes under it.
 * current is written under ht_lock and the state lock, and read under
 * either (the poke, under the state lock). on_handler_thread is the
 * thread's own. */
static xsig__mutex_t ht_lock = XSIG__MUTEX_INIT;
static int ht_refs;
static struct handler_thread *current;
static XSIG__TLS int on_handler_thread;
/* busy while the handler thread is in a dispatch round (from before it
 * reads the signal pipe to after its handlers returned); rounds counts
 * the rounds done. A thread that must wait for the round counts itself in
 * waiters and waits on idle until rounds moves. A round's end sets idle
 * only if someone waits; the next round's start clears it (before busy),
 * so idle is never set while a round runs: a waiter blocks instead of
 * spinning. A waiter that had not yet looked when the round's start
 * cleared idle waits for that round's end as well, which sets it again
 * (it is counted). Rounds nobody waits for make no system call for it
 * (idle_set is the handler thread's own). idle opens with the first
 * handler thread and closes at the last shutdown, after the thread ended
 * (under ht_lock). */
static xsig__atomic_long busy, rounds, waiters;
static struct xsig__os_event idle;
static int idle_open, idle_set;

static void handler_thread_main(void *arg)
{
  struct handler_thread *h = arg;
  on_handler_thread = 1;
  xsig__os_handler_thread_begin(&h->mask);
  while (!xsig__atomic_load(&h->stop)) {
    /* Clear first: a signal accepted from here on sets it again. */
    if (xsig__atomic_exchange(&h->poked, 0))
      xsig__os_event_clear(&h->wake);
    if (idle_set) {
      xsig__os_event_clear(&idle);
      idle_set = 0;
    }
    xsig__atomic_store(&busy, 1);
    xsig_dispatch();
    xsig__atomic_add(&rounds, 1);
    xsig__atomic_store(&busy, 0);
    /* after busy: a waiter counted before it saw busy is woken */
    if (!idle_set && xsig__atomic_load(&waiters) > 0) {
      xsig__os_event_set(&idle);
      idle_set = 1;
    }
    if (xsig__atomic_load(&h->stop))
      break;
    xsig__os_handler_thread_refresh();
    /* the wake object, the signal waitable, or (Windows) an APC */
    xsig__os_wait(&h->wake.h, 1, -1);
  }
  xsig__os_handler_thread_end();
  if (h->detached) {
    xsig__os_event_close(&h->wake);
    free(h);
  }
}

/* For xsig_dispatch on another thread: a signal that arrived before may
 * be in the handler thread's hands. Waits until its round is over; 1 if
 * it waited. */
int xsig__handler_thread_settle(void)
{
  long seen;
  if (on_handler_thread || !xsig__atomic_load(&busy))
    return 0;
  xsig__atomic_add(&waiters, 1); /* first: the round's end then sees us */
  seen = xsig__atomic_load(&rounds);
  /* idle is clear while a round runs; set, it is the end of ours, or of
   * one before it that this thread's look missed: look again */
  while (xsig__atomic_load(&busy) && xsig__atomic_load(&rounds) == seen)
    xsig__os_event_wait(&idle);
  xsig__atomic_add(&waiters, -1);
  return 1;
}

void xsig__handler_thread_poke_locked(void)
{
  struct handler_thread *h = current;
  if (h && !on_handler_thread && xsig__atomic_exchange(&h->poked, 1) == 0)
    xsig__os_event_set(&h->wake);
}

static void set_current(struct handler_thread *h)
{
  xsig__lock();
  current = h;
  xsig__unlock();
}

static int start_locked(void)
{
  struct handler_thread *h = calloc(1, sizeof *h);
  int err;
  if (h == NULL)
    return XSIG_ENOMEM;
  if (!idle_open) {
    if ((err = xsig__os_event_open(&idle)) != 0) {
      free(h);
      return err;
    }
    idle_open = 1;
  }
  xsig__os_mask_get(&h->mask);
  if ((err = xsig__os_event_open(&h->wake)) != 0) {
    free(h);
    return err;
  }
  set_current(h); /* before it runs: nothing accepted meanwhile is missed */
  if ((err = xsig__os_thread_create(&h->thread, handler_thread_main, h)) != 0) {
    set_current(NULL);
    xsig__os_event_close(&h->wake);
    free(h);
  }
  return err;
}

/* Takes current out; the caller ends the thread (outside every lock: a
 * handler that is running may take them). */
static struct handler_thread *take_current_locked(void)
{
  struct handler_thread *h = current;
  set_current(NULL);
  xsig__atomic_store(&h->stop, 1);
  xsig__os_event_set(&h->wake);
  return h;
}

static void end(struct handler_thread *h)
{
  xsig__os_thread_join(h->thread);
  xsig__os_event_close(&h->wake);
  free(h);
}

int xsig_handler_thread_start(void)
{
  int err = 0;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__mutex_lock(&ht_lock);
  if (ht_refs == 0)
    err = start_locked();
  if (err == 0)
    ht_refs++;
  xsig__mutex_unlock(&ht_lock);
  return err;
}

int xsig_handler_thread_stop(void)
{
  struct handler_thread *h = NULL;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  if (on_handler_thread)
    return XSIG_EINVAL;
  xsig__mutex_lock(&ht_lock);
  if (ht_refs == 0) {
    xsig__mutex_unlock(&ht_lock);
    return XSIG_ENOTSTARTED;
  }
  if (--ht_refs == 0)
    h = take_current_locked();
  xsig__mutex_unlock(&ht_lock);
  if (h)
    end(h);
  return 0;
}

/* A handler on the handler thread may call the last xsig_shutdown: the
 * thread then ends by itself once the handler returns. */
void xsig__handler_thread_shutdown(void)
{
  struct handler_thread *h = NULL;
  xsig__mutex_lock(&ht_lock);
  if (ht_refs > 0)
    h = take_current_locked();
  ht_refs = 0;
  xsig__mutex_unlock(&ht_lock);
  if (h && on_handler_thread) {
    h->detached = 1;
    xsig__os_thread_detach(h->thread);
    return; /* idle stays: this thread still uses it */
  }
  if (h)
    end(h);
  xsig__mutex_lock(&ht_lock);
  if (idle_open)
    xsig__os_event_close(&idle);
  idle_open = 0;
  xsig__mutex_unlock(&ht_lock);
}

/* The child of fork() has no handler thread. */
void xsig__handler_thread_after_fork(void)
{
  xsig__mutex_reinit(&ht_lock);
  if (current && !on_handler_thread)
    xsig__os_event_close(&current->wake);
  current = NULL;
  ht_refs = 0;
  on_handler_thread = 0;
  xsig__atomic_store(&busy, 0);
  xsig__atomic_store(&waiters, 0);
  idle_set = 0;
}

/* --- threads that start with their creator's mask ---------------------- */

struct xsig_thread {
  xsig__thread_t thread;
  xsig_thread_fn fn;
  void *arg;
  xsig_sigset_t mask;
};

static XSIG__TLS struct xsig_thread *self;

static void thread_main(void *arg)
{
  struct xsig_thread *t = arg;
  self = t;
  if (xsig__is_initialised())
    xsig__os_mask_set(&t->mask);
  t->fn(t->arg);
}

int xsig_thread_start(xsig_thread_t **out, xsig_thread_fn fn, void *arg)
{
  struct xsig_thread *t;
  int err;
  if (out == NULL || fn == NULL)
    return XSIG_EINVAL;
  if ((t = calloc(1, sizeof *t)) == NULL)
    return XSIG_ENOMEM;
  t->fn = fn;
  t->arg = arg;
  if (xsig__is_initialised())
    xsig__os_mask_get(&t->mask);
  if ((err = xsig__os_thread_create(&t->thread, thread_main, t)) != 0) {
    free(t);
    return err;
  }
  *out = t;
  return 0;
}

int xsig_thread_join(xsig_thread_t *t)
{
  if (t == NULL || t == self)
    return XSIG_EINVAL;
  xsig__os_thread_join(t->thread);
  free(t);
  return 0;
}
