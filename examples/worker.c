/* SPDX-License-Identifier: MIT */
/* The worker that `xsig demo` drives; a small example of a program that
 * stops cleanly on TERM, takes queued values, and handles Ctrl-C.
 *   xsig-worker serve      handle TERM (clean up, exit 0), INT/BREAK (re-raise:
 *                          end "by signal"), queued RTMIN values (print them)
 *   xsig-worker tree       serve, after starting a grandchild that ignores TERM
 *   xsig-worker stubborn   ignore TERM (only KILL ends it)
 *   xsig-worker crash      recover from a fault once, then crash with a report
 *   xsig-worker busy       compute without ever dispatching: TERM is handled
 *                          at once on the handler thread */
#include <stdio.h>
#include <string.h>
#include "xsig.h"

static volatile int stop;

static void on_term(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)arg;
  printf("  worker: TERM from pid %lld, cleaning up\n", (long long)info->pid);
  fflush(stdout);
  stop = 1;
}

static void on_interrupt(int sig, const xsig_info_t *info, void *arg)
{
  char name[16];
  (void)info;
  (void)arg;
  xsig_name(sig, name, sizeof name);
  printf("  worker: %s, stopping the way an interrupted program does\n", name);
  fflush(stdout);
  xsig_handle(sig, XSIG_DFL);
  xsig_raise(sig); /* ends "by signal" */
}

static void on_value(int sig, const xsig_info_t *info, void *arg)
{
  char name[16];
  (void)arg;
  xsig_name(sig, name, sizeof name);
  printf("  worker: %s with value %lld from pid %lld\n", name, (long long)info->value, (long long)info->pid);
  fflush(stdout);
}

static int serve(void)
{
  xsig_handle(XSIG_TERM, on_term);
  xsig_handle(XSIG_INT, on_interrupt);
  if (xsig_valid(XSIG_BREAK))
    xsig_handle(XSIG_BREAK, on_interrupt);
  xsig_handle(XSIG_RTMIN, on_value);
  printf("  worker: ready\n");
  fflush(stdout);
  while (!stop)
    xsig_sleep(1000); /* handlers run here, on this thread */
  printf("  worker: cleanup done\n");
  fflush(stdout);
  return 0;
}

/* A long computation that never calls xsig: the handler thread runs the
 * TERM handler meanwhile. */
static int busy(void)
{
  volatile unsigned long rounds = 0;
  xsig_handle(XSIG_TERM, on_term);
  if (xsig_handler_thread_start() != 0)
    return 4;
  printf("  worker: computing, never dispatching\n");
  fflush(stdout);
  while (!stop)
    rounds++;
  printf("  worker: left its loop after TERM, handled on its handler thread\n");
  printf("  worker: cleanup done\n");
  fflush(stdout);
  return 0;
}

static xsig_jmp_buf back;
static xsig_info_t fault;
static volatile int zero;

/* Runs on the faulting thread, in signal context: no stdio here. */
static void on_fault(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)arg;
  fault = *info;
  xsig_longjmp(&back, 1);
}

static void touch_page_zero(void)
{
  *(volatile int *)(size_t)(16 + zero) = 1;
}

static int crash(void)
{
  char name[16];
  xsig_on_fault(XSIG_SEGV, on_fault, NULL);
  if (xsig_setjmp(&back) == 0)
    touch_page_zero();
  xsig_name(fault.signo, name, sizeof name);
  printf("  worker: recovered from %s (%s) at %p\n", name, xsig_fault_describe(fault.signo, fault.subcode),
         fault.addr);
  printf("  worker: now again, with a crash report and no handler\n");
  fflush(stdout);
  xsig_on_fault(XSIG_SEGV, NULL, NULL);
  xsig_crash_report(xsig_std_handle(1)); /* its stdout, which the demo shows */
  touch_page_zero();
  return 0;
}

int main(int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "serve";
  if (xsig_init() != 0)
    return 2;
  if (strcmp(mode, "stubborn") == 0) {
    xsig_handle(XSIG_TERM, XSIG_IGN);
    printf("  grandchild: ignoring TERM\n");
    fflush(stdout);
    for (;;)
      xsig_sleep(1000);
  }
  if (strcmp(mode, "crash") == 0)
    return crash();
  if (strcmp(mode, "busy") == 0)
    return busy();
  if (strcmp(mode, "tree") == 0) {
    char *args[3];
    xsig_process_t *g;
    args[0] = argv[0];
    args[1] = (char *)"stubborn";
    args[2] = NULL;
    if (xsig_spawn(argv[0], args, 0, &g) != 0)
      return 3;
    xsig_process_close(g); /* it runs on: the demo stops the tree */
  }
  return serve();
}
