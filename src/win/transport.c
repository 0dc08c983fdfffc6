/* SPDX-License-Identifier: MIT */
/* Receiving signals from other processes: a message-mode named pipe,
 * \\.\pipe\xsig-1-<pid>, served by one thread with overlapped I/O.
 * - Only the user, Administrators and SYSTEM may open it (a protected DACL);
 *   remote clients are rejected by the pipe itself.
 * - The sender's pid comes from GetNamedPipeClientProcessId, never the message.
 * - Each connection carries one fixed-size message and gets one reply; the
 *   instance is disconnected only once the client has closed its end, since
 *   DisconnectNamedPipe throws away a reply the client has not read yet.
 *   Malformed messages are counted and dropped; a client that sends nothing
 *   is dropped after IDLE_MS. A new instance is listening whenever all others
 *   are busy, so one client never blocks the rest.
 * - A message may ask for a ring (src/win/ring.c): the reply then names
 *   it, the sender takes it, and that sender's next signals come through
 *   it; this thread serves the rings too. A ring is kept only once the
 *   connection that offered it ended with the sender holding it.
 * - Messages and replies are versioned (src/wire.h): each message is
 *   answered in its own version.
 * - No time-outs while nobody is connected: an idle process never wakes. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "internal.h"
#include "ring.h"
#include <sddl.h> /* needs windows.h first (internal.h) */
#include "wire.h"

#define MAX_INSTANCES 32
#define IDLE_MS 1000

enum state { LISTENING, READING, REPLYING, DRAINING };

struct instance {
  HANDLE pipe;
  OVERLAPPED ov;
  enum state state;
  unsigned char buf[sizeof(struct xsig__wire_msg) + 1];
  struct xsig__wire_reply reply; /* the largest reply */
  size_t reply_size;
  int64_t deadline;
  int64_t connected_at; /* system time (100 ns) its client connected */
  unsigned offer;       /* the ring this connection offered (ring.c), or 0 */
  int default_after_reply; /* signal whose default action follows the reply */
  int pending;             /* an overlapped operation was started */
  int sync_ok;             /* else: how the last step ended, synchronously */
};

/* The instances, pipe_sd and ninst belong to the serving thread once it
 * runs (start and stop set them while it does not); the counters and its
 * id are read by other threads through atomics. */
static HANDLE thread;
static HANDLE stop_event;
static struct instance inst[MAX_INSTANCES];
static int ninst;
static PSECURITY_DESCRIPTOR pipe_sd;
static xsig__atomic_long replies_owed; /* accepted, reply not yet written */
static xsig__atomic_long serve_tid; /* the serving thread's id, read by others */

/* "D:P(A;;GA;;;<user>)(A;;GA;;;BA)(A;;GA;;;SY)": the user, Administrators,
 * SYSTEM; protected from inherited entries. */
static int make_security_descriptor(void)
{
  HANDLE token;
  union { TOKEN_USER user; unsigned char bytes[256]; } tu;
  DWORD len;
  wchar_t *sid = NULL, sddl[512];
  int ok;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
    return XSIG_ESYS;
  ok = GetTokenInformation(token, TokenUser, &tu, sizeof tu, &len) &&
       ConvertSidToStringSidW(tu.user.User.Sid, &sid);
  CloseHandle(token);
  if (!ok)
    return XSIG_ESYS;
  swprintf(sddl, sizeof sddl / sizeof sddl[0], L"D:P(A;;GA;;;%ls)(A;;GA;;;BA)(A;;GA;;;SY)", sid);
  LocalFree(sid);
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &pipe_sd, NULL))
    return XSIG_ESYS;
  return 0;
}

static HANDLE create_instance(int first)
{
  SECURITY_ATTRIBUTES sa;
  wchar_t name[64];
  xsig__win_pipe_name(GetCurrentProcessId(), name, 64);
  sa.nLength = sizeof sa;
  sa.lpSecurityDescriptor = pipe_sd;
  sa.bInheritHandle = FALSE;
  return CreateNamedPipeW(name,
                          PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED |
                              (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0),
                          PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT |
                              PIPE_REJECT_REMOTE_CLIENTS,
                          PIPE_UNLIMITED_INSTANCES, sizeof(struct xsig__wire_reply),
                          sizeof(struct xsig__wire_msg), 0, &sa);
}

static void start_read(struct instance *in, enum state state);

