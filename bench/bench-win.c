/* SPDX-License-Identifier: MIT */
/* Windows baselines: a raw named-pipe exchange (what xsig's transport does,
 * without xsig) and a raw named-event round trip. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "xsig.h"
#include "bench.h"

int64_t bench_now_us(void)
{
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return c.QuadPart / f.QuadPart * 1000000 + c.QuadPart % f.QuadPart * 1000000 / f.QuadPart;
}

int64_t bench_getpid(void) { return GetCurrentProcessId(); }
void bench_sleep_ms(int ms) { Sleep((DWORD)ms); }

void bench_self_path(char *buf, size_t size, const char *argv0)
{
  (void)argv0;
  GetModuleFileNameA(NULL, buf, (DWORD)size);
}

void bench_wait_waitable_and_dispatch(void)
{
  WaitForSingleObject(xsig_waitable(), INFINITE);
  xsig_dispatch();
}

void bench_alertable_wait(void) { SleepEx(INFINITE, TRUE); }

int bench_blocked_read(void)
{
  static HANDLE r, w;
  char b;
  DWORD n;
  if (r == NULL && !CreatePipe(&r, &w, NULL, 0))
    return 0;
  return !ReadFile(r, &b, 1, &n, NULL) && GetLastError() == ERROR_OPERATION_ABORTED;
}

static void name_of(char *buf, size_t size, const char *what, int64_t pid)
{
  snprintf(buf, size, "%sxsig-bench-%s-%lld", what[0] == 'p' ? "\\\\.\\pipe\\" : "", what, (long long)pid);
}

static HANDLE serve_pipe(int64_t pid)
{
  char name[96];
  name_of(name, sizeof name, "pipe", pid);
  return CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                          PIPE_UNLIMITED_INSTANCES, 64, 64, 0, NULL);
}

/* One signal the way the transport sends it: connect, transact, close. */
static int send_pipe(int64_t pid)
{
  char name[96], msg[32], reply[8];
  DWORD got, mode = PIPE_READMODE_MESSAGE;
  HANDLE h;
  name_of(name, sizeof name, "pipe", pid);
  memset(msg, 1, sizeof msg);
  for (;;) {
    h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE)
      break;
    if (GetLastError() != ERROR_PIPE_BUSY && GetLastError() != ERROR_FILE_NOT_FOUND)
      return -1;
    WaitNamedPipeA(name, 100);
  }
  SetNamedPipeHandleState(h, &mode, NULL, NULL);
  TransactNamedPipe(h, msg, sizeof msg, reply, sizeof reply, &got, NULL);
  CloseHandle(h);
  return 0;
}

/* And receives it the way the transport does. */
static void receive_pipe(HANDLE srv)
{
  char msg[33], reply[8];
  DWORD got;
  memset(reply, 0, sizeof reply);
  ConnectNamedPipe(srv, NULL);
  ReadFile(srv, msg, sizeof msg, &got, NULL);
  WriteFile(srv, reply, sizeof reply, &got, NULL);
  FlushFileBuffers(srv);
  DisconnectNamedPipe(srv);
}

static HANDLE event_of(const char *what, int64_t pid, int create)
{
  char name[96];
  name_of(name, sizeof name, what, pid);
  return create ? CreateEventA(NULL, FALSE, FALSE, name) : OpenEventA(EVENT_ALL_ACCESS, FALSE, name);
}

static void start_idle_server(HANDLE ev);

