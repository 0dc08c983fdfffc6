/* SPDX-License-Identifier: MIT */
/* The process-wide signal state shared by both platforms: dispositions,
 * pending standard signals, the real-time queue, and dispatch. */
#include <string.h>
#include "internal.h"

struct rt_node {
  xsig_info_t info;
  int next;
};

/* state_lock guards everything below but refs, hooks and handlers_done.
 * refs changes under it and under init.c's life_lock, and is read
 * anywhere through an atomic load. hooks is written under both locks at
 * each xsig_init, always the same, before refs first counts. */
static xsig__mutex_t state_lock = XSIG__MUTEX_INIT;
static xsig__atomic_long refs;
static const struct xsig__state_hooks *hooks;
static xsig_action_t actions[XSIG_NSIG];
static int foreign[XSIG_NSIG];     /* a non-xsig handler was replaced */
static int installed[XSIG_NSIG];   /* xsig changed the native disposition */
static xsig_sigset_t std_pending;
static xsig_info_t std_info[XSIG_NSIG];
static struct rt_node rt_nodes[XSIG_QUEUE_MAX];
static int rt_free;
static int rt_used;
static int rt_reserved; /* room promised to senders (src/win/ring.c credit) */
static int rt_head[XSIG_NSIG], rt_tail[XSIG_NSIG];
static xsig_sigset_t rt_nonempty; /* signals with a queued entry */
/* A handler never runs twice at once without XSIG_NODEFER, whichever
 * threads dispatch: running holds the signals whose handler runs on some
 * thread; no other thread takes them meanwhile. held: one of them was
 * pending and left, so the handler's end wakes a dispatcher for it. */
static xsig_sigset_t running, held;
static xsig_stats_t stats;
static XSIG__TLS unsigned long handlers_done;

unsigned long xsig__handlers_done(void) { return handlers_done; }

void xsig__lock(void) { xsig__mutex_lock(&state_lock); }
void xsig__unlock(void) { xsig__mutex_unlock(&state_lock); }
xsig__mutex_t *xsig__state_mutex(void) { return &state_lock; }

static void reset_pending_locked(void)
{
  int i;
  memset(&std_pending, 0, sizeof std_pending);
  for (i = 0; i < XSIG_QUEUE_MAX; i++)
    rt_nodes[i].next = i + 1 < XSIG_QUEUE_MAX ? i + 1 : -1;
  rt_free = 0;
  rt_used = 0;
  rt_reserved = 0;
  memset(&rt_nonempty, 0, sizeof rt_nonempty);
  memset(&running, 0, sizeof running); /* a fork keeps one thread of them */
  memset(&held, 0, sizeof held);
  for (i = 0; i < XSIG_NSIG; i++)
    rt_head[i] = rt_tail[i] = -1;
}

static void reset_state_locked(void)
{
  memset(actions, 0, sizeof actions);
  memset(foreign, 0, sizeof foreign);
  memset(installed, 0, sizeof installed);
  memset(&stats, 0, sizeof stats);
  reset_pending_locked();
}

int xsig__is_initialised(void) { return xsig__atomic_load(&refs) > 0; }

void xsig__state_set_hooks(const struct xsig__state_hooks *h)
{
  xsig__lock();
  hooks = h;
  xsig__unlock();
}

int xsig__state_acquire(void)
{
  int err = 0;
  xsig__lock();
  if (xsig__atomic_load(&refs) == 0) {
    reset_state_locked();
    err = xsig__os_init();
  }
  if (err == 0)
    xsig__atomic_add(&refs, 1);
  xsig__unlock();
  return err;
}

int xsig__state_last_ref(void)
{
  return xsig__atomic_load(&refs) == 1;
}

int xsig__state_release_locked(void)
{
  if (xsig__atomic_load(&refs) == 0)
    return XSIG_ENOTINIT;
  return xsig__atomic_add(&refs, -1) == 0;
}

void xsig__state_restore_locked(void)
{
  int sig;
  for (sig = 1; sig < XSIG_NSIG; sig++)
    if (installed[sig])
      xsig__os_restore(sig);
}

void xsig__state_reset(void)
{
  xsig__lock();
  reset_state_locked();
  xsig__unlock();
}

/* The child of fork() starts with nothing pending (POSIX) and a lock that
 * some other thread of the parent may have held. */
void xsig__state_after_fork(void)
{
  xsig__mutex_reinit(&state_lock);
  reset_pending_locked();
}

/* In the child of fork, when the platform cannot go on there: xsig ends
 * as at its last shutdown (the platform restored the dispositions). */
