/* SPDX-License-Identifier: MIT */
/* The children of posix_spawn and xsig_spawn: wait, waitpid, waitid;
 * kill's hooks (a zombie is still found; a group's members); the stops
 * this process causes; and the start block that tells a child of
 * posix_spawn its mask, its ignored signals and its group (pgrp.c keeps
 * the group).
 *
 * xsig keeps every child of xsig_spawn (posix_spawn's are among them)
 * until it is reported. Each wait first moves every ended child out of
 * xsig (xsig_wait_child) into the zombies list here, then picks from it
 * the one its arguments name, so that waitpid(pid) and waitpid(-1) share
 * one zombie as on POSIX.
 *
 * kids_lock (an SRW lock) guards kids[], nkids and zombies. It is never
 * held across a wait or a call that may run a handler, and it is taken
 * before pgrp.c's lock (xsig_posix__getpgrp), never after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"
#include "posix-time.h"

/* A child of posix_spawn not reported yet, its group, and a stop or
 * continue that xsig reported and no wait has yet. */
struct kid {
  int64_t pid;
  int64_t pgid;
  int change;   /* CLD_STOPPED or CLD_CONTINUED to report; 0: none */
  int stopsig;  /* the signal that stopped it (CLD_STOPPED) */
};

struct zombie {
  struct zombie *next;
  int64_t pid;
  int64_t pgid;
  xsig_status_t st;
  int change;     /* a stop or continue (CLD_*) instead of an end: 0 */
  int stopsig;    /* CLD_STOPPED: by this signal */
};

static SRWLOCK kids_lock = SRWLOCK_INIT;
/* Held exclusively by posix_spawn from xsig_spawn_with until the child is
 * in kids[], shared by collect(): a child that ends at once cannot be
 * taken from xsig before the layer knows its group. Taken before kids_lock. */
static SRWLOCK spawn_lock = SRWLOCK_INIT;
static struct kid *kids;
static size_t nkids, capkids;
static struct zombie *zombies; /* oldest first */

/* The group of a child of posix_spawn not reported yet, or 0. */
int64_t xsig_posix__kid_pgid(int64_t pid)
{
  size_t i;
  int64_t g = 0;
  AcquireSRWLockShared(&kids_lock);
  for (i = 0; i < nkids; i++)
    if (kids[i].pid == pid)
      g = kids[i].pgid;
  ReleaseSRWLockShared(&kids_lock);
  return g;
}

/* --- the children of posix_spawn ---------------------------------------- */

void xsig_posix__spawning(int on)
{
  if (on)
    AcquireSRWLockExclusive(&spawn_lock);
  else
    ReleaseSRWLockExclusive(&spawn_lock);
}

int xsig_posix__kid_add(int64_t pid, int64_t pgid)
{
  int err = 0;
  AcquireSRWLockExclusive(&kids_lock);
  if (nkids == capkids) {
    size_t more = capkids ? capkids * 2 : 16;
    struct kid *k = realloc(kids, more * sizeof *k);
    if (k == NULL)
      err = ENOMEM;
    else
      kids = k, capkids = more;
  }
  if (err == 0) {
    memset(&kids[nkids], 0, sizeof kids[nkids]);
    kids[nkids].pid = pid;
    kids[nkids].pgid = pgid ? pgid : xsig_posix__getpgrp();
    nkids++;
  }
  ReleaseSRWLockExclusive(&kids_lock);
  return err;
}

static struct kid *kid_find_locked(int64_t pid)
{
  size_t i;
  for (i = 0; i < nkids; i++)
    if (kids[i].pid == pid)
      return &kids[i];
  return NULL;
}

static void kid_remove_locked(int64_t pid)
{
  struct kid *k = kid_find_locked(pid);
  if (k)
    *k = kids[--nkids];
}

/* kill's hook: 1 if pid is a child of posix_spawn not reported by a wait
 * yet (running, or ended: a zombie), else 0. */
