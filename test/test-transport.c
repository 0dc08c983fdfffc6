/* SPDX-License-Identifier: MIT */
/* The Windows transport: its security, and what it does with bad input. */
#include "task.h"
#ifdef _WIN32
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include "../src/wire.h"

static void pipe_name(int64_t pid, char *name, size_t size)
{
  snprintf(name, size, "\\\\.\\pipe\\xsig-1-%lld", (long long)pid);
}

static int same_sid(PSID a, const char *sddl_sid)
{
  PSID b = NULL;
  int same;
  if (!ConvertStringSidToSidA(sddl_sid, &b))
    return 0;
  same = EqualSid(a, b);
  LocalFree(b);
  return same;
}

TEST_IMPL(transport_security_descriptor)
{
  char name[64], *user_sid = NULL;
  HANDLE pipe, token;
  PSECURITY_DESCRIPTOR sd = NULL;
  PACL dacl = NULL;
  SECURITY_DESCRIPTOR_CONTROL control;
  DWORD rev, len, i;
  union { TOKEN_USER user; unsigned char bytes[256]; } tu;
  int seen_user = 0, seen_admins = 0, seen_system = 0;
  ASSERT_OK(xsig_init());
  pipe_name(test_getpid(), name, sizeof name);
  pipe = CreateFileA(name, READ_CONTROL, 0, NULL, OPEN_EXISTING, 0, NULL);
  ASSERT(pipe != INVALID_HANDLE_VALUE);
  ASSERT_EQ(GetSecurityInfo(pipe, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl,
                            NULL, &sd), ERROR_SUCCESS);
  ASSERT(dacl != NULL);
  /* protected: nothing inherited from the pipe file system's defaults */
  ASSERT(GetSecurityDescriptorControl(sd, &control, &rev));
  ASSERT(control & SE_DACL_PROTECTED);
  ASSERT(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token));
  ASSERT(GetTokenInformation(token, TokenUser, &tu, sizeof tu, &len));
  CloseHandle(token);
  ASSERT(ConvertSidToStringSidA(tu.user.User.Sid, &user_sid));
  /* exactly three entries, all "allow": the user, Administrators, SYSTEM */
  ASSERT_EQ(dacl->AceCount, 3);
  for (i = 0; i < dacl->AceCount; i++) {
    ACCESS_ALLOWED_ACE *ace;
    ASSERT(GetAce(dacl, i, (void **)&ace));
    ASSERT_EQ(ace->Header.AceType, ACCESS_ALLOWED_ACE_TYPE);
    if (same_sid(&ace->SidStart, user_sid))
      seen_user++;
    else if (same_sid(&ace->SidStart, "BA"))
      seen_admins++;
    else if (same_sid(&ace->SidStart, "SY"))
      seen_system++;
  }
  ASSERT(seen_user == 1 && seen_admins == 1 && seen_system == 1);
  LocalFree(user_sid);
  LocalFree(sd);
  CloseHandle(pipe);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

static volatile int done;
static void say_handler(int sig, const xsig_info_t *info, void *arg)
{
  (void)arg;
  helper_say_arrival(sig, info);
  if (sig == XSIG_TERM)
    done = 1;
}

HELPER_IMPL(counting_receiver)
{
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_handle(XSIG_USR1, say_handler);
  xsig_handle(XSIG_TERM, say_handler);
  helper_say("ready");
  while (!done)
    xsig_sleep(1000);
  return 0;
}

static HANDLE raw_connect(int64_t pid)
{
  char name[64];
  HANDLE h;
  DWORD mode = PIPE_READMODE_MESSAGE;
  int tries;
  pipe_name(pid, name, sizeof name);
  for (tries = 0; tries < 50; tries++) {
    h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) {
      SetNamedPipeHandleState(h, &mode, NULL, NULL);
      return h;
    }
    WaitNamedPipeA(name, 200);
  }
  return INVALID_HANDLE_VALUE;
}

/* Writes len bytes as one message; the receiver must not answer with a
 * valid reply, only drop the connection. */
static void send_bad(int64_t pid, const void *buf, DWORD len)
{
  HANDLE h = raw_connect(pid);
  struct xsig__wire_reply reply;
  DWORD n = 0;
  ASSERT(h != INVALID_HANDLE_VALUE);
  WriteFile(h, buf, len, &n, NULL);
  ASSERT(!ReadFile(h, &reply, sizeof reply, &n, NULL) || n != sizeof reply);
  CloseHandle(h);
}

/* News of a child that says more or less than it may: each is rejected
 * (no valid reply). Returns how many were sent. */
static int send_bad_child_news(int64_t pid)
{
  struct xsig__wire_msg m;
  int n = 0;
  xsig__wire_encode_child(&m, 1234, XSIG_STOP);
  m.flags |= XSIG__WIRE_FLAG_VALUE;
  send_bad(pid, &m, sizeof m), n++;                          /* news and a value */
  xsig__wire_encode_child(&m, 1234, XSIG_STOP);
  m.flags |= XSIG__WIRE_FLAG_RING;
  send_bad(pid, &m, sizeof m), n++;                          /* news and a ring */
  xsig__wire_encode_child(&m, 1234, XSIG_STOP);
  m.signo = XSIG_USR1;
  send_bad(pid, &m, sizeof m), n++;                          /* news is CHLD's */
  xsig__wire_encode_child(&m, 1234, XSIG_TERM);
  send_bad(pid, &m, sizeof m), n++;                          /* TERM stops nothing */
  xsig__wire_encode_child(&m, 1234, 0);
  send_bad(pid, &m, sizeof m), n++;                          /* no signal */
  xsig__wire_encode_child(&m, 0, XSIG_STOP);
  send_bad(pid, &m, sizeof m), n++;                          /* pid 0 */
  xsig__wire_encode_child(&m, INT64_C(0x80000000), XSIG_STOP);
  send_bad(pid, &m, sizeof m), n++;                          /* pid beyond 31 bits */
  xsig__wire_encode_child(&m, 1234, XSIG_STOP);
  m.value = -m.value;
  send_bad(pid, &m, sizeof m), n++;                          /* negative */
  xsig__wire_encode_child(&m, 1234, XSIG_STOP);
  m.version = XSIG__WIRE_VERSION_OLD;
  send_bad(pid, &m, sizeof m), n++;                          /* version 1 has no news */
  return n;
}