void xsig__drop_after_fork(void)
{
  xsig__atomic_store(&refs, 0);
  reset_state_locked();
}

int xsig__rt_room(void)
{
  int room;
  xsig__lock();
  room = XSIG_QUEUE_MAX - rt_used - rt_reserved;
  xsig__unlock();
  return room;
}

int xsig__rt_reserve(int want)
{
  int room;
  xsig__lock();
  room = XSIG_QUEUE_MAX - rt_used - rt_reserved;
  if (want > room)
    want = room;
  if (want < 0)
    want = 0;
  rt_reserved += want;
  xsig__unlock();
  return want;
}

static void unreserve_locked(int n)
{
  /* a shutdown in between has already dropped every reservation */
  rt_reserved = n > rt_reserved ? 0 : rt_reserved - n;
}

void xsig__rt_unreserve(int n)
{
  xsig__lock();
  unreserve_locked(n);
  xsig__unlock();
}

static void rt_push_locked(const xsig_info_t *info)
{
  int sig = info->signo, n = rt_free;
  rt_free = rt_nodes[n].next;
  rt_nodes[n].info = *info;
  rt_nodes[n].next = -1;
  rt_used++;
  if (rt_tail[sig] < 0)
    rt_head[sig] = n;
  else
    rt_nodes[rt_tail[sig]].next = n;
  rt_tail[sig] = n;
  xsig__set_add(&rt_nonempty, sig);
}

static void rt_pop_locked(int sig, xsig_info_t *info)
{
  int n = rt_head[sig];
  *info = rt_nodes[n].info;
  rt_head[sig] = rt_nodes[n].next;
  if (rt_head[sig] < 0) {
    rt_tail[sig] = -1;
    xsig__set_del(&rt_nonempty, sig);
  }
  rt_nodes[n].next = rt_free;
  rt_free = n;
  rt_used--;
}

static void discard_pending_locked(int sig)
{
  xsig_info_t scratch;
  xsig__set_del(&std_pending, sig);
  while (rt_head[sig] >= 0)
    rt_pop_locked(sig, &scratch);
}

/* The pending signal of timer id, if any (a timer's is one at most). */
static int timer_entry_dropped_locked(int sig, int id)
{
  int n, prev = -1;
  if (!xsig_is_realtime(sig)) {
    if (!xsig__set_has(&std_pending, sig) || std_info[sig].code != XSIG_SI_TIMER ||
        std_info[sig].os_code != (uint32_t)id)
      return 0;
    xsig__set_del(&std_pending, sig);
    return 1;
  }
  for (n = rt_head[sig]; n >= 0; prev = n, n = rt_nodes[n].next)
    if (rt_nodes[n].info.code == XSIG_SI_TIMER && rt_nodes[n].info.os_code == (uint32_t)id)
      break;
  if (n < 0)
    return 0;
  if (prev < 0)
    rt_head[sig] = rt_nodes[n].next;
  else
    rt_nodes[prev].next = rt_nodes[n].next;
  if (rt_tail[sig] == n)
    rt_tail[sig] = prev;
  if (rt_head[sig] < 0)
    xsig__set_del(&rt_nonempty, sig);
  rt_nodes[n].next = rt_free;
  rt_free = n;
  rt_used--;
  return 1;
}

/* A timer disarmed, set again or deleted: its signal still pending is
 * taken back (docs/timers.md). Returns whether any signal is left pending:
 * the waitable must then be made ready again. */
int xsig__timer_signal_drop_locked(int sig, int id)
{
  int w;
  timer_entry_dropped_locked(sig, id);
  for (w = 0; w < 2; w++)
    if (std_pending.bits[w] | rt_nonempty.bits[w])
      return 1;
  return 0;
}

static int overrun_add(int a, int b)
{
  return a > INT32_MAX - 1 - b ? INT32_MAX : a + 1 + b;
}

/* POSIX: one signal of a timer is pending at most; a later expiry adds to
 * its overrun count instead. Returns 1 if info went into a pending one. */
static int timer_merged_locked(const xsig_info_t *info)
{
  int sig = info->signo, n;
  if (!xsig_is_realtime(sig)) {
    if (!xsig__set_has(&std_pending, sig) || std_info[sig].code != XSIG_SI_TIMER ||
        std_info[sig].os_code != info->os_code)
      return 0;
    std_info[sig].status = overrun_add(std_info[sig].status, info->status);
    return 1;
  }
  for (n = rt_head[sig]; n >= 0; n = rt_nodes[n].next)
    if (rt_nodes[n].info.code == XSIG_SI_TIMER && rt_nodes[n].info.os_code == info->os_code) {
      rt_nodes[n].info.status = overrun_add(rt_nodes[n].info.status, info->status);
      return 1;
    }
  return 0;
}

