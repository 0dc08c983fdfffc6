/* SPDX-License-Identifier: MIT */
/* A filter that spends its life blocked in fgets(), as most command-line
 * programs do, and still stops at once on INT or TERM, with no #ifdef:
 * - XSIG_INTERRUPT makes the blocked fgets() return (POSIX: EINTR;
 *   Windows: the read is cancelled);
 * - the handler thread runs the handler at once, even while main is busy
 *   (the progress line on USR1 shows it: main never dispatches for it);
 * - after an interrupted read, xsig_dispatch() returns once the handler
 *   of what interrupted it has run, so the flag below is set by then.
 * A signal in the instant before fgets() reaches its read does not
 * interrupt it (as on POSIX): its handler runs, and the next one does.
 *   xsig-line-counter < input   counts lines until end of input, INT or TERM */
#include <stdio.h>
#include <xsig.h>

static volatile int stop_sig;
static volatile long lines; /* read by the progress handler as main counts:
                               the figure may be one line behind */

static void on_stop(int sig, const xsig_info_t *info, void *arg)
{
  (void)info, (void)arg;
  stop_sig = sig;
}

static void on_progress(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  printf("line-counter: %ld lines so far\n", lines);
}

static int fail(const char *what, int err)
{
  fprintf(stderr, "line-counter: %s: %s\n", what, xsig_strerror(err));
  return 1;
}

int main(void)
{
  xsig_action_t stop = { on_stop, NULL, { { 0, 0 } }, XSIG_INTERRUPT };
  char buf[4096], name[32];
  int err;
  setvbuf(stdout, NULL, _IONBF, 0);
  if ((err = xsig_init()) != 0)
    return fail("xsig_init", err);
  if ((err = xsig_action(XSIG_INT, &stop, NULL)) != 0 || (err = xsig_action(XSIG_TERM, &stop, NULL)) != 0 ||
      (err = xsig_handle(XSIG_USR1, on_progress)) != 0)
    return fail("xsig_action", err);
  if ((err = xsig_handler_thread_start()) != 0)
    return fail("xsig_handler_thread_start", err);
  printf("line-counter: ready\n");
  while (!stop_sig) {
    if (fgets(buf, sizeof buf, stdin)) {
      lines++;
      continue;
    }
    if (feof(stdin))
      break;
    clearerr(stdin); /* interrupted */
    xsig_dispatch(); /* its handler has run when this returns */
  }
  if (stop_sig && xsig_name(stop_sig, name, sizeof name) > 0)
    printf("line-counter: %s after %ld lines\n", name, lines);
  else
    printf("line-counter: end of input after %ld lines\n", lines);
  xsig_shutdown();
  return 0;
}