static int64_t system_time(void)
{
  FILETIME t;
  GetSystemTimeAsFileTime(&t);
  return (int64_t)(((uint64_t)t.dwHighDateTime << 32) | t.dwLowDateTime);
}

/* Starts waiting for a client; completes at once if one is already there. */
static void start_listen(struct instance *in)
{
  in->state = LISTENING;
  in->pending = 1;
  ResetEvent(in->ov.hEvent);
  if (ConnectNamedPipe(in->pipe, &in->ov))
    return; /* overlapped: completion is signalled through the event */
  switch (GetLastError()) {
  case ERROR_IO_PENDING:
    return;
  case ERROR_PIPE_CONNECTED: /* a client came before we asked: no operation */
    in->pending = 0;
    in->sync_ok = 1;
    SetEvent(in->ov.hEvent);
    return;
  default:
    in->pending = 0;
    in->sync_ok = 0;
    DisconnectNamedPipe(in->pipe);
    SetEvent(in->ov.hEvent); /* retried on the next round */
  }
}

static void restart(struct instance *in)
{
  if (in->offer)
    xsig__win_rings_settle(in->offer); /* kept only if its sender took it */
  in->offer = 0;
  /* Let a cancelled operation finish first, or its completion would set the
   * event again after start_listen reset it. */
  if (in->pending && !HasOverlappedIoCompleted(&in->ov) && CancelIo(in->pipe))
    WaitForSingleObject(in->ov.hEvent, 100);
  in->pending = 0;
  DisconnectNamedPipe(in->pipe);
  start_listen(in);
}

static int add_instance(int first)
{
  struct instance *in = &inst[ninst];
  memset(in, 0, sizeof *in);
  in->pipe = create_instance(first);
  if (in->pipe == INVALID_HANDLE_VALUE)
    return GetLastError() == ERROR_ACCESS_DENIED ? XSIG_EPERM : XSIG_ESYS;
  in->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (in->ov.hEvent == NULL) {
    CloseHandle(in->pipe);
    return XSIG_ESYS;
  }
  ninst++;
  start_listen(in);
  return 0;
}

static int listening_count(void)
{
  int i, n = 0;
  for (i = 0; i < ninst; i++)
    n += inst[i].state == LISTENING;
  return n;
}

/* Reads with a deadline: the message (READING), or, after the reply, the
 * client closing its end (DRAINING). */
static void start_read(struct instance *in, enum state state)
{
  in->state = state;
  in->pending = 1;
  in->deadline = xsig__os_now_ms() + IDLE_MS;
  ResetEvent(in->ov.hEvent);
  if (!ReadFile(in->pipe, in->buf, sizeof in->buf, NULL, &in->ov) &&
      GetLastError() != ERROR_IO_PENDING && GetLastError() != ERROR_MORE_DATA) {
    in->pending = 0; /* failed (or closed) at once: nothing in flight */
    restart(in);
  }
}

static void reject(struct instance *in)
{
  xsig__stats_add_rejected();
  restart(in);
}

/* The reply is written, or could not be: the signal was accepted either
 * way, so a default action it brought runs now. (A sender that found the
 * receiver stopped left the signal in the pipe and closed its end: the
 * reply fails, and the default action must not go with it.) */
static void replied(struct instance *in)
{
  int sig = in->default_after_reply;
  xsig__atomic_add(&replies_owed, -1);
  in->default_after_reply = 0;
  if (sig)
    xsig__os_default_action(sig); /* a sender that finds the pipe broken checks that we are gone */
}