/* keep: a real-time signal that finds the queue full is the caller's to
 * keep (XSIG_EAGAIN, not counted in dropped). */
static int post_locked(const xsig_info_t *in, int reserved, int keep)
{
  xsig_info_t clean = *in, *info = &clean;
  int sig = info->signo;
  memset(clean.reserved, 0, sizeof clean.reserved); /* what a handler sees: 0 */
  if (reserved)
    unreserve_locked(1); /* the entry is this signal's now, or nobody's */
  if (actions[sig].handler == XSIG_IGN)
    return 0;
  if (info->code == XSIG_SI_TIMER && info->os_code && timer_merged_locked(info)) {
    stats.received++;
    return 0;
  }
  if (xsig_is_realtime(sig)) {
    if (XSIG_QUEUE_MAX - rt_used - rt_reserved <= 0) {
      if (!keep)
        stats.dropped++;
      return XSIG_EAGAIN;
    }
    rt_push_locked(info);
  } else if (!xsig__set_has(&std_pending, sig)) {
    xsig__set_add(&std_pending, sig);
    std_info[sig] = *info;
  }
  stats.received++;
  xsig__os_posted_locked(info);
  if (hooks)
    hooks->arrived_locked();
  return 0;
}

int xsig__post(const xsig_info_t *info)
{
  int err;
  xsig__lock();
  err = post_locked(info, 0, 0);
  xsig__unlock();
  return err;
}

int xsig__post_if(const xsig_info_t *info, int (*still)(void *arg), void *arg)
{
  int err = 0;
  xsig__lock();
  if (still(arg))
    err = post_locked(info, 0, 0);
  xsig__unlock();
  return err;
}

int xsig__post_or_keep(const xsig_info_t *info)
{
  int err;
  xsig__lock();
  err = post_locked(info, 0, 1);
  xsig__unlock();
  return err;
}

int xsig__post_reserved(const xsig_info_t *info)
{
  int err;
  xsig__lock();
  err = post_locked(info, 1, 0);
  xsig__unlock();
  return err;
}

void xsig__stats_add_dropped(void)
{
  xsig__lock();
  stats.dropped++;
  xsig__unlock();
}

/* The lowest signal in pending that is in set, or (set NULL) not in mask. */
static int lowest_wanted(const xsig_sigset_t *pending, const xsig_sigset_t *set,
                         const xsig_sigset_t *mask)
{
  int w, sig;
  for (w = 0; w < 2; w++) {
    uint64_t bits = pending->bits[w] & (set ? set->bits[w] : ~mask->bits[w]);
    for (sig = w * 64; bits; sig++, bits >>= 1)
      if (bits & 1)
        return sig;
  }
  return 0;
}

/* Standard signals first, then real-time ones, lowest first. */
static int first_pending_locked(const xsig_sigset_t *set, const xsig_sigset_t *mask)
{
  int sig = lowest_wanted(&std_pending, set, mask);
  return sig ? sig : lowest_wanted(&rt_nonempty, set, mask);
}

/* What a dispatcher whose mask is mask leaves for now: its mask, and the
 * signals whose handler runs elsewhere (those it would take go in held). */
static void dispatch_mask_locked(const xsig_sigset_t *mask, xsig_sigset_t *out)
{
  int w;
  for (w = 0; w < 2; w++) {
    uint64_t pending = std_pending.bits[w] | rt_nonempty.bits[w];
    held.bits[w] |= pending & running.bits[w] & ~mask->bits[w];
    out->bits[w] = mask->bits[w] | running.bits[w];
  }
}

int xsig__take_locked(const xsig_sigset_t *set, const xsig_sigset_t *mask,
                      xsig_info_t *info, xsig_action_t *act)
{
  xsig_sigset_t not_now;
  int sig;
  if (set == NULL) {
    dispatch_mask_locked(mask, &not_now);
    mask = &not_now;
  }
  sig = first_pending_locked(set, mask);
  if (sig == 0)
    return 0;
  if (xsig_is_realtime(sig)) {
    rt_pop_locked(sig, info);
  } else {
    xsig__set_del(&std_pending, sig);
    *info = std_info[sig];
  }
  if (info->code == XSIG_SI_TIMER && hooks)
    hooks->timer_taken(info);
  *act = actions[sig];
  if (set == NULL && (act->flags & XSIG_RESETHAND) &&
      act->handler != XSIG_DFL && act->handler != XSIG_IGN) {
    memset(&actions[sig], 0, sizeof actions[sig]);
    xsig__os_install(sig, &actions[sig], NULL);
  }
  return sig;
}

