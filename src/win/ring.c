/* SPDX-License-Identifier: MIT */
/* The transport's fast path: a ring of messages in memory shared by one
 * sender and its receiver, set up over the pipe (src/win/transport.c).
 * - The receiver makes the section and its events, unnamed, and duplicates
 *   them into the process the pipe reported as the sender (it needs
 *   PROCESS_DUP_HANDLE on it: else no ring, the pipe serves). Nobody else
 *   can open them, and every message of a ring is from that pid.
 * - Neither side trusts the other's fields: the receiver keeps its own tail
 *   and credit and checks the sender's head; the sender keeps its own head.
 * - Sends are posted, as kill(2) is: the sender returns once the message
 *   is in the ring, where it is pending. Real-time signals need credit:
 *   queue room the receiver set aside (xsig__rt_reserve), so that a posted
 *   one is never refused later. With none left the sender asks and waits
 *   for the answer; none again means the queue is full: XSIG_EAGAIN.
 * - Each side sleeps on an event only after saying so in the ring and
 *   looking once more; the other sets the event only then: no wake-ups
 *   while both are busy, none while idle.
 * - The receiver sees its sender end through the process handle, takes
 *   what it left, and frees the ring; a sender sees its receiver end
 *   through its own handle. A receiver that stops serving (xsig_shutdown)
 *   marks the ring closed: its sender goes back to the pipe. */
#include <string.h>
#include "internal.h"
#include "ring.h"

#define MAX_RINGS 24 /* with the pipe's instances, under MAXIMUM_WAIT_OBJECTS */
#define CREDIT 64    /* real-time messages one sender may have in flight */
#define CHANNELS 16  /* rings a sender keeps, to this many receivers */

static LONG load(LONG *p) { return InterlockedCompareExchange(p, 0, 0); }

/* --- the receiver's side ------------------------------------------------
 * peers, npeers and doorbell belong to the transport's serving thread once
 * it runs (its start and stop set them while it does not); it changes
 * peers and npeers under peers_lock, which a process that ends takes to
 * tell its senders (any thread, so only if it can get it at once). */
struct peer {
  struct xsig__win_ring *ring;
  HANDLE section, wake;
  HANDLE sender; /* its process: signalled when it ends */
  DWORD pid;
  uint32_t tail, granted, rt_taken, answered;
};

static struct peer peers[MAX_RINGS];
static int npeers;
static SRWLOCK peers_lock = SRWLOCK_INIT;
static xsig__atomic_long process_ending; /* set once, by rings_ending */
static HANDLE doorbell; /* auto-reset: some ring has news */

int xsig__win_rings_start(void)
{
  doorbell = CreateEventW(NULL, FALSE, FALSE, NULL);
  return doorbell ? 0 : XSIG_ESYS;
}

/* A ring being offered while this runs is marked by the offer itself. */
void xsig__win_rings_ending(void)
{
  int i;
  xsig__atomic_store(&process_ending, 1);
  if (!TryAcquireSRWLockExclusive(&peers_lock))
    return;
  for (i = 0; i < npeers; i++)
    InterlockedExchange(&peers[i].ring->ending, 1);
  ReleaseSRWLockExclusive(&peers_lock);
}

static void end_peer(int i)
{
  struct peer *p = &peers[i];
  AcquireSRWLockExclusive(&peers_lock);
  InterlockedExchange(&p->ring->closed, 1);
  SetEvent(p->wake); /* a sender waiting for room or an answer */
  xsig__rt_unreserve((int)(p->granted - p->rt_taken));
  UnmapViewOfFile(p->ring);
  CloseHandle(p->section);
  CloseHandle(p->wake);
  CloseHandle(p->sender);
  peers[i] = peers[--npeers];
  ReleaseSRWLockExclusive(&peers_lock);
}

void xsig__win_rings_stop(void)
{
  while (npeers > 0)
    end_peer(npeers - 1);
  if (doorbell)
    CloseHandle(doorbell);
  doorbell = NULL;
}

/* The doorbell, then each sender's process. */
int xsig__win_rings_handles(HANDLE *hs)
{
  int i;
  hs[0] = doorbell;
  for (i = 0; i < npeers; i++)
    hs[i + 1] = peers[i].sender;
  return npeers + 1;
}

