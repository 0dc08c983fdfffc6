/* SPDX-License-Identifier: MIT */
/* Sending on Windows. A target that runs xsig gets the signal through its
 * transport (catchable, with our pid verified by the system). Any other
 * target gets the ladder of docs/sending.md; TerminateProcess only for KILL
 * or when the caller passed XSIG_SEND_FORCE. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "internal.h"
#include "ring.h"
#include <tlhelp32.h> /* needs windows.h first (internal.h) */
#include <winternl.h>
#include "wire.h"

#define STOPPED_RECHECK_MS 500
#define NO_TRANSPORT 1
#define NO_REPLY 3 /* the pipe broke before a reply; the receiver may still run */
#define MAX_CONT 64 /* STOPs one CONT undoes at most (each STOP suspends once) */

typedef LONG (NTAPI *nt_process_fn)(HANDLE);


static int error_from_win(DWORD e)
{
  switch (e) {
  case ERROR_INVALID_PARAMETER: return XSIG_ESRCH; /* no such pid */
  case ERROR_ACCESS_DENIED: return XSIG_EPERM;
  case ERROR_NOT_ENOUGH_MEMORY: return XSIG_ENOMEM;
  default: return XSIG_ESYS;
  }
}

static HANDLE open_target(DWORD pid, int *err)
{
  static const DWORD full = PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE | PROCESS_TERMINATE |
                            PROCESS_SUSPEND_RESUME | PROCESS_CREATE_THREAD |
                            PROCESS_QUERY_INFORMATION | PROCESS_VM_OPERATION |
                            PROCESS_VM_READ | PROCESS_VM_WRITE;
  HANDLE h = OpenProcess(full, FALSE, pid);
  if (h == NULL && GetLastError() == ERROR_ACCESS_DENIED)
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid);
  *err = h ? 0 : error_from_win(GetLastError());
  return h;
}

static int has_exited(HANDLE h)
{
  return WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
}

/* Whether whoever made this instance of the name is the target itself. */
static int served_by(HANDLE pipe, DWORD pid)
{
  ULONG server = 0;
  return GetNamedPipeServerProcessId(pipe, &server) && server == pid;
}

/* Another process of the same user can make instances of the name too
 * (Windows refuses only the first instance to a squatter, Wine not even
 * that): such an instance is closed unwritten and the next one tried; a
 * name only others serve means the target has no transport (the ladder).
 * When every instance is busy it waits up to wait_ms for one. */
#define SQUATTED_TRIES 8

static HANDLE connect_transport(DWORD pid, DWORD wait_ms, int *err)
{
  wchar_t name[64];
  HANDLE pipe;
  DWORD mode = PIPE_READMODE_MESSAGE;
  ULONGLONG deadline = GetTickCount64() + wait_ms;
  int squatted = 0;
  xsig__win_pipe_name(pid, name, 64);
  for (;;) {
    pipe = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                       FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, NULL);
    if (pipe != INVALID_HANDLE_VALUE) {
      if (served_by(pipe, pid))
        break;
      CloseHandle(pipe); /* nothing written to it */
      if (++squatted < SQUATTED_TRIES) {
        Sleep(1);
        continue;
      }
      *err = NO_TRANSPORT;
      return NULL;
    }
    if (GetLastError() == ERROR_FILE_NOT_FOUND) {
      *err = NO_TRANSPORT;
      return NULL;
    }
    /* Every instance busy: the receiver adds one; wait for it, bounded. A
     * stopped receiver adds none: each instance holds a pending signal. */
    if (GetLastError() != ERROR_PIPE_BUSY || GetTickCount64() >= deadline) {
      *err = GetLastError() == ERROR_PIPE_BUSY ? XSIG_ETIMEDOUT : error_from_win(GetLastError());
      return NULL;
    }
    if (xsig__win_is_stopped(pid)) {
      *err = XSIG_EAGAIN;
      return NULL;
    }
    if (!WaitNamedPipeW(name, 100))
      Sleep(1);
  }
  if (!SetNamedPipeHandleState(pipe, &mode, NULL, NULL)) {
    CloseHandle(pipe);
    *err = XSIG_ESYS;
    return NULL;
  }
  *err = 0;
  return pipe;
}

/* The pipe broke before a reply: the receiver is ending or gone, so the
 * signal was not taken (a receiver whose default action ends it replies
 * first). */
static int ends_within(HANDLE target, DWORD ms)
{
  return target && WaitForSingleObject(target, ms) == WAIT_OBJECT_0;
}

static int receiver_gone(HANDLE target)
{
  return ends_within(target, 1000) ? XSIG_ESRCH : XSIG_ESYS;
}

/* The reply to a message already in the pipe (the transceive writes it
 * before it waits): 0 with *got bytes. A stopped receiver cannot answer
 * until CONT: then the message is left in the pipe, where it stays
 * pending, and the send returns at once, as kill(2) to a stopped process
 * does (*left = 1, 0). NO_REPLY when the pipe broke first. deadline: in
 * GetTickCount64's time. */
static int await_reply(HANDLE pipe, DWORD pid, OVERLAPPED *ov, ULONGLONG deadline, DWORD *got,
                       int *left)
{
  DWORD step = XSIG__WIN_STOPPED_CHECK_MS;
  while (WaitForSingleObject(ov->hEvent, step) != WAIT_OBJECT_0) {
    *left = xsig__win_is_stopped(pid);
    if (*left || GetTickCount64() >= deadline) {
      CancelIo(pipe);
      break;
    }
    step = STOPPED_RECHECK_MS;
  }
  if (GetOverlappedResult(pipe, ov, got, TRUE)) {
    *left = 0; /* it answered after all */
    return 0;
  }
  if (*left)
    return 0;
  if (GetLastError() == ERROR_MORE_DATA)
    return XSIG_ESYS; /* longer than any reply */
  return GetLastError() == ERROR_OPERATION_ABORTED ? XSIG_ETIMEDOUT : NO_REPLY;
}

union reply_buf {
  struct xsig__wire_reply reply;
  unsigned char bytes[sizeof(struct xsig__wire_reply) + 1]; /* one more: a longer one shows */
};

/* A message written to a receiver's pipe whose reply is not yet read: a
 * batch of them lets the receivers answer at the same time (send_job).
 * The OVERLAPPED must stay where it is until the call is finished. */
struct pipe_call {
  HANDLE pipe;
  OVERLAPPED ov;
  ULONGLONG due; /* the reply is waited for until then (GetTickCount64) */
  struct xsig__wire_msg msg;
  union reply_buf buf;
  int version, asked;
};

/* Writes msg and starts reading its reply, to be waited for up to wait_ms
 * from now. 0, or an error (nothing to finish: pc->ov's event is closed). */
static int transact_start(struct pipe_call *pc, DWORD wait_ms)
{
  DWORD e;
  memset(&pc->ov, 0, sizeof pc->ov);
  pc->due = GetTickCount64() + wait_ms;
  pc->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (pc->ov.hEvent == NULL)
    return XSIG_ESYS;
  if (TransactNamedPipe(pc->pipe, &pc->msg, sizeof pc->msg, &pc->buf, sizeof pc->buf, NULL, &pc->ov) ||
      (e = GetLastError()) == ERROR_IO_PENDING)
    return 0;
  CloseHandle(pc->ov.hEvent);
  return e == ERROR_MORE_DATA ? XSIG_ESYS : NO_REPLY;
}