static int unreaped(int64_t pid)
{
  struct zombie *z;
  int found;
  int dropped = 0;
  AcquireSRWLockShared(&kids_lock);
  found = kid_find_locked(pid) != NULL;
  for (z = zombies; z && !found; z = z->next)
    found = z->pid == pid;
  ReleaseSRWLockShared(&kids_lock);
  /* while SIGCHLD is ignored an ended child leaves no zombie: only a
   * running one counts (xsig drops the others when it looks) */
  if (found && xsig_posix__nocldwait()) {
    AcquireSRWLockShared(&spawn_lock);
    xsig_wait_child(0, NULL, NULL);
    ReleaseSRWLockShared(&spawn_lock);
    dropped = xsig_kill(pid, 0) == XSIG_ESRCH;
  }
  return found && !dropped;
}

/* kill's hook: sig (0: the check) to every process of group pgid but
 * this one: xsig's jobs for a group a child of ours leads (and those that
 * joined it), else each child of posix_spawn in it (this process's own
 * group: Windows has no job for it). 0 if one was reached, XSIG_ESRCH if
 * none. */
static int group_send(int64_t pgid, int sig)
{
  int64_t pids[256];
  size_t i, n = 0;
  int sent = 0, err = xsig_send(-pgid, sig, 0, 0, NULL);
  if (err != XSIG_ENOSYS)
    return err;
  AcquireSRWLockShared(&kids_lock);
  for (i = 0; i < nkids && n < 256; i++)
    if (kids[i].pgid == pgid)
      pids[n++] = kids[i].pid;
  ReleaseSRWLockShared(&kids_lock);
  for (i = 0; i < n; i++)
    if (xsig_kill(pids[i], sig) == 0 || unreaped(pids[i]))
      sent++;
  return sent ? 0 : XSIG_ESRCH;
}

void xsig_posix__children_start(void)
{
  xsig_posix__kids.unreaped = unreaped;
  xsig_posix__kids.group_send = group_send;
}

/* --- zombies -------------------------------------------------------------- */

/* Moves the stops and continues xsig saw of the children of posix_spawn
 * (whoever caused them: Windows tells a parent nothing, xsig does) into
 * kids[]; those of the program's own xsig_spawn children stay with xsig. */
static void collect_changes(void)
{
  int64_t pids[64];
  size_t start, i, n;
  int code, sig;
  for (start = 0;; start += n) {
    AcquireSRWLockShared(&kids_lock);
    for (n = 0; start + n < nkids && n < 64; n++)
      pids[n] = kids[start + n].pid;
    ReleaseSRWLockShared(&kids_lock);
    for (i = 0; i < n; i++) {
      struct kid *k;
      if ((code = xsig_child_change(pids[i], NULL, &sig)) <= 0)
        continue;
      AcquireSRWLockExclusive(&kids_lock);
      if ((k = kid_find_locked(pids[i])) != NULL) {
        k->change = code == XSIG_CLD_STOPPED ? CLD_STOPPED : CLD_CONTINUED;
        k->stopsig = sig;
      }
      ReleaseSRWLockExclusive(&kids_lock);
    }
    if (n < 64)
      break;
  }
}

/* Moves every ended child out of xsig (and, when a wait asks for them,
 * the stops and continues before). Returns 1 while some child of
 * xsig_spawn still runs, 0 when none does. With SA_NOCLDWAIT the ended
 * ones leave no zombie (xsig itself drops them while SIGCHLD is SIG_IGN). */
static int collect(int changes)
{
  int64_t pid;
  xsig_status_t st;
  int r;
  AcquireSRWLockShared(&spawn_lock);
  if (changes)
    collect_changes();
  while ((r = xsig_wait_child(0, &pid, &st)) == 0) {
    struct zombie *z, **end;
    struct kid *k;
    int keep = !xsig_posix__nocldwait();
    AcquireSRWLockExclusive(&kids_lock);
    k = kid_find_locked(pid);
    z = keep ? malloc(sizeof *z) : NULL;
    if (z) {
      z->change = 0;
      z->next = NULL;
      z->pid = pid;
      z->pgid = k ? k->pgid : xsig_posix__getpgrp(); /* xsig_spawn's: as ours */
      z->st = st;
      for (end = &zombies; *end; end = &(*end)->next) {
      }
      *end = z;
    }
    kid_remove_locked(pid);
    ReleaseSRWLockExclusive(&kids_lock);
  }
  if (r == XSIG_ECHILD) { /* none left in xsig: those SIG_IGN dropped too */
    AcquireSRWLockExclusive(&kids_lock);
    nkids = 0;
    ReleaseSRWLockExclusive(&kids_lock);
  }
  ReleaseSRWLockShared(&spawn_lock);
  return r == XSIG_ETIMEDOUT;
}