/* Credit for what the sender asked, or before it runs out. */
static void answer(struct peer *p)
{
  LONG asks = load(&p->ring->asks);
  uint32_t left = p->granted - p->rt_taken;
  int asked = (uint32_t)asks != p->answered;
  if ((asked || (p->rt_taken > 0 && left < CREDIT / 2)) && left < CREDIT) {
    p->granted += (uint32_t)xsig__rt_reserve((int)(CREDIT - left));
    InterlockedExchange(&p->ring->credit, (LONG)p->granted);
  }
  if (!asked)
    return;
  if (p->granted == p->rt_taken)
    xsig__stats_add_dropped(); /* refused: the queue is full */
  p->answered = (uint32_t)asks;
  InterlockedExchange(&p->ring->answered, asks);
  InterlockedExchange(&p->ring->sender_waiting, 0);
  SetEvent(p->wake);
}

/* Takes the messages peer p's ring holds, in order, up to one whose
 * default action must run (*dfl). Returns how many, or -1 for a head that
 * cannot be. */
static int take_messages(struct peer *p, int *dfl)
{
  int n = xsig__ring_count((uint32_t)load(&p->ring->head), p->tail), k, posted = 0;
  for (k = 0; k < n && *dfl == 0; k++) {
    struct xsig__wire_msg m;
    xsig_info_t info;
    int rt;
    memcpy(&m, &p->ring->slot[p->tail % XSIG__RING_SLOTS], sizeof m); /* read once */
    p->tail++;
    if (xsig__ring_decode(&m, &info) != 0) {
      xsig__stats_add_rejected();
      continue;
    }
    rt = xsig_is_realtime(info.signo);
    if (rt && p->rt_taken == p->granted) {
      xsig__stats_add_rejected(); /* beyond its credit */
      continue;
    }
    p->rt_taken += (uint32_t)rt;
    info.pid = (int64_t)p->pid;
    xsig__win_transport_count_remote();
    switch (xsig__win_accept(&info, XSIG__ACCEPT_NO_WAKE | (rt ? XSIG__ACCEPT_RESERVED : 0))) {
    case 0:
      posted = 1;
      break;
    case XSIG__ARRIVE_DEFAULT:
      *dfl = info.signo; /* what follows waits for the next round, if any */
      break;
    }
  }
  if (posted)
    xsig__os_wake(); /* once for the batch */
  return n;
}

/* Takes what peer i's ring holds, answers its sender, then runs a default
 * action if one came. Returns 0, or -1 when the ring was ended. */
static int take(int i)
{
  struct peer *p = &peers[i];
  int n, dfl = 0;
  if ((n = take_messages(p, &dfl)) >= 0 && dfl == 0 &&
      (uint32_t)load(&p->ring->asks) != p->answered) {
    /* what the sender sent before it asked is all there now: then the
     * credit it gets (or not) is exact, and so is the count of refusals */
    int more = take_messages(p, &dfl);
    n = more < 0 ? more : n + more;
  }
  if (n < 0) {
    xsig__stats_add_rejected();
    end_peer(i);
    return -1;
  }
  InterlockedExchange(&p->ring->tail, (LONG)p->tail);
  if (n > 0 && InterlockedCompareExchange(&p->ring->sender_waiting, 0, 1) == 1)
    SetEvent(p->wake);
  answer(p);
  if (dfl)
    xsig__os_default_action(dfl);
  return 0;
}

/* ended: the handle the wait found signalled, if it was one of ours. */
void xsig__win_rings_serve(HANDLE ended)
{
  int i;
  for (i = npeers - 1; i >= 0; i--)
    if (take(i) == 0 && ended && peers[i].sender == ended)
      end_peer(i); /* the sender ended: what it sent was taken just now */
}

/* Before the serving thread waits: 1 if it must not (a ring has news). */
int xsig__win_rings_sleep(void)
{
  int i, news = 0;
  for (i = 0; i < npeers; i++)
    InterlockedExchange(&peers[i].ring->receiver_sleeping, 1);
  for (i = 0; i < npeers && !news; i++)
    news = (uint32_t)load(&peers[i].ring->head) != peers[i].tail ||
           (uint32_t)load(&peers[i].ring->asks) != peers[i].answered;
  return news;
}