/* The reply to a started transaction (*got bytes of pc->buf). */
static int transact_finish(struct pipe_call *pc, DWORD pid, DWORD *got, int *left)
{
  int err = await_reply(pc->pipe, pid, &pc->ov, pc->due, got, left);
  CloseHandle(pc->ov.hEvent);
  return err;
}

/* One message, one reply, waited for up to wait_ms. */
static int transact(struct pipe_call *pc, DWORD pid, DWORD wait_ms, DWORD *got, int *left)
{
  int err = transact_start(pc, wait_ms);
  *got = 0;
  *left = 0;
  return err ? err : transact_finish(pc, pid, got, left);
}

/* Whether a message to c's receiver in this version asks for a ring:
 * version 2 only, from the second signal the pipe carries to it on. */
static int ring_wanted(struct xsig__win_channel *c, int version)
{
  return c && version == XSIG__WIRE_VERSION && xsig__win_channel_ring_due(c);
}

/* Connects to pid's transport and sends the signal in one version, asking
 * for a ring when ask_ring. 0: the reply is to be read by
 * pipe_call_finish; else nothing is left open. */
static int pipe_call_start(struct pipe_call *pc, DWORD pid, int version, int sig, intptr_t value,
                           int has_value, int ask_ring)
{
  int err;
  pc->pipe = connect_transport(pid, XSIG__WIN_SEND_TIMEOUT_MS, &err);
  if (pc->pipe == NULL)
    return err;
  xsig__wire_encode(&pc->msg, version, sig, value, has_value);
  pc->version = version;
  pc->asked = ask_ring;
  if (pc->asked)
    pc->msg.flags |= XSIG__WIRE_FLAG_RING;
  if ((err = transact_start(pc, XSIG__WIN_SEND_TIMEOUT_MS)) != 0)
    CloseHandle(pc->pipe);
  return err;
}

/* The receiver's answer to a started call. The reply is checked whole
 * before anything in it is used; a ring it names is taken (for channel c,
 * when there is one) before the pipe closes, which tells the receiver
 * whether to keep it. */
static int pipe_call_finish(struct pipe_call *pc, DWORD pid, HANDLE target,
                            struct xsig__win_channel *c, int *left)
{
  uint64_t handles[3];
  DWORD got = 0;
  int result, ring, err;
  *left = 0;
  err = transact_finish(pc, pid, &got, left);
  if (err == 0 && !*left) {
    ring = xsig__wire_reply_decode(&pc->buf, got, pc->version, &result, handles);
    err = ring < 0 ? XSIG_ESYS : result;
    if (ring == 1 && pc->asked && c) /* one not asked for is left to its receiver */
      xsig__win_channel_map_ring(c, target, handles);
  }
  CloseHandle(pc->pipe);
  return err;
}

/* The message in one version over the pipe, and its answer. */
static int send_pipe_version(DWORD pid, HANDLE target, int version, int sig, intptr_t value,
                             int has_value, struct xsig__win_channel *c, int *left)
{
  struct pipe_call pc;
  int err = pipe_call_start(&pc, pid, version, sig, value, has_value, ring_wanted(c, version));
  return err ? err : pipe_call_finish(&pc, pid, target, c, left);
}

/* What a call in the newest version that got no reply comes to: a
 * receiver that knows only version 1 drops version 2 without a reply, and
 * gets the signal again in version 1 (never twice: it accepted nothing). */
static int pipe_outcome(int err, DWORD pid, HANDLE target, int version, int sig, intptr_t value,
                        int has_value, struct xsig__win_channel *c, int *left)
{
  if (err == NO_REPLY && version == XSIG__WIRE_VERSION && !ends_within(target, 0)) {
    err = send_pipe_version(pid, target, XSIG__WIRE_VERSION_OLD, sig, value, has_value, c, left);
    if (err == NO_TRANSPORT)
      err = NO_REPLY; /* it was there a moment ago: ending */
    else if (err != NO_REPLY && c)
      xsig__win_channel_set_wire_version(c, XSIG__WIRE_VERSION_OLD);
  }
  return err == NO_REPLY ? receiver_gone(target) : err;
}

/* Over the pipe, in the newest version the receiver understands. */
static int send_pipe(DWORD pid, HANDLE target, int sig, intptr_t value, int has_value,
                     struct xsig__win_channel *c, int *left)
{
  int version = c ? xsig__win_channel_wire_version(c) : XSIG__WIRE_VERSION;
  int err = send_pipe_version(pid, target, version, sig, value, has_value, c, left);
  return pipe_outcome(err, pid, target, version, sig, value, has_value, c, left);
}

static int to_self(DWORD pid)
{
  return pid == GetCurrentProcessId();
}

/* The channel to pid, held; NULL for none. None to itself: a signal a
 * process sends itself is pending before the call returns (POSIX), and a
 * ring only posts it. */
static struct xsig__win_channel *channel_to(DWORD pid)
{
  return to_self(pid) ? NULL : xsig__win_channel_get(pid, 1);
}

/* Through the ring to pid when there is one, else the pipe (which then
 * sets one up). */
static int send_transport(DWORD pid, HANDLE target, int sig, intptr_t value, int flags, int *left)
{
  struct xsig__win_channel *c = channel_to(pid);
  int has_value = (flags & XSIG_SEND_VALUE) != 0, err = XSIG__WIN_NO_RING;
  *left = 0;
  if (c)
    err = xsig__win_channel_send(c, sig, value, has_value);
  if (err == XSIG__WIN_NO_RING)
    err = send_pipe(pid, target, sig, value, has_value, c, left);
  if (c)
    xsig__win_channel_put(c);
  return err;
}

