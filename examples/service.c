/* SPDX-License-Identifier: MIT */
/* A service, as a program would write it with xsig, once for Windows and
 * POSIX: the same binary runs as a Windows service (started by the
 * Service Control Manager) or from a console or a POSIX service manager.
 * It keeps a log, reloads on HUP, and on TERM (the SCM's STOP, SHUTDOWN
 * or PRESHUTDOWN, Ctrl-C's sibling events, or kill) finishes its work and
 * flushes the log before it ends.
 *   xsig-service-example NAME LOG [CODE]   run (as service NAME, when the
 *                                          SCM started it); exit with
 *                                          CODE (default 0) after TERM */
#include <stdio.h>
#include <stdlib.h>
#include "xsig.h"

static volatile int stopping, reloads;
static xsig_info_t stop_info;

static void on_term(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)arg;
  stop_info = *info;
  stopping = 1;
}

static void on_hup(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  reloads++;
}

static const char *door(const xsig_info_t *info)
{
  switch (info->code) {
  case XSIG_SI_SERVICE: return "the service manager";
  case XSIG_SI_CONSOLE: return "the console";
  case XSIG_SI_USER: return "a process";
  default: return "elsewhere";
  }
}

int main(int argc, char **argv)
{
  FILE *log;
  int err, seen_reloads = 0, ticks = 0;
  if (argc < 3) {
    fprintf(stderr, "usage: xsig-service-example NAME LOG [CODE]\n");
    return 2;
  }
  if ((err = xsig_init()) != 0)
    return 2;
  xsig_handle(XSIG_TERM, on_term);
  xsig_handle(XSIG_HUP, on_hup);
  /* as early as possible: the SCM waits 30 s for a service to connect */
  err = xsig_service_start(argv[1], 0);
  if (err != 0 && err != XSIG_ENOSERVICE) {
    fprintf(stderr, "xsig-service-example: %s\n", xsig_strerror(err));
    return 2;
  }
  if ((log = fopen(argv[2], "w")) == NULL)
    return 2;
  fprintf(log, "started %s, pid %lld\n", err == 0 ? "as a service" : "from a console",
          (long long)xsig_getpid());
  fflush(log);
  while (!stopping) {
    xsig_sleep(100); /* handlers run in here */
    if (reloads != seen_reloads) {
      seen_reloads = reloads;
      fprintf(log, "reloaded (%d)\n", seen_reloads);
      fflush(log);
    }
    ticks++;
  }
  fprintf(log, "TERM from %s (event %d), %s\n", door(&stop_info), stop_info.event,
          stop_info.deadline_us ? "with a deadline" : "no deadline given");
  /* the last of the work takes a while: the service manager is told we
   * are still stopping, with a new checkpoint every second */
  xsig_sleep(2500);
  fprintf(log, "flushed after %d ticks\n", ticks);
  fclose(log);
  return argc > 3 ? atoi(argv[3]) : 0;
}