TEST_IMPL(transport_malformed_messages)
{
  test_proc_t p;
  struct xsig__wire_msg m;
  unsigned char big[100], junk[32];
  char line[160], want[160];
  HANDLE idle;
  int bad = 0;
  ASSERT_OK(test_spawn_helper(&p, "counting_receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  /* a client that connects and never sends: must not hold up the others */
  idle = raw_connect(p.pid);
  ASSERT(idle != INVALID_HANDLE_VALUE);

  memset(junk, 0xA5, sizeof junk);
  send_bad(p.pid, junk, sizeof junk), bad++;                 /* nonsense */
  xsig__wire_encode(&m, XSIG__WIRE_VERSION, XSIG_USR1, 0, 0);
  send_bad(p.pid, &m, 10), bad++;                            /* short */
  memset(big, 0, sizeof big);
  memcpy(big, &m, sizeof m);
  send_bad(p.pid, big, sizeof big), bad++;                   /* long */
  m.version = 3;
  send_bad(p.pid, &m, sizeof m), bad++;                      /* unknown version */
  xsig__wire_encode(&m, XSIG__WIRE_VERSION, 999, 0, 0);
  send_bad(p.pid, &m, sizeof m), bad++;                      /* no such signal */
  xsig__wire_encode(&m, XSIG__WIRE_VERSION, XSIG_KILL, 0, 0);
  send_bad(p.pid, &m, sizeof m), bad++;                      /* KILL never travels */
  xsig__wire_encode(&m, XSIG__WIRE_VERSION, XSIG_USR1, 0, 0);
  m.reserved = 1;
  send_bad(p.pid, &m, sizeof m), bad++;                      /* reserved bits */
  xsig__wire_encode(&m, XSIG__WIRE_VERSION, XSIG_USR1, 0, 0);
  m.flags = 0x80;
  send_bad(p.pid, &m, sizeof m), bad++;                      /* unknown flag */
  xsig__wire_encode(&m, XSIG__WIRE_VERSION, XSIG_USR1, 0, 0);
  m.value = 5;
  send_bad(p.pid, &m, sizeof m), bad++;                      /* value without flag */
  bad += send_bad_child_news(p.pid);

  /* a valid signal still arrives, while the idle client is connected */
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1));
  snprintf(want, sizeof want, "sig=%d pid=%lld rejected=%d remote=1", XSIG_USR1,
           (long long)test_getpid(), bad);
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  if (strcmp(line, want) != 0)
    fprintf(stderr, "got '%s' want '%s'\n", line, want);
  ASSERT_STR(line, want);
  CloseHandle(idle);
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

/* child_news_forger PARENT CHILD: as a hostile peer, tells PARENT that
 * its running CHILD stopped, and that this process (no child of it) did;
 * each is taken as news (reply 0). Says "done". */
HELPER_IMPL(child_news_forger)
{
  struct xsig__wire_msg m;
  struct xsig__wire_reply r;
  int64_t claims[2];
  DWORD n;
  int i;
  (void)argc;
  claims[0] = atoll(argv[2]);
  claims[1] = (int64_t)GetCurrentProcessId();
  for (i = 0; i < 2; i++) {
    HANDLE h = raw_connect(atoll(argv[1]));
    if (h == INVALID_HANDLE_VALUE)
      return 3;
    xsig__wire_encode_child(&m, claims[i], XSIG_STOP);
    if (!WriteFile(h, &m, sizeof m, &n, NULL) || !ReadFile(h, &r, sizeof r, &n, NULL) ||
        n != sizeof r || r.magic != XSIG__WIRE_MAGIC || r.result != 0)
      return 4;
    CloseHandle(h);
  }
  helper_say("done");
  Sleep(60000);
  return 0;
}

static int chld_stops_seen;
static void count_chld_stop(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)arg;
  if (info->subcode == XSIG_CLD_STOPPED)
    chld_stops_seen++;
}

/* News of a stop is only news: from a hostile peer, about a running child
 * of ours or about a process that is no child of ours, it reports nothing
 * (the parent looks for about a second, then drops it). A real stop after
 * it is still seen. */
TEST_IMPL(transport_forged_child_news)
{
  test_proc_t forger;
  xsig_process_t *child;
  char self[24], num[24];
  int i, code = 0, sig = 0;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_CHLD, count_chld_stop));
  ASSERT_OK(test_xsig_spawn_helper("plain_sleeper", NULL, NULL, 0, &child));
  snprintf(self, sizeof self, "%lld", (long long)test_getpid());
  snprintf(num, sizeof num, "%lld", (long long)xsig_process_pid(child));
  ASSERT_OK(test_spawn_helper3(&forger, "child_news_forger", self, num, NULL));
  ASSERT_OK(test_expect_line(&forger, "done", NULL, 0, 20000));
  xsig_sleep(1500);
  ASSERT_EQ(chld_stops_seen, 0);
  ASSERT_EQ(xsig_child_change(0, NULL, NULL), 0);
  ASSERT_OK(xsig_process_send(child, XSIG_STOP, 0, 0, NULL));
  for (i = 0; i < 200 && (code = xsig_child_change(0, NULL, &sig)) == 0; i++)
    xsig_sleep(10);
  ASSERT_EQ(code, XSIG_CLD_STOPPED);
  ASSERT_EQ(sig, XSIG_STOP);
  for (i = 0; i < 200 && chld_stops_seen == 0; i++)
    xsig_sleep(10); /* its CHLD runs at a dispatch point */
  ASSERT_EQ(chld_stops_seen, 1);
  ASSERT_OK(xsig_process_send(child, XSIG_KILL, 0, 0, NULL));
  ASSERT_OK(xsig_process_wait(child, 20000, NULL));
  xsig_process_close(child);
  test_kill_hard(&forger);
  test_wait(&forger, 20000, NULL);
  test_proc_close(&forger);
  xsig_shutdown();
  return 0;
}