static int call_nt(HANDLE h, const char *name)
{
  nt_process_fn fn = (nt_process_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"), name);
  if (fn == NULL)
    return XSIG_ENOSYS;
  return fn(h) >= 0 ? 0 : XSIG_EPERM;
}

static int shares_console(DWORD pid)
{
  DWORD list[256], n, i;
  n = GetConsoleProcessList(list, 256);
  for (i = 0; i < n && i < 256; i++)
    if (list[i] == pid)
      return 1;
  return 0;
}

/* Reaches every process of a group xsig started that shares our console;
 * whether the target took the event cannot be seen. */
static int console_event_to_group(DWORD pid, DWORD ev)
{
  HANDLE job = xsig__win_group_job(pid);
  int ok;
  if (job == NULL)
    return 0;
  CloseHandle(job);
  ok = shares_console(pid) && GenerateConsoleCtrlEvent(ev, pid);
  return ok;
}

/* Whether the target has Ctrl-C turned off (CREATE_NEW_PROCESS_GROUP, or
 * SetConsoleCtrlHandler(NULL, TRUE)): bit 0 of ConsoleFlags in its process
 * parameters, the bit CtrlRoutine reads (the field after four ULONGs and
 * the console handle, on Windows and in Wine). Then it ignores CTRL_C from
 * any source, and under Wine CTRL_BREAK through CtrlRoutine too. Returns
 * 1, 0, or -1 when it cannot be read. */
static int ignores_ctrl_c(HANDLE h)
{
  HANDLE console;
  ULONG flags;
  return xsig__win_console_fields(h, &console, &flags) ? -1 : (flags & 1) != 0;
}

/* Starts a thread in the target at kernelbase!CtrlRoutine, as the console
 * does. kernelbase is mapped at the same address in every process of a boot;
 * a 32-bit target has its own copy, so only same-bitness targets. */
static HANDLE start_ctrl_routine(HANDLE h, DWORD ev, int *err)
{
  FARPROC ctrl = GetProcAddress(GetModuleHandleW(L"kernelbase.dll"), "CtrlRoutine");
  BOOL wow = FALSE;
  HANDLE t;
  *err = XSIG_ENOSYS;
  if (ctrl == NULL || (IsWow64Process(h, &wow) && wow))
    return NULL;
  t = CreateRemoteThread(h, NULL, 0, (LPTHREAD_START_ROUTINE)(void (*)(void))ctrl,
                         (LPVOID)(ULONG_PTR)ev, 0, NULL);
  *err = t ? 0 : error_from_win(GetLastError());
  return t;
}

static int ctrl_routine_thread(HANDLE h, DWORD ev)
{
  int err;
  HANDLE t = start_ctrl_routine(h, ev, &err);
  if (t)
    CloseHandle(t);
  return err;
}

/* A console event through CtrlRoutine in a console program, taken or
 * not: SHUTDOWN (for TERM) or CLOSE (for HUP), the events Go and .NET take
 * as TERM, libuv and .NET CLOSE as HUP; without a handler of its own the
 * program ends as a console's close ends it. Windows drops only CTRL_C
 * for a target with Ctrl-C off, Wine drops every event then, and its
 * CtrlRoutine returns 0 at once: a thread that ended with 0 while the
 * target runs was not taken. */
static int event_thread_taken(HANDLE h, DWORD ev)
{
  HANDLE t;
  DWORD code = 1;
  int err, taken;
  if (xsig__win_has_console(h) != 1 || (t = start_ctrl_routine(h, ev, &err)) == NULL)
    return 0;
  taken = WaitForSingleObject(t, 200) != WAIT_OBJECT_0 || !GetExitCodeThread(t, &code) ||
          code != 0 || WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
  CloseHandle(t);
  return taken;
}

/* TERM as Ctrl-C (XSIG_SEND_CTRL_C_FIRST): for a console program that has
 * Ctrl-C on, as xsig run starts its command; Python and Node take no other
 * event as a stop request. With Ctrl-C on it is taken, as INT's is: its
 * handlers run, or the default one ends it. (The thread's exit code says
 * nothing here: Windows' CtrlRoutine returns 0 after a CTRL_C handler.) */
static int ctrl_c_for_term(HANDLE h)
{
  return xsig__win_has_console(h) == 1 && ignores_ctrl_c(h) == 0 && ctrl_routine_thread(h, CTRL_C_EVENT) == 0;
}

struct close_search { DWORD pid; int posted; };

static BOOL CALLBACK post_close(HWND w, LPARAM arg)
{
  struct close_search *s = (struct close_search *)arg;
  DWORD pid = 0;
  GetWindowThreadProcessId(w, &pid);
  if (pid == s->pid && PostMessageW(w, WM_CLOSE, 0, 0))
    s->posted++;
  return TRUE;
}

static int wm_close(DWORD pid)
{
  struct close_search s;
  s.pid = pid;
  s.posted = 0;
  EnumWindows(post_close, (LPARAM)&s);
  return s.posted > 0;
}

static int done(int *via, int how)
{
  if (via)
    *via = how;
  return 0;
}

/* Forced: QUIT leaves a minidump first (its default dumps core), when
 * dumps are on and the handle may read the target's memory. */
static int terminate(HANDLE h, int sig, int *via)
{
  wchar_t path[MAX_PATH];
  uint32_t code = xsig_win_exit_code(sig);
  int how = XSIG_VIA_TERMINATE;
  if (sig == XSIG_QUIT && xsig__win_write_dump(h, 0, NULL, path, MAX_PATH) == 0) {
    code |= XSIG_WIN_EXIT_CORE;
    how = XSIG_VIA_DUMP;
  }
  if (!TerminateProcess(h, code))
    return error_from_win(GetLastError());
  xsig__win_channel_drop(GetProcessId(h));
  return done(via, how);
}

/* How long news waits for its reply: a process that is about to stop
 * itself waits here, and a CONT meant for it may be waiting behind. */
#define NEWS_REPLY_MS 100

/* News for pid's parent that pid stopped by sig (or continued: CONT).
 * Windows tells a parent nothing of it. It is only news, and brief: the
 * parent believes only what it sees of its own child (and looks again
 * whenever it asks), so news it cannot take at once is dropped: a parent
 * that is stopped itself (it would hold an instance of its pipe per news
 * until CONT), busy, gone, or not running xsig. */
static void tell_parent(HANDLE h, DWORD pid, int sig)
{
  struct pipe_call pc;
  DWORD parent = xsig__win_parent_of(h, pid), got;
  int err, left;
  if (parent == 0)
    return;
  if (parent == GetCurrentProcessId()) {
    xsig__win_child_news(pid, sig);
    return;
  }
  if (xsig__win_stop_state(parent) == 1 || (pc.pipe = connect_transport(parent, 0, &err)) == NULL)
    return; /* 0: no waiting for a busy pipe */
  xsig__wire_encode_child(&pc.msg, pid, sig);
  transact(&pc, parent, NEWS_REPLY_MS, &got, &left);
  CloseHandle(pc.pipe);
}

void xsig__win_stopping(int sig)
{
  tell_parent(GetCurrentProcess(), GetCurrentProcessId(), sig);
}

/* STOP and CONT are states, as on POSIX: a second STOP needs no second
 * CONT, and CONT resumes only a stopped process (not threads the program
 * itself left suspended). Two STOPs at once (two senders) may both find
 * it running and both suspend it: so CONT resumes until it is no longer
 * stopped, which undoes any number of them and leaves a thread the
 * program suspended itself as it was. */
static int stop_process(HANDLE h, DWORD pid, int *via)
{
  int self = pid == GetCurrentProcessId(), err = 0;
  if (!xsig__win_is_stopped(pid)) {
    if (self)
      tell_parent(h, pid, XSIG_STOP); /* before: once stopped, nothing of ours runs */
    err = call_nt(h, "NtSuspendProcess");
    if (err == 0 && !self)
      tell_parent(h, pid, XSIG_STOP);
  }
  return err ? err : done(via, XSIG_VIA_SUSPEND);
}

static int resume_process(HANDLE h, DWORD pid)
{
  int err = 0, n;
  for (n = 0; n < MAX_CONT && err == 0 && xsig__win_is_stopped(pid); n++)
    err = call_nt(h, "NtResumeProcess");
  if (n > 0 && err == 0)
    tell_parent(h, pid, XSIG_CONT);
  return err;
}

/* INT and BREAK to a program without xsig. A thread at CtrlRoutine reaches
 * exactly that process, so it comes first; the console event to its group
 * only where that thread cannot be made, since its effect cannot be seen.
 * A process with Ctrl-C off ignores INT either way: no graceful path. */
static int console_ladder(DWORD pid, HANDLE h, DWORD ev, int *via)
{
  int off = ignores_ctrl_c(h);
  if (off == 1 && ev == CTRL_C_EVENT)
    return XSIG_ENOGRACE;
  /* BREAK cannot be turned off on Windows, but Wine's CtrlRoutine drops
   * it too when Ctrl-C is off: the group's console event says whether it
   * was sent (Wine cannot send BREAK at all, so it fails there). */
  if (off == 1 && console_event_to_group(pid, ev))
    return done(via, XSIG_VIA_CONSOLE);
  if (off != 1 && ctrl_routine_thread(h, ev) == 0)
    return done(via, XSIG_VIA_CTRLROUTINE);
  if (off == -1 && console_event_to_group(pid, ev))
    return done(via, XSIG_VIA_CONSOLE);
  return XSIG_ENOGRACE;
}

/* The ladder, for a target that does not run xsig. */
static int send_ladder(DWORD pid, HANDLE h, int sig, int flags, int *via)
{
  int err;
  if (sig == 0)
    return done(via, XSIG_VIA_NONE);
  if (sig == XSIG_KILL)
    return terminate(h, sig, via);
  if (sig == XSIG_STOP)
    return stop_process(h, pid, via);
  if (sig == XSIG_CONT)
    return done(via, XSIG_VIA_RESUME); /* send_to resumed it */
  if (sig == XSIG_INT || sig == XSIG_BREAK) {
    err = console_ladder(pid, h, sig == XSIG_INT ? CTRL_C_EVENT : CTRL_BREAK_EVENT, via);
    if (err != XSIG_ENOGRACE)
      return err;
  } else if (sig == XSIG_TERM) {
    if ((flags & XSIG_SEND_CTRL_C_FIRST) && ctrl_c_for_term(h))
      return done(via, XSIG_VIA_CTRL_C);
    if (wm_close(pid))
      return done(via, XSIG_VIA_WM_CLOSE);
    if (event_thread_taken(h, CTRL_SHUTDOWN_EVENT))
      return done(via, XSIG_VIA_CTRLROUTINE);
    if (console_event_to_group(pid, CTRL_BREAK_EVENT))
      return done(via, XSIG_VIA_CONSOLE);
  } else if (sig == XSIG_HUP) {
    if (event_thread_taken(h, CTRL_CLOSE_EVENT))
      return done(via, XSIG_VIA_CTRLROUTINE);
  } else if (xsig__dfl_kind(sig) == XSIG__DFL_IGN) {
    return done(via, XSIG_VIA_NONE); /* its default is to ignore it */
  }
  if (flags & XSIG_SEND_FORCE)
    return terminate(h, sig, via);
  return XSIG_ENOGRACE;
}

/* A CONT that came while the receiver was stopping itself (a default
 * action under way, which its transport's thread runs before it takes
 * the next message): it found the receiver running, and now waits unread
 * in the pipe or the ring of a process that is stopped. So once it is
 * not taken soon and the receiver is seen stopped, resume it again. */
static void resume_if_cont_waits(HANDLE h, DWORD pid, int *left)
{
  if (!*left && xsig__win_channel_wait_accepted(pid, XSIG__WIN_STOPPED_CHECK_MS) == 1)
    return;
  if (xsig__win_is_stopped(pid) && resume_process(h, pid) == 0)
    *left = 0;
}

/* Whether sig goes through a receiver's transport when it has one. */
static int transported(int sig)
{
  return sig != 0 && sig != XSIG_KILL && sig != XSIG_STOP;
}

/* To a target without a transport: the ladder. */
static int send_untransported(DWORD pid, HANDLE h, int sig, int flags, int *via)
{
  int err;
  if (flags & XSIG_SEND_VALUE && transported(sig))
    err = XSIG_ENOGRACE; /* a value needs a receiver that runs xsig */
  else
    err = send_ladder(pid, h, sig, flags, via);
  /* An xsig receiver that is exiting has closed its transport a moment
   * before its process ends: that is "gone", not "no graceful way". */
  if (err == XSIG_ENOGRACE && ends_within(h, 200))
    return XSIG_ESRCH;
  return err;
}

/* *left: the target is stopped and holds the signal until CONT. */
static int send_to(DWORD pid, HANDLE h, int sig, intptr_t value, int flags, int *via, int *left)
{
  int err;
  *left = 0;
  if (has_exited(h))
    return XSIG_ESRCH;
  /* first, or a stopped xsig receiver could not take CONT */
  if (sig == XSIG_CONT && (err = resume_process(h, pid)) != 0)
    return err;
  if (transported(sig)) {
    err = send_transport(pid, h, sig, value, flags, left);
    if (sig == XSIG_CONT && err == 0)
      resume_if_cont_waits(h, pid, left);
    if (err != NO_TRANSPORT)
      return err ? err : done(via, XSIG_VIA_XSIG);
  }
  return send_untransported(pid, h, sig, flags, via);
}

/* After a signal went to pid (by way v): whether pid is stopped. A ring's
 * receiver that took the signal runs; only one that did not, soon, is
 * looked at thread by thread (a Toolhelp snapshot: ms under Wine). */
static int member_stopped(DWORD pid, int v)
{
  if (v == XSIG_VIA_XSIG && xsig__win_channel_wait_accepted(pid, XSIG__WIN_STOPPED_CHECK_MS) == 1)
    return 0;
  return xsig__win_is_stopped(pid);
}

/* What signalling a job gave: the way of its leader (the member whose pid
 * is the group's id) if it was among those signalled, else the last's. */
struct job_ways { DWORD leader; int leader_via, last_via; };

/* A member of a job being signalled. Its pipe call (a first signal to it)
 * is started in a first pass over the job and finished in a second, so
 * that the members answer at the same time rather than one after another
 * (each answer is a few wineserver round trips under Wine). */
struct member {
  DWORD pid;
  HANDLE h;
  int stopped; /* CONT: what the look at the batch saw (xsig__win_stop_states) */
  int err, via, left, calling, answered;
  struct pipe_call call;
};

#define MEMBERS_AT_ONCE 64

/* About 12 KB: on the heap, as a caller's thread may have a small stack. */
struct batch {
  struct member m[MEMBERS_AT_ONCE];
  DWORD pids[MEMBERS_AT_ONCE];
  int stopped[MEMBERS_AT_ONCE];
};

/* The first pass: CONT resumes the member first (unless it was seen
 * running); then the signal goes through the ring when there is one, else
 * the pipe call is started; a member without a transport waits for the
 * second pass. A job's members are not asked for rings: a tree's stop
 * (TERM, then CONT) would set up one per member for its second signal,
 * which costs more under Wine than the signal itself; the next signal
 * sent to one alone asks. */
static void member_start(struct member *m, int sig, int flags)
{
  struct xsig__win_channel *c;
  int has_value = (flags & XSIG_SEND_VALUE) != 0, err = XSIG__WIN_NO_RING;
  m->via = XSIG_VIA_NONE;
  m->left = m->calling = m->answered = 0;
  if (!transported(sig) || has_exited(m->h)) {
    m->err = send_to(m->pid, m->h, sig, 0, flags, &m->via, &m->left);
    return;
  }
  if (sig == XSIG_CONT && m->stopped != 0 && (m->err = resume_process(m->h, m->pid)) != 0)
    return;
  c = channel_to(m->pid);
  if (c)
    err = xsig__win_channel_send(c, sig, 0, has_value);
  if (err == XSIG__WIN_NO_RING) {
    int version = c ? xsig__win_channel_wire_version(c) : XSIG__WIRE_VERSION;
    if (c)
      xsig__win_channel_ring_due(c); /* counted, not asked for */
    err = pipe_call_start(&m->call, m->pid, version, sig, 0, has_value, 0);
    m->calling = err == 0;
  }
  if (c)
    xsig__win_channel_put(c);
  m->err = err;
}

/* No reply to the member's call, when it started or after: pipe_outcome
 * tries version 1 or finds it gone. Its channel (made again if the batch
 * evicted it) keeps the version that answered. */
static int member_again(struct member *m, int sig, int flags)
{
  struct xsig__win_channel *c = channel_to(m->pid);
  int err = pipe_outcome(NO_REPLY, m->pid, m->h, m->call.version, sig, 0,
                         (flags & XSIG_SEND_VALUE) != 0, c, &m->left);
  if (c)
    xsig__win_channel_put(c);
  return err;
}

/* The second pass: the started call's answer, or the ladder. A CONT that
 * was not answered at once may wait in a member stopping itself; one to a
 * member without a transport resumes it if it stopped since the look. */
static void member_finish(struct member *m, int sig, int flags)
{
  if (m->err == NO_TRANSPORT) {
    if (sig == XSIG_CONT && m->stopped == 0 && (m->err = resume_process(m->h, m->pid)) != 0)
      return;
    m->err = send_untransported(m->pid, m->h, sig, flags, &m->via);
    return;
  }
  if (!transported(sig))
    return; /* sent whole in the first pass */
  if (m->calling) {
    m->err = pipe_call_finish(&m->call, m->pid, m->h, NULL, &m->left); /* no ring asked */
    m->answered = m->err == 0 && !m->left;
  }
  if (m->err == NO_REPLY)
    m->err = member_again(m, sig, flags);
  if (sig == XSIG_CONT && m->err == 0 && !m->answered)
    resume_if_cont_waits(m->h, m->pid, &m->left);
  if (m->err == 0)
    m->via = XSIG_VIA_XSIG;
}

/* With cont_after, a member that is stopped gets CONT after the signal,
 * so that it can act on it. One that answered over the pipe runs. */
static void member_continue(struct member *m, int cont_after)
{
  int left;
  if (cont_after && (m->left || (m->err == 0 && !m->answered && member_stopped(m->pid, m->via))))
    send_to(m->pid, m->h, XSIG_CONT, 0, 0, NULL, &left);
}

/* The first pass over n members. The caller, if it is one, comes last:
 * its own default action (TERM's, TSTP's) may end or stop it at once. */
static void batch_start(struct batch *b, int n, int sig, int flags)
{
  struct member *m;
  int self;
  if (sig == XSIG_CONT) /* a look at each member's threads: one for all */
    xsig__win_stop_states(b->pids, n, b->stopped);
  for (self = 0; self < 2; self++)
    for (m = b->m; m < b->m + n; m++) {
      if (to_self(b->pids[m - b->m]) != self)
        continue;
      m->pid = b->pids[m - b->m];
      m->stopped = sig == XSIG_CONT ? b->stopped[m - b->m] : -1;
      if ((m->h = open_target(m->pid, &m->err)) != NULL)
        member_start(m, sig, flags);
    }
}

/* The given processes, MEMBERS_AT_ONCE at a time. */
static int send_pids(const DWORD *pids, DWORD count, int sig, int flags, struct job_ways *ways,
                     int cont_after)
{
  struct batch *b;
  struct member *m;
  DWORD first, n;
  int err = 0, sent = 0;
  if ((b = malloc(sizeof *b)) == NULL)
    return XSIG_ENOMEM;
  for (first = 0; first < count; first += n) {
    n = count - first < MEMBERS_AT_ONCE ? count - first : MEMBERS_AT_ONCE;
    memcpy(b->pids, pids + first, n * sizeof *pids);
    batch_start(b, (int)n, sig, flags);
    for (m = b->m; m < b->m + n; m++) {
      if (m->h == NULL)
        continue;
      member_finish(m, sig, flags);
      member_continue(m, cont_after);
      CloseHandle(m->h);
      if (m->err == 0 && ways) {
        ways->last_via = m->via;
        if (m->pid == ways->leader)
          ways->leader_via = m->via;
      }
      if (m->err == 0)
        sent++;
      else if (m->err != XSIG_ESRCH)
        err = m->err;
    }
  }
  free(b);
  return sent ? 0 : err ? err : XSIG_ESRCH;
}

/* A growing list of pids. */
struct pid_list {
  DWORD *pid;
  DWORD n, cap;
};

/* Appends the processes of a job to l. */
static int add_job_pids(HANDLE job, struct pid_list *l)
{
  union { JOBOBJECT_BASIC_PROCESS_ID_LIST list; unsigned char bytes[sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + 1024 * sizeof(ULONG_PTR)]; } ids;
  DWORD i, more;
  memset(&ids, 0, sizeof ids);
  if (!QueryInformationJobObject(job, JobObjectBasicProcessIdList, &ids, sizeof ids, NULL))
    return XSIG_ESYS;
  more = ids.list.NumberOfProcessIdsInList;
  if (l->n + more > l->cap) {
    DWORD cap = l->n + more;
    DWORD *p = realloc(l->pid, (cap ? cap : 1) * sizeof *p);
    if (p == NULL)
      return XSIG_ENOMEM;
    l->pid = p;
    l->cap = cap;
  }
  for (i = 0; i < more; i++)
    l->pid[l->n++] = (DWORD)ids.list.ProcessIdList[i];
  return 0;
}

/* Every process of n jobs (trees xsig started; a group's leader's and
 * those of the members that joined it), all in the same passes. */
static int send_jobs(const HANDLE *jobs, int n, int sig, int flags, struct job_ways *ways, int cont_after)
{
  struct pid_list l = { NULL, 0, 0 };
  int i, e, listed = 0;
  for (i = 0; i < n; i++)
    if ((e = add_job_pids(jobs[i], &l)) != 0)
      listed = e;
  e = l.n ? send_pids(l.pid, l.n, sig, flags, ways, cont_after) : XSIG_ESRCH;
  free(l.pid);
  return e == XSIG_ESRCH && listed ? listed : e; /* a job not listed may hold some */
}

static int send_job(HANDLE job, int sig, int flags, struct job_ways *ways, int cont_after)
{
  return send_jobs(&job, 1, sig, flags, ways, cont_after);
}

static int ways_done(const struct job_ways *ways, int *via)
{
  return done(via, ways->leader_via >= 0 ? ways->leader_via : ways->last_via);
}

/* Each job of the group: the leader's tree and each member's that joined. */
static int send_group(DWORD pgid, int sig, int flags, int *via)
{
  HANDLE jobs[64];
  struct job_ways ways = { 0, -1, XSIG_VIA_NONE };
  int n = xsig__win_group_jobs(pgid, 0, jobs, 64), i, err;
  if (n == 0)
    return XSIG_ENOSYS; /* Windows cannot name a group it did not start */
  ways.leader = pgid;
  err = send_jobs(jobs, n, sig, flags, &ways, 0);
  for (i = 0; i < n; i++)
    CloseHandle(jobs[i]);
  return err ? err : ways_done(&ways, via);
}

/* A group xsig starts (XSIG_SPAWN_NEW_GROUP) has a job named after a token
 * that its processes find in their environment (XSIG_GROUP, inherited as
 * a POSIX process group is), so that any of them can signal the group:
 * xsig_kill(0, ...). The environment is the program's to change, so the
 * job is used only if this process is in it. */
#define GROUP_VAR L"XSIG_GROUP"
#define GROUP_TOKEN_MAX 48

static void group_job_name(wchar_t *name, size_t n, const wchar_t *token)
{
  swprintf(name, n, L"Local\\xsig-group-%ls", token);
  name[n - 1] = 0;
}

static int token_ok(const wchar_t *t, DWORD len)
{
  DWORD i;
  if (len == 0 || len >= GROUP_TOKEN_MAX)
    return 0;
  for (i = 0; i < len; i++)
    if (!((t[i] >= L'0' && t[i] <= L'9') || t[i] == L'.'))
      return 0;
  return 1;
}

/* The job of the group this process was started in, or NULL. */
static HANDLE own_group_job(void)
{
  wchar_t token[GROUP_TOKEN_MAX], name[GROUP_TOKEN_MAX + 32];
  DWORD len = GetEnvironmentVariableW(GROUP_VAR, token, GROUP_TOKEN_MAX);
  HANDLE job;
  BOOL in = FALSE;
  if (!token_ok(token, len))
    return NULL;
  group_job_name(name, sizeof name / sizeof name[0], token);
  job = OpenJobObjectW(JOB_OBJECT_QUERY, FALSE, name);
  if (job && (!IsProcessInJob(GetCurrentProcess(), job, &in) || !in)) {
    CloseHandle(job);
    job = NULL;
  }
  return job;
}

static int send_own_group(int sig, int flags, int *via)
{
  HANDLE job = own_group_job();
  struct job_ways ways = { 0, -1, XSIG_VIA_NONE };
  int err;
  if (job == NULL)
    return XSIG_ENOSYS; /* not started in a group of xsig's: none to name */
  err = send_job(job, sig, flags, &ways, 0);
  CloseHandle(job);
  return err ? err : ways_done(&ways, via);
}

/* A new group's job, named by a token no other job has yet. */
static HANDLE make_group_job(wchar_t *token, size_t n)
{
  static LONG made;
  wchar_t name[GROUP_TOKEN_MAX + 32];
  int tries;
  for (tries = 0; tries < 100; tries++) {
    HANDLE job;
    swprintf(token, n, L"%lu.%lu.%ld", GetCurrentProcessId(), GetTickCount(), InterlockedIncrement(&made));
    token[n - 1] = 0;
    group_job_name(name, sizeof name / sizeof name[0], token);
    job = CreateJobObjectW(NULL, name);
    if (job == NULL || GetLastError() != ERROR_ALREADY_EXISTS)
      return job;
    CloseHandle(job); /* someone else's: never join it */
  }
  return NULL;
}

/* The environment block base (ours if NULL) with XSIG_GROUP=token in its
 * place (sorted, as Windows keeps it); NULL if out of memory. */
static wchar_t *environment_with_group(const wchar_t *base, const wchar_t *token)
{
  wchar_t *env = base ? (wchar_t *)base : GetEnvironmentStringsW(), *out, *o, entry[GROUP_TOKEN_MAX + 16];
  const wchar_t *e;
  size_t total = 0, vlen = wcslen(GROUP_VAR);
  int placed = 0;
  if (env == NULL)
    return NULL;
  swprintf(entry, sizeof entry / sizeof entry[0], L"%ls=%ls", GROUP_VAR, token);
  entry[sizeof entry / sizeof entry[0] - 1] = 0;
  for (e = env; *e; e += wcslen(e) + 1)
    total += wcslen(e) + 1;
  out = malloc((total + wcslen(entry) + 2) * sizeof *out);
  if (out == NULL) {
    if (base == NULL)
      FreeEnvironmentStringsW(env);
    return NULL;
  }
  o = out;
  for (e = env; *e; e += wcslen(e) + 1) {
    size_t len = wcslen(e);
    if (_wcsnicmp(e, GROUP_VAR, vlen) == 0 && e[vlen] == L'=')
      continue; /* the group it came from: replaced */
    if (!placed && e[0] != L'=' && _wcsicmp(e, entry) > 0) {
      wcscpy(o, entry);
      o += wcslen(entry) + 1;
      placed = 1;
    }
    memcpy(o, e, (len + 1) * sizeof *o);
    o += len + 1;
  }
  if (!placed) {
    wcscpy(o, entry);
    o += wcslen(entry) + 1;
  }
  *o = 0;
  if (base == NULL)
    FreeEnvironmentStringsW(env);
  return out;
}

/* The fast path: a ring to pid already there (send_transport sets them
 * up, never to this process). Else XSIG__WIN_NO_RING. CONT must resume
 * the target first, and 0, KILL and STOP never travel. */
static int send_ring(DWORD pid, int sig, intptr_t value, int flags)
{
  struct xsig__win_channel *c;
  int err;
  if (sig == 0 || sig == XSIG_KILL || sig == XSIG_STOP || sig == XSIG_CONT ||
      (c = xsig__win_channel_get(pid, 0)) == NULL)
    return XSIG__WIN_NO_RING;
  err = xsig__win_channel_send(c, sig, value, (flags & XSIG_SEND_VALUE) != 0);
  xsig__win_channel_put(c);
  return err;
}

int xsig__os_send(int64_t pid, int sig, intptr_t value, int flags, int *via)
{
  HANDLE h;
  int left, err;
  if (pid > 0 && (err = send_ring((DWORD)pid, sig, value, flags)) != XSIG__WIN_NO_RING)
    return err ? err : done(via, XSIG_VIA_XSIG);
  if (pid < -1)
    return send_group((DWORD)-pid, sig, flags, via);
  if (pid == 0)
    return send_own_group(sig, flags, via);
  h = open_target((DWORD)pid, &err);
  if (h == NULL)
    return err;
  err = send_to((DWORD)pid, h, sig, value, flags, via, &left);
  CloseHandle(h);
  return err;
}

/* While we hold the handle, Windows does not reuse the pid. */
int xsig__os_process_open(xsig_process_t *p)
{
  int err;
  p->os.h = open_target((DWORD)p->pid, &err);
  return err;
}

int xsig__os_process_send(xsig_process_t *p, int sig, intptr_t value, int flags, int *via)
{
  int left, err = send_ring((DWORD)p->pid, sig, value, flags);
  if (err != XSIG__WIN_NO_RING)
    return err ? err : done(via, XSIG_VIA_XSIG);
  return send_to((DWORD)p->pid, p->os.h, sig, value, flags, via, &left);
}

int xsig__os_process_alive(xsig_process_t *p)
{
  return !has_exited(p->os.h);
}

void xsig__os_process_close(xsig_process_t *p)
{
  if (p->pgid || p->joined)
    xsig__win_group_remove((DWORD)(p->pgid ? p->pgid : p->joined), p->os.job);
  if (p->os.job)
    CloseHandle(p->os.job);
  CloseHandle(p->os.h);
}

/* --- spawning ----------------------------------------------------------- */

/* NULL with *err XSIG_EINVAL for text that is not UTF-8 (never dropped or
 * replaced: the child would get other arguments than the caller's). */
static wchar_t *utf16(const char *s, int *err)
{
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
  wchar_t *w;
  if (n <= 0) {
    *err = XSIG_EINVAL;
    return NULL;
  }
  w = malloc((size_t)n * sizeof *w);
  if (w == NULL) {
    *err = XSIG_ENOMEM;
    return NULL;
  }
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
  return w;
}

/* Appends arg quoted the way CommandLineToArgvW and the CRT split it. */
static size_t quote_arg(const wchar_t *arg, wchar_t *out)
{
  size_t n = 0, slashes;
  const wchar_t *c;
  int plain = *arg != 0 && wcspbrk(arg, L" \t\n\v\"") == NULL;
  if (plain) {
    for (c = arg; *c; c++)
      out ? (void)(out[n++] = *c) : (void)n++;
    return n;
  }
  if (out) out[n] = L'"';
  n++;
  for (c = arg;; c++) {
    for (slashes = 0; *c == L'\\'; c++)
      slashes++;
    if (*c == 0 || *c == L'"') {
      size_t k, twice = slashes * 2 + (*c == L'"');
      for (k = 0; k < twice; k++, n++)
        if (out) out[n] = L'\\';
      if (*c == 0)
        break;
    } else {
      for (; slashes; slashes--, n++)
        if (out) out[n] = L'\\';
    }
    if (out) out[n] = *c;
    n++;
  }
  if (out) out[n] = L'"';
  return n + 1;
}

static void free_args(wchar_t **args, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    free(args[i]);
  free(args);
}

/* Every argument converted and quoted, or NULL with *err set. */
static wchar_t *command_line(char *const argv[], int *err)
{
  wchar_t *line, **args;
  size_t len = 0, i, n;
  for (n = 0; argv[n]; n++) {
  }
  args = calloc(n, sizeof *args);
  if (args == NULL) {
    *err = XSIG_ENOMEM;
    return NULL;
  }
  for (i = 0; i < n; i++) {
    if ((args[i] = utf16(argv[i], err)) == NULL) {
      free_args(args, n);
      return NULL;
    }
    len += quote_arg(args[i], NULL) + 1;
  }
  line = malloc((len + 1) * sizeof *line);
  if (line == NULL)
    *err = XSIG_ENOMEM;
  for (i = 0, len = 0; line && i < n; i++) {
    if (len)
      line[len++] = L' ';
    len += quote_arg(args[i], line + len);
  }
  if (line)
    line[len] = 0;
  free_args(args, n);
  return line;
}

static int spawn_error(DWORD e)
{
  switch (e) {
  case ERROR_FILE_NOT_FOUND:
  case ERROR_PATH_NOT_FOUND:
  case ERROR_INVALID_NAME:
    return XSIG_ENOENT;
  case ERROR_ACCESS_DENIED:
  case ERROR_BAD_EXE_FORMAT:
  case ERROR_EXE_MACHINE_TYPE_MISMATCH:
    return XSIG_ENOEXEC;
  case ERROR_NOT_ENOUGH_MEMORY:
    return XSIG_ENOMEM;
  default:
    return XSIG_ESYS;
  }
}

/* The environment block of envp: UTF-16 strings, each NUL-terminated,
 * then one more NUL. NULL with *err set if a string is not UTF-8. */
static wchar_t *environment_block(char *const *envp, int *err)
{
  wchar_t *block, *w;
  size_t len = 1, i;
  int n;
  for (i = 0; envp[i]; i++) {
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, envp[i], -1, NULL, 0);
    if (n <= 0) {
      *err = XSIG_EINVAL;
      return NULL;
    }
    len += (size_t)n;
  }
  if ((block = malloc(len * sizeof *block)) == NULL) {
    *err = XSIG_ENOMEM;
    return NULL;
  }
  for (i = 0, w = block; envp[i]; i++)
    w += MultiByteToWideChar(CP_UTF8, 0, envp[i], -1, w, (int)(len - (size_t)(w - block)));
  *w = 0;
  return block;
}

