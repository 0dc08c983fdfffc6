/* SPDX-License-Identifier: MIT */
/* A supervisor, as a program would write it with xsig, once for Windows and
 * POSIX: it starts N workers, restarts one that crashes (saying how it
 * ended), and on TERM or Ctrl-C stops them all under one deadline.
 *   xsig-supervisor [N]           N workers (1..16, default 3); worker 1
 *                                 crashes once, 300 ms after it starts
 *   xsig-supervisor --worker ID [crash]   one worker (what it starts)
 * Exits 0 when every worker stopped by itself on TERM, 1 when one had to
 * be killed, 2 on a usage or start error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsig.h"

#define MAX_WORKERS 16
#define GRACE_MS 5000

struct worker {
  int id;
  xsig_process_t *p; /* NULL once it ended for good */
};

static struct worker workers[MAX_WORKERS];
static int nworkers;
static char *self;
static volatile int stopping;

/* One line, written at once: the workers share our output, and an
 * unbuffered stream would mix their lines with ours character by
 * character (Windows' C runtime writes it so). */
static void say(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fflush(stdout);
}

static void on_stop(int sig, const xsig_info_t *info, void *arg)
{
  char name[16];
  (void)arg;
  xsig_name(sig, name, sizeof name);
  say("supervisor: %s from pid %lld, stopping every worker\n", name, (long long)info->pid);
  stopping = 1;
}

/* CHLD coalesces: one call may stand for several children, so this only
 * says what it saw; xsig_wait_child below takes each child once. */
static void on_child(int sig, const xsig_info_t *info, void *arg)
{
  xsig_status_t st;
  char text[128] = "stopped or continued";
  (void)sig, (void)arg;
  if (xsig_status_from_info(info, &st) == 0)
    xsig_status_format(&st, text, sizeof text);
  say("supervisor: CHLD: pid %lld %s\n", (long long)info->pid, text);
}

static int start(struct worker *w, int crash)
{
  char id[16];
  char *argv[5];
  int err;
  snprintf(id, sizeof id, "%d", w->id);
  argv[0] = self;
  argv[1] = (char *)"--worker";
  argv[2] = id;
  argv[3] = crash ? (char *)"crash" : NULL;
  argv[4] = NULL;
  err = xsig_spawn(self, argv, 0, &w->p);
  if (err) {
    fprintf(stderr, "supervisor: cannot start worker %d: %s\n", w->id, xsig_strerror(err));
    w->p = NULL;
    return err;
  }
  say("supervisor: worker %d started, pid %lld\n", w->id, (long long)xsig_process_pid(w->p));
  return 0;
}

static struct worker *find(int64_t pid)
{
  int i;
  for (i = 0; i < nworkers; i++)
    if (workers[i].p && xsig_process_pid(workers[i].p) == pid)
      return &workers[i];
  return NULL;
}

/* Takes every child that has ended; restarts it unless we are stopping.
 * Returns how many ended. */
static int collect(int timeout_ms, int *unclean)
{
  xsig_status_t st;
  int64_t pid;
  int n = 0;
  while (xsig_wait_child(n ? 0 : timeout_ms, &pid, &st) == 0) {
    struct worker *w = find(pid);
    char text[128];
    n++;
    xsig_status_format(&st, text, sizeof text);
    if (w == NULL)
      continue;
    say("supervisor: worker %d (pid %lld) %s\n", w->id, (long long)pid, text);
    xsig_process_close(w->p);
    w->p = NULL;
    if (stopping && !(st.exited && st.code == 0))
      *unclean = 1;
    if (!stopping && start(w, 0) == 0)
      say("supervisor: worker %d restarted\n", w->id);
  }
  return n;
}

/* TERM to every worker (and what it started), one deadline for all of
 * them, then KILL to what is left. */
static int stop_all(void)
{
  xsig_process_t *p[MAX_WORKERS];
  xsig_status_t st[MAX_WORKERS];
  int forced[MAX_WORKERS], which[MAX_WORKERS], i, n = 0, unclean = 0;
  char text[128];
  collect(0, &unclean); /* those that ended already */
  for (i = 0; i < nworkers; i++)
    if (workers[i].p) {
      which[n] = i;
      p[n++] = workers[i].p;
    }
  memset(st, 0, sizeof st);
  memset(forced, 0, sizeof forced);
  if (n > 0 && xsig_process_stop_trees(p, n, XSIG_TERM, GRACE_MS, 0, st, forced) != 0)
    unclean = 1;
  for (i = 0; i < n; i++) {
    struct worker *w = &workers[which[i]];
    if (forced[i])
      say("supervisor: worker %d did not stop in %d ms: KILLed\n", w->id, GRACE_MS);
    xsig_status_format(&st[i], text, sizeof text);
    say("supervisor: worker %d (pid %lld) %s\n", w->id, (long long)xsig_process_pid(w->p), text);
    if (forced[i] || !(st[i].exited && st[i].code == 0))
      unclean = 1;
    xsig_process_close(w->p);
    w->p = NULL;
  }
  return unclean;
}

static int supervise(int n)
{
  int i, unclean = 0;
  xsig_handle(XSIG_TERM, on_stop);
  xsig_handle(XSIG_INT, on_stop);
  xsig_handle(XSIG_CHLD, on_child);
  for (i = 0; i < n; i++) {
    workers[i].id = i;
    if (start(&workers[i], i == 1) != 0)
      return 2;
    nworkers++;
  }
  while (!stopping) {
    /* handlers run in here; it returns n = 0 when a child ended */
    if (xsig_wait_many(NULL, 0, XSIG_WAIT_CHILDREN, -1) == 0)
      collect(0, &unclean);
  }
  unclean = stop_all();
  say("supervisor: all workers stopped%s\n", unclean ? " (not all cleanly)" : "");
  return unclean;
}

/* --- a worker ------------------------------------------------------------ */

static volatile int worker_done;
static volatile int zero;

static void on_worker_term(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  worker_done = 1;
}

static int work(const char *id, int crash)
{
  xsig_handle(XSIG_TERM, on_worker_term);
  say("worker %s: ready\n", id);
  if (crash) {
    xsig_sleep(300);
    say("worker %s: crashing\n", id);
    /* no report; a fault ends it with the truth (Windows: its exception
     * code), never a debugger's dialog */
    xsig_crash_report(XSIG_NO_HANDLE);
    *(volatile int *)(size_t)(16 + zero) = 1;
  }
  while (!worker_done)
    xsig_sleep(1000);
  say("worker %s: TERM, cleaned up\n", id);
  return 0;
}

int main(int argc, char **argv)
{
  int n = 3;
  self = argv[0];
  if (xsig_init() != 0)
    return 2;
  if (argc >= 3 && strcmp(argv[1], "--worker") == 0)
    return work(argv[2], argc > 3 && strcmp(argv[3], "crash") == 0);
  if (argc > 2 || (argc == 2 && ((n = atoi(argv[1])) < 1 || n > MAX_WORKERS))) {
    fprintf(stderr, "usage: %s [N]   (N workers, 1 to %d)\n", argv[0], MAX_WORKERS);
    return 2;
  }
  return supervise(n);
}
