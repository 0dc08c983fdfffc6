/* SPDX-License-Identifier: MIT */
/* xsig-posix: the program threads' records and the signal thread
 * (state.h says what each is for, and what xp_lock guards). */
#include <stdlib.h>
#include <pthread.h>
#include "state.h"

static SRWLOCK lock = SRWLOCK_INIT;
static struct xp_thread *threads;
static DWORD fls = FLS_OUT_OF_INDEXES;
struct xp_item *xp_held;

/* The signal thread: want is the mask it should have, have the one it
 * has; req counts changes of want, done the last one it applied. busy:
 * it runs a handler (nobody waits for it then). */
static HANDLE st_wake;
static DWORD st_tid;
static uint64_t st_want, st_have;
static unsigned st_req, st_done;
static volatile LONG st_busy;
static CONDITION_VARIABLE st_cv = CONDITION_VARIABLE_INIT;

void xp_lock(void)
{
  AcquireSRWLockExclusive(&lock);
}

void xp_unlock(void)
{
  ReleaseSRWLockExclusive(&lock);
}

int xp_is_signal_thread(void)
{
  return st_tid != 0 && GetCurrentThreadId() == st_tid;
}

struct xp_thread *xp_threads_locked(void)
{
  return threads;
}

struct xp_thread *xp_find_locked(DWORD tid)
{
  struct xp_thread *t;
  for (t = threads; t; t = t->next)
    if (t->tid == tid)
      return t;
  return NULL;
}

uint64_t xp_blocked_everywhere_locked(void)
{
  uint64_t all = ~0ull;
  struct xp_thread *t;
  for (t = threads; t; t = t->next)
    all &= t->mask;
  return all & ~XSIG_POSIX_UNBLOCKABLE;
}

uint64_t xp_list_bits_locked(const struct xp_item *head)
{
  uint64_t bits = 0;
  for (; head; head = head->next)
    bits |= XSIG_POSIX_BIT(head->info.si_signo);
  return bits;
}

void xp_push_locked(struct xp_thread *t, struct xp_item *it)
{
  struct xp_item **tail;
  it->next = NULL;
  if (t == NULL) {
    for (tail = &xp_held; *tail; tail = &(*tail)->next)
      ;
    *tail = it;
    return;
  }
  *t->tail = it;
  t->tail = &it->next;
}

/* Removes and returns the first item of *head whose signal is in want:
 * real-time signals lowest first after the standard ones, as xsig
 * dispatches; FIFO within a signal. */
static struct xp_item *take_from(struct xp_item **head, uint64_t want)
{
  struct xp_item **p, **best = NULL;
  for (p = head; *p; p = &(*p)->next)
    if ((want & XSIG_POSIX_BIT((*p)->info.si_signo)) &&
        (best == NULL || (*p)->info.si_signo < (*best)->info.si_signo))
      best = p;
  if (best) {
    struct xp_item *it = *best;
    *best = it->next;
    it->next = NULL;
    return it;
  }
  return NULL;
}

struct xp_item *xp_take_locked(struct xp_thread *t, uint64_t want)
{
  struct xp_item *it = NULL, **p;
  if (t) {
    it = take_from(&t->head, want);
    for (t->tail = &t->head, p = &t->head; *p; p = &(*p)->next)
      t->tail = &(*p)->next;
  }
  return it ? it : take_from(&xp_held, want);
}

static void free_items(struct xp_item *it)
{
  while (it) {
    struct xp_item *next = it->next;
    free(it);
    it = next;
  }
}

/* FLS callback: the thread ends. Its thread-directed signals end with it. */
static void WINAPI thread_gone(void *p)
{
  struct xp_thread *t = p, **pp;
  if (t == NULL)
    return;
  xp_lock();
  for (pp = &threads; *pp; pp = &(*pp)->next)
    if (*pp == t) {
      *pp = t->next;
      break;
    }
  xp_unlock();
  free_items(t->head);
  CloseHandle(t->wake);
  free(t);
  xp_signal_thread_follow(0);
}

static struct xp_thread *make_record(void)
{
  xsig_sigset_t cur, nudge;
  struct xp_thread *t = calloc(1, sizeof *t);
  if (t == NULL)
    return NULL;
  t->wake = CreateEventW(NULL, FALSE, FALSE, NULL);
  if (t->wake == NULL) {
    free(t);
    return NULL;
  }
  t->tid = GetCurrentThreadId();
  t->tail = &t->head;
  t->alt.ss_flags = SS_DISABLE;
  if (xsig_sigmask(XSIG_BLOCK, NULL, &cur) == 0)
    t->mask = xsig_posix__from_xsig(&cur);
  xsig_sigemptyset(&nudge);
  xsig_sigaddset(&nudge, XP_NUDGE);
  xsig_sigmask(XSIG_BLOCK, &nudge, NULL);
  return t;
}

struct xp_thread *xp_self(void)
{
  struct xp_thread *t;
  if (fls == FLS_OUT_OF_INDEXES || xp_is_signal_thread())
    return NULL;
  t = FlsGetValue(fls);
  if (t)
    return t;
  t = make_record();
  if (t == NULL)
    return NULL;
  FlsSetValue(fls, t);
  xp_lock();
  t->next = threads;
  threads = t;
  t->registered = 1;
  xp_unlock();
  xp_signal_thread_follow(0);
  return t;
}

uint64_t xsig_posix__thread_mask(void)
{
  struct xp_thread *t = xp_self();
  xsig_sigset_t cur;
  if (t)
    return t->mask;
  xsig_sigmask(XSIG_BLOCK, NULL, &cur);
  return xsig_posix__from_xsig(&cur);
}