void xsig__win_rings_awake(void)
{
  int i;
  for (i = 0; i < npeers; i++)
    InterlockedExchange(&peers[i].ring->receiver_sleeping, 0);
}

static int give(HANDLE proc, HANDLE h, DWORD access, uint64_t *out)
{
  HANDLE theirs = NULL;
  if (!DuplicateHandle(GetCurrentProcess(), h, proc, &theirs, access, FALSE, 0))
    return 0;
  *out = (uint64_t)(uintptr_t)theirs;
  return 1;
}

static void take_back(HANDLE proc, uint64_t h)
{
  if (h)
    DuplicateHandle(proc, (HANDLE)(uintptr_t)h, NULL, NULL, 0, FALSE, DUPLICATE_CLOSE_SOURCE);
}

/* A ring for the pipe's client pid, its handles in reply; none (reply
 * unchanged) when every ring is taken or the sender cannot be reached. */
void xsig__win_rings_offer(DWORD pid, struct xsig__wire_reply *reply)
{
  struct peer *p;
  int i;
  /* a sender that let its ring go asks again: the old ring's messages first */
  for (i = npeers - 1; i >= 0; i--)
    if (peers[i].pid == pid && take(i) == 0)
      end_peer(i);
  if (npeers == MAX_RINGS)
    return;
  p = &peers[npeers];
  memset(p, 0, sizeof *p);
  p->sender = OpenProcess(PROCESS_DUP_HANDLE | SYNCHRONIZE, FALSE, pid);
  p->section = p->sender ? CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                              sizeof(struct xsig__win_ring), NULL) : NULL;
  p->ring = p->section ? MapViewOfFile(p->section, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(struct xsig__win_ring)) : NULL;
  p->wake = p->ring ? CreateEventW(NULL, FALSE, FALSE, NULL) : NULL;
  if (p->wake && give(p->sender, p->section, FILE_MAP_READ | FILE_MAP_WRITE, &reply->section) &&
      give(p->sender, doorbell, EVENT_MODIFY_STATE, &reply->doorbell) &&
      give(p->sender, p->wake, SYNCHRONIZE, &reply->wake)) {
    p->pid = pid;
    reply->ring = 1;
    AcquireSRWLockExclusive(&peers_lock);
    npeers++;
    ReleaseSRWLockExclusive(&peers_lock);
    if (xsig__atomic_load(&process_ending))
      InterlockedExchange(&p->ring->ending, 1);
    return;
  }
  if (p->sender) {
    take_back(p->sender, reply->section);
    take_back(p->sender, reply->doorbell);
    CloseHandle(p->sender);
  }
  reply->section = reply->doorbell = reply->wake = 0;
  if (p->ring)
    UnmapViewOfFile(p->ring);
  if (p->section)
    CloseHandle(p->section);
  if (p->wake)
    CloseHandle(p->wake);
}

/* --- the sender's side --------------------------------------------------
 * cache_lock guards each channel's pid, users and used, and the choice of
 * a slot; a channel's own lock (held by the one thread that uses it, while
 * users > 0) guards the rest: one producer per ring. */
struct xsig__win_channel {
  SRWLOCK lock;
  DWORD pid;
  long users;
  ULONGLONG used;
  HANDLE target; /* while held, pid is not reused */
  struct xsig__win_ring *ring;
  HANDLE doorbell, wake;
  uint32_t head, rt_sent, asks;
  int64_t alive_us; /* when target was last seen running */
  int ended;        /* seen ended: forgotten at put */
};

static struct xsig__win_channel channels[CHANNELS];
static SRWLOCK cache_lock = SRWLOCK_INIT;
static ULONGLONG uses;

static void detach(struct xsig__win_channel *c)
{
  if (c->ring == NULL)
    return;
  UnmapViewOfFile(c->ring);
  CloseHandle(c->doorbell);
  CloseHandle(c->wake);
  c->ring = NULL;
  c->doorbell = c->wake = NULL;
}

static void forget(struct xsig__win_channel *c)
{
  detach(c);
  if (c->target)
    CloseHandle(c->target);
  c->target = NULL;
  c->pid = 0;
  c->ended = 0;
}

static int ended(HANDLE h)
{
  return WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
}