/* Runs a taken signal on this thread, whose mask is base: the handler with
 * base | act->mask | sig (unless NODEFER), then base again. */
static void deliver_with(const xsig_info_t *info, const xsig_action_t *act, const xsig_sigset_t *base)
{
  xsig_sigset_t during;
  struct xsig__os_mask_save save;
  if (act->handler == XSIG_IGN)
    return;
  if (act->handler == XSIG_DFL) {
    xsig__os_default_action(info->signo);
    return;
  }
  xsig_sigorset(&during, base, &act->mask);
  if (!(act->flags & XSIG_NODEFER))
    xsig__set_add(&during, info->signo);
  xsig__os_handler_mask_begin(&during, &save);
  act->handler(info->signo, info, act->arg);
  xsig__os_handler_mask_end(base, &save);
  handlers_done++;
  xsig__os_handler_done(info);
}

/* Under the state lock: a handler of act is about to run; 1 if it is
 * counted in running (the caller then calls handler_ended). */
static int handler_starts_locked(int sig, const xsig_action_t *act)
{
  if (act->handler == XSIG_IGN || act->handler == XSIG_DFL)
    return 0;
  stats.dispatched++;
  if (act->flags & XSIG_NODEFER)
    return 0;
  xsig__set_add(&running, sig);
  return 1;
}

/* Another thread left sig pending while its handler ran here: now one of
 * them takes it (this thread too, if its mask lets it). */
static void handler_ended(int sig)
{
  int wake;
  xsig__lock();
  xsig__set_del(&running, sig);
  wake = xsig__set_has(&held, sig);
  xsig__set_del(&held, sig);
  if (wake && hooks)
    hooks->arrived_locked();
  xsig__unlock();
  if (wake)
    xsig__os_wake();
}

#define DISPATCH_BUDGET 4096

static int dispatch_round(void)
{
  xsig_sigset_t mask;
  xsig_info_t info;
  xsig_action_t act;
  int n = 0, taken = 0, counted;
  xsig__os_mask_get(&mask); /* each handler gives it back as it found it */
  for (;;) {
    if (taken++ == DISPATCH_BUDGET) {
      /* A sender as fast as we are would keep the caller here for ever:
       * stop, and leave the waitable ready for the rest. */
      xsig__os_wake();
      break;
    }
    xsig__os_collect(); /* handlers may have raised more */
    xsig__lock();
    if (!xsig__take_locked(NULL, &mask, &info, &act)) {
      xsig__unlock();
      break;
    }
    counted = handler_starts_locked(info.signo, &act);
    xsig__unlock();
    deliver_with(&info, &act, &mask);
    if (counted)
      handler_ended(info.signo);
    n += act.handler != XSIG_IGN;
  }
  return n;
}

int xsig_dispatch(void)
{
  int n;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  n = dispatch_round();
  /* The handler thread may have taken a signal that came before this call
   * (the one that interrupted a read, say): once its handler returned,
   * take what it left to us (what its mask blocks). */
  if (hooks && hooks->settle())
    n += dispatch_round();
  return n;
}

void xsig__action_get(int sig, xsig_action_t *act)
{
  xsig__lock();
  *act = actions[sig];
  xsig__unlock();
}

static int check_action(int sig, const xsig_action_t *act)
{
  int err = xsig__check(sig);
  if (err)
    return err;
  if (act == NULL)
    return 0;
  if (act->flags & ~(XSIG_RESETHAND | XSIG_NODEFER | XSIG_NOCLDSTOP | XSIG_INTERRUPT))
    return XSIG_EINVAL;
  if ((sig == XSIG_KILL || sig == XSIG_STOP) && act->handler != XSIG_DFL)
    return XSIG_EINVAL;
  return 0;
}

