/* SPDX-License-Identifier: MIT */
/* The transport's fast path: a ring of messages in memory shared by one
 * sender and its receiver, set up over the pipe (src/win/transport.c).
 * - The receiver makes the section and the events, unnamed, and names
 *   them in its reply by their handle values in its own process. The
 *   sender takes them itself (DuplicateHandle from the receiver, with the
 *   rights it needs and no more), once it has checked that the pipe's
 *   server is the target (its pid and its creation time), and checks each
 *   one's type, the section's size and that its pages are committed.
 *   Nothing a receiver answers makes a sender use a handle of its own
 *   process.
 * - The receiver keeps a ring only once its reply was written and the
 *   sender said in the ring that it took it (before it closed the pipe);
 *   anything else (a reply never read, a sender gone) is freed when the
 *   pipe's connection ends. A sender that lets its ring go says so too.
 * - Neither side trusts the other's fields: the receiver keeps its own tail
 *   and credit and checks the sender's head; the sender keeps its own head.
 * - Sends are posted, as kill(2) is: the sender returns once the message
 *   is in the ring, where it is pending. Real-time signals need credit:
 *   queue room the receiver set aside (xsig__rt_reserve), so that a posted
 *   one is never refused later. With none left the sender asks and waits
 *   for the answer; none again means the queue is full: XSIG_EAGAIN.
 * - Each side sleeps only after saying so in the ring and looking once
 *   more; the other wakes it only then: no wake-ups while both are busy,
 *   none while idle. The receiver's wake-up is a semaphore of count 1 that
 *   senders hold with SEMAPHORE_MODIFY_STATE only: they can release it,
 *   never take or reset it.
 * - The receiver sees its sender end through the process handle, takes
 *   what it left, and frees the ring; a sender sees its receiver end
 *   through its own handle. A receiver that stops serving (xsig_shutdown)
 *   closes the ring: it marks it closing, publishes its final tail, marks
 *   it closed; a sender that finds it closing waits for that tail and
 *   sends what it did not take over the pipe. */
#include <string.h>
#include <wchar.h>
#include "internal.h"
#include <winternl.h> /* needs windows.h first (internal.h) */
#include "ring.h"

#define MAX_RINGS 24 /* with the pipe's instances, under MAXIMUM_WAIT_OBJECTS */
#define CREDIT 64    /* real-time messages one sender may have in flight */
#define CHANNELS 16  /* rings a sender keeps, to this many receivers */
#define RING_IDLE_US 1000000 /* a full table gives up a ring this idle */

static LONG load(struct xsig__win_ring_word *w) { return xsig__atomic_load_acquire(&w->v); }
static void store(struct xsig__win_ring_word *w, LONG v) { InterlockedExchange(&w->v, v); }

/* --- the receiver's side ------------------------------------------------
 * peers, npeers, offers and doorbell belong to the transport's serving
 * thread once it runs (its start and stop set them while it does not); it
 * changes peers and npeers under peers_lock, which a process that ends
 * takes to tell its senders (any thread, so only if it can get it at
 * once). */
struct peer {
  struct xsig__win_ring *ring;
  HANDLE section, wake;
  HANDLE sender; /* its process: signalled when it ends */
  DWORD pid;
  uint32_t tail, granted, rt_accepted, credit_answers;
  unsigned offer;  /* while offered: the number the pipe's instance holds */
  int64_t last_us; /* when it last carried a message */
};

static struct peer peers[MAX_RINGS];
static int npeers;
static unsigned offers;
static SRWLOCK peers_lock = SRWLOCK_INIT;
static xsig__atomic_long process_ending; /* set once, by rings_ending */
static HANDLE doorbell; /* a semaphore of count 0 or 1: some ring has news */

int xsig__win_rings_start(void)
{
  doorbell = CreateSemaphoreW(NULL, 0, 1, NULL);
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
    store(&peers[i].ring->ending, 1);
  ReleaseSRWLockExclusive(&peers_lock);
}

