/* SPDX-License-Identifier: MIT */
/* A daemon's clock, as a POSIX program has it, with no #ifdef: a tick
 * from the alarm timer (setitimer: ALRM every 100 ms), a one-shot
 * deadline from a timer object (timer_create: USR1 with a value, after
 * 250 ms), TERM to stop. The handlers run in the main loop's
 * xsig_sleep, so they may print.
 *   xsig-ticker [TICKS]   stop after TICKS ticks (default 5; 0: at TERM) */
#include <stdio.h>
#include <stdlib.h>
#include <xsig.h>

static int ticks, stopping;

static void on_tick(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  printf("ticker: tick %d\n", ++ticks);
}

static void on_deadline(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)arg;
  printf("ticker: deadline timer %u fired, value %ld, overrun %d\n", (unsigned)info->os_code,
         (long)info->value, info->status);
}

static void on_term(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)arg;
  printf("ticker: TERM from pid %lld: stopping after %d ticks\n", (long long)info->pid, ticks);
  stopping = 1;
}

static int fail(const char *what, int err)
{
  fprintf(stderr, "ticker: %s: %s\n", what, xsig_strerror(err));
  return 1;
}

int main(int argc, char **argv)
{
  xsig_timerval_t every = { 100000, 100000 }, once = { 250000, 0 };
  int want = argc > 1 ? atoi(argv[1]) : 5, deadline, err;
  setvbuf(stdout, NULL, _IONBF, 0);
  if ((err = xsig_init()) != 0)
    return fail("xsig_init", err);
  xsig_handle(XSIG_ALRM, on_tick);
  xsig_handle(XSIG_USR1, on_deadline);
  xsig_handle(XSIG_TERM, on_term);
  if ((deadline = xsig_timer_create(XSIG_USR1, 7)) < 0)
    return fail("xsig_timer_create", deadline);
  if ((err = xsig_timer_settime(deadline, 0, &once, NULL)) != 0 ||
      (err = xsig_setitimer(&every, NULL)) != 0)
    return fail("arming the timers", err);
  printf("ticker: ready\n");
  while (!stopping && (want == 0 || ticks < want))
    xsig_sleep(1000); /* returns early when a handler ran */
  xsig_timer_delete(deadline);
  xsig_alarm(0);
  printf("ticker: done after %d ticks\n", ticks);
  xsig_shutdown();
  return 0;
}
