/* SPDX-License-Identifier: MIT */
/* Other processes, children and trees: every public function's checks and
 * flow, once. The platforms provide the xsig__os_send / xsig__os_process_*
 * / xsig__os_tree_* primitives (src/internal.h has the list). */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* How long KILL may take to empty a tree, and the leader to be reaped. */
#define KILL_WAIT_MS 10000

int xsig__check_send(int64_t pid, int sig, int flags)
{
  int err = sig == 0 ? 0 : xsig__check(sig);
  if (err)
    return err;
  if (flags & ~(XSIG_SEND_VALUE | XSIG_SEND_FORCE | XSIG_SEND_CTRL_C_FIRST))
    return XSIG_EINVAL;
  if (pid == -1 || pid > 0x7fffffff || pid < -0x7fffffff)
    return XSIG_EINVAL; /* -1 would be every process: refused */
  if ((flags & XSIG_SEND_VALUE) && pid <= 0)
    return XSIG_EINVAL; /* sigqueue takes one process */
  return 0;
}

int xsig_send(int64_t pid, int sig, intptr_t value, int flags, int *via)
{
  int err = xsig__check_send(pid, sig, flags);
  return err ? err : xsig__os_send(pid, sig, value, flags, via);
}

int xsig_kill(int64_t pid, int sig)
{
  return xsig_send(pid, sig, 0, 0, NULL);
}

int xsig_queue(int64_t pid, int sig, intptr_t value)
{
  return xsig_send(pid, sig, value, XSIG_SEND_VALUE, NULL);
}

int xsig_killpg(int64_t pgid, int sig)
{
  if (pgid <= 1)
    return XSIG_EINVAL;
  return xsig_send(-pgid, sig, 0, 0, NULL);
}

const char *xsig_via_name(int via)
{
  static const char *const names[] = {
    "nothing to do", "kernel", "xsig transport", "console control event",
    "CtrlRoutine thread", "WM_CLOSE", "TerminateProcess", "NtSuspendProcess",
    "NtResumeProcess", "minidump, then TerminateProcess", "Ctrl-C by a CtrlRoutine thread",
  };
  if (via < 0 || via >= (int)(sizeof names / sizeof names[0]))
    return "unknown";
  return names[via];
}

/* --- a process held open ------------------------------------------------ */

int xsig_process_open(int64_t pid, xsig_process_t **out)
{
  xsig_process_t *p;
  int err;
  if (out == NULL || pid <= 0 || pid > 0x7fffffff)
    return XSIG_EINVAL;
  p = calloc(1, sizeof *p);
  if (p == NULL)
    return XSIG_ENOMEM;
  p->pid = pid;
  err = xsig__os_process_open(p);
  if (err == 0 && !xsig__os_process_alive(p)) {
    xsig__os_process_close(p);
    err = XSIG_ESRCH;
  }
  if (err) {
    free(p);
    return err;
  }
  *out = p;
  return 0;
}

/* Once its status is taken the pid may belong to another process. */
int xsig_process_send(xsig_process_t *p, int sig, intptr_t value, int flags, int *via)
{
  int err;
  if (p == NULL)
    return XSIG_EINVAL;
  err = xsig__check_send(p->pid, sig, flags);
  if (err)
    return err;
  if (xsig__child_reaped(p))
    return XSIG_ESRCH;
  return xsig__os_process_send(p, sig, value, flags, via);
}

int64_t xsig_process_pid(const xsig_process_t *p)
{
  return p ? p->pid : 0;
}

int xsig_process_alive(xsig_process_t *p)
{
  if (p == NULL)
    return XSIG_EINVAL;
  return xsig__child_reaped(p) ? 0 : xsig__os_process_alive(p);
}

void xsig_process_close(xsig_process_t *p)
{
  if (p == NULL || (p->child && xsig__child_detach(p)))
    return;
  xsig__os_process_close(p);
  free(p);
}

/* --- children ----------------------------------------------------------- */

/* Every string "NAME=value" with a name. */
static int check_envp(char *const *envp)
{
  size_t i;
  if (envp == NULL)
    return 0;
  for (i = 0; envp[i]; i++) {
    const char *eq = strchr(envp[i], '=');
    if (eq == NULL || eq == envp[i])
      return XSIG_EINVAL;
  }
  return 0;
}

static int check_spawn(const char *file, char *const argv[], const xsig_spawn_options_t *o,
                       xsig_process_t **out)
{
  if (file == NULL || argv == NULL || argv[0] == NULL || out == NULL || o == NULL ||
      (o->flags & ~(XSIG_SPAWN_NEW_GROUP | XSIG_SPAWN_CTRL_C_ON)))
    return XSIG_EINVAL;
  if ((o->flags & XSIG_SPAWN_CTRL_C_ON) && !(o->flags & XSIG_SPAWN_NEW_GROUP))
    return XSIG_EINVAL; /* without a group of its own it has this process's switch */
  if (o->pgid < 0 || o->pgid > 0x7fffffff || (o->pgid > 0 && (o->flags & XSIG_SPAWN_NEW_GROUP)))
    return XSIG_EINVAL;
  if (o->nfds < 0 || o->nfds > XSIG_SPAWN_FDS_MAX || (o->nfds > 0 && o->fds == NULL))
    return XSIG_EINVAL;
  if (o->reserved[0] || o->reserved[1] || o->reserved[2] || o->reserved[3])
    return XSIG_EINVAL; /* a later version's option, which this one cannot honour */
  return check_envp(o->envp);
}

