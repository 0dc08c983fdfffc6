/* SPDX-License-Identifier: MIT */
/* An event loop that takes signals through xsig_waitable(): the signal is
 * one more source next to the program's own (here: standard input).
 *   POSIX: poll() on the fd;  Windows: WaitForMultipleObjects() on the HANDLE.
 * Try it: run it, type lines, then press Ctrl-C (or send it TERM/HUP). */
#include <stdio.h>
#include <string.h>
#include "xsig.h"
#ifdef _WIN32
# include <windows.h>
#else
# include <poll.h>
# include <unistd.h>
#endif

static int running = 1;

static void on_signal(int sig, const xsig_info_t *info, void *arg)
{
  char name[16];
  (void)arg;
  xsig_name(sig, name, sizeof name);
  printf("loop: %s (from pid %lld); %s\n", name, (long long)info->pid,
         sig == XSIG_HUP ? "reloading" : "leaving the loop");
  if (sig != XSIG_HUP)
    running = 0;
}

/* Waits for input or a signal; returns 1 if input is ready. */
static int wait_for_sources(void)
{
#ifdef _WIN32
  HANDLE hs[2];
  hs[0] = xsig_waitable();
  hs[1] = GetStdHandle(STD_INPUT_HANDLE);
  return WaitForMultipleObjects(2, hs, FALSE, INFINITE) == WAIT_OBJECT_0 + 1;
#else
  struct pollfd p[2];
  p[0].fd = xsig_waitable();
  p[0].events = POLLIN;
  p[1].fd = 0;
  p[1].events = POLLIN;
  if (poll(p, 2, -1) <= 0)
    return 0;
  return (p[1].revents & (POLLIN | POLLHUP)) != 0;
#endif
}

int main(void)
{
  char line[256];
  if (xsig_init() != 0)
    return 1;
  xsig_handle(XSIG_INT, on_signal);
  xsig_handle(XSIG_TERM, on_signal);
  xsig_handle(XSIG_HUP, on_signal);
  while (running) {
    int input = wait_for_sources();
    xsig_dispatch(); /* handlers run here, on the loop's thread */
    if (running && input) {
      if (fgets(line, sizeof line, stdin) == NULL)
        break;
      printf("loop: read %s", line);
    }
  }
  xsig_shutdown();
  return 0;
}