int xsig_action(int sig, const xsig_action_t *act, xsig_action_t *old)
{
  xsig_action_t prev;
  int err = check_action(sig, act), was_foreign = 0;
  if (err)
    return err;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__lock();
  prev = actions[sig];
  if (act)
    err = xsig__os_install(sig, act, &was_foreign);
  if (act && err == 0) {
    if (((act->flags ^ prev.flags) & XSIG_INTERRUPT) && hooks)
      hooks->arrived_locked(); /* the handler thread's kernel mask follows */
    if (!installed[sig])
      foreign[sig] = was_foreign;
    installed[sig] = 1;
    actions[sig] = *act;
    if (act->handler == XSIG_IGN)
      discard_pending_locked(sig);
  }
  if (old && err == 0) {
    *old = prev;
    if (foreign[sig] && prev.handler == XSIG_DFL)
      old->flags |= XSIG_FOREIGN;
  }
  xsig__unlock();
  return err;
}

int xsig_handle(int sig, xsig_handler_t handler)
{
  xsig_action_t act;
  memset(&act, 0, sizeof act);
  act.handler = handler;
  return xsig_action(sig, &act, NULL);
}

void xsig__pending_locked(xsig_sigset_t *set)
{
  xsig_sigorset(set, &std_pending, &rt_nonempty);
}

xsig_os_handle_t xsig_waitable(void)
{
  return xsig__is_initialised() ? xsig__os_waitable() : XSIG_NO_HANDLE;
}

int xsig_set_delivery_thread(void)
{
  return xsig__is_initialised() ? xsig__os_set_delivery_thread() : XSIG_ENOTINIT;
}

static void combine_mask(int how, const xsig_sigset_t *set, xsig_sigset_t *mask)
{
  int i;
  for (i = 0; i < 2; i++)
    if (how == XSIG_BLOCK)
      mask->bits[i] |= set->bits[i];
    else if (how == XSIG_UNBLOCK)
      mask->bits[i] &= ~set->bits[i];
    else
      mask->bits[i] = set->bits[i];
}

int xsig_sigmask(int how, const xsig_sigset_t *set, xsig_sigset_t *old)
{
  xsig_sigset_t mask;
  if (how < XSIG_BLOCK || how > XSIG_SETMASK)
    return XSIG_EINVAL;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__os_mask_get(&mask);
  if (old)
    *old = mask;
  if (set == NULL)
    return 0;
  combine_mask(how, set, &mask);
  xsig__os_mask_set(&mask); /* KILL and STOP are left out */
  if (how != XSIG_BLOCK)
    xsig_dispatch(); /* what it unblocked runs before we return */
  return 0;
}

int xsig_sigwait(const xsig_sigset_t *set, int timeout_ms, xsig_info_t *info)
{
  xsig_info_t scratch;
  int r;
  if (set == NULL || xsig_sigisempty(set))
    return XSIG_EINVAL;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  info = info ? info : &scratch;
  r = xsig__os_sigwait(set, timeout_ms, info);
  if (r > 0)
    memset(info->reserved, 0, sizeof info->reserved);
  return r;
}

int xsig_sigpending(xsig_sigset_t *set)
{
  if (set == NULL)
    return XSIG_EINVAL;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__os_collect();
  xsig__lock();
  xsig__pending_locked(set);
  xsig__unlock();
  xsig__os_pending_extra(set);
  return 0;
}

static int raise_info(const xsig_info_t *info)
{
  xsig_action_t act;
  xsig_sigset_t mask;
  int err = xsig__check(info->signo);
  if (err)
    return err;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__action_get(info->signo, &act);
  if (act.handler == XSIG_IGN)
    return 0;
  if (act.handler == XSIG_DFL)
    return xsig__os_raise_default(info);
  xsig__os_mask_get(&mask);
  if (xsig__set_has(&mask, info->signo))
    return xsig__os_send_self(info); /* another thread may take it */
  err = xsig__post(info);
  if (err)
    return err;
  xsig_dispatch();
  return 0;
}

int xsig_raise(int sig)
{
  xsig_info_t info;
  memset(&info, 0, sizeof info);
  info.signo = sig;
  info.code = XSIG_SI_RAISE;
  info.pid = xsig__os_getpid();
  return raise_info(&info);
}

int xsig_raise_value(int sig, intptr_t value)
{
  xsig_info_t info;
  memset(&info, 0, sizeof info);
  info.signo = sig;
  info.code = XSIG_SI_QUEUE;
  info.pid = xsig__os_getpid();
  info.value = value;
  return raise_info(&info);
}

void xsig__stats_add_rejected(void)
{
  xsig__lock();
  stats.rejected++;
  xsig__unlock();
}

int xsig_get_stats(xsig_stats_t *out)
{
  if (out == NULL)
    return XSIG_EINVAL;
  xsig__lock();
  *out = stats;
  xsig__unlock();
  xsig__os_extra_stats(out);
  return 0;
}
