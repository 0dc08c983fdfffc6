/* SPDX-License-Identifier: MIT */
/* Signals between real processes, both platforms. */
#include "task.h"

static volatile int receiver_done;

static void print_handler(int sig, const xsig_info_t *info, void *arg)
{
  (void)arg;
  helper_say("sig=%d code=%d pid=%lld value=%lld", sig, info->code, (long long)info->pid,
             (long long)info->value);
  if (sig == XSIG_TERM)
    receiver_done = 1;
}

/* Prints a line for every signal it gets; TERM ends it cleanly. */
HELPER_IMPL(receiver)
{
  int rt = XSIG_RTMIN + 1;
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_handle(XSIG_TERM, print_handler);
  xsig_handle(XSIG_USR1, print_handler);
  xsig_handle(XSIG_HUP, print_handler);
  xsig_handle(rt, print_handler);
  xsig_handle(XSIG_CONT, print_handler);
  helper_say("ready");
  while (!receiver_done)
    xsig_sleep(1000);
  helper_say("cleanup");
  xsig_shutdown();
  return 0;
}

static void start_receiver(test_proc_t *p)
{
  ASSERT_OK(test_spawn_helper(p, "receiver", NULL, 0));
  ASSERT_OK(test_expect_line(p, "ready", NULL, 0, 20000));
}

TEST_IMPL(kill_catchable_term)
{
  test_proc_t p;
  xsig_status_t st;
  char line[128], want[128];
  int via = -1;
  start_receiver(&p);
  /* XSIG_SEND_CTRL_C_FIRST changes nothing for a receiver that uses xsig,
   * nor on POSIX: TERM is TERM */
  ASSERT_OK(xsig_send(p.pid, XSIG_TERM, 0, XSIG_SEND_CTRL_C_FIRST, &via));
#ifdef _WIN32
  ASSERT_EQ(via, XSIG_VIA_XSIG);
#else
  ASSERT_EQ(via, XSIG_VIA_KERNEL);
#endif
  /* the handler ran, with our pid as the system reports it */
  snprintf(want, sizeof want, "sig=%d code=%d pid=%lld value=0", XSIG_TERM, XSIG_SI_USER,
           (long long)test_getpid());
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, want);
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "cleanup");
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 1); /* it stopped itself: not killed */
  ASSERT_EQ(st.code, 0);
  test_proc_close(&p);
  return 0;
}

TEST_IMPL(queue_values_in_order)
{
  test_proc_t p;
  char line[128], want[128];
  int i, rt = XSIG_RTMIN + 1;
  start_receiver(&p);
  for (i = 0; i < 50; i++)
    ASSERT_OK(xsig_queue(p.pid, rt, 1000 + i));
  for (i = 0; i < 50; i++) {
    snprintf(want, sizeof want, "sig=%d code=%d pid=%lld value=%d", rt, XSIG_SI_QUEUE,
             (long long)test_getpid(), 1000 + i);
    ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
    ASSERT_STR(line, want);
  }
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

/* Blocks USR1, reports what is pending when HUP arrives, then unblocks. */
HELPER_IMPL(blocker)
{
  xsig_sigset_t s, pend;
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_handle(XSIG_USR1, print_handler);
  xsig_handle(XSIG_TERM, print_handler);
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_USR1);
  xsig_sigaddset(&s, XSIG_HUP);
  xsig_sigmask(XSIG_BLOCK, &s, NULL);
  helper_say("ready");
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_HUP);
  xsig_sigwait(&s, 20000, NULL);
  xsig_sigpending(&pend);
  helper_say("pending usr1=%d", xsig_sigismember(&pend, XSIG_USR1));
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_USR1);
  xsig_sigmask(XSIG_UNBLOCK, &s, NULL); /* runs the handler once: coalesced */
  helper_say("unblocked");
  while (!receiver_done)
    xsig_sleep(1000);
  return 0;
}

