/* SPDX-License-Identifier: MIT */
/* xsig_init, xsig_shutdown and the child of fork: the order in which the
 * parts of xsig start and stop. The state (signal.c) is below the parts
 * that use it (the handler thread, timers, faults); it learns what to tell
 * them through the hooks given here, and names none of them.
 *
 * life_lock makes init and shutdown one at a time; it is taken before the
 * state lock, never after. */
#include "internal.h"

static xsig__mutex_t life_lock = XSIG__MUTEX_INIT;

static const struct xsig__state_hooks hooks = {
  xsig__handler_thread_poke_locked,
  xsig__handler_thread_settle,
  xsig__timer_taken,
};

int xsig_init(void)
{
  int err;
  xsig__mutex_lock(&life_lock);
  xsig__state_set_hooks(&hooks);
  err = xsig__state_acquire();
  xsig__mutex_unlock(&life_lock);
  return err;
}

int xsig_shutdown(void)
{
  int last;
  xsig__mutex_lock(&life_lock);
  /* The handler thread and timers first, while their signals still have
   * xsig's dispositions, and outside the state lock (a handler running
   * may take it; Windows waits for an expiry in flight). */
  if (xsig__state_last_ref()) {
    xsig__handler_thread_shutdown();
    xsig__timers_shutdown();
  }
  xsig__lock();
  last = xsig__state_release_locked();
  if (last == 1) {
    xsig__fault_shutdown(); /* under the state lock: no fault path runs after */
    xsig__state_restore_locked();
  }
  xsig__unlock();
  if (last == 1) {
    /* Outside the lock: the platform may wait for a thread that takes it. */
    xsig__os_shutdown();
    xsig__state_reset();
  }
  xsig__mutex_unlock(&life_lock);
  return last < 0 ? last : 0;
}

void xsig__reset_after_fork(void)
{
  xsig__mutex_reinit(&life_lock);
  xsig__state_after_fork();
  xsig__timers_after_fork();
  xsig__handler_thread_after_fork();
}
