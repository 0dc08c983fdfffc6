/* SPDX-License-Identifier: MIT */
/* qemu-user's gap behind test/CMakeLists.txt's entry for
 * posix_shutdown_waits_for_trampolines, shown without xsig: one thread
 * sends USR1 to the process all along while main flips USR1 between
 * SIG_IGN and a handler 400 times. Natively it always ends ("ok N");
 * under qemu-aarch64 7.2 it ends with "qemu: uncaught target signal 11"
 * in 8 runs of 10 here (2026-12-07).
 *   aarch64-linux-gnu-gcc -O1 -pthread -o flip scripts/qemu-sigaction-flip.c
 *   for i in $(seq 10); do QEMU_LD_PREFIX=/usr/aarch64-linux-gnu ./flip; done */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static atomic_int stop, handled;
static void on(int s, siginfo_t *si, void *uc) { (void)s; (void)si; (void)uc; atomic_fetch_add(&handled, 1); }
static void *flood(void *a) { (void)a; while (!atomic_load(&stop)) kill(getpid(), SIGUSR1); return NULL; }
int main(void)
{
  pthread_t t; int i; struct sigaction sa, ign;
  memset(&sa, 0, sizeof sa); memset(&ign, 0, sizeof ign);
  sa.sa_sigaction = on; sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK; sigfillset(&sa.sa_mask);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGUSR1, &ign, NULL);
  pthread_create(&t, NULL, flood, NULL);
  for (i = 0; i < 400; i++) {
    struct timespec ts = {0, 1000000};
    sigaction(SIGUSR1, &sa, NULL);
    nanosleep(&ts, NULL);
    sigaction(SIGUSR1, &ign, NULL);
  }
  atomic_store(&stop, 1); pthread_join(t, NULL);
  printf("ok %d\n", atomic_load(&handled));
  return 0;
}
