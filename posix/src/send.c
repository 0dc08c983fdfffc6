/* SPDX-License-Identifier: MIT */
/* xsig-posix: kill, killpg, sigqueue. */
#include <stdlib.h>
#include "state.h"
#include "posix-time.h"


static int to_self(int sig, int code, union sigval value)
{
  siginfo_t info;
  int err;
  xsig_posix__info_self(&info, sig, code);
  info.si_value = value;
  if (!(xp_current_mask() & XSIG_POSIX_BIT(sig)))
    return xp_deliver_self(&info);
  /* blocked here: pending for the process, another thread may take it */
  err = code == SI_QUEUE ? xsig_raise_value(sig, (intptr_t)value.sival_ptr) : xsig_raise(sig);
  return err;
}

static int check_sig(int sig)
{
  if (sig == 0 || xsig_posix__valid(sig))
    return 0;
  return XSIG_EINVAL;
}

/* kill(-1): every process this one may signal. Windows: this process
 * and its descendants (docs/posix.md: not the user's other processes). */
static int to_all(int sig)
{
  int64_t pids[1024];
  int n, i, err, sent = 0;
  n = xsig_process_descendants(xsig_getpid(), pids, 1024);
  for (i = 0; i < n; i++)
    if (xsig_kill(pids[i], sig) == 0)
      sent++;
  err = sig ? to_self(sig, SI_USER, (union sigval){0}) : 0;
  (void)sent;
  return err;
}

struct xsig_posix__kids_ops xsig_posix__kids;

/* To group pgrp: its other members (the children part knows them; else
 * xsig's groups, those it started with XSIG_SPAWN_NEW_GROUP), then this
 * process if it is a member: to itself as kill(getpid(), sig) does. */
static int to_group(pid_t pgrp, int sig)
{
  int err, self_in = pgrp == xsig_posix__getpgrp();
  if (pgrp <= 0)
    return XSIG_ESRCH;
  if (xsig_posix__kids.group_send)
    err = xsig_posix__kids.group_send(pgrp, sig);
  else
    err = xsig_send(-(int64_t)pgrp, sig, 0, 0, NULL);
  if (err == XSIG_ENOSYS)
    err = XSIG_ESRCH; /* not a group Windows can reach */
  if (!self_in)
    return err;
  if (err == XSIG_ESRCH)
    err = 0; /* we are in it */
  if (sig && err == 0)
    err = to_self(sig, SI_USER, (union sigval){0});
  return err;
}

static int send_to(pid_t pid, int sig, int code, union sigval value)
{
  int err = check_sig(sig);
  if (err)
    return err;
  if (pid == (pid_t)xsig_getpid())
    return sig ? to_self(sig, code, value) : 0;
  if (pid == -1)
    return to_all(sig);
  if (pid == 0)
    return to_group(xsig_posix__getpgrp(), sig);
  if (pid < 0)
    return to_group(-pid, sig);
  if (code == SI_QUEUE)
    err = xsig_queue(pid, sig, (intptr_t)value.sival_ptr);
  else
    err = xsig_kill(pid, sig);
  /* a child that ended and was not waited for still exists (a zombie):
   * the signal reaches it and does nothing */
  if (err == XSIG_ESRCH && xsig_posix__kids.unreaped && xsig_posix__kids.unreaped(pid))
    err = 0;
  return err;
}

int kill(pid_t pid, int sig)
{
  int err;
  if (xsig_posix__init())
    return -1;
  err = send_to(pid, sig, SI_USER, (union sigval){0});
  return err ? xsig_posix__fail(err) : 0;
}

int killpg(pid_t pgrp, int sig)
{
  int err;
  if (xsig_posix__init())
    return -1;
  if (pgrp < 0 || pgrp == 1) {
    errno = pgrp < 0 ? EINVAL : ESRCH;
    return -1;
  }
  if ((err = check_sig(sig)) != 0)
    return xsig_posix__fail(err);
  err = to_group(pgrp ? pgrp : xsig_posix__getpgrp(), sig);
  return err ? xsig_posix__fail(err) : 0;
}

int sigqueue(pid_t pid, int sig, union sigval value)
{
  int err;
  if (xsig_posix__init())
    return -1;
  if (pid <= 0) {
    errno = ESRCH;
    return -1;
  }
  err = send_to(pid, sig, SI_QUEUE, value);
  return err ? xsig_posix__fail(err) : 0;
}
