/* SPDX-License-Identifier: MIT */
/* The Windows transport's fast path (src/win/ring.c): a ring per sender,
 * set up over the pipe. What a sender that does not play fair can do to
 * it, a receiver that restarts, a full queue, and the resources of
 * thousands of set-ups. */
#include "task.h"
#ifdef _WIN32
#include <windows.h>
#include "os.h" /* xsig__win_pipe_name */
#include "ring.h"

static volatile int done, restart;
static void say_handler(int sig, const xsig_info_t *info, void *arg)
{
  (void)arg;
  helper_say_arrival(sig, info);
  if (sig == XSIG_TERM)
    done = 1;
  if (sig == XSIG_USR2)
    restart = 1;
}

static void handle_all(void)
{
  xsig_handle(XSIG_USR1, say_handler);
  xsig_handle(XSIG_USR2, say_handler);
  xsig_handle(XSIG_TERM, say_handler);
}

/* Says each signal; on USR2 it stops serving and starts again
 * (xsig_shutdown, xsig_init), which closes every ring. */
HELPER_IMPL(ring_receiver)
{
  (void)argc;
  (void)argv;
  xsig_init();
  handle_all();
  helper_say("ready");
  while (!done) {
    xsig_sleep(1000);
    if (restart) {
      restart = 0;
      xsig_shutdown();
      xsig_init();
      handle_all();
      helper_say("restarted");
    }
  }
  return 0;
}

static void expect_say(test_proc_t *p, int sig, int64_t pid, int rejected, int remote)
{
  char line[160], want[160];
  snprintf(want, sizeof want, "sig=%d pid=%lld rejected=%d remote=%d", sig, (long long)pid,
           rejected, remote);
  ASSERT_OK(test_read_line(p, line, sizeof line, 20000));
  ASSERT_STR(line, want);
}

/* Asks for a ring over the pipe with msg, as xsig's sender does. */
static void ask_ring(int64_t pid, const struct xsig__wire_msg *msg, struct xsig__wire_reply *reply)
{
  wchar_t name[64];
  DWORD got = 0;
  xsig__win_pipe_name((DWORD)pid, name, 64);
  ASSERT(WaitNamedPipeW(name, 5000));
  ASSERT(CallNamedPipeW(name, (void *)msg, sizeof *msg, reply, sizeof *reply, &got, 5000));
  ASSERT_EQ(got, sizeof *reply);
  ASSERT_EQ(reply->magic, XSIG__WIRE_MAGIC);
}

static int wait_until(volatile LONG *v, LONG want, int ms)
{
  for (; ms > 0 && InterlockedCompareExchange(v, 0, 0) != want; ms -= 10)
    Sleep(10);
  return InterlockedCompareExchange(v, 0, 0) == want;
}