int xsig_spawn_with(const char *file, char *const argv[], const xsig_spawn_options_t *opt,
                    xsig_process_t **out)
{
  xsig_process_t *p;
  int err = check_spawn(file, argv, opt, out);
  if (err)
    return err;
  p = calloc(1, sizeof *p);
  if (p == NULL)
    return XSIG_ENOMEM;
  err = xsig__os_spawn(file, argv, opt, p);
  if (err) {
    free(p);
    return err;
  }
  p->child = 1;
  xsig__child_list(p);
  *out = p;
  return 0;
}

int xsig_spawn(const char *file, char *const argv[], int flags, xsig_process_t **out)
{
  xsig_spawn_options_t o;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  return xsig_spawn_with(file, argv, &o, out);
}

int64_t xsig_process_group(const xsig_process_t *p)
{
  return p ? p->pgid : 0;
}

xsig_os_handle_t xsig_process_waitable(const xsig_process_t *p)
{
  return p ? xsig__os_process_waitable(p) : XSIG_NO_HANDLE;
}

int xsig_process_wait(xsig_process_t *p, int timeout_ms, xsig_status_t *st)
{
  if (p == NULL)
    return XSIG_EINVAL;
  if (!p->child)
    return XSIG_ECHILD;
  if (!xsig__child_reap(p, timeout_ms))
    return XSIG_ETIMEDOUT;
  return xsig__child_take(p, st);
}

/* --- trees -------------------------------------------------------------- */

/* The clock of a tree stop's deadline: a grace is promised whole, and
 * Windows' millisecond tick moves in steps of about 16 ms. */
static int64_t tree_now_ms(void)
{
  return xsig__os_now_us() / 1000;
}

/* Members a leaf-first stop looks after, over all its trees. */
#define LEAF_FIRST_MAX 1024

/* Waits until every tree's leader is reaped and nothing of its tree runs,
 * or the deadline; gone[i] says which are. Returns 1 if all are. */
static int wait_trees_gone(xsig_process_t *const *t, int n, int64_t deadline, char *gone)
{
  for (;;) {
    int i, running = -1;
    int64_t left;
    for (i = 0; i < n; i++) {
      if (!gone[i] && xsig__child_reap(t[i], 0) && xsig__os_tree_gone(t[i]))
        gone[i] = 1;
      if (!gone[i] && running < 0)
        running = i;
    }
    if (running < 0)
      return 1;
    left = deadline - tree_now_ms();
    if (left <= 0)
      return 0;
    /* on a leader while it runs, then a short nap for the rest */
    if (xsig__child_reap(t[running], left < 2 ? (int)left : 2))
      xsig__os_nap(1);
  }
}

/* Stopped members can act on sig only once continued (systemd does the
 * same); not for KILL, CONT itself, or a signal that stops. */
static int needs_cont(int sig)
{
  return sig != XSIG_KILL && sig != XSIG_CONT && xsig__dfl_kind(sig) != XSIG__DFL_STOP;
}

static int check_trees(xsig_process_t *const *t, int n, int sig, int grace_ms, int flags)
{
  int i, err = xsig__check(sig); /* 0 too: the signal is named, never implied */
  if (t == NULL || n <= 0)
    return XSIG_EINVAL;
  for (i = 0; i < n; i++)
    if (t[i] == NULL)
      return XSIG_EINVAL;
  if (err || grace_ms < 0 || (flags & ~XSIG_STOP_LEAF_FIRST))
    return err ? err : XSIG_EINVAL;
  for (i = 0; i < n; i++)
    if (!t[i]->child)
      return XSIG_ECHILD;
  return 0;
}

/* After the grace: KILL to every tree still running, then the leaders'
 * statuses; the first error is returned, every tree is seen to. */
static int kill_and_reap(xsig_process_t *const *t, int n, char *gone, xsig_status_t *st, int *forced)
{
  int i, err = 0, r;
  for (i = 0; i < n; i++) {
    int left = gone[i] ? 0 : xsig__os_tree_count(t[i]);
    if (forced)
      forced[i] = gone[i] ? 0 : left > 0 ? left : left < 0 ? -1 : 1; /* 0 counted: gone meanwhile */
    if (!gone[i])
      xsig__os_tree_kill(t[i]);
  }
  if (!wait_trees_gone(t, n, tree_now_ms() + KILL_WAIT_MS, gone))
    err = XSIG_ETIMEDOUT;
  for (i = 0; i < n; i++) {
    r = gone[i] ? xsig_process_wait(t[i], KILL_WAIT_MS, st ? &st[i] : NULL) : XSIG_ETIMEDOUT;
    if (r != 0 && err == 0)
      err = r;
  }
  return err;
}

/* The members of every tree below its leader, held open (a pid reused
 * meanwhile is never signalled), with their depth. */