/* The pipe refuses clients from other machines (PIPE_REJECT_REMOTE_CLIENTS).
 * A path through the network redirector is such a client on Windows. */
TEST_IMPL(transport_rejects_remote_clients)
{
  char name[80];
  HANDLE h;
  ASSERT_OK(xsig_init());
  snprintf(name, sizeof name, "\\\\127.0.0.1\\pipe\\xsig-1-%lld", (long long)test_getpid());
  h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
  /* Windows: refused by the pipe; Wine has no SMB redirector, so the path
   * fails earlier. Either way no remote client gets a connection. */
  ASSERT(h == INVALID_HANDLE_VALUE);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Another process creates our pipe name first. */
/* Makes argv[1]'s pipe name and reports whatever a sender hands it: it
 * must be nothing. argv[2]: "once" (one client, then it ends), "loop"
 * (every client, for ever), "deny" (an instance whose DACL lets nobody
 * make another one; then as "loop"). */
HELPER_IMPL(squatter)
{
  char name[64];
  const char *mode = argc > 2 ? argv[2] : "once";
  SECURITY_ATTRIBUTES sa, *psa = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  HANDLE h;
  pipe_name(_atoi64(argv[1]), name, sizeof name);
  if (strcmp(mode, "deny") == 0) {
    /* read, write, synchronize: not FILE_CREATE_PIPE_INSTANCE */
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorA("D:P(A;;0x100003;;;WD)", SDDL_REVISION_1, &sd, NULL))
      return 2;
    sa.nLength = sizeof sa;
    sa.lpSecurityDescriptor = sd;
    sa.bInheritHandle = FALSE;
    psa = &sa;
  }
  h = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                       PIPE_UNLIMITED_INSTANCES, 64, 64, 0, psa);
  helper_say(h == INVALID_HANDLE_VALUE ? "squat failed" : "squatting");
  while (h != INVALID_HANDLE_VALUE) {
    unsigned char buf[64];
    DWORD n = 0;
    HANDLE next = NULL;
    if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
      break;
    if (strcmp(mode, "once") != 0)
      next = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                              PIPE_UNLIMITED_INSTANCES, 64, 64, 0, psa);
    ReadFile(h, buf, sizeof buf, &n, NULL);
    helper_say("squatter got %lu bytes", (unsigned long)n);
    DisconnectNamedPipe(h);
    CloseHandle(h);
    if (next == NULL)
      break;
    h = next;
  }
  LocalFree(sd);
  return 0;
}

/* Does not use xsig: only the ladder reaches it. */
HELPER_IMPL(plain_sleeper)
{
  (void)argc;
  (void)argv;
  helper_say("ready");
  Sleep(60000);
  return 0;
}

/* Calls xsig_init and says what it returned. */
HELPER_IMPL(init_reporter)
{
  char go[8];
  DWORD n = 0;
  (void)argc;
  (void)argv;
  ReadFile(GetStdHandle(STD_INPUT_HANDLE), go, sizeof go, &n, NULL); /* once the name is taken */
  helper_say("init %d", xsig_init());
  return 0;
}

/* Squatting, in both orders. What holds for any process of the same user
 * (which may make instances of the name, as it may do anything else to
 * our processes): a squatter's instance is never written to (the sender
 * checks the server's pid first); a target that does not use xsig gets
 * the ladder, not XSIG_EPERM; a receiver that was there first still gets
 * its signals; a name taken first makes xsig_init fail with XSIG_EPERM. */
