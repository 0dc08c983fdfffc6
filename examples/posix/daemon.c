/* SPDX-License-Identifier: MIT */
/* A Unix daemon written only against POSIX headers: the same file builds
 * with plain `cc` on Linux and, for Windows, with
 *   x86_64-w64-mingw32-gcc daemon.c $(pkg-config --cflags --libs xsig-posix)
 * (no #ifdef). It leads a process group of its own, keeps WORKERS workers
 * running (posix_spawn of itself), reaps them on SIGCHLD (waitpid), starts
 * a new generation on SIGHUP, and on SIGTERM sends TERM to its group, waits
 * for its workers under an alarm() watchdog, and exits 0.
 *
 *   xsig-posix-daemon LOG [WORKERS]   the daemon (WORKERS 1..8, default 2);
 *                                     it appends one line per event to LOG
 *   xsig-posix-daemon --worker LOG    one worker (what the daemon starts)
 *
 * Exit status: 0 when every worker left on TERM, 1 when the watchdog had
 * to kill them, 2 on a usage or set-up error.
 *
 * Its main loop is the classic race-free one: TERM, HUP, CHLD and ALRM are
 * blocked except inside sigsuspend(), so a signal that comes between the
 * checks and the wait is not lost. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 8
#define STOP_GRACE_S 5  /* the watchdog: workers that outlive it get KILL */
#define HEARTBEAT_S 30  /* alarm while running: a line saying it lives */

extern char **environ;

static volatile sig_atomic_t got_term, got_hup, got_chld, got_alrm;
static const char *log_path;
static char *self;
static pid_t workers[MAX_WORKERS];
static int nworkers;

static void note(int sig)
{
  if (sig == SIGTERM)
    got_term = 1;
  else if (sig == SIGHUP)
    got_hup = 1;
  else if (sig == SIGCHLD)
    got_chld = 1;
  else if (sig == SIGALRM)
    got_alrm = 1;
}

/* One line per event, appended and flushed at once (the workers write to
 * the same file). */
static void say(const char *fmt, ...)
{
  va_list ap;
  FILE *f = fopen(log_path, "a");
  if (!f)
    return;
  fprintf(f, "[%ld] ", (long)getpid());
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fputc('\n', f);
  fclose(f);
}

static int catch_signal(int sig, int flags)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = note;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = flags;
  return sigaction(sig, &sa, NULL);
}

static pid_t start_worker(void)
{
  char *argv[4];
  pid_t pid;
  int r;
  argv[0] = self;
  argv[1] = (char *)"--worker";
  argv[2] = (char *)log_path;
  argv[3] = NULL;
  r = posix_spawn(&pid, self, NULL, NULL, argv, environ);
  if (r != 0) {
    say("cannot start a worker: %s", strerror(r));
    return -1;
  }
  say("started worker %ld", (long)pid);
  return pid;
}

static int slot_of(pid_t pid)
{
  int i;
  for (i = 0; i < nworkers; i++)
    if (workers[i] == pid)
      return i;
  return -1;
}

static int running_workers(void)
{
  int i, n = 0;
  for (i = 0; i < nworkers; i++)
    n += workers[i] > 0;
  return n;
}

/* Every child that ended: say how, and restart it unless stopping. */
static void reap(int stopping)
{
  int status, i;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (WIFEXITED(status))
      say("reaped worker %ld: exit %d", (long)pid, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
      say("reaped worker %ld: signal %d", (long)pid, WTERMSIG(status));
    i = slot_of(pid);
    if (i < 0)
      continue;
    workers[i] = 0;
    if (!stopping)
      workers[i] = start_worker();
  }
}

/* HUP: a new generation. TERM to each current worker; their SIGCHLD brings
 * the replacements. */
static void reload(void)
{
  int i;
  say("HUP: restarting %d workers", running_workers());
  for (i = 0; i < nworkers; i++)
    if (workers[i] > 0)
      kill(workers[i], SIGTERM);
}

/* TERM: to the whole group (us included: ignored here first), then wait
 * for the workers with the alarm as the watchdog. */
static int shut_down(const sigset_t *wait_mask)
{
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGTERM, &ign, NULL);
  say("TERM: stopping %d workers", running_workers());
  if (kill(0, SIGTERM) != 0)
    say("kill(0, SIGTERM): %s", strerror(errno));
  got_alrm = 0;
  alarm(STOP_GRACE_S);
  for (;;) {
    reap(1);
    if (running_workers() == 0)
      break;
    if (got_alrm) {
      int i;
      say("watchdog: %d workers still running after %d s; KILL to the group",
          running_workers(), STOP_GRACE_S);
      kill(0, SIGKILL); /* ends us too: the log says why */
      say("kill(0, SIGKILL): %s; KILL to each worker", strerror(errno));
      for (i = 0; i < nworkers; i++)
        if (workers[i] > 0)
          kill(workers[i], SIGKILL);
      return 1;
    }
    sigsuspend(wait_mask);
  }
  alarm(0);
  say("exit: all workers reaped");
  return 0;
}

static int run_daemon(int n)
{
  sigset_t block, wait_mask;
  int i;
  if (setpgid(0, 0) != 0)
    say("setpgid: %s (TERM at exit goes to the group we are in)", strerror(errno));
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  sigaddset(&block, SIGCHLD);
  sigaddset(&block, SIGALRM);
  sigprocmask(SIG_BLOCK, &block, &wait_mask);
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGHUP);
  sigdelset(&wait_mask, SIGCHLD);
  sigdelset(&wait_mask, SIGALRM);
  if (catch_signal(SIGTERM, 0) || catch_signal(SIGHUP, 0) ||
      catch_signal(SIGCHLD, SA_NOCLDSTOP) || catch_signal(SIGALRM, 0)) {
    say("sigaction: %s", strerror(errno));
    return 2;
  }
  nworkers = n;
  for (i = 0; i < n; i++)
    workers[i] = start_worker();
  say("ready: pid %ld, group %ld, %d workers", (long)getpid(), (long)getpgrp(), n);
  alarm(HEARTBEAT_S);
  for (;;) {
    if (got_term)
      return shut_down(&wait_mask);
    if (got_chld) {
      got_chld = 0;
      reap(0);
    }
    if (got_hup) {
      got_hup = 0;
      reload();
    }
    if (got_alrm) {
      got_alrm = 0;
      say("heartbeat: %d workers", running_workers());
      alarm(HEARTBEAT_S);
    }
    sigsuspend(&wait_mask);
  }
}

/* A worker: waits for work (here: for nothing) until TERM, then says so
 * and exits 0. It starts with the daemon's mask (TERM blocked), so no TERM
 * is lost between its check and its wait. */
static int run_worker(void)
{
  sigset_t none;
  sigemptyset(&none);
  if (catch_signal(SIGTERM, 0) != 0)
    return 2;
  say("worker up");
  while (!got_term)
    sigsuspend(&none);
  say("worker: TERM, leaving");
  return 0;
}

int main(int argc, char **argv)
{
  self = argv[0];
  if (argc == 3 && strcmp(argv[1], "--worker") == 0) {
    log_path = argv[2];
    return run_worker();
  }
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s LOG [WORKERS]\n", argv[0]);
    return 2;
  }
  log_path = argv[1];
  {
    int n = argc == 3 ? atoi(argv[2]) : 2;
    if (n < 1 || n > MAX_WORKERS) {
      fprintf(stderr, "%s: WORKERS must be 1..%d\n", argv[0], MAX_WORKERS);
      return 2;
    }
    return run_daemon(n);
  }
}