struct members {
  xsig_process_t *p[LEAF_FIRST_MAX];
  int depth[LEAF_FIRST_MAX];
  int n, deepest;
};

static int list_members(xsig_process_t *const *t, int n, struct members *m)
{
  int64_t pids[LEAF_FIRST_MAX];
  int depth[LEAF_FIRST_MAX], i, k, got;
  m->n = m->deepest = 0;
  for (i = 0; i < n; i++) {
    if (xsig__child_reaped(t[i]))
      continue;
    got = xsig__os_descendants(t[i]->pid, pids, depth, LEAF_FIRST_MAX - m->n);
    if (got == XSIG_ENOSYS)
      return got;
    for (k = 0; k < got; k++)
      if (xsig_process_open(pids[k], &m->p[m->n]) == 0) {
        m->depth[m->n] = depth[k];
        m->deepest = depth[k] > m->deepest ? depth[k] : m->deepest;
        m->n++;
      }
  }
  return 0;
}

static int depth_running(const struct members *m, int d)
{
  int i;
  for (i = 0; i < m->n; i++)
    if (m->depth[i] == d && xsig_process_alive(m->p[i]) == 1)
      return 1;
  return 0;
}

/* Deepest first: each depth gets sig, then until it is gone or its share
 * of what is left of the grace (the leaders count as one more depth). */
static void ask_leaf_first(xsig_process_t *const *t, int n, int sig, int64_t deadline, struct members *m)
{
  int d, i;
  for (d = m->deepest; d >= 1; d--) {
    int64_t until = tree_now_ms() + (deadline - tree_now_ms()) / (d + 1);
    for (i = 0; i < m->n && tree_now_ms() < deadline; i++)
      if (m->depth[i] == d) { /* past the deadline the rest get KILL */
        xsig_process_send(m->p[i], sig, 0, 0, NULL);
        if (needs_cont(sig))
          xsig_process_send(m->p[i], XSIG_CONT, 0, 0, NULL);
      }
    while (depth_running(m, d) && tree_now_ms() < until)
      xsig__os_nap(2);
  }
  for (i = 0; i < n; i++) {
    xsig_process_send(t[i], sig, 0, 0, NULL);
    if (needs_cont(sig))
      xsig_process_send(t[i], XSIG_CONT, 0, 0, NULL);
  }
}

int xsig_process_stop_trees(xsig_process_t *const *t, int n, int sig, int grace_ms, int flags,
                            xsig_status_t *st, int *forced)
{
  char *gone;
  int i, err = check_trees(t, n, sig, grace_ms, flags);
  int64_t deadline;
  if (err)
    return err;
  if ((gone = calloc((size_t)n, 1)) == NULL)
    return XSIG_ENOMEM;
  if (flags & XSIG_STOP_LEAF_FIRST) {
    struct members *m = malloc(sizeof *m);
    deadline = tree_now_ms() + grace_ms; /* listing the trees counts too */
    if (m == NULL || (err = list_members(t, n, m)) != 0) {
      free(m);
      free(gone);
      return m ? err : XSIG_ENOMEM; /* nothing sent */
    }
    ask_leaf_first(t, n, sig, deadline, m);
    for (i = 0; i < m->n; i++)
      xsig_process_close(m->p[i]);
    free(m);
  } else {
    for (i = 0; i < n; i++) /* all asked before any is waited for: one grace for all */
      xsig__os_tree_send(t[i], sig, needs_cont(sig));
    deadline = tree_now_ms() + grace_ms; /* every tree has the whole grace */
  }
  if (grace_ms > 0) /* no grace: no need to look */
    wait_trees_gone(t, n, deadline, gone);
  err = kill_and_reap(t, n, gone, st, forced);
  free(gone);
  return err;
}

int xsig_process_stop_tree(xsig_process_t *p, int sig, int grace_ms, xsig_status_t *st, int *forced)
{
  if (p == NULL)
    return XSIG_EINVAL;
  return xsig_process_stop_trees(&p, 1, sig, grace_ms, 0, st, forced);
}

int64_t xsig_getpid(void)
{
  return xsig__os_getpid();
}

int64_t xsig_getppid(void)
{
  return xsig__os_getppid();
}

int xsig_process_list(xsig_proc_entry_t *out, int max)
{
  if (max < 0 || (out == NULL && max > 0))
    return XSIG_EINVAL;
  return xsig__os_process_list(out, max);
}

/* Another process's text, printable: control characters become '?'. */
static void printable(char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      *s = '?';
}

int xsig_process_cmdline(int64_t pid, char *buf, size_t size)
{
  int n;
  if (pid <= 0 || (buf == NULL && size > 0))
    return XSIG_EINVAL;
  n = xsig__os_process_cmdline(pid, buf, size);
  if (n >= 0 && size > 0)
    printable(buf);
  return n;
}

int xsig_process_descendants(int64_t pid, int64_t *out, int max)
{
  if (pid <= 0 || pid > 0x7fffffff || max < 0 || (out == NULL && max > 0))
    return XSIG_EINVAL;
  return xsig__os_descendants(pid, out, NULL, max);
}
