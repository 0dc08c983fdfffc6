/* SPDX-License-Identifier: MIT */
/* qemu-user's gap behind test/CMakeLists.txt's entry for
 * concurrency_churn_while_signals_arrive, shown without xsig: handlers for
 * USR1/USR2, threads that come and go while they change the mask and the
 * USR2 handler, and two processes that flood this one with signals.
 * Natively it always ends ("rounds N handled M"); under qemu-aarch64 7.2 it
 * ends with "qemu: uncaught target signal 11" in about 1 run of 11 here
 * (14 of 148, 2026-12-02).
 *   aarch64-linux-gnu-gcc -O1 -pthread -o churn scripts/qemu-signal-churn.c
 *   for i in $(seq 30); do QEMU_LD_PREFIX=/usr/aarch64-linux-gnu ./churn; done */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static atomic_int handled, stop;
static void on_sig(int s) { (void)s; atomic_fetch_add(&handled, 1); }
static void *churn(void *a)
{
  sigset_t s; int i = 0; struct sigaction sa = {0};
  (void)a; sigemptyset(&s); sigaddset(&s, SIGUSR1);
  while (!atomic_load(&stop)) {
    sa.sa_handler = (i & 1) ? on_sig : SIG_IGN;
    sigaction(SIGUSR2, &sa, NULL);
    pthread_sigmask((i & 2) ? SIG_BLOCK : SIG_UNBLOCK, &s, NULL);
    i++;
  }
  return NULL;
}
int main(void)
{
  struct sigaction sa = {0}; pid_t me = getpid(), kids[2]; int k, round = 0;
  struct timespec t0, t; sa.sa_handler = on_sig;
  sigaction(SIGUSR1, &sa, NULL); sigaction(SIGUSR2, &sa, NULL);
  for (k = 0; k < 2; k++)
    if ((kids[k] = fork()) == 0) { /* until this process is gone */
      while (kill(me, k ? SIGUSR2 : SIGUSR1) == 0) {
      }
      _exit(0);
    }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do {
    pthread_t th[2]; atomic_store(&stop, 0);
    pthread_create(&th[0], NULL, churn, NULL); pthread_create(&th[1], NULL, churn, NULL);
    usleep(20000); atomic_store(&stop, 1);
    pthread_join(th[0], NULL); pthread_join(th[1], NULL); round++;
    clock_gettime(CLOCK_MONOTONIC, &t);
  } while (t.tv_sec - t0.tv_sec < 2);
  for (k = 0; k < 2; k++) { kill(kids[k], SIGKILL); waitpid(kids[k], NULL, 0); }
  printf("rounds %d handled %d\n", round, atomic_load(&handled));
  return 0;
}