/* Under cache_lock: pid's channel, else (create) a free one, else the one
 * least recently used that nobody uses now; NULL if none. A cached pid
 * cannot have been reused (the channel holds the process). */
static struct xsig__win_channel *find_locked(DWORD pid, int create)
{
  struct xsig__win_channel *c, *best = NULL;
  for (c = channels; c < channels + CHANNELS; c++) {
    if (c->pid == pid)
      return c;
    if (c->users == 0 && (best == NULL || (best->pid && (c->pid == 0 || c->used < best->used))))
      best = c;
  }
  if (best == NULL || !create)
    return NULL;
  forget(best);
  best->target = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (best->target == NULL)
    return NULL;
  best->pid = pid;
  return best;
}

struct xsig__win_channel *xsig__win_channel_get(DWORD pid, int create)
{
  struct xsig__win_channel *c;
  AcquireSRWLockExclusive(&cache_lock);
  c = find_locked(pid, create);
  if (c) {
    c->users++;
    c->used = ++uses;
  }
  ReleaseSRWLockExclusive(&cache_lock);
  if (c)
    AcquireSRWLockExclusive(&c->lock);
  return c;
}

void xsig__win_channel_put(struct xsig__win_channel *c)
{
  ReleaseSRWLockExclusive(&c->lock);
  AcquireSRWLockExclusive(&cache_lock);
  if (--c->users == 0 && c->ended)
    forget(c);
  ReleaseSRWLockExclusive(&cache_lock);
}

/* We ended pid ourselves (KILL): its channel goes, so that a send after
 * it looks at the process again. */
void xsig__win_channel_drop(DWORD pid)
{
  struct xsig__win_channel *c;
  AcquireSRWLockExclusive(&cache_lock);
  for (c = channels; c < channels + CHANNELS; c++)
    if (c->pid == pid && c->users == 0)
      forget(c);
  ReleaseSRWLockExclusive(&cache_lock);
}

/* Whether the receiver must be asked if it still runs. Asking costs a
 * server call under Wine (about 25 us with nothing else running, 100 with
 * four senders: ten times the rest of a send), so a sender asks at most
 * every ALIVE_US. A receiver that ends any way but by another process's
 * TerminateProcess says so in the ring first (xsig__win_rings_ending):
 * then the next send asks. When xsig ends a process itself (KILL, a tree's
 * job) it drops its channels to it. What is left: a receiver ended by
 * someone else's TerminateProcess is seen within ALIVE_US (until then a
 * signal to it is posted and lost, as one sent a moment earlier). */
#define ALIVE_US 2000
static int must_ask(struct xsig__win_channel *c, int64_t now)
{
  return now - c->alive_us >= ALIVE_US || load(&c->ring->ending);
}

static int receiver_ended(struct xsig__win_channel *c, int64_t now)
{
  if (ended(c->target))
    return c->ended = 1;
  c->alive_us = now;
  return 0;
}

void xsig__win_channel_attach(struct xsig__win_channel *c, const struct xsig__wire_reply *reply)
{
  HANDLE section = (HANDLE)(uintptr_t)reply->section;
  if (reply->ring != 1 || c->ring)
    return;
  c->ring = MapViewOfFile(section, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, sizeof(struct xsig__win_ring));
  CloseHandle(section); /* the view keeps the section */
  c->doorbell = (HANDLE)(uintptr_t)reply->doorbell;
  c->wake = (HANDLE)(uintptr_t)reply->wake;
  c->head = c->rt_sent = c->asks = 0;
  if (c->ring == NULL) {
    CloseHandle(c->doorbell);
    CloseHandle(c->wake);
    c->doorbell = c->wake = NULL;
  }
}

/* Waits for the receiver to make room or answer. 0 when woken; else why
 * not: it ended, it closed the ring, it is stopped, or too long. */
static int wait_receiver(struct xsig__win_channel *c, ULONGLONG deadline)
{
  HANDLE hs[2];
  DWORD r;
  hs[0] = c->wake;
  hs[1] = c->target;
  r = WaitForMultipleObjects(2, hs, FALSE, XSIG__WIN_STOPPED_CHECK_MS);
  if (r == WAIT_OBJECT_0 + 1)
    return XSIG_ESRCH;
  if (load(&c->ring->closed))
    return XSIG__WIN_NO_RING;
  if (r == WAIT_OBJECT_0)
    return 0;
  if (xsig__win_is_stopped(c->pid))
    return XSIG_EAGAIN; /* it cannot make room until CONT */
  return GetTickCount64() >= deadline ? XSIG_ETIMEDOUT : 0;
}