/* The C runtime's hand-over of fds to a child (what _spawn puts in
 * lpReserved2 and the child's CRT reads at start): an int count, a flag
 * byte per fd, then a HANDLE per fd, packed. */
#define CRT_FOPEN 0x01
#define CRT_FPIPE 0x08
#define CRT_FDEV  0x40
#define CRT_FTEXT 0x80

struct child_fds {
  int n;
  HANDLE h[XSIG_SPAWN_FDS_MAX]; /* inheritable copies; NULL: closed */
  unsigned char *block;
  size_t size;
};

static void child_fds_free(struct child_fds *c)
{
  int i;
  for (i = 0; i < c->n; i++)
    if (c->h[i])
      CloseHandle(c->h[i]);
  free(c->block);
}

static unsigned char crt_flags(HANDLE h, int fd)
{
  DWORD type = GetFileType(h);
  unsigned char f = CRT_FOPEN;
  if (type == FILE_TYPE_PIPE)
    f |= CRT_FPIPE;
  else if (type == FILE_TYPE_CHAR)
    f |= CRT_FDEV;
  if (fd <= 2)
    f |= CRT_FTEXT; /* as the runtime opens its standard fds */
  return f;
}

/* Inheritable copies of the caller's handles (the originals are left as
 * they are), and the runtime's block. XSIG_EBADF for a handle that is not
 * open. */