TEST_IMPL(kill_mask_and_pending_across_processes)
{
  test_proc_t p;
  char line[128];
  ASSERT_OK(test_spawn_helper(&p, "blocker", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1));
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1));
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1));
  ASSERT_OK(xsig_kill(p.pid, XSIG_HUP));
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "pending usr1=1");
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT(strncmp(line, "sig=", 4) == 0 && atoi(line + 4) == XSIG_USR1);
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "unblocked"); /* exactly one USR1 handler run */
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

TEST_IMPL(kill_signal_zero_and_exited)
{
  test_proc_t p;
  xsig_process_t *proc;
  int via = -1;
  start_receiver(&p);
  ASSERT_OK(xsig_send(p.pid, 0, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_NONE);
  ASSERT_OK(xsig_process_open(p.pid, &proc));
  ASSERT_EQ(xsig_process_pid(proc), p.pid);
  ASSERT_EQ(xsig_process_alive(proc), 1);
  ASSERT_OK(xsig_process_send(proc, 0, 0, 0, NULL));
  ASSERT_OK(xsig_process_send(proc, XSIG_USR1, 0, 0, NULL));
  ASSERT_OK(test_expect_line(&p, "sig=", NULL, 0, 20000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, NULL)); /* reaped: its pid is free for reuse */
  /* The process object still names the exited process, not a new owner of
   * the pid: a clean error. */
  ASSERT_EQ(xsig_process_alive(proc), 0);
  ASSERT_EQ(xsig_process_send(proc, XSIG_TERM, 0, 0, NULL), XSIG_ESRCH);
  ASSERT_EQ(xsig_process_send(proc, 0, 0, 0, NULL), XSIG_ESRCH);
  xsig_process_close(proc);
  ASSERT_EQ(xsig_process_open(p.pid, &proc), XSIG_ESRCH);
  test_proc_close(&p);
  return 0;
}

/* Reads lines until both prefixes were seen (in either order). */
static void expect_both(test_proc_t *p, const char *a, const char *b)
{
  char line[128];
  int seen_a = 0, seen_b = 0;
  while (!(seen_a && seen_b)) {
    ASSERT_OK(test_read_line(p, line, sizeof line, 20000));
    seen_a |= strncmp(line, a, strlen(a)) == 0;
    seen_b |= strncmp(line, b, strlen(b)) == 0;
  }
}

/* POSIX semantics on both platforms: a stopped process takes a signal at
 * once (no time-out) and runs its handler after CONT, once; STOP twice
 * needs one CONT; KILL ends a stopped process. */
TEST_IMPL(kill_stop_cont_receiver)
{
  test_proc_t p;
  xsig_status_t st;
  char line[128], hup[32], cont[32], usr1[32];
  snprintf(hup, sizeof hup, "sig=%d ", XSIG_HUP);
  snprintf(cont, sizeof cont, "sig=%d ", XSIG_CONT);
  snprintf(usr1, sizeof usr1, "sig=%d ", XSIG_USR1);
  start_receiver(&p);
  ASSERT_OK(xsig_kill(p.pid, XSIG_STOP));
  ASSERT_OK(test_wait_stopped(p.pid, 20000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_HUP)); /* not XSIG_ETIMEDOUT */
  ASSERT_EQ(test_read_line(&p, line, sizeof line, 300), -1); /* pending while stopped */
  ASSERT_OK(xsig_kill(p.pid, XSIG_CONT));
  expect_both(&p, hup, cont);
  ASSERT_EQ(test_read_line(&p, line, sizeof line, 300), -1); /* HUP ran once */
  /* STOP twice, CONT once: running again */
  ASSERT_OK(xsig_kill(p.pid, XSIG_STOP));
  ASSERT_OK(xsig_kill(p.pid, XSIG_STOP));
  ASSERT_OK(test_wait_stopped(p.pid, 20000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_CONT));
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1));
  expect_both(&p, cont, usr1);
  /* KILL while stopped */
  ASSERT_OK(xsig_kill(p.pid, XSIG_STOP));
  ASSERT_OK(test_wait_stopped(p.pid, 20000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_KILL));
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_KILL);
  test_proc_close(&p);
  return 0;
}