/* In the message's version; handles: a ring offered, or NULL. */
static void reply(struct instance *in, int version, int result, const uint64_t *handles)
{
  in->state = REPLYING;
  in->pending = 1;
  xsig__wire_reply_encode(&in->reply, &in->reply_size, version, result, handles);
  ResetEvent(in->ov.hEvent);
  if (!WriteFile(in->pipe, &in->reply, (DWORD)in->reply_size, NULL, &in->ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    in->pending = 0; /* the client is gone: nothing in flight */
    replied(in);
    restart(in);
  }
}

static void on_message(struct instance *in, DWORD got, BOOL ok)
{
  xsig_info_t info;
  struct xsig__wire_meta meta;
  uint64_t handles[3];
  ULONG client = 0;
  int r;
  /* ERROR_MORE_DATA: longer than a message; got != size: shorter or longer */
  if (!ok || xsig__wire_decode(in->buf, got, &info, &meta) != 0 ||
      !GetNamedPipeClientProcessId(in->pipe, &client)) {
    if (!ok && GetLastError() != ERROR_MORE_DATA) {
      restart(in); /* the client went away: nothing to count */
      return;
    }
    reject(in);
    return;
  }
  xsig__atomic_add(&replies_owed, 1); /* before a handler can see it */
  if (meta.child) { /* news, not a signal: a look at the child it names */
    xsig__win_child_news((DWORD)meta.child, meta.child_sig);
    reply(in, meta.version, 0, NULL);
    return;
  }
  info.pid = (int64_t)client;
  /* a sender whose ring was let go asks again here: the ring first */
  xsig__win_rings_serve_sender(client);
  r = xsig__win_accept(&info, XSIG__ACCEPT_REMOTE);
  /* version 1 asked for handles put into its process: it gets none */
  if (meta.wants_ring && meta.version == XSIG__WIRE_VERSION)
    in->offer = xsig__win_rings_offer(client, in->connected_at, handles);
  in->default_after_reply = r == XSIG__ARRIVE_DEFAULT ? info.signo : 0;
  reply(in, meta.version, r == XSIG__ARRIVE_DEFAULT ? 0 : r, in->offer ? handles : NULL);
}

/* The result of the step whose event fired. Wine sets the event a moment
 * before it fills in the OVERLAPPED (it does so at this thread's next wait),
 * so an "incomplete" answer is retried briefly before it counts as stale. */
static int finished(struct instance *in, BOOL *ok, DWORD *got)
{
  int tries;
  if (!in->pending) {
    *ok = in->sync_ok;
    ResetEvent(in->ov.hEvent);
    return 1;
  }
  for (tries = 0; tries < 20; tries++) {
    *ok = GetOverlappedResult(in->pipe, &in->ov, got, FALSE);
    if (*ok || GetLastError() != ERROR_IO_INCOMPLETE)
      return 1;
    WaitForSingleObject(in->ov.hEvent, 10);
  }
  /* Stale: clear the event, or this instance would hide the others from
   * WaitForMultipleObjects (it reports the lowest ready index). */
  ResetEvent(in->ov.hEvent);
  if (HasOverlappedIoCompleted(&in->ov))
    SetEvent(in->ov.hEvent);
  return 0;
}

static void on_event(struct instance *in)
{
  DWORD got = 0;
  BOOL ok;
  if (!finished(in, &ok, &got))
    return;
  switch (in->state) {
  case LISTENING:
    if (!ok && GetLastError() != ERROR_PIPE_CONNECTED) {
      restart(in);
      return;
    }
    in->connected_at = system_time();
    start_read(in, READING);
    /* keep instances listening so that this client blocks nobody */
    while (listening_count() < 2 && ninst < MAX_INSTANCES && add_instance(0) == 0) {
    }
    return;
  case READING:
    on_message(in, got, ok);
    return;
  case REPLYING:
    replied(in);
    if (ok)
      start_read(in, DRAINING);
    else
      restart(in);
    return;
  case DRAINING: /* the client closed (or sent more than one message) */
    restart(in);
    return;
  }
}

static DWORD next_timeout(void)
{
  int64_t now = xsig__os_now_ms(), best = -1;
  int i;
  for (i = 0; i < ninst; i++)
    if ((inst[i].state == READING || inst[i].state == DRAINING) && (best < 0 || inst[i].deadline < best))
      best = inst[i].deadline;
  if (best < 0)
    return INFINITE;
  return best <= now ? 0 : (DWORD)(best - now);
}

static void drop_idle_clients(void)
{
  int64_t now = xsig__os_now_ms();
  int i;
  for (i = 0; i < ninst; i++)
    if (inst[i].state == READING && inst[i].deadline <= now)
      reject(&inst[i]); /* connected and sent nothing */
    else if (inst[i].state == DRAINING && inst[i].deadline <= now)
      restart(&inst[i]); /* got its reply, did not close: not an error */
}

/* WaitForMultipleObjects reports only the lowest ready index: two busy
 * clients on instances 0 and 1 would starve a third for seconds. So every
 * instance that is ready gets its turn in each round. */
static void serve_ready(int n)
{
  int i;
  for (i = 0; i < n; i++)
    if (WaitForSingleObject(inst[i].ov.hEvent, 0) == WAIT_OBJECT_0)
      on_event(&inst[i]);
}

/* The stop event, the pipe's instances, then the rings (ring.c): their
 * doorbell and their senders' processes. */
static DWORD WINAPI serve(LPVOID unused)
{
  HANDLE hs[MAXIMUM_WAIT_OBJECTS];
  (void)unused;
  xsig__atomic_store(&serve_tid, (long)GetCurrentThreadId());
  for (;;) {
    int i, n = ninst, m;
    DWORD r, timeout;
    hs[0] = stop_event;
    for (i = 0; i < n; i++)
      hs[i + 1] = inst[i].ov.hEvent;
    m = xsig__win_rings_wait_handles(hs + n + 1);
    /* marked first, then looked: a sender that wrote before the mark
     * is seen now, one after it rings the doorbell */
    xsig__win_rings_mark_sleeping();
    timeout = xsig__win_rings_have_news() ? 0 : next_timeout();
    r = WaitForMultipleObjects((DWORD)(n + 1 + m), hs, FALSE, timeout);
    xsig__win_rings_mark_awake();
    if (r == WAIT_OBJECT_0)
      return 0;
    if (r == WAIT_TIMEOUT)
      drop_idle_clients();
    else if (r > WAIT_OBJECT_0 && r <= WAIT_OBJECT_0 + (DWORD)n)
      serve_ready(n);
    else if (r == WAIT_FAILED)
      Sleep(1); /* should not happen; do not spin hard */
    xsig__win_rings_serve(r > WAIT_OBJECT_0 + (DWORD)n + 1 && r < WAIT_OBJECT_0 + (DWORD)(n + 1 + m)
                              ? hs[r - WAIT_OBJECT_0] : NULL);
  }
}

void xsig__win_transport_flush_replies(void)
{
  int i;
  if (GetCurrentThreadId() == (DWORD)xsig__atomic_load(&serve_tid))
    return; /* its own replies cannot move while it waits */
  for (i = 0; i < 200 && xsig__atomic_load(&replies_owed) > 0; i++)
    Sleep(1);
}

void xsig__win_transport_stop(void)
{
  int i;
  if (thread) {
    SetEvent(stop_event);
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
    thread = NULL;
  }
  for (i = 0; i < ninst; i++)
    inst[i].offer = 0; /* the rings all end here */
  xsig__win_rings_stop();
  for (i = 0; i < ninst; i++) {
    CancelIo(inst[i].pipe);
    CloseHandle(inst[i].pipe);
    CloseHandle(inst[i].ov.hEvent);
  }
  ninst = 0;
  xsig__atomic_store(&replies_owed, 0);
  if (stop_event)
    CloseHandle(stop_event);
  stop_event = NULL;
  if (pipe_sd)
    LocalFree(pipe_sd);
  pipe_sd = NULL;
}

/* A program that ends right after its handler (return from main, exit())
 * must not take with it the reply its sender waits for: that sender would
 * read "no such process" for a signal that was delivered. The same wait a
 * default action does, while the C runtime's exit still has our thread. */
static void flush_replies_at_exit(void)
{
  xsig__win_rings_ending();
  xsig__win_transport_flush_replies();
}

/* Once started, this module's code runs on threads, in a vectored handler
 * and in thread-pool callbacks that FreeLibrary cannot stop: xsig.dll is
 * pinned, loaded until the process ends (a program built with the static
 * library pins itself, which changes nothing). */
static void pin_module(void)
{
  static const char inside_this_module = 0; /* an address in its image */
  HMODULE self;
  GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                     (LPCWSTR)(const void *)&inside_this_module, &self);
}

int xsig__win_transport_start(void)
{
  static int at_exit;
  int err = make_security_descriptor();
  pin_module();
  if (!at_exit)
    at_exit = atexit(flush_replies_at_exit) == 0;
  if (err == 0)
    err = xsig__win_rings_start();
  if (err == 0)
    err = add_instance(1);
  if (err == 0 && (stop_event = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL)
    err = XSIG_ESYS;
  if (err == 0 && (thread = CreateThread(NULL, 64 * 1024, serve, NULL,
                                         STACK_SIZE_PARAM_IS_A_RESERVATION, NULL)) == NULL)
    err = XSIG_ESYS;
  if (err)
    xsig__win_transport_stop();
  return err;
}