/* Publishes the final tail and frees peer i. Closing first, then the
 * tail, then closed: a sender that wrote after the receiver last looked
 * sees the ring closing and waits for the tail that says what was accepted. */
static void end_peer(int i)
{
  struct peer *p = &peers[i];
  AcquireSRWLockExclusive(&peers_lock);
  store(&p->ring->tail, (LONG)p->tail);
  store(&p->ring->closed, XSIG__WIN_RING_CLOSED);
  SetEvent(p->wake); /* a sender waiting for room, an answer or the tail */
  xsig__rt_unreserve((int)(p->granted - p->rt_accepted));
  UnmapViewOfFile(p->ring);
  CloseHandle(p->section);
  CloseHandle(p->wake);
  CloseHandle(p->sender);
  peers[i] = peers[--npeers];
  ReleaseSRWLockExclusive(&peers_lock);
}

void xsig__win_rings_stop(void)
{
  int i;
  for (i = 0; i < npeers; i++)
    store(&peers[i].ring->closed, XSIG__WIN_RING_CLOSING);
  while (npeers > 0)
    end_peer(npeers - 1);
  if (doorbell)
    CloseHandle(doorbell);
  doorbell = NULL;
}

/* The doorbell, then each sender's process. */
int xsig__win_rings_wait_handles(HANDLE *hs)
{
  int i;
  hs[0] = doorbell;
  for (i = 0; i < npeers; i++)
    hs[i + 1] = peers[i].sender;
  return npeers + 1;
}

/* Credit for what the sender asked (asks: the count seen before the
 * messages it sent first were taken), or before it runs out. An ask that
 * came after is answered in the next round: its messages may not all be
 * taken yet, and a refusal would then go uncounted. */
static void answer(struct peer *p, LONG asks)
{
  uint32_t left = p->granted - p->rt_accepted;
  int asked = (uint32_t)asks != p->credit_answers;
  if ((asked || (p->rt_accepted > 0 && left < CREDIT / 2)) && left < CREDIT) {
    p->granted += (uint32_t)xsig__rt_reserve((int)(CREDIT - left));
    store(&p->ring->credit, (LONG)p->granted);
  }
  if (!asked)
    return;
  if (p->granted == p->rt_accepted)
    xsig__stats_add_dropped(); /* refused: the queue is full */
  p->credit_answers = (uint32_t)asks;
  store(&p->ring->credit_answers, asks);
  store(&p->ring->sender_waiting, 0);
  SetEvent(p->wake);
}

/* Accepts the messages peer p's ring holds, in order, up to one whose
 * default action must run (*dfl); *posted says that one is pending now.
 * Returns how many, or -1 for a head that cannot be. */
static int accept_messages(struct peer *p, int *dfl, int *posted)
{
  int n = xsig__ring_count((uint32_t)load(&p->ring->head), p->tail), k;
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
    if (rt && p->rt_accepted == p->granted) {
      xsig__stats_add_rejected(); /* beyond its credit */
      continue;
    }
    p->rt_accepted += (uint32_t)rt;
    info.pid = (int64_t)p->pid;
    switch (xsig__win_accept(&info, XSIG__ACCEPT_REMOTE | XSIG__ACCEPT_NO_WAKE |
                                   (rt ? XSIG__ACCEPT_RESERVED : 0))) {
    case 0:
      *posted = 1;
      break;
    case XSIG__ARRIVE_DEFAULT:
      *dfl = info.signo; /* what follows waits for the next round, if any */
      break;
    }
  }
  if (n > 0)
    p->last_us = xsig__os_now_us();
  return n;
}

/* Accepts what peer i's ring holds, answers its sender, then runs a
 * default action if one came. Returns 0, or -1 when the ring was ended
 * (a head that cannot be, or a sender that let it go and left nothing). */