/* Credit for one more real-time message: 0, or XSIG_EAGAIN when the
 * receiver has no room. */
static int get_credit(struct xsig__win_channel *c, ULONGLONG deadline)
{
  int err;
  if ((int32_t)(c->rt_sent - (uint32_t)load(&c->ring->credit)) < 0)
    return 0;
  InterlockedExchange(&c->ring->asks, (LONG)++c->asks);
  InterlockedExchange(&c->ring->sender_waiting, 1);
  SetEvent(c->doorbell);
  while ((uint32_t)load(&c->ring->answered) != c->asks)
    if ((err = wait_receiver(c, deadline)) != 0)
      return err;
  return (int32_t)(c->rt_sent - (uint32_t)load(&c->ring->credit)) < 0 ? 0 : XSIG_EAGAIN;
}

static int get_room(struct xsig__win_channel *c, ULONGLONG deadline)
{
  int err;
  while (c->head - (uint32_t)load(&c->ring->tail) >= XSIG__RING_SLOTS) {
    InterlockedExchange(&c->ring->sender_waiting, 1);
    if (c->head - (uint32_t)load(&c->ring->tail) < XSIG__RING_SLOTS)
      break;
    if ((err = wait_receiver(c, deadline)) != 0)
      return err;
  }
  return 0;
}

int xsig__win_channel_send(struct xsig__win_channel *c, int sig, intptr_t value, int has_value)
{
  ULONGLONG deadline = GetTickCount64() + XSIG__WIN_SEND_TIMEOUT_MS;
  int64_t now = xsig__os_now_us();
  int rt = xsig_is_realtime(sig), err, ask;
  if (c->ring == NULL)
    return XSIG__WIN_NO_RING;
  ask = must_ask(c, now);
  err = load(&c->ring->closed) ? XSIG__WIN_NO_RING : 0;
  if (err == 0 && rt)
    err = get_credit(c, deadline);
  if (err == 0)
    err = get_room(c, deadline);
  if (err) {
    if (err == XSIG__WIN_NO_RING)
      detach(c);
    return err;
  }
  xsig__wire_encode(&c->ring->slot[c->head % XSIG__RING_SLOTS], sig, value, has_value);
  c->head++;
  c->rt_sent += (uint32_t)rt;
  InterlockedExchange(&c->ring->head, (LONG)c->head); /* a full barrier: the slot, then the head, then the look */
  if (InterlockedCompareExchange(&c->ring->receiver_sleeping, 0, 1) == 1)
    SetEvent(c->doorbell);
  /* Asked after the doorbell, so that the receiver's wake-up and the
   * question overlap; an ended receiver had ended before the call, too. */
  if (ask && receiver_ended(c, now))
    return XSIG_ESRCH;
  /* Closed before it took this one: the pipe carries it. */
  if (load(&c->ring->closed) && (int32_t)((uint32_t)load(&c->ring->tail) - c->head) < 0) {
    detach(c);
    return XSIG__WIN_NO_RING;
  }
  return 0;
}

/* Whether pid's receiver took everything sent to it within ms: 1, 0, or
 * -1 when there is no ring to it (then nothing tells). */
int xsig__win_channel_wait_taken(DWORD pid, int ms)
{
  struct xsig__win_channel *c = xsig__win_channel_get(pid, 0);
  ULONGLONG deadline = GetTickCount64() + (ULONGLONG)ms;
  int taken = -1;
  if (c == NULL)
    return -1;
  while (c->ring) {
    ULONGLONG now = GetTickCount64();
    HANDLE hs[2];
    hs[0] = c->wake;
    hs[1] = c->target;
    InterlockedExchange(&c->ring->sender_waiting, 1);
    if ((taken = (uint32_t)load(&c->ring->tail) == c->head) || now >= deadline ||
        WaitForMultipleObjects(2, hs, FALSE, (DWORD)(deadline - now)) != WAIT_OBJECT_0)
      break;
  }
  xsig__win_channel_put(c);
  return taken;
}