/* Which children a wait is for: a pid (> 0), a group (pgid > 0), or any. */
struct which {
  int64_t pid;
  int64_t pgid;
};

static int matches(const struct which *w, int64_t pid, int64_t pgid)
{
  if (w->pid > 0)
    return pid == w->pid;
  return w->pgid == 0 || pgid == w->pgid;
}

/* Under the lock: the first zombie w names, unlinked unless peek. */
static struct zombie *zombie_take_locked(const struct which *w, int peek)
{
  struct zombie **pp;
  for (pp = &zombies; *pp; pp = &(*pp)->next)
    if (matches(w, (*pp)->pid, (*pp)->pgid)) {
      struct zombie *z = *pp;
      if (!peek)
        *pp = z->next;
      return z;
    }
  return NULL;
}

/* Is pid a running child that xsig_spawn started outside posix_spawn?
 * The layer does not know those pids: xsig's list of this process's
 * descendants tells (a grandchild passes too: a documented limit). */
static int foreign_child_runs(int64_t pid)
{
  int64_t d[256];
  int i, n = xsig_process_descendants(xsig_getpid(), d, 256);
  for (i = 0; i < n; i++)
    if (d[i] == pid)
      return 1;
  return 0;
}

/* 1 if a child that w names may still end (so a wait makes sense). */
static int may_still_end(const struct which *w, int any_running)
{
  size_t i;
  int found = 0;
  if (!any_running)
    return 0;
  AcquireSRWLockShared(&kids_lock);
  for (i = 0; i < nkids && !found; i++)
    found = matches(w, kids[i].pid, kids[i].pgid);
  if (!found && w->pid <= 0)
    found = w->pgid == 0 || w->pgid == xsig_posix__getpgrp(); /* xsig_spawn's: as ours */
  ReleaseSRWLockShared(&kids_lock);
  if (!found && w->pid > 0)
    found = foreign_child_runs(w->pid);
  return found;
}

/* Under the lock: a stop or continue of a child w names, as a record
 * (cleared unless peek). want: the CLD_* kinds asked for, as bits. */
static int change_take_locked(const struct which *w, int want, int peek, struct zombie *out)
{
  size_t i;
  for (i = 0; i < nkids; i++) {
    struct kid *k = &kids[i];
    if (k->change && (want & (1 << k->change)) && matches(w, k->pid, k->pgid)) {
      memset(out, 0, sizeof *out);
      out->pid = k->pid;
      out->pgid = k->pgid;
      out->change = k->change;
      out->stopsig = k->stopsig;
      if (!peek)
        k->change = 0;
      return 1;
    }
  }
  return 0;
}

#define WANT_EXITED    (1 << CLD_EXITED)
#define WANT_STOPPED   (1 << CLD_STOPPED)
#define WANT_CONTINUED (1 << CLD_CONTINUED)

/* How often a wait for stops asks xsig: a stop wakes a waiter only when
 * its CHLD is delivered (not while SIGCHLD is SIG_DFL, say), and on
 * Windows xsig also looks at the children themselves when asked. */
#define STOP_LOOK_MS 20

/* Waits for a child w names to change as want asks: 1 and *out, 0 with
 * nohang when none has, or -1 with errno ECHILD or EINTR. */