static int child_fds_make(struct child_fds *c, const xsig_spawn_options_t *o)
{
  HANDLE self = GetCurrentProcess(), none = INVALID_HANDLE_VALUE;
  unsigned char *flags;
  DWORD info;
  int i;
  memset(c, 0, sizeof *c);
  c->n = o->nfds;
  c->size = sizeof(int) + (size_t)c->n * (1 + sizeof(HANDLE));
  if ((c->block = calloc(1, c->size)) == NULL)
    return XSIG_ENOMEM;
  memcpy(c->block, &c->n, sizeof(int));
  flags = c->block + sizeof(int);
  for (i = 0; i < c->n; i++) {
    HANDLE h = o->fds[i];
    unsigned char *slot = flags + c->n + (size_t)i * sizeof(HANDLE);
    memcpy(slot, &none, sizeof none);
    if (h == XSIG_NO_HANDLE)
      continue;
    if (h == INVALID_HANDLE_VALUE || !GetHandleInformation(h, &info))
      return XSIG_EBADF;
    if (!DuplicateHandle(self, h, self, &c->h[i], 0, TRUE, DUPLICATE_SAME_ACCESS))
      return XSIG_ESYS;
    flags[i] = crt_flags(h, i);
    memcpy(slot, &c->h[i], sizeof(HANDLE));
  }
  return 0;
}

