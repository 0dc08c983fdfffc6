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
  xsig__wire_encode(&m, XSIG_USR1, 0, 0);
  send_bad(p.pid, &m, 10), bad++;                            /* short */
  memset(big, 0, sizeof big);
  memcpy(big, &m, sizeof m);
  send_bad(p.pid, big, sizeof big), bad++;                   /* long */
  m.version = 2;
  send_bad(p.pid, &m, sizeof m), bad++;                      /* unknown version */
  xsig__wire_encode(&m, 999, 0, 0);
  send_bad(p.pid, &m, sizeof m), bad++;                      /* no such signal */
  xsig__wire_encode(&m, XSIG_KILL, 0, 0);
  send_bad(p.pid, &m, sizeof m), bad++;                      /* KILL never travels */
  xsig__wire_encode(&m, XSIG_USR1, 0, 0);
  m.reserved = 1;
  send_bad(p.pid, &m, sizeof m), bad++;                      /* reserved bits */
  xsig__wire_encode(&m, XSIG_USR1, 0, 0);
  m.flags = 0x80;
  send_bad(p.pid, &m, sizeof m), bad++;                      /* unknown flag */
  xsig__wire_encode(&m, XSIG_USR1, 0, 0);
  m.value = 5;
  send_bad(p.pid, &m, sizeof m), bad++;                      /* value without flag */

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
HELPER_IMPL(squatter)
{
  char name[64];
  HANDLE h;
  DWORD n = 0;
  unsigned char buf[64];
  (void)argc;
  pipe_name(_atoi64(argv[1]), name, sizeof name);
  h = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                       PIPE_UNLIMITED_INSTANCES, 64, 64, 0, NULL);
  helper_say(h == INVALID_HANDLE_VALUE ? "squat failed" : "squatting");
  /* Report whatever a sender hands us: it must be nothing. */
  if (ConnectNamedPipe(h, NULL) || GetLastError() == ERROR_PIPE_CONNECTED) {
    ReadFile(h, buf, sizeof buf, &n, NULL);
    helper_say("squatter got %lu bytes", (unsigned long)n);
  }
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
      ASSERT(r == 0 || r == XSIG_EPERM);
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
    xsig__wire_encode(&m, XSIG_USR1, 0, 0);
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
#endif