TEST_IMPL(transport_squatter_both_orders)
{
  test_proc_t target, sq, rec;
  xsig_process_t *t;
  xsig_status_t st;
  char arg[32], line[160], want[32];
  int i;
  /* 1. a squatter on the name of a process without xsig: the ladder */
  ASSERT_OK(test_spawn_helper(&target, "plain_sleeper", NULL, 0));
  ASSERT_OK(test_expect_line(&target, "ready", NULL, 0, 20000));
  snprintf(arg, sizeof arg, "%lld", (long long)target.pid);
  ASSERT_OK(test_spawn_helper3(&sq, "squatter", arg, "loop", ""));
  ASSERT_OK(test_expect_line(&sq, "squatting", NULL, 0, 20000));
  ASSERT_OK(xsig_process_open(target.pid, &t));
  ASSERT_EQ(xsig_process_send(t, XSIG_USR1, 0, 0, NULL), XSIG_ENOGRACE);
  ASSERT_OK(xsig_process_send(t, XSIG_USR1, 0, XSIG_SEND_FORCE, NULL)); /* TerminateProcess */
  ASSERT_OK(test_wait(&target, 20000, &st));
  ASSERT(!st.exited && st.signo == XSIG_USR1);
  xsig_process_close(t);
  test_proc_close(&target);
  while (test_read_line(&sq, line, sizeof line, 500) == 0)
    ASSERT_STR(line, "squatter got 0 bytes");
  test_proc_close(&sq);

  /* 2. a receiver first, then a squatter adds instances of its name */
  ASSERT_OK(test_spawn_helper(&rec, "counting_receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&rec, "ready", NULL, 0, 20000));
  snprintf(arg, sizeof arg, "%lld", (long long)rec.pid);
  ASSERT_OK(test_spawn_helper3(&sq, "squatter", arg, "loop", ""));
  ASSERT_OK(test_expect_line(&sq, "squatting", NULL, 0, 20000));
  for (i = 0; i < 4; i++) {
    ASSERT_OK(xsig_kill(rec.pid, XSIG_USR1));
    ASSERT_OK(test_expect_line(&rec, "sig=", line, sizeof line, 20000));
  }
  while (test_read_line(&sq, line, sizeof line, 500) == 0)
    ASSERT_STR(line, "squatter got 0 bytes");
  test_proc_close(&sq);
  ASSERT_OK(xsig_kill(rec.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&rec, 20000, NULL));
  test_proc_close(&rec);

  /* 3. the name first, with a DACL that lets nobody add an instance:
   * xsig_init fails with XSIG_EPERM. Wine enforces neither that right nor
   * FILE_FLAG_FIRST_PIPE_INSTANCE (transport_squatted_name): there the
   * init shares the name, and part 2 is what holds. */
  ASSERT_OK(test_spawn_helper(&target, "init_reporter", NULL, TEST_PROC_STDIN_PIPE));
  snprintf(arg, sizeof arg, "%lld", (long long)target.pid);
  ASSERT_OK(test_spawn_helper3(&sq, "squatter", arg, "deny", ""));
  ASSERT_OK(test_expect_line(&sq, "squatting", NULL, 0, 20000));
  ASSERT_OK(test_pipe_write_text(&target.in, "go\n"));
  ASSERT_OK(test_read_line(&target, line, sizeof line, 20000));
  snprintf(want, sizeof want, "init %d", XSIG_EPERM);
  if (!test_under_wine())
    ASSERT_STR(line, want);
  else
    ASSERT(strncmp(line, "init ", 5) == 0);
  ASSERT_OK(test_wait(&target, 20000, NULL));
  test_proc_close(&target);
  test_proc_close(&sq);
  return 0;
}

static void on_usr1(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  done = 1;
}

TEST_IMPL(transport_squatted_name)
{
  test_proc_t p;
  char arg[32], line[64];
  int r, i;
  snprintf(arg, sizeof arg, "%lld", (long long)test_getpid());
  ASSERT_OK(test_spawn_helper(&p, "squatter", arg, 0));
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "squatting");
  r = xsig_init();
  if (!test_under_wine()) {
    /* FILE_FLAG_FIRST_PIPE_INSTANCE fails: a clear error, not a shared name */
    ASSERT_EQ(r, XSIG_EPERM);
  } else {
    /* Wine does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE, so both own an
     * instance. Senders check the server's pid: each send is either
     * delivered to us or refused, never handed to the squatter. */
    ASSERT_OK(r);
    ASSERT_OK(xsig_handle(XSIG_USR1, on_usr1));
    for (i = 0; i < 6; i++) {
      done = 0;
      r = xsig_kill(test_getpid(), XSIG_USR1);
      ASSERT(r == 0 || r == XSIG_ENOGRACE); /* ours, or only the squatter's (the ladder) */
      if (r == 0) {
        xsig_sleep(5000);
        ASSERT_EQ(done, 1);
      }
    }
    ASSERT(test_read_line(&p, line, sizeof line, 200) != 0 || strcmp(line, "squatter got 0 bytes") == 0);
    ASSERT_OK(xsig_shutdown());
  }
  test_proc_close(&p);
  return 0;
}
/* A sender that dies at a given point of its exchange: "connected" (before
 * writing) or "written" (its message is in the pipe, the reply unread). */
HELPER_IMPL(dying_sender)
{
  struct xsig__wire_msg m;
  HANDLE h = raw_connect(_atoi64(argv[1]));
  DWORD n = 0;
  (void)argc;
  if (h == INVALID_HANDLE_VALUE)
    return 2;
  if (strcmp(argv[2], "written") == 0) {
    xsig__wire_encode(&m, XSIG__WIRE_VERSION, XSIG_USR1, 0, 0);
    if (!WriteFile(h, &m, sizeof m, &n, NULL) || n != sizeof m)
      return 3;
  }
  TerminateProcess(GetCurrentProcess(), 9);
  return 4;
}

static void run_dying_sender(test_proc_t *receiver, const char *stage, test_proc_t *d)
{
  char arg[32];
  snprintf(arg, sizeof arg, "%lld", (long long)receiver->pid);
  ASSERT_OK(test_spawn_helper3(d, "dying_sender", arg, stage, ""));
  ASSERT_OK(test_wait(d, 20000, NULL));
}

TEST_IMPL(transport_sender_dies_mid_message)
{
  test_proc_t p, d;
  char line[160], want[160];
  ASSERT_OK(test_spawn_helper(&p, "counting_receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  /* connected, then gone: nothing delivered, nothing counted as malformed */
  run_dying_sender(&p, "connected", &d);
  test_proc_close(&d);
  /* message written, then gone before the reply: delivered once, with the
   * dead sender's pid (the system recorded it when it connected) */
  run_dying_sender(&p, "written", &d);
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  snprintf(want, sizeof want, "sig=%d pid=%lld rejected=0 remote=1", XSIG_USR1, (long long)d.pid);
  if (strcmp(line, want) != 0)
    fprintf(stderr, "got '%s' want '%s'\n", line, want);
  ASSERT_STR(line, want);
  test_proc_close(&d);
  /* and the receiver goes on */
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1));
  snprintf(want, sizeof want, "sig=%d pid=%lld rejected=0 remote=2", XSIG_USR1, (long long)test_getpid());
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, want);
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

/* --- receivers that are not xsig ----------------------------------------
 * A pipe of its own pid's name, served one client at a time. Each message
 * is said ("msg version=V flags=F sig=S value=X"), then answered by mode:
 * - old: as an xsig receiver of version 1 only: anything else (version 2,
 *   a flag it does not know) is dropped without a reply, as such a
 *   receiver drops it;
 * - forge: a ring whose three handle values are argv[2], which the test
 *   chose as handles of its own process (a confused deputy's bait);
 * - wrong: a ring of real objects of the fake's own process, each round
 *   one of them wrong: an event as the section, a section as the doorbell,
 *   a semaphore as the wake event, a section smaller than a ring, an
 *   event with no rights at all as the doorbell;
 * - reserved: a ring whose section is large enough but made with
 *   SEC_RESERVE, none of its pages committed (a sender that writes to
 *   such a view faults), with a real doorbell and wake event;
 * - spin: a good ring, which it never serves: once a client that asked
 *   for a ring has taken it, the fake sets the wake event every 5 ms for
 *   30 s.
 * - hold: keeps its sender waiting (hold_then_answer);
 * - prewrite: writes a byte to the pipe before it reads, so that the
 *   sender's transaction fails as it starts; never answers.
 * Every mode offers its ring whether asked or not: a sender takes one
 * only when it asked. */
static void fake_reply(HANDLE h, const struct xsig__wire_msg *m, int round, const char *mode,
                       const char *forged)
{
  unsigned char out[sizeof(struct xsig__wire_reply)];
  size_t size = 0;
  uint64_t hs[3];
  DWORD n;
  HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL), sem = CreateSemaphoreW(NULL, 0, 1, NULL);
  HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536, NULL);
  HANDLE small = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100, NULL);
  HANDLE reserved = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0,
                                       65536, NULL);
  HANDLE bare = NULL;
  DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &bare, 0, FALSE, 0);
  if (strcmp(mode, "forge") == 0) {
    hs[0] = hs[1] = hs[2] = (uint64_t)_atoi64(forged);
  } else if (strcmp(mode, "reserved") == 0 || strcmp(mode, "spin") == 0) {
    hs[0] = (uint64_t)(uintptr_t)(mode[0] == 'r' ? reserved : section);
    hs[1] = (uint64_t)(uintptr_t)sem;
    hs[2] = (uint64_t)(uintptr_t)ev;
  } else {
    HANDLE pick[5][3] = {{ev, sem, ev}, {section, section, ev}, {section, sem, sem},
                         {small, sem, ev}, {section, bare, ev}};
    int k = round % 5;
    hs[0] = (uint64_t)(uintptr_t)pick[k][0];
    hs[1] = (uint64_t)(uintptr_t)pick[k][1];
    hs[2] = (uint64_t)(uintptr_t)pick[k][2];
  }
  xsig__wire_reply_encode(out, &size, m->version, 0, m->version == XSIG__WIRE_VERSION ? hs : NULL);
  if (m->version == XSIG__WIRE_VERSION_OLD) {
    /* what an xsig 0.x receiver that knew the ring flag answered: handle
     * values meant to be in the sender's process */
    struct xsig__wire_reply_v1 r1;
    memcpy(&r1, out, sizeof r1);
    r1.ring = 1;
    r1.section = r1.doorbell = r1.wake = hs[0];
    memcpy(out, &r1, sizeof r1);
  }
  WriteFile(h, out, (DWORD)size, &n, NULL);
  /* until the client closes: its objects must still be there when it takes them */
  while (ReadFile(h, out, sizeof out, &n, NULL)) {
  }
  if (strcmp(mode, "spin") == 0 && (m->flags & XSIG__WIRE_FLAG_RING)) {
    int k;
    for (k = 0; k < 6000; k++) {
      SetEvent(ev);
      Sleep(5);
    }
  }
  CloseHandle(ev);
  CloseHandle(sem);
  CloseHandle(section);
  CloseHandle(small);
  CloseHandle(reserved);
  CloseHandle(bare);
}