static PROCESS_INFORMATION start_child(const char *self, const char *mode)
{
  char cmd[1200];
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  snprintf(cmd, sizeof cmd, "\"%s\" child %s %lu", self, mode, (unsigned long)GetCurrentProcessId());
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  memset(&pi, 0, sizeof pi);
  CreateProcessA(self, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
  return pi;
}

double bench_baseline_parent(const char *mode, int iterations, const char *self)
{
  PROCESS_INFORMATION pi;
  int64_t t0;
  int i;
  if (strcmp(mode, "raw-event") == 0 || strcmp(mode, "raw-event-relay") == 0) {
    HANDLE a = event_of("a", GetCurrentProcessId(), 1), b = event_of("b", GetCurrentProcessId(), 1);
    pi = start_child(self, mode);
    WaitForSingleObject(b, INFINITE); /* ready */
    t0 = bench_now_us();
    for (i = 0; i < iterations; i++) {
      SetEvent(a);
      WaitForSingleObject(b, INFINITE);
    }
  } else if (strcmp(mode, "raw-event-both") == 0) {
    HANDLE a = event_of("a", GetCurrentProcessId(), 1), b = event_of("b", GetCurrentProcessId(), 1);
    HANDLE c = event_of("c", GetCurrentProcessId(), 1), d = event_of("d", GetCurrentProcessId(), 1);
    start_idle_server(d);
    pi = start_child(self, mode);
    WaitForSingleObject(b, INFINITE); /* ready */
    t0 = bench_now_us();
    for (i = 0; i < iterations; i++) {
      SetEvent(c);
      SetEvent(a);
      WaitForSingleObject(b, INFINITE);
    }
  } else if (strcmp(mode, "raw-pipe") == 0) {
    HANDLE srv = serve_pipe(GetCurrentProcessId());
    pi = start_child(self, mode);
    receive_pipe(srv); /* ready */
    t0 = bench_now_us();
    for (i = 0; i < iterations; i++) {
      send_pipe(pi.dwProcessId);
      receive_pipe(srv);
    }
  } else if (strcmp(mode, "raw-pipe-open") == 0) {
    /* a pipe that stays connected: one 32-byte message, one 8-byte reply */
    char name[96], msg[32], reply[8];
    DWORD got, pmode = PIPE_READMODE_MESSAGE;
    HANDLE h = INVALID_HANDLE_VALUE, ready = event_of("b", GetCurrentProcessId(), 1);
    pi = start_child(self, mode);
    WaitForSingleObject(ready, INFINITE);
    name_of(name, sizeof name, "pipe", pi.dwProcessId);
    while (h == INVALID_HANDLE_VALUE && WaitNamedPipeA(name, 1000))
      h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    SetNamedPipeHandleState(h, &pmode, NULL, NULL);
    memset(msg, 1, sizeof msg);
    t0 = bench_now_us();
    for (i = 0; i < iterations; i++)
      TransactNamedPipe(h, msg, sizeof msg, reply, sizeof reply, &got, NULL);
    CloseHandle(h);
  } else {
    fprintf(stderr, "xsig-bench: unknown mode %s\n", mode);
    return -1;
  }
  t0 = bench_now_us() - t0;
  TerminateProcess(pi.hProcess, 1);
  WaitForSingleObject(pi.hProcess, INFINITE);
  return (double)t0 / iterations;
}

/* raw-event-relay: the shape of xsig's handler path, by hand. A thread
 * takes the sender's event and sets a manual-reset event that the main
 * thread waits on and resets, as xsig's transport thread wakes the
 * program's waitable; the main thread answers. What the hop costs. */
static HANDLE relay_from, relay_to;

static DWORD WINAPI relay(LPVOID unused)
{
  (void)unused;
  for (;;) {
    if (WaitForSingleObject(relay_from, INFINITE) != WAIT_OBJECT_0)
      return 1;
    SetEvent(relay_to);
  }
}

static int relay_child(int64_t parent)
{
  HANDLE b = event_of("b", parent, 0);
  relay_from = event_of("a", parent, 0);
  relay_to = CreateEventA(NULL, TRUE, FALSE, NULL);
  CloseHandle(CreateThread(NULL, 0, relay, NULL, 0, NULL));
  SetEvent(b);
  for (;;) {
    if (WaitForSingleObject(relay_to, INFINITE) != WAIT_OBJECT_0)
      return 1;
    ResetEvent(relay_to);
    SetEvent(b);
  }
}

/* raw-event-both: what a handler path without the hop would cost at
 * least, if the serving thread still woke for each message. The sender
 * sets two events of the receiver: the serving thread's (a thread that
 * wakes and does nothing else, as a transport thread that found the ring
 * already taken) and the one the main thread waits on; each side has such
 * a thread, as each runs xsig in xsig-handler. */
static DWORD WINAPI idle_server(LPVOID ev)
{
  while (WaitForSingleObject((HANDLE)ev, INFINITE) == WAIT_OBJECT_0) {
  }
  return 1;
}

static void start_idle_server(HANDLE ev)
{
  CloseHandle(CreateThread(NULL, 0, idle_server, ev, 0, NULL));
}

static int both_child(int64_t parent)
{
  HANDLE a = event_of("a", parent, 0), b = event_of("b", parent, 0);
  HANDLE c = event_of("c", parent, 0), d = event_of("d", parent, 0);
  start_idle_server(c);
  SetEvent(b);
  for (;;) {
    if (WaitForSingleObject(a, INFINITE) != WAIT_OBJECT_0)
      return 1;
    SetEvent(d);
    SetEvent(b);
  }
}

int bench_baseline_child(const char *mode, int64_t parent)
{
  if (strcmp(mode, "raw-event-relay") == 0)
    return relay_child(parent);
  if (strcmp(mode, "raw-event-both") == 0)
    return both_child(parent);
  if (strcmp(mode, "raw-pipe-open") == 0) {
    char msg[33], reply[8];
    DWORD got;
    HANDLE srv = serve_pipe(GetCurrentProcessId());
    SetEvent(event_of("b", parent, 0));
    ConnectNamedPipe(srv, NULL);
    memset(reply, 0, sizeof reply);
    while (ReadFile(srv, msg, sizeof msg, &got, NULL))
      WriteFile(srv, reply, sizeof reply, &got, NULL);
    return 0;
  }
  if (strcmp(mode, "raw-event") == 0) {
    HANDLE a = event_of("a", parent, 0), b = event_of("b", parent, 0);
    SetEvent(b);
    for (;;) {
      WaitForSingleObject(a, INFINITE);
      SetEvent(b);
    }
  } else {
    HANDLE srv = serve_pipe(GetCurrentProcessId());
    send_pipe(parent);
    for (;;) {
      receive_pipe(srv);
      send_pipe(parent);
    }
  }
  return 0;
}

/* By hand on Windows there is no graceful step for processes that do not
 * share a console or have windows: wait out the grace, then end the job. */
void bench_stop_tree_by_hand(struct xsig_process *root, int grace_ms)
{
  xsig_send(-xsig_process_group(root), XSIG_TERM, 0, 0, NULL);
  Sleep((DWORD)grace_ms);
  xsig_send(-xsig_process_group(root), XSIG_KILL, 0, 0, NULL);
  xsig_process_wait(root, INFINITE, NULL);
}

void bench_raw_wait_child(struct xsig_process *p)
{
  WaitForSingleObject(xsig_process_waitable(p), INFINITE);
}

/* A periodic waitable timer (its period is whole milliseconds). */
int bench_raw_timer(int64_t period_us, int seconds, int64_t *late, int max)
{
  HANDLE t = CreateWaitableTimerW(NULL, FALSE, NULL);
  LARGE_INTEGER due;
  int64_t start, expected, end;
  int n = 0;
  due.QuadPart = -period_us * 10;
  start = bench_now_us();
  SetWaitableTimer(t, &due, (LONG)(period_us / 1000), NULL, NULL, FALSE);
  expected = start + period_us;
  end = start + (int64_t)seconds * 1000000;
  while (n < max && bench_now_us() < end) {
    int64_t now;
    WaitForSingleObject(t, INFINITE);
    now = bench_now_us();
    while (expected + period_us <= now) /* expiries merged into one */
      expected += period_us;
    late[n++] = now - expected;
    expected += period_us;
  }
  CloseHandle(t);
  return n;
}

/* --- a raw shared-memory ring (issue 19's question: what a ring could
 * carry under Wine): each sender has a single-producer ring in a section
 * the receiver made; the receiver sleeps on one event only when every ring
 * is empty, a sender only when its ring is full. No xsig involved. */
#define RING_CAP 1024
struct ring {
  volatile LONG head, tail; /* head: the sender's; tail: the receiver's */
  volatile LONG receiver_waiting, sender_waiting;
  int64_t slot[RING_CAP];
};

static void ring_name(char *buf, size_t size, const char *what, int64_t pid, int i)
{
  snprintf(buf, size, "xsig-bench-ring-%s-%lld-%d", what, (long long)pid, i);
}

static HANDLE ring_event(const char *what, int64_t pid, int i, int create)
{
  char name[96];
  ring_name(name, sizeof name, what, pid, i);
  return create ? CreateEventA(NULL, FALSE, FALSE, name) : OpenEventA(EVENT_ALL_ACCESS, FALSE, name);
}

/* Drains every ring once; returns how many values it took, or -1 if one
 * came out of order (lost or doubled). */
static int drain_rings(struct ring *r, int senders, HANDLE *space, int64_t *next)
{
  int i, took = 0;
  for (i = 0; i < senders; i++) {
    while (r[i].tail != r[i].head) {
      if (r[i].slot[r[i].tail % RING_CAP] != next[i]++)
        return -1;
      InterlockedIncrement(&r[i].tail);
      took++;
      if (InterlockedCompareExchange(&r[i].sender_waiting, 0, 1) == 1)
        SetEvent(space[i]);
    }
  }
  return took;
}

static int rings_empty(struct ring *r, int senders)
{
  int i;
  for (i = 0; i < senders; i++)
    if (r[i].tail != r[i].head)
      return 0;
  return 1;
}

int bench_raw_ring(int senders, int count, const char *self)
{
  char name[96], cmd[1200];
  HANDLE map, data, space[16], proc[16];
  struct ring *r;
  int64_t next[16], t0, total = 0, want = (int64_t)senders * count;
  int i, took;
  if (senders < 1 || senders > 16 || count < 1)
    return -1;
  ring_name(name, sizeof name, "map", GetCurrentProcessId(), 0);
  map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)(sizeof *r * senders), name);
  r = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
  if (r == NULL)
    return -1;
  memset(r, 0, sizeof *r * senders);
  data = ring_event("data", GetCurrentProcessId(), 0, 1);
  for (i = 0; i < senders; i++) {
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    space[i] = ring_event("space", GetCurrentProcessId(), i, 1);
    next[i] = 1;
    snprintf(cmd, sizeof cmd, "\"%s\" ringsender %lu %d %d", self, (unsigned long)GetCurrentProcessId(), i, count);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(self, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
      return -1;
    CloseHandle(pi.hThread);
    proc[i] = pi.hProcess;
  }
  t0 = 0;
  while (total < want) {
    took = drain_rings(r, senders, space, next);
    if (took < 0) {
      fprintf(stderr, "xsig-bench: ring: a value out of order\n");
      return -1;
    }
    if (took > 0 && t0 == 0)
      t0 = bench_now_us(); /* from the first value: the senders' start-up is not counted */
    total += took;
    if (took == 0) {
      InterlockedExchange(&r[0].receiver_waiting, 1);
      if (rings_empty(r, senders))
        WaitForSingleObject(data, 1000);
      InterlockedExchange(&r[0].receiver_waiting, 0);
    }
  }
  t0 = bench_now_us() - t0;
  for (i = 0; i < senders; i++) {
    WaitForSingleObject(proc[i], INFINITE);
    CloseHandle(proc[i]);
  }
  printf("ring %d senders: %.0f values/s, %lld of %lld received in order\n", senders,
         (double)total * 1e6 / (double)(t0 ? t0 : 1), (long long)total, (long long)want);
  return 0;
}

int bench_raw_ring_sender(int64_t parent, int index, int count)
{
  char name[96];
  HANDLE map, data, space;
  struct ring *all, *r;
  int64_t v;
  ring_name(name, sizeof name, "map", parent, 0);
  map = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
  all = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
  data = ring_event("data", parent, 0, 0);
  space = ring_event("space", parent, index, 0);
  if (all == NULL || data == NULL || space == NULL)
    return 1;
  r = &all[index];
  for (v = 1; v <= count; v++) {
    while (r->head - r->tail == RING_CAP) {
      InterlockedExchange(&r->sender_waiting, 1);
      if (r->head - r->tail == RING_CAP)
        WaitForSingleObject(space, 1000);
    }
    r->slot[r->head % RING_CAP] = v;
    InterlockedIncrement(&r->head); /* a full barrier: the slot first, then the head, then the look */
    if (all[0].receiver_waiting)
      SetEvent(data);
  }
  return 0;
}
