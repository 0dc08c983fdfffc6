/* SPDX-License-Identifier: MIT */
/* The top of src/win: the order in which delivery, the doors and the
 * transport start and stop, what a disposition changes at a door, and what
 * each does when the process ends. Every other file of src/win calls only
 * the layers below it (docs/internals.md):
 *   init.c                      this file
 *   process.c                   sending: the pipe and rings to a receiver, the ladder
 *   transport.c > ring.c        receiving from other processes
 *   console.c service.c session.c child.c timer.c fault.c thread.c   the doors
 *   signal.c                    delivery: xsig__win_accept, masks, waits, default actions
 *   tree.c group.c dump.c sigtable.c   what a process is; no delivery state */
#include "internal.h"

/* In order: the senders waiting for a reply get it before anything slow;
 * the service control manager gets the exit code (a service's end is
 * otherwise "unexpected"); the senders with a ring stop trusting that
 * this process runs. */
static void at_end(int how, uint32_t code)
{
  if (how == XSIG__END_REPLIES) {
    xsig__win_transport_flush_replies();
    return;
  }
  if (how == XSIG__END_CODE)
    xsig__win_service_ended(code);
  xsig__win_rings_ending();
}

/* xsig_init holds the lock. Delivery first, then the console's handler,
 * the transport and the session's window, each a door that delivers;
 * xsig__os_shutdown stops the transport's thread first, delivery last. */
int xsig__os_init(void)
{
  int err = xsig__win_delivery_start();
  if (err)
    return err;
  xsig__win_on_ending(at_end);
  xsig__win_on_stopping(xsig__win_stopping);
  err = xsig__win_console_init();
  if (err == 0)
    err = xsig__win_transport_start();
  if (err) {
    xsig__os_shutdown();
    return err;
  }
  xsig__win_session_init();
  return 0;
}

void xsig__os_shutdown(void)
{
  xsig__win_transport_stop();
  xsig__win_session_shutdown();
  xsig__win_console_shutdown();
  xsig__win_delivery_stop();
}

int xsig__os_install(int sig, const xsig_action_t *act, int *foreign)
{
  int caught = act->handler != XSIG_DFL && act->handler != XSIG_IGN;
  if (foreign)
    *foreign = 0;
  if (sig == XSIG_INT && caught)
    xsig__win_console_enable_ctrl_c();
  if (sig == XSIG_WINCH)
    xsig__win_console_watch_size(caught);
  xsig__win_set_interrupting(sig, (act->flags & XSIG_INTERRUPT) != 0);
  return 0;
}

void xsig__os_restore(int sig)
{
  (void)sig;
}

void xsig__os_handler_done(const xsig_info_t *info)
{
  xsig__win_console_handler_done(info);
}