/* What "hold" does with a message: keeps its sender waiting for the
 * answer until the file says another receiver got a signal, says whether
 * one did, then answers (no ring). It waits at most 4 s: less than a
 * sender waits for an answer (XSIG__WIN_SEND_TIMEOUT_MS), so that a sender
 * that read answers one by one, this one first, finds "nobody". */
static void hold_then_answer(HANDLE h, const struct xsig__wire_msg *m, const char *file)
{
  unsigned char out[sizeof(struct xsig__wire_reply)];
  size_t size = 0;
  DWORD n;
  int other = test_wait_file_line(file, "sig=", 4000) == 0;
  helper_say("held: %s", other ? "another got it meanwhile" : "nobody else got it");
  xsig__wire_reply_encode(out, &size, m->version, 0, NULL);
  WriteFile(h, out, (DWORD)size, &n, NULL);
  while (ReadFile(h, out, sizeof out, &n, NULL)) {
  }
}

static HANDLE fake_instance(const char *name)
{
  return CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                          PIPE_UNLIMITED_INSTANCES, 64, 64, 0, NULL);
}

HELPER_IMPL(fake_receiver)
{
  char name[64];
  const char *mode = argv[1];
  int round;
  HANDLE h, next;
  (void)argc;
  pipe_name(test_getpid(), name, sizeof name);
  h = fake_instance(name);
  helper_say("ready");
  for (round = 0; h != INVALID_HANDLE_VALUE; round++, h = next) {
    struct xsig__wire_msg m;
    DWORD n = 0;
    if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
      return 3;
    next = fake_instance(name); /* the name never goes away between clients */
    if (strcmp(mode, "prewrite") == 0) /* the client's transaction cannot start */
      WriteFile(h, "x", 1, &n, NULL);
    memset(&m, 0, sizeof m);
    if (ReadFile(h, &m, sizeof m, &n, NULL) && n == sizeof m && m.magic == XSIG__WIRE_MAGIC) {
      helper_say("msg version=%d flags=%u sig=%d value=%lld", m.version, m.flags, m.signo,
                 (long long)m.value);
      if (strcmp(mode, "hold") == 0) {
        hold_then_answer(h, &m, argv[2]);
      } else if (strcmp(mode, "old") == 0) {
        struct xsig__wire_reply_v1 r1;
        if (m.version == XSIG__WIRE_VERSION_OLD && (m.flags & ~XSIG__WIRE_FLAG_VALUE) == 0) {
          memset(&r1, 0, sizeof r1);
          r1.magic = XSIG__WIRE_MAGIC;
          WriteFile(h, &r1, sizeof r1, &n, NULL);
          while (ReadFile(h, &r1, sizeof r1, &n, NULL)) {
          }
        }
      } else {
        fake_reply(h, &m, round, mode, argc > 2 ? argv[2] : "0");
      }
    }
    DisconnectNamedPipe(h);
    CloseHandle(h);
  }
  return 2;
}

