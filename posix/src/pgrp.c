/* SPDX-License-Identifier: MIT */
/* The calling process's group and session, as far as they map onto
 * xsig's groups (docs/posix.md, "Process groups"): Windows keeps no group
 * id that a process could read, so the layer keeps its own. A process
 * starts in the group its parent's posix_spawn named in the start block
 * (its parent's, or its own with POSIX_SPAWN_SETPGROUP 0), else in a group
 * of its own, as a shell's job is. Only this process can move itself: a
 * child has already run its program (POSIX: EACCES after exec), and
 * another group cannot be joined from inside it (EPERM).
 * lock guards own_pgid and own_sid. */
#include <unistd.h>
#include "internal.h"
#include "posix-time.h"

static SRWLOCK lock = SRWLOCK_INIT;
static int64_t own_pgid; /* 0: not set: this process's pid */
static int64_t own_sid;  /* 0: not set: the group */

static int64_t pgrp_locked(void)
{
  return own_pgid ? own_pgid : xsig_getpid();
}

pid_t xsig_posix__getpgrp(void)
{
  int64_t g;
  AcquireSRWLockShared(&lock);
  g = pgrp_locked();
  ReleaseSRWLockShared(&lock);
  return (pid_t)g;
}

void xsig_posix__pgrp_start(int64_t pgid)
{
  AcquireSRWLockExclusive(&lock);
  own_pgid = pgid;
  ReleaseSRWLockExclusive(&lock);
}

/* Once the parent has ended (or when Windows started this process from
 * outside, as Wine does from a Unix shell), xsig says 0; a POSIX orphan
 * sees 1, its new parent init. 1 is never a Windows pid (those are
 * multiples of 4), so kill and setpgid on it give ESRCH. */
pid_t getppid(void)
{
  int64_t p = xsig_getppid();
  return (pid_t)(p > 0 ? p : 1);
}

pid_t getpgrp(void)
{
  return xsig_posix__getpgrp();
}

pid_t getpgid(pid_t pid)
{
  int64_t g;
  if (pid == 0 || pid == xsig_getpid())
    return getpgrp();
  if (pid < 0 || pid > 0x7fffffff)
    return xsig_posix__fail_errno(ESRCH);
  if ((g = xsig_posix__kid_pgid(pid)) > 0)
    return (pid_t)g;
  /* Windows keeps no group of another process that this one can read */
  return xsig_posix__fail_errno(xsig_kill(pid, 0) == XSIG_ESRCH ? ESRCH : EPERM);
}

/* Only the calling process can move, and only to a group of its own: a
 * child has already run its program (POSIX: EACCES after exec). */
int setpgid(pid_t pid, pid_t pgid)
{
  int64_t self = xsig_getpid(), kid;
  int err = 0;
  if (pgid < 0 || pid < 0)
    return xsig_posix__fail_errno(EINVAL);
  kid = pid == 0 || pid == self ? 0 : xsig_posix__kid_pgid(pid);
  AcquireSRWLockExclusive(&lock);
  if (pid == 0 || pid == self) {
    if (own_sid == self)
      err = EPERM; /* a session leader cannot move */
    else if (pgid == 0 || pgid == self)
      own_pgid = self;
    else if (pgid != pgrp_locked())
      err = EPERM; /* no way to join another group from inside it */
  } else if (kid > 0) {
    if (pgid != kid && !(pgid == 0 && kid == pid))
      err = EACCES;
  } else {
    err = ESRCH;
  }
  ReleaseSRWLockExclusive(&lock);
  return err ? xsig_posix__fail_errno(err) : 0;
}

pid_t setsid(void)
{
  int64_t self = xsig_getpid();
  int err = 0;
  AcquireSRWLockExclusive(&lock);
  if (pgrp_locked() == self)
    err = EPERM; /* already a group leader (POSIX) */
  else
    own_pgid = own_sid = self;
  ReleaseSRWLockExclusive(&lock);
  return err ? xsig_posix__fail_errno(err) : (pid_t)self;
}

pid_t getsid(pid_t pid)
{
  int64_t s;
  if (pid != 0 && pid != xsig_getpid())
    return xsig_posix__fail_errno(pid < 0 ? ESRCH : EPERM);
  AcquireSRWLockShared(&lock);
  s = own_sid ? own_sid : pgrp_locked();
  ReleaseSRWLockShared(&lock);
  return (pid_t)s;
}

