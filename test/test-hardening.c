/* SPDX-License-Identifier: MIT */
/* Hardening: concurrency while signals arrive, and a receiver that goes away
 * in the middle of a stream of signals. */
#include "task.h"
#ifdef _WIN32
#include <windows.h>
#endif

static int handled; /* touched by handlers on several threads: atomics */
static void on_sig(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  test_atomic_add(&handled, 1);
}

static int stop_churn;

/* Installs and removes handlers, changes masks and dispatches, in a loop. */
static void churn(void *arg)
{
  xsig_sigset_t s;
  int i = 0;
  (void)arg;
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_USR1);
  while (!test_atomic_add(&stop_churn, 0)) {
    xsig_handle(XSIG_USR2, (i & 1) ? on_sig : XSIG_IGN);
    xsig_sigmask((i & 2) ? XSIG_BLOCK : XSIG_UNBLOCK, &s, NULL);
    xsig_dispatch();
    i++;
  }
  xsig_sigmask(XSIG_UNBLOCK, &s, NULL);
}

TEST_IMPL(concurrency_churn_while_signals_arrive)
{
  test_proc_t senders[2];
  char pid[32], line[128];
  int64_t end;
  int round = 0, i;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, on_sig));
  ASSERT_OK(xsig_handle(XSIG_USR2, on_sig));
  snprintf(pid, sizeof pid, "%lld", (long long)test_getpid());
  ASSERT_OK(test_spawn_helper3(&senders[0], "storm_sender", pid, "USR1", "kill"));
  ASSERT_OK(test_spawn_helper3(&senders[1], "storm_sender", pid, "USR2", "kill"));
  end = test_now_us() + 2000000;
  /* threads come and go while the senders run */
  while (test_now_us() < end) {
    test_thread_t th[2];
    stop_churn = 0; /* no churn thread runs here */
    ASSERT_OK(test_thread_start(&th[0], churn, NULL));
    ASSERT_OK(test_thread_start(&th[1], churn, NULL));
    xsig_sleep(20);
    test_atomic_add(&stop_churn, 1);
    test_thread_join(&th[0]);
    test_thread_join(&th[1]);
    round++;
  }
  for (i = 0; i < 2; i++) {
    /* Ended mid-stream: whatever they sent was taken or refused, never a
     * hang. (Not waited for: 25,000 signals each take longer than the
     * watchdog allows under Wine on a loaded machine.) */
    if (test_read_line_nowait(&senders[i], line, sizeof line) == 0)
      ASSERT(strncmp(line, "sent", 4) == 0);
    test_kill_hard(&senders[i]);
    test_proc_close(&senders[i]);
  }
  ASSERT_OK(xsig_handle(XSIG_USR1, on_sig));
  xsig_dispatch();
  ASSERT(round > 0);
  ASSERT(test_atomic_add(&handled, 0) > 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* A receiver that exits after its first signal, while we keep sending. */
HELPER_IMPL(exit_on_first)
{
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_handle(XSIG_USR1, on_sig);
  helper_say("ready");
  while (test_atomic_add(&handled, 0) == 0)
    xsig_sleep(1000);
  return 0; /* exits with its transport mid-stream */
}

TEST_IMPL(receiver_exits_mid_stream)
{
  test_proc_t p;
  int64_t deadline;
  int r = 0, sent = 0;
  ASSERT_OK(test_spawn_helper(&p, "exit_on_first", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  deadline = test_now_us() + 30000000;
  /* every send is delivered or says the process is gone; none hangs */
  while (test_now_us() < deadline) {
    r = xsig_kill(p.pid, XSIG_USR1);
    if (r != 0)
      break;
    sent++;
    if (test_wait(&p, 0, NULL) == 0) { /* gone and reaped (POSIX: no zombie) */
      r = xsig_kill(p.pid, XSIG_USR1);
      break;
    }
  }
  ASSERT_EQ(r, XSIG_ESRCH);
  ASSERT(sent >= 1);
  if (!p.reaped)
    ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

#ifdef _WIN32
/* Closes its transport, then ends a moment later, as an exiting receiver
 * does. */
HELPER_IMPL(closing_receiver)
{
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_shutdown();
  helper_say("closed");
  Sleep(20);
  return 0;
}

/* A send that finds no transport and no graceful way, to a process that is
 * ending: it is gone (ESRCH), not "no graceful way" (ENOGRACE). */
TEST_IMPL(send_to_exiting_receiver_is_esrch)
{
  test_proc_t p;
  ASSERT_OK(test_spawn_helper(&p, "closing_receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "closed", NULL, 0, 20000));
  ASSERT_EQ(xsig_kill(p.pid, XSIG_USR1), XSIG_ESRCH);
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}
#endif