static void expect_msg(test_proc_t *p, int version, unsigned flags, int sig, long long value)
{
  char line[160], want[160];
  snprintf(want, sizeof want, "msg version=%d flags=%u sig=%d value=%lld", version, flags, sig, value);
  ASSERT_OK(test_read_line(p, line, sizeof line, 20000));
  ASSERT_STR(line, want);
}

static void start_fake_receiver(test_proc_t *p, const char *mode)
{
  ASSERT_OK(test_spawn_helper(p, "fake_receiver", mode, 0));
  ASSERT_OK(test_expect_line(p, "ready", NULL, 0, 20000));
}

/* n signals to the fake receiver p: no ring is ever taken, so each comes
 * over the pipe, asking for one from the second on (the first signal to a
 * receiver asks for none); no handle stays in this process (counted after
 * the first, which makes the channel). */
static void each_over_the_pipe(test_proc_t *p, int n)
{
  int64_t before = 0;
  int i;
  for (i = 0; i < n; i++) {
    if (i == 1)
      before = test_count_handles_of_type(NULL);
    ASSERT_OK(xsig_kill(p->pid, XSIG_USR1));
    expect_msg(p, XSIG__WIRE_VERSION, i ? XSIG__WIRE_FLAG_RING : 0, XSIG_USR1, 0);
  }
  ASSERT(before > 0);
  ASSERT_EQ(test_count_handles_of_type(NULL), before);
}

/* A receiver answers a ring request with handle values of the sender's own
 * process (in both reply formats): the sender never uses, maps or closes
 * them. It takes a ring's objects only from the receiver's process. */
TEST_IMPL(transport_forged_ring_reply)
{
  test_proc_t p;
  HANDLE mine = CreateEventW(NULL, TRUE, FALSE, NULL);
  char value[32];
  DWORD flags;
  ASSERT(mine != NULL);
  snprintf(value, sizeof value, "%llu", (unsigned long long)(uintptr_t)mine);
  ASSERT_OK(test_spawn_helper3(&p, "fake_receiver", "forge", value, ""));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  each_over_the_pipe(&p, 6);
  /* our event is still ours, open and unchanged */
  ASSERT(GetHandleInformation(mine, &flags));
  ASSERT_EQ(WaitForSingleObject(mine, 0), WAIT_TIMEOUT);
  ASSERT(SetEvent(mine));
  ASSERT_EQ(WaitForSingleObject(mine, 0), WAIT_OBJECT_0);
  CloseHandle(mine);
  test_proc_close(&p);
  return 0;
}

/* n signals to a fake receiver answering in mode: it offers objects the
 * sender must refuse, so each signal comes over the pipe. */
static int each_refused(const char *mode, int n)
{
  test_proc_t p;
  start_fake_receiver(&p, mode);
  each_over_the_pipe(&p, n);
  test_proc_close(&p);
  return 0;
}

/* Real objects of the receiver, of the wrong type or size, or without the
 * rights to take them: no ring, no handle left behind, the pipe carries
 * every signal. */
TEST_IMPL(transport_wrong_ring_objects)
{
  return each_refused("wrong", 10);
}

/* A section of the right size whose pages the receiver never committed
 * (SEC_RESERVE): a sender that wrote its first message into it would
 * fault. It is refused as a ring; the pipe carries every signal. */
TEST_IMPL(transport_uncommitted_ring_section)
{
  return each_refused("reserved", 4);
}

/* A receiver that wakes its sender again and again but never makes room:
 * the sender's send still ends by its time-out (5 s), with an error (before,
 * each wake-up began a new wait: it waited for as long as the receiver
 * went on, 30 s here, for ever in general). */
TEST_IMPL(transport_receiver_wakes_without_room)
{
  test_proc_t p;
  int64_t t0, ms;
  int i, err;
  start_fake_receiver(&p, "spin");
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* over the pipe, asking for no ring */
  expect_msg(&p, XSIG__WIRE_VERSION, 0, XSIG_USR1, 0);
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* over the pipe: the ring is taken */
  expect_msg(&p, XSIG__WIRE_VERSION, XSIG__WIRE_FLAG_RING, XSIG_USR1, 0);
  for (i = 0; i < XSIG__RING_SLOTS; i++)
    ASSERT_OK(xsig_kill(p.pid, XSIG_USR1)); /* posted into the ring */
  t0 = test_now_us();
  err = xsig_kill(p.pid, XSIG_USR1); /* no room: waits */
  ms = (test_now_us() - t0) / 1000;
  ASSERT(err == XSIG_ETIMEDOUT || err == XSIG_EAGAIN);
  ASSERT(ms < 15000);
  test_proc_close(&p);
  return 0;
}