static int serve_peer(int i)
{
  struct peer *p = &peers[i];
  int n, dfl = 0, posted = 0, detached = load(&p->ring->detached);
  LONG asks = 0;
  if ((n = accept_messages(p, &dfl, &posted)) >= 0 &&
      (uint32_t)(asks = load(&p->ring->credit_asks)) != p->credit_answers && dfl == 0) {
    /* what the sender sent before it asked is all there now: then the
     * credit it gets (or not) is exact, and so is the count of refusals */
    int more = accept_messages(p, &dfl, &posted);
    n = more < 0 ? more : n + more;
  }
  if (n < 0) {
    if (posted)
      xsig__os_wake();
    xsig__stats_add_rejected();
    end_peer(i);
    return -1;
  }
  store(&p->ring->tail, (LONG)p->tail);
  /* Once for the batch, after the tail: a handler may end the process,
   * and its sender then reads from the tail that the signal was taken. */
  if (posted)
    xsig__os_wake();
  if (n > 0 && InterlockedCompareExchange(&p->ring->sender_waiting.v, 0, 1) == 1)
    SetEvent(p->wake);
  answer(p, asks);
  if (dfl)
    xsig__os_default_action(dfl);
  else if (detached && (uint32_t)load(&p->ring->head) == p->tail) {
    end_peer(i); /* read before the head: nothing can follow */
    return -1;
  }
  return 0;
}

/* Serves peer i until its ring holds nothing more. serve_peer stops at a
 * default action that returns (a STOP's, once CONT came): what follows it
 * must not be lost when the ring then ends, nor come after a pipe message
 * sent later. At most as many rounds as the ring has slots, so that a
 * sender that keeps writing cannot hold this thread. Returns 0, or -1
 * when the ring was ended. */
static int drain_peer(int i)
{
  int rounds;
  for (rounds = 0; rounds <= XSIG__RING_SLOTS; rounds++) {
    if (serve_peer(i) != 0)
      return -1;
    if ((uint32_t)load(&peers[i].ring->head) == peers[i].tail)
      break;
  }
  return 0;
}

/* ended: the handle the wait found signalled, if it was one of ours. */
void xsig__win_rings_serve(HANDLE ended)
{
  int i;
  for (i = npeers - 1; i >= 0; i--)
    if (!(ended && peers[i].sender == ended))
      serve_peer(i);
    else if (drain_peer(i) == 0)
      end_peer(i); /* the sender ended: what it sent was taken just now */
}

/* Before a pipe message from pid is accepted: what its rings hold came
 * first (a sender whose channel was evicted asks again over the pipe). */
void xsig__win_rings_serve_sender(DWORD pid)
{
  int i;
  for (i = npeers - 1; i >= 0; i--)
    if (peers[i].pid == pid)
      drain_peer(i);
}

/* Every ring says "receiver sleeping": its sender rings the doorbell. */
void xsig__win_rings_mark_sleeping(void)
{
  int i;
  for (i = 0; i < npeers; i++)
    store(&peers[i].ring->receiver_sleeping, 1);
}

/* Whether a ring holds something not yet served: messages, a request for
 * credit, or its sender letting it go. Only reads. */
int xsig__win_rings_have_news(void)
{
  int i, news = 0;
  for (i = 0; i < npeers && !news; i++)
    news = (uint32_t)load(&peers[i].ring->head) != peers[i].tail ||
           (uint32_t)load(&peers[i].ring->credit_asks) != peers[i].credit_answers ||
           load(&peers[i].ring->detached);
  return news;
}

void xsig__win_rings_mark_awake(void)
{
  int i;
  for (i = 0; i < npeers; i++)
    store(&peers[i].ring->receiver_sleeping, 0);
}

static int64_t filetime_100ns(const FILETIME *t)
{
  return (int64_t)(((uint64_t)t->dwHighDateTime << 32) | t->dwLowDateTime);
}

/* The pipe's client by pid, opened after the pid was read: the same
 * process only if it was created before the client connected and still
 * runs (a pid freed in between may belong to a newer process by now). */