/* Wine, under load, sometimes fails a CreateProcess with
 * ERROR_INTERNAL_ERROR and no process made (seen about once in 15 test
 * suites); it goes through on a second try. Windows does not do this. */
static BOOL create_process(wchar_t *app, wchar_t *line, DWORD cf, wchar_t *env, STARTUPINFOW *si,
                           PROCESS_INFORMATION *pi)
{
  int tries;
  for (tries = 0; tries < 3; tries++) {
    if (CreateProcessW(app, line, NULL, NULL, TRUE, cf, env, NULL, si, pi))
      return TRUE;
    if (GetLastError() != ERROR_INTERNAL_ERROR)
      return FALSE;
    Sleep(10);
  }
  return FALSE;
}

/* The standard handles: the given fds 0-2 (NULL where closed), or ours. */
static void std_handles(STARTUPINFOW *si, const struct child_fds *c)
{
  static const DWORD which[3] = { STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE };
  HANDLE *dst[3];
  int i;
  dst[0] = &si->hStdInput;
  dst[1] = &si->hStdOutput;
  dst[2] = &si->hStdError;
  si->dwFlags |= STARTF_USESTDHANDLES;
  for (i = 0; i < 3; i++)
    *dst[i] = i < c->n ? c->h[i] : GetStdHandle(which[i]);
  if (c->n > 0) {
    si->cbReserved2 = (WORD)c->size;
    si->lpReserved2 = c->block;
  }
}