/* A receiver that knows only version 1 drops version 2 unanswered: the
 * sender says it again in version 1, once, and from then on speaks
 * version 1 to it (values included). */
TEST_IMPL(transport_falls_back_to_version_1)
{
  test_proc_t p;
  xsig_process_t *t;
  start_fake_receiver(&p, "old");
  ASSERT_OK(xsig_process_open(p.pid, &t));
  ASSERT_OK(xsig_process_send(t, XSIG_USR1, 0, 0, NULL));
  expect_msg(&p, XSIG__WIRE_VERSION, 0, XSIG_USR1, 0); /* a first signal asks for no ring */
  expect_msg(&p, XSIG__WIRE_VERSION_OLD, 0, XSIG_USR1, 0);
  ASSERT_OK(xsig_process_send(t, XSIG_RTMIN, 42, XSIG_SEND_VALUE, NULL));
  expect_msg(&p, XSIG__WIRE_VERSION_OLD, XSIG__WIRE_FLAG_VALUE, XSIG_RTMIN, 42);
  ASSERT_OK(xsig_kill(p.pid, XSIG_USR2));
  expect_msg(&p, XSIG__WIRE_VERSION_OLD, 0, XSIG_USR2, 0);
  xsig_process_close(t);
  test_proc_close(&p);
  return 0;
}

/* A sender of version 1 (also one that asks for a ring, as xsig 0.x did)
 * gets a version 1 reply from today's receiver, with no ring, and its
 * signal. */