void xsig_posix__runs_get(struct xsig_posix__runs *out)
{
  struct xp_thread *t = xp_self();
  if (t)
    *out = t->runs;
  else
    out->ran = out->ran_norestart = 0;
}

/* ---- the signal thread -------------------------------------------------- */

void xp_signal_thread_follow(int wait)
{
  uint64_t want;
  unsigned mine;
  int changed, need;
  if (st_wake == NULL)
    return;
  xp_lock();
  want = xp_blocked_everywhere_locked();
  changed = want != st_want;
  if (changed) {
    st_want = want;
    st_req++;
  }
  mine = st_req;
  need = wait && (want & ~st_have) != 0;
  xp_unlock();
  if (changed)
    SetEvent(st_wake);
  if (!need || xp_is_signal_thread())
    return;
  xp_lock();
  while (st_done - mine > 0x7fffffffu && !st_busy)
    SleepConditionVariableSRW(&st_cv, &lock, 50, 0);
  xp_unlock();
}

void xp_signal_thread_poke(void)
{
  if (st_wake)
    SetEvent(st_wake);
}

static void apply_wanted_mask(void)
{
  xsig_sigset_t set;
  uint64_t want;
  unsigned req;
  xp_lock();
  want = st_want;
  req = st_req;
  xp_unlock();
  xsig_posix__to_xsig_mask(want, &set);
  xsig_sigmask(XSIG_SETMASK, &set, NULL);
  xp_lock();
  st_have = want;
  st_done = req;
  xp_unlock();
  WakeAllConditionVariable(&st_cv);
}

/* Takes the first proxy item of *head that mask lets through. */
static struct xp_item *take_proxy(struct xp_item **head, uint64_t mask)
{
  struct xp_item **p, *it;
  for (p = head; *p; p = &(*p)->next)
    if ((*p)->proxy && !(mask & XSIG_POSIX_BIT((*p)->info.si_signo))) {
      it = *p;
      *p = it->next;
      it->next = NULL;
      return it;
    }
  return NULL;
}

/* Runs, as their proxy, what another thread sent to program threads that
 * do not block it and are not at a layer call (pthread_kill to a busy
 * thread): its handler runs at once, as on Linux, though on this thread.
 * Anything else in their lists waits for them. */
static int run_for_others(void)
{
  struct xp_thread *t;
  struct xp_item *it = NULL;
  xp_lock();
  for (t = threads; t && it == NULL; t = t->next)
    if (!t->waiting && !t->sigwait_set && (it = take_proxy(&t->head, t->mask)) != NULL)
      for (t->tail = &t->head; *t->tail; t->tail = &(*t->tail)->next)
        ;
  if (it == NULL) /* sent to threads the layer does not know */
    it = take_proxy(&xp_held, 0);
  xp_unlock();
  if (it == NULL)
    return 0;
  xp_run(&it->info, it->has_act ? &it->act : NULL);
  free(it);
  return 1;
}

static DWORD WINAPI signal_thread(void *started)
{
  xsig_set_delivery_thread();
  apply_wanted_mask();
  SetEvent(started);
  for (;;) {
    /* Alertable, on its own event only: handlers come as xsig's APC, which
     * xsig queues only for a signal this thread lets through. Waiting on
     * xsig's waitable too would wake it at every arrival it blocks (what
     * the program waits for in sigwaitinfo): a second thread woken per
     * signal. */
    xsig_dispatch();
    WaitForSingleObjectEx(st_wake, INFINITE, TRUE);
    apply_wanted_mask();
    while (run_for_others())
      ;
  }
  return 0;
}

/* From the dispatch of a handler on this thread: busy while it runs. */
void xp_signal_thread_busy(int on)
{
  if (xp_is_signal_thread())
    InterlockedExchange(&st_busy, on);
}

int xp_start(void)
{
  HANDLE started, th;
  DWORD tid;
  fls = FlsAlloc(thread_gone);
  if (fls == FLS_OUT_OF_INDEXES)
    return XSIG_ESYS;
  if (xp_self() == NULL)
    return XSIG_ENOMEM;
  xp_lock();
  st_want = xp_blocked_everywhere_locked();
  xp_unlock();
  st_wake = CreateEventW(NULL, FALSE, FALSE, NULL);
  started = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (st_wake == NULL || started == NULL)
    return XSIG_ESYS;
  th = CreateThread(NULL, 256 * 1024, signal_thread, started, 0, &tid);
  if (th == NULL)
    return XSIG_ESYS;
  st_tid = tid;
  WaitForSingleObject(started, INFINITE);
  CloseHandle(started);
  CloseHandle(th);
  return 0;
}

/* ---- pthread_create: the new thread starts with its creator's mask ------- */

struct start {
  void *(*fn)(void *);
  void *arg;
  uint64_t mask;
};

static void *start_with_mask(void *p)
{
  struct start s = *(struct start *)p;
  xsig_sigset_t set;
  free(p);
  xsig_posix__to_xsig_mask(s.mask, &set);
  xsig_sigmask(XSIG_SETMASK, &set, NULL);
  xp_self();
  return s.fn(s.arg);
}

#undef pthread_create
int xsig_posix_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
  struct start *s;
  int r;
  if (xsig_posix__init())
    return errno;
  s = malloc(sizeof *s);
  if (s == NULL)
    return EAGAIN;
  s->fn = fn;
  s->arg = arg;
  s->mask = xsig_posix__thread_mask();
  r = pthread_create(thread, attr, start_with_mask, s);
  if (r)
    free(s);
  return r;
}