/* *env (the given environment, or ours if NULL) with the group's token. */
static int put_group(wchar_t **env, const wchar_t *group)
{
  wchar_t *with = environment_with_group(*env, group);
  if (with == NULL)
    return XSIG_ENOMEM;
  free(*env);
  *env = with;
  return 0;
}

/* The application name: file as given if it has a path, else NULL so that
 * CreateProcess searches for argv[0]'s program the usual way. */
static int start_suspended(const char *file, char *const argv[], const xsig_spawn_options_t *o,
                           const wchar_t *group, PROCESS_INFORMATION *pi)
{
  STARTUPINFOW si;
  struct child_fds fds;
  wchar_t *app = NULL, *line, *env = NULL;
  DWORD cf = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT;
  int err = 0;
  memset(&fds, 0, sizeof fds);
  if ((line = command_line(argv, &err)) == NULL)
    return err;
  if (strpbrk(file, "/\\:") != NULL && (app = utf16(file, &err)) == NULL)
    goto out;
  if (o->envp && (env = environment_block(o->envp, &err)) == NULL)
    goto out;
  if (group && (err = put_group(&env, group)) != 0)
    goto out;
  if (o->nfds > 0 && (err = child_fds_make(&fds, o)) != 0)
    goto out;
  if (o->flags & XSIG_SPAWN_NEW_GROUP)
    cf |= CREATE_NEW_PROCESS_GROUP;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  /* Without a console of ours (a service, a GUI program) a console child
   * would get a console of its own and its standard handles: pass ours. */
  if (o->nfds > 0 || xsig__win_has_console(GetCurrentProcess()) == 0)
    std_handles(&si, &fds);
  if (!create_process(app, line, cf, env, &si, pi))
    err = spawn_error(GetLastError());
out:
  child_fds_free(&fds);
  free(env);
  free(app);
  free(line);
  return err;
}