/* STOP, then TERM (this sender's first signal to it), then CONT, to a
 * process that uses xsig and leaves TERM at its default: TERM waits while
 * it is stopped and ends it once continued, as on POSIX. On Windows the
 * TERM goes over the pipe, and the sender, finding the receiver stopped,
 * leaves it there and closes its end: the receiver's reply then fails,
 * and before, the default action was dropped with it (the process ran on). */
TEST_IMPL(stopped_receiver_term_over_pipe)
{
  test_proc_t p;
  xsig_status_t st;
  ASSERT_OK(test_spawn_helper(&p, "sleeper", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "sleeping", NULL, 0, 20000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_STOP));
  ASSERT_OK(test_wait_stopped(p.pid, 20000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT(test_wait(&p, 300, NULL) != 0); /* stopped: it holds TERM */
  ASSERT_OK(xsig_kill(p.pid, XSIG_CONT));
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_TERM);
  test_proc_close(&p);
  return 0;
}

TEST_IMPL(kill_errors)
{
  xsig_process_t *proc;
  int64_t self = test_getpid();
  ASSERT_EQ(xsig_kill(-1, XSIG_TERM), XSIG_EINVAL);
  ASSERT_EQ(xsig_kill(self, 999), XSIG_EINVAL);
  ASSERT_EQ(xsig_kill(self, -2), XSIG_EINVAL);
  ASSERT_EQ(xsig_kill((int64_t)1 << 40, XSIG_TERM), XSIG_EINVAL);
  ASSERT_EQ(xsig_kill(0x7ffffff0, XSIG_TERM), XSIG_ESRCH);
  ASSERT_EQ(xsig_kill(0x7ffffff0, 0), XSIG_ESRCH);
  ASSERT_EQ(xsig_queue(-5, XSIG_USR1, 1), XSIG_EINVAL);
  ASSERT_EQ(xsig_killpg(1, XSIG_TERM), XSIG_EINVAL);
  ASSERT_EQ(xsig_send(self, XSIG_TERM, 0, 0x40, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_open(-3, &proc), XSIG_EINVAL);
  ASSERT_EQ(xsig_process_open(0x7ffffff0, &proc), XSIG_ESRCH);
  ASSERT_EQ(xsig_process_send(NULL, XSIG_TERM, 0, 0, NULL), XSIG_EINVAL);
#ifndef _WIN32
  ASSERT_EQ(xsig_kill(self, XSIG_BREAK), XSIG_ENOSYS);
#endif
  ASSERT_STR(xsig_via_name(XSIG_VIA_XSIG), "xsig transport");
  ASSERT_STR(xsig_via_name(XSIG_VIA_CTRL_C), "Ctrl-C by a CtrlRoutine thread");
  ASSERT_STR(xsig_via_name(99), "unknown");
  return 0;
}

/* Ends itself from its handler, the way an interrupted program does. */
static void reraise(int sig, const xsig_info_t *info, void *arg)
{
  (void)info;
  (void)arg;
  xsig_handle(sig, XSIG_DFL);
  xsig_raise(sig);
}

HELPER_IMPL(reraising_receiver)
{
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_handle(XSIG_USR1, reraise);
  helper_say("ready");
  for (;;)
    xsig_sleep(1000);
}

/* The handler ends the process at once; the sender still hears that its
 * signal was delivered (Windows: the reply is written before the process
 * ends), and the process ends by that signal. */
TEST_IMPL(kill_receiver_that_reraises)
{
  test_proc_t p;
  xsig_status_t st;
  int i;
  for (i = 0; i < 10; i++) {
    ASSERT_OK(test_spawn_helper(&p, "reraising_receiver", NULL, 0));
    ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
    ASSERT_OK(xsig_kill(p.pid, XSIG_USR1));
    ASSERT_OK(test_wait(&p, 20000, &st));
    ASSERT_EQ(st.exited, 0);
    ASSERT_EQ(st.signo, XSIG_USR1);
    test_proc_close(&p);
  }
  return 0;
}

/* --- xsig_kill(0, sig): the caller's own group -------------------------- */

static volatile int group_usr1;

static void on_group_usr1(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  group_usr1++;
}

static int wait_group_usr1(int ms)
{
  int waited;
  for (waited = 0; !group_usr1 && waited < ms; waited += 20)
    xsig_sleep(20);
  return group_usr1;
}

/* A process of the group that does not signal it: reports USR1. */
HELPER_IMPL(own_group_member)
{
  (void)argc, (void)argv;
  xsig_init();
  xsig_handle(XSIG_USR1, on_group_usr1);
  helper_say("member ready");
  helper_say(wait_group_usr1(20000) ? "member got USR1" : "member got nothing");
  return 0;
}

/* The group's leader (started in a new group): starts a member in the
 * same group, then signals its own group, itself included. */
HELPER_IMPL(group_signaller)
{
  xsig_process_t *member;
  xsig_status_t st;
  int err;
  (void)argc, (void)argv;
  xsig_init();
  xsig_handle(XSIG_USR1, on_group_usr1);
  helper_say("group %s", getenv("XSIG_GROUP") ? getenv("XSIG_GROUP") : "(none)");
  if (test_xsig_spawn_helper("own_group_member", NULL, NULL, 0, &member) != 0)
    return 3;
  if (test_wait_file_line(getenv("XSIG_TEST_OUT"), "member ready", 20000) != 0)
    return 4;
  err = xsig_kill(0, XSIG_USR1);
  helper_say("kill(0, USR1): %s", err ? xsig_strerror(err) : "ok");
  helper_say(wait_group_usr1(20000) ? "leader got USR1" : "leader got nothing");
  xsig_process_wait(member, 20000, &st);
  xsig_process_close(member);
  return 0;
}

static int read_group_token(const char *file, char *token, size_t size)
{
  char line[256];
  FILE *f = fopen(file, "r");
  int found = 0;
  while (f && !found && fgets(line, sizeof line, f))
    found = sscanf(line, "group %63s", token) == 1;
  if (f)
    fclose(f);
  (void)size;
  return found;
}

/* xsig_kill(0, sig) reaches every process of the caller's group and no
 * other: POSIX, its process group; Windows, the group xsig_spawn started
 * it in (XSIG_SPAWN_NEW_GROUP), whose job it finds through XSIG_GROUP. A
 * process outside that group that claims it (its own XSIG_GROUP set to the
 * group's) gets XSIG_ENOSYS on Windows and reaches only its own group on
 * POSIX, never the other. */
TEST_IMPL(kill_own_group)
{
  const char *file = test_own_file("kill-group");
  char token[64];
  xsig_process_t *leader;
  xsig_status_t st;
  group_usr1 = 0;
  remove(file);
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, on_group_usr1));
  test_setenv("XSIG_TEST_OUT", file);
  ASSERT_OK(test_xsig_spawn_helper("group_signaller", NULL, NULL, XSIG_SPAWN_NEW_GROUP, &leader));
  ASSERT_OK(test_wait_file_line(file, "kill(0, USR1): ", 30000));
  ASSERT(test_file_has(file, "kill(0, USR1): ok"));
  ASSERT_OK(test_wait_file_line(file, "leader got USR1", 20000));
  ASSERT_OK(test_wait_file_line(file, "member got USR1", 20000));
  ASSERT_OK(xsig_process_wait(leader, 20000, &st));
  ASSERT(st.exited && st.code == 0);
  xsig_sleep(200);
  ASSERT_EQ(group_usr1, 0); /* the test is not in that group */
  /* a claim of a group this process is not in (its job still exists: we
   * hold it); POSIX has no such variable, sig 0 checks our own group */
  ASSERT(read_group_token(file, token, sizeof token));
  test_setenv("XSIG_GROUP", token);
#ifdef _WIN32
  ASSERT_EQ(xsig_kill(0, 0), XSIG_ENOSYS);
#else
  ASSERT_OK(xsig_kill(0, 0));
#endif
  test_setenv("XSIG_GROUP", "");
  test_setenv("XSIG_TEST_OUT", "");
  xsig_process_close(leader);
  remove(file);
  ASSERT_OK(xsig_shutdown());
  return 0;
}