static HANDLE open_client(DWORD pid, int64_t connected_at)
{
  HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  FILETIME created, exited, kernel, user;
  if (h && (!GetProcessTimes(h, &created, &exited, &kernel, &user) ||
            filetime_100ns(&created) > connected_at || WaitForSingleObject(h, 0) != WAIT_TIMEOUT)) {
    CloseHandle(h);
    h = NULL;
  }
  return h;
}

/* With the table full: ends the ring idle longest, if one has been idle
 * RING_IDLE_US and is not being offered. What it holds is accepted first:
 * marked closing, then accepted (a sender sees "closing" after at most one
 * more message), then ended (which publishes the tail). */
static void reclaim_idle_ring(void)
{
  int64_t now = xsig__os_now_us();
  int i, best = -1;
  for (i = 0; i < npeers; i++)
    if (peers[i].offer == 0 && now - peers[i].last_us >= RING_IDLE_US &&
        (best < 0 || peers[i].last_us < peers[best].last_us))
      best = i;
  if (best < 0)
    return;
  store(&peers[best].ring->closed, XSIG__WIN_RING_CLOSING);
  if (drain_peer(best) == 0)
    end_peer(best);
}

static int make_ring(struct peer *p)
{
  p->section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                  sizeof(struct xsig__win_ring), NULL);
  p->ring = p->section ? MapViewOfFile(p->section, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(struct xsig__win_ring)) : NULL;
  p->wake = p->ring ? CreateEventW(NULL, FALSE, FALSE, NULL) : NULL;
  if (p->wake)
    return 0;
  if (p->ring)
    UnmapViewOfFile(p->ring);
  if (p->section)
    CloseHandle(p->section);
  return XSIG_ESYS;
}

/* Offers a ring to the pipe's client pid, which connected at connected_at
 * (100 ns units of system time): fills handles (section, doorbell, wake:
 * values in this process, for the sender to take) and returns the offer's
 * number for xsig__win_rings_settle; 0 for none (every ring taken, or the
 * client is not the process its pid names now). Its earlier ring, if any,
 * ends: the client let it go. */
unsigned xsig__win_rings_offer(DWORD pid, int64_t connected_at, uint64_t *handles)
{
  struct peer *p;
  HANDLE sender;
  int i;
  for (i = npeers - 1; i >= 0; i--)
    if (peers[i].pid == pid && drain_peer(i) == 0)
      end_peer(i);
  if (npeers == MAX_RINGS)
    reclaim_idle_ring();
  if (npeers == MAX_RINGS || (sender = open_client(pid, connected_at)) == NULL)
    return 0;
  p = &peers[npeers];
  memset(p, 0, sizeof *p);
  if (make_ring(p) != 0) {
    CloseHandle(sender);
    return 0;
  }
  p->sender = sender;
  p->pid = pid;
  p->last_us = xsig__os_now_us();
  if (++offers == 0)
    offers = 1;
  p->offer = offers;
  handles[0] = (uint64_t)(uintptr_t)p->section;
  handles[1] = (uint64_t)(uintptr_t)doorbell;
  handles[2] = (uint64_t)(uintptr_t)p->wake;
  AcquireSRWLockExclusive(&peers_lock);
  npeers++;
  ReleaseSRWLockExclusive(&peers_lock);
  if (xsig__atomic_load(&process_ending))
    store(&p->ring->ending, 1);
  return p->offer;
}

/* The connection that carried offer ended (its reply written and the
 * client gone, or not written): the ring stays only if its sender took
 * it, which it says in the ring before it closes the pipe. */
void xsig__win_rings_settle(unsigned offer)
{
  int i;
  for (i = 0; i < npeers; i++)
    if (peers[i].offer == offer) {
      peers[i].offer = 0;
      if (!load(&peers[i].ring->attached))
        end_peer(i);
      return;
    }
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
  uint32_t head, rt_sent, credit_asks;
  int64_t alive_us; /* when target was last seen running */
  int ended;        /* seen ended: forgotten at put */
  int wire_version; /* what its receiver understands */
  unsigned piped;   /* signals the pipe carried to it since it was cached */
};