/* In the job and its group before it runs a single instruction (its
 * children follow it into the job); a child that cannot be put there never
 * runs: it is ended, still suspended. */
static int start_in_job(xsig_process_t *p, const PROCESS_INFORMATION *pi, const xsig_spawn_options_t *o)
{
  int err = 0;
  if (!AssignProcessToJobObject(p->os.job, pi->hProcess))
    err = GetLastError() == ERROR_NOT_ENOUGH_MEMORY ? XSIG_ENOMEM : XSIG_ESYS;
  if (err == 0 && (o->flags & XSIG_SPAWN_NEW_GROUP)) {
    err = xsig__win_group_add((DWORD)p->pid, p->os.job, 1);
    if (err == 0)
      p->pgid = p->pid;
  }
  if (err == 0 && o->pgid > 0) { /* its job joins the group's jobs */
    err = xsig__win_group_add((DWORD)o->pgid, p->os.job, 0);
    if (err == 0)
      p->joined = o->pgid;
  }
  if (err == 0 && (o->flags & XSIG_SPAWN_CTRL_C_ON))
    err = xsig__win_ctrl_c_on(pi->hProcess);
  if (err == 0 && ResumeThread(pi->hThread) == (DWORD)-1)
    err = XSIG_ESYS;
  if (err) {
    if (p->pgid || p->joined)
      xsig__win_group_remove((DWORD)(p->pgid ? p->pgid : p->joined), p->os.job);
    p->pgid = p->joined = 0;
    TerminateProcess(pi->hProcess, xsig_win_exit_code(XSIG_KILL));
    WaitForSingleObject(pi->hProcess, 1000);
  }
  return err;
}

int xsig__os_spawn(const char *file, char *const argv[], const xsig_spawn_options_t *o, xsig_process_t *p)
{
  PROCESS_INFORMATION pi;
  wchar_t token[GROUP_TOKEN_MAX];
  int err;
  if (o->pgid > 0 && !xsig__win_group_known((DWORD)o->pgid))
    return XSIG_EPERM; /* not a group this process started */
  if (o->flags & XSIG_SPAWN_NEW_GROUP)
    p->os.job = make_group_job(token, sizeof token / sizeof token[0]);
  else
    p->os.job = CreateJobObjectW(NULL, NULL);
  if (p->os.job == NULL)
    return XSIG_ESYS;
  err = start_suspended(file, argv, o, (o->flags & XSIG_SPAWN_NEW_GROUP) ? token : NULL, &pi);
  if (err) {
    CloseHandle(p->os.job);
    return err;
  }
  p->pid = pi.dwProcessId;
  p->os.h = pi.hProcess;
  err = start_in_job(p, &pi, o);
  CloseHandle(pi.hThread);
  if (err) {
    CloseHandle(p->os.h);
    CloseHandle(p->os.job);
  }
  return err;
}

xsig_os_handle_t xsig__os_process_waitable(const xsig_process_t *p)
{
  return p->os.h;
}

void xsig__os_nap(int ms)
{
  Sleep((DWORD)ms);
}

/* --- trees: the child's job --------------------------------------------- */

void xsig__os_tree_send(xsig_process_t *p, int sig, int cont_after)
{
  send_job(p->os.job, sig, 0, NULL, cont_after);
}

void xsig__os_tree_kill(xsig_process_t *p)
{
  union { JOBOBJECT_BASIC_PROCESS_ID_LIST list; unsigned char bytes[sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + 1024 * sizeof(ULONG_PTR)]; } ids;
  DWORD i;
  memset(&ids, 0, sizeof ids);
  QueryInformationJobObject(p->os.job, JobObjectBasicProcessIdList, &ids, sizeof ids, NULL);
  TerminateJobObject(p->os.job, xsig_win_exit_code(XSIG_KILL));
  for (i = 0; i < ids.list.NumberOfProcessIdsInList; i++)
    xsig__win_channel_drop((DWORD)ids.list.ProcessIdList[i]); /* a send after this looks again */
}

static DWORD active_in_job(HANDLE job)
{
  JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acct;
  if (!QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &acct, sizeof acct, NULL))
    return 0;
  return acct.ActiveProcesses;
}

int xsig__os_tree_gone(xsig_process_t *p)
{
  return active_in_job(p->os.job) == 0;
}