TEST_IMPL(transport_answers_version_1)
{
  test_proc_t p;
  struct xsig__wire_msg m;
  unsigned char out[sizeof(struct xsig__wire_reply) + 1];
  struct xsig__wire_reply_v1 r1;
  char line[160], want[160];
  HANDLE h;
  DWORD got = 0;
  int k;
  ASSERT_OK(test_spawn_helper(&p, "counting_receiver", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  for (k = 0; k < 2; k++) {
    xsig__wire_encode(&m, XSIG__WIRE_VERSION_OLD, XSIG_USR1, 0, 0);
    if (k == 1)
      m.flags |= XSIG__WIRE_FLAG_RING;
    h = raw_connect(p.pid);
    ASSERT(h != INVALID_HANDLE_VALUE);
    ASSERT(TransactNamedPipe(h, &m, sizeof m, out, sizeof out, &got, NULL));
    ASSERT_EQ(got, sizeof r1);
    memcpy(&r1, out, sizeof r1);
    ASSERT_EQ(r1.magic, XSIG__WIRE_MAGIC);
    ASSERT_EQ(r1.result, 0);
    ASSERT_EQ(r1.ring, 0);
    ASSERT(r1.section == 0 && r1.doorbell == 0 && r1.wake == 0);
    CloseHandle(h);
    snprintf(want, sizeof want, "sig=%d pid=%lld rejected=0 remote=%d", XSIG_USR1,
             (long long)test_getpid(), k + 1);
    ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
    ASSERT_STR(line, want);
  }
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
  return 0;
}

/* --- a group whose members answer slowly, or in version 1 --------------
 * family_of_fakes leads a group (one job) and starts, in this order, an
 * old receiver (version 1 only), one that holds its sender until the
 * third has a signal, and a real xsig receiver, each saying its lines to
 * its own file <stem>-old/-hold/-count.txt; its own go to <stem>-lead.txt. */
static void family_file(char *buf, size_t size, const char *stem, const char *who)
{
  snprintf(buf, size, "%s-%s.txt", stem, who);
}

static void start_family_member(const char *stem, const char *who, const char *helper, const char *a,
                                const char *b)
{
  char out[256];
  xsig_process_t *p;
  family_file(out, sizeof out, stem, who);
  test_setenv("XSIG_TEST_OUT", out);
  if (test_xsig_spawn_helper(helper, a, b, 0, &p) == 0)
    xsig_process_close(p);
}

HELPER_IMPL(family_of_fakes)
{
  char count[256], lead[256];
  const char *stem = argv[1];
  (void)argc;
  xsig_init();
  xsig_handle(XSIG_USR1, say_handler);
  family_file(count, sizeof count, stem, "count");
  family_file(lead, sizeof lead, stem, "lead");
  start_family_member(stem, "old", "fake_receiver", "old", NULL);
  start_family_member(stem, "hold", "fake_receiver", "hold", count);
  start_family_member(stem, "count", "counting_receiver", NULL, NULL);
  test_setenv("XSIG_TEST_OUT", lead);
  helper_say("ready");
  while (!done)
    xsig_sleep(1000);
  return 0;
}

static void remove_family_files(const char *stem)
{
  static const char *const who[] = {"lead", "old", "hold", "count"};
  char f[256];
  size_t i;
  for (i = 0; i < sizeof who / sizeof who[0]; i++) {
    family_file(f, sizeof f, stem, who[i]);
    remove(f);
  }
}

/* A signal to a group is written to every member before any answer is
 * read: a member that holds its sender (takes the message and does not
 * answer) keeps no other member from the signal, and the send still
 * returns once it answers. A member that knows only version 1 gets the
 * signal again in version 1; a real xsig receiver takes it. (The job lists
 * its members in the order they joined, which Windows does not promise:
 * with the holder after the receiver, one-by-one reading would pass too.) */
static void wait_family_ready(const char *stem, int with_lead)
{
  static const char *const who[] = {"lead", "old", "hold", "count"};
  char f[256];
  size_t i;
  for (i = with_lead ? 0 : 1; i < sizeof who / sizeof who[0]; i++) {
    family_file(f, sizeof f, stem, who[i]);
    ASSERT_OK(test_wait_file_line(f, "ready", 30000));
  }
}

/* After USR1 to the family's group: the holder saw the real receiver get
 * it while it held its sender; the old one got it in both versions; the
 * real receiver got it. */
static void expect_family_signalled(const char *stem)
{
  char f[256], want[160];
  family_file(f, sizeof f, stem, "hold");
  snprintf(want, sizeof want, "msg version=%d flags=0 sig=%d value=0", XSIG__WIRE_VERSION, XSIG_USR1);
  ASSERT(test_file_has(f, want));
  ASSERT_OK(test_wait_file_line(f, "held: ", 20000));
  ASSERT(test_file_has(f, "held: another got it meanwhile"));
  family_file(f, sizeof f, stem, "old");
  ASSERT(test_file_has(f, want));
  snprintf(want, sizeof want, "msg version=%d flags=0 sig=%d value=0", XSIG__WIRE_VERSION_OLD, XSIG_USR1);
  ASSERT(test_file_has(f, want));
  snprintf(want, sizeof want, "sig=%d pid=%lld rejected=0 remote=1", XSIG_USR1, (long long)test_getpid());
  family_file(f, sizeof f, stem, "count");
  ASSERT(test_file_has(f, want));
}

TEST_IMPL(transport_group_member_holds_sender)
{
  char f[256], want[160], stem[64];
  xsig_process_t *leader;
  int via = -1;
  snprintf(stem, sizeof stem, "family-%lld", (long long)test_getpid());
  remove_family_files(stem);
  ASSERT_OK(test_xsig_spawn_helper("family_of_fakes", stem, NULL, XSIG_SPAWN_NEW_GROUP, &leader));
  wait_family_ready(stem, 1);
  ASSERT_OK(xsig_send(-xsig_process_group(leader), XSIG_USR1, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_XSIG); /* the leader's way */
  expect_family_signalled(stem);
  snprintf(want, sizeof want, "sig=%d pid=%lld rejected=0 remote=1", XSIG_USR1, (long long)test_getpid());
  family_file(f, sizeof f, stem, "lead");
  ASSERT_OK(test_wait_file_line(f, want, 20000));
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_KILL, 0, NULL, NULL));
  xsig_process_close(leader);
  test_setenv("XSIG_TEST_OUT", "");
  remove_family_files(stem);
  return 0;
}

/* A helper started by this process in group pgid (a job of its own, which
 * joins the group's), or in a new group when pgid is 0; its lines go to
 * the family's file for who. */
static void start_joined(const char *stem, const char *who, int64_t pgid, const char *helper,
                         const char *a, const char *b, xsig_process_t **p)
{
  char exe[1024], out[256];
  char *argv[6];
  xsig_spawn_options_t o;
  test_self_exe(exe, sizeof exe);
  argv[0] = exe;
  argv[1] = (char *)"--helper";
  argv[2] = (char *)helper;
  argv[3] = (char *)a;
  argv[4] = a ? (char *)b : NULL;
  argv[5] = NULL;
  memset(&o, 0, sizeof o);
  o.pgid = pgid;
  o.flags = pgid ? 0 : XSIG_SPAWN_NEW_GROUP;
  family_file(out, sizeof out, stem, who);
  test_setenv("XSIG_TEST_OUT", out);
  ASSERT_OK(xsig_spawn_with(exe, argv, &o, p));
  test_setenv("XSIG_TEST_OUT", "");
}

/* The same family, each member a job of its own that joined the old
 * receiver's group: a group's jobs are written to together too. */
TEST_IMPL(transport_group_joined_member_holds_sender)
{
  char stem[64], count[256];
  xsig_process_t *p[3];
  int64_t pgid;
  int i, via = -1;
  snprintf(stem, sizeof stem, "joined-%lld", (long long)test_getpid());
  remove_family_files(stem);
  family_file(count, sizeof count, stem, "count");
  start_joined(stem, "old", 0, "fake_receiver", "old", NULL, &p[0]);
  pgid = xsig_process_group(p[0]);
  start_joined(stem, "hold", pgid, "fake_receiver", "hold", count, &p[1]);
  start_joined(stem, "count", pgid, "counting_receiver", NULL, NULL, &p[2]);
  wait_family_ready(stem, 0);
  ASSERT_OK(xsig_send(-pgid, XSIG_USR1, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_XSIG);
  expect_family_signalled(stem);
  for (i = 0; i < 3; i++) {
    ASSERT_OK(xsig_process_stop_tree(p[i], XSIG_KILL, 0, NULL, NULL));
    xsig_process_close(p[i]);
  }
  remove_family_files(stem);
  return 0;
}

/* A group's member that writes to its pipe before it reads, so that the
 * sender's transaction cannot even start: the group send returns the same
 * XSIG_E* code as a send to that process alone (the pipe's own error was
 * once returned as a positive number, after no retry in version 1). */
TEST_IMPL(transport_group_member_writes_first)
{
  const char *file = test_own_file("prewrite");
  xsig_process_t *leader;
  int alone, group;
  remove(file);
  test_setenv("XSIG_TEST_OUT", file);
  ASSERT_OK(test_xsig_spawn_helper("fake_receiver", "prewrite", NULL, XSIG_SPAWN_NEW_GROUP, &leader));
  test_setenv("XSIG_TEST_OUT", "");
  ASSERT_OK(test_wait_file_line(file, "ready", 30000));
  group = xsig_send(-xsig_process_group(leader), XSIG_USR1, 0, 0, NULL);
  alone = xsig_kill(xsig_process_pid(leader), XSIG_USR1);
  ASSERT(alone < 0);
  ASSERT_EQ(group, alone);
  ASSERT(strlen(xsig_strerror(group)) > 0);
  ASSERT_OK(xsig_process_stop_tree(leader, XSIG_KILL, 0, NULL, NULL));
  xsig_process_close(leader);
  remove(file);
  return 0;
}
#endif