static int wait_child(const struct which *w, int want, int nohang, int peek, struct zombie *out)
{
  for (;;) {
    struct zombie *z = NULL;
    int running = collect(want & (WANT_STOPPED | WANT_CONTINUED)), r, got = 0;
    AcquireSRWLockExclusive(&kids_lock);
    if (want & WANT_EXITED)
      z = zombie_take_locked(w, peek);
    if (z)
      *out = *z, got = 1;
    else
      got = change_take_locked(w, want, peek, out);
    ReleaseSRWLockExclusive(&kids_lock);
    if (z && !peek)
      free(z);
    if (got)
      return 1;
    if (!may_still_end(w, running))
      return xsig_posix__fail_errno(ECHILD);
    if (nohang)
      return 0;
    r = xsig_posix__wait(NULL, 0, XSIG_POSIX_WAIT_CHILDREN | XSIG_POSIX_WAIT_RESTART,
                         want & (WANT_STOPPED | WANT_CONTINUED) ? xsig_posix__deadline_ns(STOP_LOOK_MS * 1000000) : -1,
                         NULL);
    if (r < 0 && r != XSIG_POSIX_TIMEDOUT)
      return -1; /* EINTR: a handler without SA_RESTART ran */
  }
}

static int encode(const struct zombie *z)
{
  const xsig_status_t *st = &z->st;
  if (z->change == CLD_STOPPED)
    return (z->stopsig & 0xff) << 8 | 0x7f;
  if (z->change == CLD_CONTINUED)
    return 0xffff;
  if (st->exited)
    return (st->code & 0xff) << 8;
  return (st->signo & 0x7f) | (st->core ? 0x80 : 0);
}

/* --- wait, waitpid, waitid ----------------------------------------------- */

pid_t waitpid(pid_t pid, int *status, int options)
{
  struct which w;
  struct zombie z;
  int r;
  int64_t id;
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
    return xsig_posix__fail_errno(EINVAL);
  id = pid; /* pid_t has 32 bits on 32-bit Windows, 64 on 64-bit */
  if (id < -INT64_C(0x7fffffff) || id > INT64_C(0x7fffffff))
    return xsig_posix__fail_errno(ECHILD); /* no process has such a number */
  if (xsig_posix__init())
    return -1;
  w.pid = pid > 0 ? pid : 0;
  w.pgid = pid == 0 ? xsig_posix__getpgrp() : pid < -1 ? -(int64_t)pid : 0;
  r = wait_child(&w, WANT_EXITED | (options & WUNTRACED ? WANT_STOPPED : 0) |
                         (options & WCONTINUED ? WANT_CONTINUED : 0),
                 (options & WNOHANG) != 0, 0, &z);
  if (r <= 0)
    return r;
  if (status)
    *status = encode(&z);
  return (pid_t)z.pid;
}

pid_t wait(int *status)
{
  return waitpid(-1, status, 0);
}

static void fill_info(siginfo_t *info, const struct zombie *z)
{
  memset(info, 0, sizeof *info);
  info->si_signo = SIGCHLD;
  info->si_pid = (pid_t)z->pid;
  info->si_uid = xsig_posix__uid();
  if (z->change) {
    info->si_code = z->change;
    info->si_status = z->change == CLD_STOPPED ? z->stopsig : SIGCONT;
  } else if (z->st.exited) {
    info->si_code = CLD_EXITED;
    info->si_status = z->st.code; /* all of it: a Windows exit code has 32 bits */
  } else {
    info->si_code = z->st.core ? CLD_DUMPED : CLD_KILLED;
    info->si_status = z->st.signo;
  }
}

int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
  struct which w;
  struct zombie z;
  int r;
  if (options & ~(WNOHANG | WEXITED | WSTOPPED | WCONTINUED | WNOWAIT))
    return xsig_posix__fail_errno(EINVAL);
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED)) || info == NULL)
    return xsig_posix__fail_errno(EINVAL);
  if ((idtype == P_PID && (id <= 0 || id > 0x7fffffff)) || (idtype == P_PGID && (id < 0 || id > 0x7fffffff)) ||
      (idtype != P_PID && idtype != P_PGID && idtype != P_ALL))
    return xsig_posix__fail_errno(EINVAL);
  if (xsig_posix__init())
    return -1;
  w.pid = idtype == P_PID ? id : 0;
  w.pgid = idtype != P_PGID ? 0 : id == 0 ? xsig_posix__getpgrp() : id;
  memset(info, 0, sizeof *info); /* WNOHANG and nothing: si_pid 0 */
  r = wait_child(&w, (options & WEXITED ? WANT_EXITED : 0) | (options & WSTOPPED ? WANT_STOPPED : 0) |
                         (options & WCONTINUED ? WANT_CONTINUED : 0),
                 (options & WNOHANG) != 0, (options & WNOWAIT) != 0, &z);
  if (r < 0)
    return -1;
  if (r > 0)
    fill_info(info, &z);
  return 0;
}