TEST_IMPL(ring_sender_not_playing_fair)
{
  test_proc_t p;
  struct xsig__wire_msg m;
  struct xsig__wire_reply reply;
  struct xsig__win_ring *r;
  HANDLE section, doorbell, wake;
  DWORD flags;
  int64_t self = test_getpid();
  ASSERT_OK(test_spawn_helper(&p, "ring_receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  xsig__wire_encode(&m, XSIG_USR1, 0, 0);
  m.flags |= XSIG__WIRE_FLAG_RING;
  ask_ring(p.pid, &m, &reply);
  ASSERT_EQ(reply.result, 0);
  ASSERT_EQ(reply.ring, 1);
  expect_say(&p, XSIG_USR1, self, 0, 1); /* the first message travels on the pipe */
  section = (HANDLE)(uintptr_t)reply.section;
  doorbell = (HANDLE)(uintptr_t)reply.doorbell;
  wake = (HANDLE)(uintptr_t)reply.wake;
  /* given to this process only, never to its children, with no more
   * rights than a sender needs: it can ring the doorbell, not wait on it;
   * wait for its wake event, not set it */
  ASSERT(GetHandleInformation(section, &flags) && !(flags & HANDLE_FLAG_INHERIT));
  ASSERT(GetHandleInformation(doorbell, &flags) && !(flags & HANDLE_FLAG_INHERIT));
  ASSERT(GetHandleInformation(wake, &flags) && !(flags & HANDLE_FLAG_INHERIT));
  ASSERT_EQ(WaitForSingleObject(doorbell, 0), WAIT_FAILED);
  ASSERT(!SetEvent(wake));
  r = MapViewOfFile(section, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, sizeof *r);
  ASSERT(r != NULL);

  /* junk, a ring request inside the ring, a real-time value with no
   * credit: each refused and counted; the good message after them arrives,
   * with the pid the pipe reported, not anything the ring says */
  memset(&r->slot[0], 0xA5, sizeof r->slot[0]);
  xsig__wire_encode(&r->slot[1], XSIG_USR1, 0, 0);
  r->slot[1].flags |= XSIG__WIRE_FLAG_RING;
  xsig__wire_encode(&r->slot[2], XSIG_RTMIN, 7, 1);
  xsig__wire_encode(&r->slot[3], XSIG_USR1, 0, 0);
  InterlockedExchange(&r->head, 4);
  ASSERT(SetEvent(doorbell));
  expect_say(&p, XSIG_USR1, self, 3, 2);
  ASSERT(wait_until(&r->tail, 4, 5000));

  /* a head that cannot be: the receiver ends the ring and goes on */
  InterlockedExchange(&r->head, 4 + XSIG__RING_SLOTS + 1);
  ASSERT(SetEvent(doorbell));
  ASSERT(wait_until(&r->closed, 1, 5000));
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* xsig's own sender: a new ring */
  expect_say(&p, XSIG_USR1, self, 4, 3);
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1));
  expect_say(&p, XSIG_USR1, self, 4, 4);
  UnmapViewOfFile(r);
  CloseHandle(section);
  CloseHandle(doorbell);
  CloseHandle(wake);
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  expect_say(&p, XSIG_TERM, self, 4, 5);
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

/* A receiver that stops serving closes its rings: the sender's next signal
 * goes through the pipe (and a new ring), none is lost after the restart. */
TEST_IMPL(ring_receiver_restarts)
{
  test_proc_t p;
  int64_t self = test_getpid();
  int round;
  ASSERT_OK(test_spawn_helper(&p, "ring_receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  for (round = 0; round < 3; round++) {
    ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* pipe, and a ring */
    expect_say(&p, XSIG_USR1, self, 0, 1);
    ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* the ring */
    expect_say(&p, XSIG_USR1, self, 0, 2);
    ASSERT_OK(xsig_kill(p.pid, XSIG_USR2));
    expect_say(&p, XSIG_USR2, self, 0, 3);
    ASSERT_OK(test_expect_line(&p, "restarted", NULL, 0, 20000));
  }
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  expect_say(&p, XSIG_TERM, self, 0, 1);
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

/* Ended by another process's TerminateProcess, a receiver cannot say so in
 * its rings: its senders see it within the time they trust a ring (2 ms),
 * then get XSIG_ESRCH. Ended by xsig's own KILL, at once. */
TEST_IMPL(ring_receiver_terminated)
{
  test_proc_t p;
  int64_t self = test_getpid();
  int k;
  for (k = 0; k < 2; k++) {
    ASSERT_OK(test_spawn_helper(&p, "ring_receiver", NULL, 0));
    ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
    ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* pipe, and a ring */
    expect_say(&p, XSIG_USR1, self, 0, 1);
    ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* the ring */
    expect_say(&p, XSIG_USR1, self, 0, 2);
    if (k == 0) {
      test_kill_hard(&p);
      ASSERT_OK(test_wait(&p, 20000, NULL));
      test_msleep(20);
    } else {
      ASSERT_OK(xsig_kill(p.pid, XSIG_KILL));
      ASSERT_OK(test_wait(&p, 20000, NULL));
    }
    ASSERT_EQ(xsig_kill(p.pid, XSIG_USR1), XSIG_ESRCH);
    test_proc_close(&p);
  }
  return 0;
}

static volatile int rt_got, rt_in_order = 1;
static void rt_count(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)arg;
  if (info->value != rt_got)
    rt_in_order = 0;
  rt_got++;
}

static void on_usr1(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  done = 1;
}

/* Holds RTMIN blocked until USR1, then says how many it got. */
HELPER_IMPL(rt_holder)
{
  xsig_sigset_t s;
  xsig_stats_t st;
  int i;
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_handle(XSIG_RTMIN, rt_count);
  xsig_handle(XSIG_USR1, on_usr1);
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_RTMIN);
  xsig_sigmask(XSIG_BLOCK, &s, NULL);
  helper_say("ready");
  while (!done)
    xsig_sleep(1000);
  xsig_sigmask(XSIG_UNBLOCK, &s, NULL);
  for (i = 0; i < 4; i++)
    xsig_dispatch(); /* each call runs a bounded number */
  xsig_get_stats(&st);
  helper_say("got %d in-order %d dropped %llu", rt_got, rt_in_order, (unsigned long long)st.dropped);
  return 0;
}

/* The receiver's queue fills: the sender is told (XSIG_EAGAIN), and every
 * value it was not told about arrives, once, in order: credit is queue
 * room kept for the ring, so a posted value is never refused later. */
TEST_IMPL(ring_full_queue_reported)
{
  test_proc_t p;
  xsig_process_t *t;
  char line[160], want[160];
  int sent = 0, r = 0;
  ASSERT_OK(test_spawn_helper(&p, "rt_holder", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  ASSERT_OK(xsig_process_open(p.pid, &t));
  while (sent < XSIG_QUEUE_MAX + 100 && (r = xsig_process_send(t, XSIG_RTMIN, sent, XSIG_SEND_VALUE, NULL)) == 0)
    sent++;
  ASSERT_EQ(r, XSIG_EAGAIN);
  ASSERT_EQ(sent, XSIG_QUEUE_MAX); /* all of it, none promised elsewhere */
  /* and again: still full, still told */
  ASSERT_EQ(xsig_process_send(t, XSIG_RTMIN, sent, XSIG_SEND_VALUE, NULL), XSIG_EAGAIN);
  ASSERT_OK(xsig_process_send(t, XSIG_USR1, 0, 0, NULL));
  ASSERT_OK(test_read_line(&p, line, sizeof line, 30000));
  snprintf(want, sizeof want, "got %d in-order 1 dropped 2", sent);
  ASSERT_STR(line, want);
  ASSERT_OK(test_wait(&p, 20000, NULL));
  xsig_process_close(t);
  test_proc_close(&p);
  return 0;
}

/* Sends its parent three signals (the first sets up a ring) and ends. */
HELPER_IMPL(ring_sender_once)
{
  int64_t parent = argc > 1 ? atoll(argv[1]) : 0;
  int i;
  xsig_init();
  for (i = 0; i < 3; i++)
    if (xsig_kill(parent, XSIG_USR1) != 0)
      return 1;
  return 0;
}

static int64_t handles_settled(int64_t want)
{
  int64_t n = test_count_handles();
  int tries;
  for (tries = 0; tries < 100 && n != want; tries++) {
    test_msleep(20); /* the transport's thread frees a ring when it sees its sender end */
    n = test_count_handles();
  }
  return n;
}

static uint64_t remote_reaches(uint64_t want)
{
  xsig_stats_t st;
  int tries;
  /* a sender's last ring messages are taken when the transport's thread
   * sees it end (or sooner) */
  for (tries = 0; tries < 250 && xsig_get_stats(&st) == 0 && st.remote < want; tries++)
    test_msleep(20);
  return st.remote;
}

/* Senders that come and go: each one's ring is freed when it ends. */
TEST_IMPL(ring_senders_come_and_go)
{
  test_proc_t p;
  xsig_sigset_t s;
  xsig_info_t info;
  xsig_stats_t st;
  xsig_status_t ps;
  char me[32];
  int64_t before = 0;
  int i, k;
  ASSERT_OK(xsig_init());
  s = test_sigset_of(XSIG_USR1);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &s, NULL));
  snprintf(me, sizeof me, "%lld", (long long)test_getpid());
  for (i = 0; i < 21; i++) {
    if (i == 1) {
      test_msleep(300); /* the first one's ring freed, its first uses done */
      before = test_count_handles();
    }
    ASSERT_OK(test_spawn_helper(&p, "ring_sender_once", me, 0));
    ASSERT_OK(test_wait(&p, 20000, &ps));
    ASSERT(ps.exited && ps.code == 0);
    test_proc_close(&p);
    ASSERT_EQ(remote_reaches(3 * (uint64_t)(i + 1)), 3 * (i + 1));
    for (k = 0; k < 3; k++)
      xsig_sigwait(&s, 0, &info); /* standard signals: one or more of them */
  }
  ASSERT_EQ(handles_settled(before), before);
  ASSERT_OK(xsig_get_stats(&st));
  ASSERT_EQ(st.rejected, 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Starts and stops serving N times, each time once a signal came. */
HELPER_IMPL(ring_cycler)
{
  int i, n = argc > 1 ? atoi(argv[1]) : 1000;
  int64_t before = 0;
  xsig_sigset_t s;
  xsig_info_t info;
  xsig_sigemptyset(&s);
  xsig_sigaddset(&s, XSIG_USR1);
  for (i = 0; i < n; i++) {
    if (i == 1)
      before = test_count_handles(); /* after the first cycle's first uses */
    xsig_init();
    xsig_sigmask(XSIG_BLOCK, &s, NULL);
    helper_say("up %d", i);
    if (xsig_sigwait(&s, 20000, &info) != XSIG_USR1)
      return 1;
    xsig_shutdown();
  }
  helper_say("handles %lld %lld", (long long)before, (long long)test_count_handles());
  return 0;
}

/* A thousand rings made and closed, on both sides: no handle stays. */
TEST_IMPL(ring_resources)
{
  test_proc_t p;
  char line[160], want[32];
  long long before, after;
  int64_t mine = 0;
  int i, n = 1000;
  ASSERT_OK(xsig_init());
  ASSERT_OK(test_spawn_helper(&p, "ring_cycler", "1000", 0));
  for (i = 0; i < n; i++) {
    snprintf(want, sizeof want, "up %d", i);
    ASSERT_OK(test_expect_line(&p, want, NULL, 0, 20000));
    ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* each time a new ring */
    if (i == 1)
      mine = test_count_handles();
  }
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_EQ(sscanf(line, "handles %lld %lld", &before, &after), 2);
  ASSERT_EQ(after, before);
  ASSERT_EQ(test_count_handles(), mine);
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  ASSERT_OK(xsig_shutdown());
  return 0;
}
#endif