static struct xsig__win_channel channels[CHANNELS];
static SRWLOCK cache_lock = SRWLOCK_INIT;
static ULONGLONG uses;

/* Lets the ring go, and tells the receiver, which then frees it. */
static void detach(struct xsig__win_channel *c)
{
  if (c->ring == NULL)
    return;
  store(&c->ring->detached, 1);
  ReleaseSemaphore(c->doorbell, 1, NULL);
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
  best->wire_version = XSIG__WIRE_VERSION;
  best->piped = 0;
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

int xsig__win_channel_wire_version(const struct xsig__win_channel *c)
{
  return c->wire_version;
}

void xsig__win_channel_set_wire_version(struct xsig__win_channel *c, int version)
{
  c->wire_version = version;
}

/* A ring costs its receiver a section and an event, and its sender three
 * handles to take and a view to map and check: several times the pipe's
 * own round trip under Wine. One signal to a process (a tree's stop: TERM
 * to each member) is cheaper without it, so a ring is asked for with the
 * second signal the pipe carries to a receiver. */
int xsig__win_channel_ring_due(struct xsig__win_channel *c)
{
  return c->piped++ > 0;
}

/* Whether the receiver must be checked for still running. A check costs
 * a server call under Wine (about 25 us with nothing else running, 100
 * with four senders: ten times the rest of a send), so a sender checks at
 * most every ALIVE_US. A receiver that ends any way but by another
 * process's TerminateProcess says so in the ring first
 * (xsig__win_rings_ending): then the next send checks. When xsig ends a
 * process itself (KILL, a tree's job) it drops its channels to it. What is
 * left: a receiver ended by someone else's TerminateProcess is seen within
 * ALIVE_US (until then a signal to it is posted and lost, as one sent a
 * moment earlier). */
#define ALIVE_US 2000
static int alive_check_due(struct xsig__win_channel *c, int64_t now)
{
  return now - c->alive_us >= ALIVE_US || load(&c->ring->ending);
}

/* Whether the receiver has ended; if so marks the channel to be
 * forgotten, else notes when it was seen running. */
static int check_receiver_ended(struct xsig__win_channel *c, int64_t now)
{
  if (ended(c->target))
    return c->ended = 1;
  c->alive_us = now;
  return 0;
}

static int64_t creation_time(HANDLE h)
{
  FILETIME created, exited, kernel, user;
  if (!GetProcessTimes(h, &created, &exited, &kernel, &user))
    return -1;
  return filetime_100ns(&created);
}

/* Whether a and b are one process: the same creation time, so a pid freed
 * and given to a newer process between the two opens cannot pass. */
static int same_process(HANDLE a, HANDLE b)
{
  int64_t t = creation_time(a);
  return t >= 0 && t == creation_time(b) && GetProcessId(a) == GetProcessId(b);
}

typedef LONG (NTAPI *query_object_fn)(HANDLE, int, void *, ULONG, ULONG *);

/* Whether h is an object of the given type ("Section", "Event", ...). */
static int object_type_is(HANDLE h, const wchar_t *type)
{
  static query_object_fn query;
  union { PUBLIC_OBJECT_TYPE_INFORMATION info; unsigned char bytes[512]; } u;
  ULONG len = 0;
  size_t n = wcslen(type);
  if (query == NULL)
    query = (query_object_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryObject");
  if (query == NULL || query(h, 2 /* ObjectTypeInformation */, &u, sizeof u, &len) < 0)
    return 0;
  return u.info.TypeName.Length == n * sizeof(wchar_t) && u.info.TypeName.Buffer != NULL &&
         wcsncmp(u.info.TypeName.Buffer, type, n) == 0;
}

/* The object the receiver holds as handle value v, duplicated into this
 * process with exactly access, if it is of that type; else NULL. */
static HANDLE duplicate_from(HANDLE receiver, uint64_t v, DWORD access, const wchar_t *type)
{
  HANDLE h = NULL;
  if (!DuplicateHandle(receiver, (HANDLE)(uintptr_t)v, GetCurrentProcess(), &h, access, FALSE, 0))
    return NULL;
  if (!object_type_is(h, type)) {
    CloseHandle(h);
    return NULL;
  }
  return h;
}

/* Whether every page of the view is committed and writable. A section
 * made with SEC_RESERVE maps, at any size, pages that fault when touched
 * until its maker commits them (Wine lets the write through, but says
 * MEM_RESERVE all the same); pages of a section cannot be decommitted. */
static int view_committed(const void *view, size_t size)
{
  MEMORY_BASIC_INFORMATION m;
  return VirtualQuery(view, &m, sizeof m) == sizeof m && m.State == MEM_COMMIT &&
         m.Protect == PAGE_READWRITE && m.RegionSize >= size;
}

/* A view of a whole ring: MapViewOfFile fails for a section smaller. */
static struct xsig__win_ring *map_ring(HANDLE receiver, uint64_t v)
{
  HANDLE section = duplicate_from(receiver, v, FILE_MAP_READ | FILE_MAP_WRITE, L"Section");
  struct xsig__win_ring *ring;
  if (section == NULL)
    return NULL;
  ring = MapViewOfFile(section, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, sizeof *ring);
  CloseHandle(section); /* the view keeps the section */
  if (ring && !view_committed(ring, sizeof *ring)) {
    UnmapViewOfFile(ring);
    ring = NULL;
  }
  return ring;
}

/* Takes the ring the receiver named (handles: section, doorbell, wake, as
 * values in its process) for channel c, while the pipe that carried the
 * reply is still open. target: the caller's handle to the process the
 * pipe's server was checked to be (by pid). Returns 0, or XSIG__WIN_NO_RING
 * (nothing taken; the pipe serves) when the receiver is not that process
 * or an object is not what it must be. */
int xsig__win_channel_map_ring(struct xsig__win_channel *c, HANDLE target, const uint64_t *handles)
{
  HANDLE receiver;
  if (c->ring)
    return 0;
  receiver = OpenProcess(PROCESS_DUP_HANDLE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, c->pid);
  if (receiver == NULL)
    return XSIG__WIN_NO_RING;
  if (same_process(receiver, target) && same_process(receiver, c->target) && !ended(receiver) &&
      (c->ring = map_ring(receiver, handles[0])) != NULL) {
    c->doorbell = duplicate_from(receiver, handles[1], SEMAPHORE_MODIFY_STATE, L"Semaphore");
    c->wake = c->doorbell ? duplicate_from(receiver, handles[2], SYNCHRONIZE, L"Event") : NULL;
  }
  CloseHandle(receiver);
  if (c->ring && c->wake) {
    c->head = c->rt_sent = c->credit_asks = 0;
    store(&c->ring->attached, 1);
    return 0;
  }
  if (c->ring)
    UnmapViewOfFile(c->ring);
  if (c->doorbell)
    CloseHandle(c->doorbell);
  c->ring = NULL;
  c->doorbell = NULL;
  return XSIG__WIN_NO_RING;
}

/* Waits for the receiver to make room or answer. 0 when woken; else why
 * not: it ended, it closed the ring, it is stopped, or too long. The
 * deadline holds when woken too: a receiver can set the wake event as
 * often as it likes without making room. */
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
  if (r != WAIT_OBJECT_0 && xsig__win_is_stopped(c->pid))
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
  store(&c->ring->credit_asks, (LONG)++c->credit_asks);
  store(&c->ring->sender_waiting, 1);
  ReleaseSemaphore(c->doorbell, 1, NULL);
  while ((uint32_t)load(&c->ring->credit_answers) != c->credit_asks)
    if ((err = wait_receiver(c, deadline)) != 0)
      return err;
  return (int32_t)(c->rt_sent - (uint32_t)load(&c->ring->credit)) < 0 ? 0 : XSIG_EAGAIN;
}

static int get_room(struct xsig__win_channel *c, ULONGLONG deadline)
{
  int err;
  while (c->head - (uint32_t)load(&c->ring->tail) >= XSIG__RING_SLOTS) {
    store(&c->ring->sender_waiting, 1);
    if (c->head - (uint32_t)load(&c->ring->tail) < XSIG__RING_SLOTS)
      break;
    if ((err = wait_receiver(c, deadline)) != 0)
      return err;
  }
  return 0;
}

/* The ring was found closing after our last message went in: whether the
 * receiver accepted it, from the final tail it publishes (at once: it is its
 * serving thread's next step, bounded here all the same). */
static int accepted_before_close(struct xsig__win_channel *c)
{
  int tries;
  for (tries = 0; tries < 100 && load(&c->ring->closed) != XSIG__WIN_RING_CLOSED; tries++)
    if (WaitForSingleObject(c->wake, 10) == WAIT_OBJECT_0 || ended(c->target))
      break;
  return load(&c->ring->closed) == XSIG__WIN_RING_CLOSED &&
         (int32_t)((uint32_t)load(&c->ring->tail) - c->head) >= 0;
}

int xsig__win_channel_send(struct xsig__win_channel *c, int sig, intptr_t value, int has_value)
{
  ULONGLONG deadline = GetTickCount64() + XSIG__WIN_SEND_TIMEOUT_MS;
  int64_t now = xsig__os_now_us();
  int rt = xsig_is_realtime(sig), err, check;
  if (c->ring == NULL)
    return XSIG__WIN_NO_RING;
  check = alive_check_due(c, now);
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
  xsig__wire_encode(&c->ring->slot[c->head % XSIG__RING_SLOTS], XSIG__WIRE_VERSION, sig, value, has_value);
  c->head++;
  c->rt_sent += (uint32_t)rt;
  store(&c->ring->head, (LONG)c->head); /* a full barrier: the slot, then the head, then the look */
  if (InterlockedCompareExchange(&c->ring->receiver_sleeping.v, 0, 1) == 1)
    ReleaseSemaphore(c->doorbell, 1, NULL);
  /* Checked after the doorbell, so that the receiver's wake-up and the
   * check overlap. A receiver that has ended may have taken this signal
   * first (its handler ended it): its tail says so. */
  if (check && check_receiver_ended(c, now))
    return (int32_t)((uint32_t)load(&c->ring->tail) - c->head) >= 0 ? 0 : XSIG_ESRCH;
  /* Closing, and it did not accept this one: the pipe carries it. */
  if (load(&c->ring->closed) && !accepted_before_close(c)) {
    detach(c);
    return XSIG__WIN_NO_RING;
  }
  return 0;
}

/* Whether pid's receiver accepted everything sent to it within ms: 1, 0, or
 * -1 when nothing tells (no channel to it). Without a ring everything went
 * over the pipe, which answers each signal once it is accepted: 1. */
int xsig__win_channel_wait_accepted(DWORD pid, int ms)
{
  struct xsig__win_channel *c = xsig__win_channel_get(pid, 0);
  ULONGLONG deadline = GetTickCount64() + (ULONGLONG)ms;
  int accepted;
  if (c == NULL)
    return -1;
  accepted = c->ring == NULL && c->piped > 0 ? 1 : -1;
  while (c->ring) {
    ULONGLONG now = GetTickCount64();
    HANDLE hs[2];
    hs[0] = c->wake;
    hs[1] = c->target;
    store(&c->ring->sender_waiting, 1);
    if ((accepted = (uint32_t)load(&c->ring->tail) == c->head) || now >= deadline ||
        WaitForMultipleObjects(2, hs, FALSE, (DWORD)(deadline - now)) != WAIT_OBJECT_0)
      break;
  }
  xsig__win_channel_put(c);
  return accepted;
}