/* --- the start block ------------------------------------------------------
 * XSIG_POSIX_START=1:PPID:MASK:IGNORED:PGID, MASK and IGNORED as 16 hex
 * digits (bit n-1: signal n), PGID 0 for "a group of its own". The child
 * believes it only if every field is exactly so and PPID is its parent
 * (a block inherited through a program that did not use posix_spawn
 * names another process). */

void xsig_posix__start_block(char *buf, size_t size, uint64_t mask, uint64_t ignored, int64_t pgid)
{
  snprintf(buf, size, "%s=1:%lld:%016llx:%016llx:%lld", XSIG_POSIX_START_VAR, (long long)xsig_getpid(),
           (unsigned long long)mask, (unsigned long long)ignored, (long long)pgid);
}

/* A decimal of 1..10 digits up to 0x7fffffff ending at stop; NULL if not. */
static const char *parse_dec(const char *s, char stop, int64_t *out)
{
  int64_t v = 0;
  int n = 0;
  for (; *s >= '0' && *s <= '9' && n < 11; s++, n++)
    v = v * 10 + (*s - '0');
  if (n == 0 || n > 10 || v > 0x7fffffff || *s != stop)
    return NULL;
  *out = v;
  return s + (stop != 0);
}

static const char *parse_hex(const char *s, uint64_t *out)
{
  uint64_t v = 0;
  int n;
  for (n = 0; n < 16; n++, s++) {
    int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
    if (d < 0)
      return NULL;
    v = v << 4 | (uint64_t)d;
  }
  if (*s != ':')
    return NULL;
  *out = v;
  return s + 1;
}

struct start { int64_t ppid, pgid; uint64_t mask, ignored; };

static int parse_start(const char *s, struct start *st)
{
  if (s == NULL || strlen(s) > 64 || strncmp(s, "1:", 2) != 0)
    return 0;
  s += 2;
  return (s = parse_dec(s, ':', &st->ppid)) != NULL && (s = parse_hex(s, &st->mask)) != NULL &&
         (s = parse_hex(s, &st->ignored)) != NULL && parse_dec(s, 0, &st->pgid) != NULL && st->ppid > 0;
}

static uint64_t valid_bits(uint64_t bits)
{
  int sig;
  for (sig = 1; sig <= 64; sig++)
    if ((bits & XSIG_POSIX_BIT(sig)) && (!xsig_posix__valid(sig) || sig == SIGKILL || sig == SIGSTOP))
      bits &= ~XSIG_POSIX_BIT(sig);
  return bits;
}

void xsig_posix__start_block_apply(void)
{
  char buf[80];
  DWORD n = GetEnvironmentVariableA(XSIG_POSIX_START_VAR, buf, sizeof buf);
  struct start st;
  sigset_t set;
  int sig;
  if (n == 0)
    return;
  SetEnvironmentVariableA(XSIG_POSIX_START_VAR, NULL); /* not for our own children */
  _putenv(XSIG_POSIX_START_VAR "=");
  if (n >= sizeof buf || !parse_start(buf, &st) || st.ppid != xsig_getppid())
    return;
  xsig_posix__pgrp_start(st.pgid ? st.pgid : xsig_getpid());
  st.ignored = valid_bits(st.ignored);
  for (sig = 1; sig <= 64; sig++)
    if (st.ignored & XSIG_POSIX_BIT(sig))
      signal(sig, SIG_IGN);
  xsig_posix__set_bits(&set, valid_bits(st.mask));
  sigprocmask(SIG_SETMASK, &set, NULL);
}
