/* SPDX-License-Identifier: MIT */
/* xsig-posix: where a signal goes once xsig dispatched it, thread-directed
 * signals (pthread_kill, raise), and siginfo_t. */
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "state.h"

void xsig_posix__info_from_xsig(const xsig_info_t *in, siginfo_t *out)
{
  memset(out, 0, sizeof *out);
  out->si_signo = in->signo;
  out->si_pid = (pid_t)in->pid;
  out->si_uid = xsig_posix__uid();
  out->si_value.sival_ptr = (void *)in->value;
  switch (in->code) {
  case XSIG_SI_QUEUE: out->si_code = SI_QUEUE; break;
  case XSIG_SI_TIMER:
    out->si_code = SI_TIMER;
    out->si_overrun = in->status;
    out->si_timerid = (int)in->os_code;
    break;
  case XSIG_SI_FAULT:
    out->si_code = in->subcode;
    out->si_addr = in->addr;
    break;
  case XSIG_SI_KERNEL:
  case XSIG_SI_CONSOLE:
  case XSIG_SI_SESSION: out->si_code = SI_KERNEL; break;
  default: out->si_code = SI_USER; break; /* raise, kill, a service's stop */
  }
  if (in->signo == SIGCHLD && in->subcode) {
    out->si_code = in->subcode;
    out->si_status = in->status;
  }
}

void xsig_posix__info_self(siginfo_t *out, int sig, int code)
{
  memset(out, 0, sizeof *out);
  out->si_signo = sig;
  out->si_code = code;
  out->si_pid = (pid_t)xsig_getpid();
  out->si_uid = xsig_posix__uid();
}

static struct xp_item *new_item(const siginfo_t *info)
{
  struct xp_item *it = calloc(1, sizeof *it);
  if (it)
    it->info = *info;
  return it;
}

/* A program thread waiting in the layer that lets sig through, or NULL;
 * under the lock. */
static struct xp_thread *waiter_for_locked(int sig)
{
  struct xp_thread *t;
  for (t = xp_threads_locked(); t; t = t->next)
    if (t->waiting && !(t->waitmask & XSIG_POSIX_BIT(sig)))
      return t;
  return NULL;
}

/* xsig dispatched info on this thread. A program thread runs it. The
 * signal thread hands it to a program thread waiting for it, holds it
 * when every program thread blocks it (their masks changed since xsig's
 * decision), or runs it itself. */
void xp_arrived(const siginfo_t *info)
{
  struct sigaction act;
  struct xp_thread *w;
  struct xp_item *it;
  int sig = info->si_signo;
  if (!xp_is_signal_thread()) {
    xp_run(info, NULL);
    return;
  }
  xp_action_take(sig, &act, XP_RESET_LAYER);
  it = new_item(info);
  if (it == NULL) {
    xp_run(info, &act);
    return;
  }
  it->has_act = 1;
  it->act = act;
  xp_lock();
  w = waiter_for_locked(sig);
  if (w || (xp_blocked_everywhere_locked() & XSIG_POSIX_BIT(sig))) {
    int nudge = w && w->sigwait_set;
    xp_push_locked(w, it);
    xp_unlock();
    if (w)
      SetEvent(w->wake);
    if (nudge)
      xp_nudge();
    return;
  }
  xp_unlock();
  free(it);
  xp_run(info, &act);
}

int xsig_posix__run_own(uint64_t mask)
{
  struct xp_thread *self = xp_self();
  struct xp_item *it;
  int n = 0;
  for (;;) {
    xp_lock();
    it = xp_take_locked(self, ~mask & ~XSIG_POSIX_UNBLOCKABLE);
    xp_unlock();
    if (it == NULL)
      return n;
    xp_run(&it->info, it->has_act ? &it->act : NULL);
    free(it);
    n++;
  }
}

static void drop_sig(struct xp_item **head, int sig)
{
  while (*head) {
    struct xp_item *it = *head;
    if (it->info.si_signo == sig) {
      *head = it->next;
      free(it);
    } else {
      head = &it->next;
    }
  }
}

void xp_discard_held(int sig)
{
  struct xp_thread *t;
  struct xp_item **p;
  xp_lock();
  drop_sig(&xp_held, sig);
  for (t = xp_threads_locked(); t; t = t->next) {
    drop_sig(&t->head, sig);
    for (t->tail = &t->head, p = &t->head; *p; p = &(*p)->next)
      t->tail = &(*p)->next;
  }
  xp_unlock();
}

/* 1 if the list holds sig already (a standard signal is pending once). */
static int holds_locked(const struct xp_item *it, int sig)
{
  for (; it; it = it->next)
    if (it->info.si_signo == sig)
      return 1;
  return 0;
}

/* Wakes a thread in sigwait*: xsig's sigwait takes XP_NUDGE, which only
 * such a thread accepts. */
void xp_nudge(void)
{
  xsig_raise(XP_NUDGE); /* blocked here: pending for the process */
}

uint64_t xp_current_mask(void)
{
  xsig_sigset_t cur;
  if (xsig_sigmask(XSIG_BLOCK, NULL, &cur))
    return 0;
  return xsig_posix__from_xsig(&cur);
}

/* The default action of a signal the calling thread takes now. */
static void default_here(int sig)
{
  if (xp_default_ignores(sig))
    return;
  if (XP_LAYER_ONLY(sig))
    xp_default_action(sig);
  else
    xsig_raise(sig); /* xsig's own: the right exit code, QUIT's dump */
}

int xp_deliver_self(const siginfo_t *info)
{
  struct sigaction act;
  xp_action_take(info->si_signo, &act, XP_RESET_NONE);
  if (act.sa_handler == SIG_IGN)
    return 0;
  if (act.sa_handler == SIG_DFL)
    default_here(info->si_signo);
  else
    xp_run(info, NULL);
  return 0;
}

/* Thread-directed: to t (the calling thread's record when tid is ours;
 * NULL for a thread the layer does not know, whose mask is then taken as
 * empty). */
int xp_send_thread(struct xp_thread *t, DWORD tid, const siginfo_t *info)
{
  struct sigaction act;
  struct xp_item *it;
  int sig = info->si_signo, self = tid == GetCurrentThreadId(), blocked, nudge;
  xp_action_take(sig, &act, XP_RESET_NONE);
  if (act.sa_handler == SIG_IGN)
    return 0;
  if (self) {
    blocked = (xp_current_mask() & XSIG_POSIX_BIT(sig)) != 0;
  } else {
    xp_lock();
    blocked = t && (t->mask & XSIG_POSIX_BIT(sig));
    xp_unlock();
  }
  if (!blocked && act.sa_handler == SIG_DFL) {
    if (!xp_default_ignores(sig))
      xp_default_action(sig);
    return 0;
  }
  if (!blocked && self)
    return xp_deliver_self(info);
  it = new_item(info);
  if (it == NULL)
    return XSIG_EAGAIN;
  xp_lock();
  if (t && sig < SIGRTMIN && holds_locked(t->head, sig)) {
    xp_unlock();
    free(it); /* a standard signal is pending once */
    return 0;
  }
  it->proxy = !blocked; /* t busy, or a thread the layer does not know */
  xp_push_locked(t, it);
  nudge = t && t->sigwait_set;
  xp_unlock();
  if (t)
    SetEvent(t->wake);
  if (nudge)
    xp_nudge();
  if (!blocked)
    xp_signal_thread_poke();
  return 0;
}

int xsig_posix_raise(int sig)
{
  siginfo_t info;
  int err;
  if (xsig_posix__init())
    return -1;
  if (!xsig_posix__valid(sig)) {
    errno = EINVAL;
    return -1;
  }
  xsig_posix__info_self(&info, sig, SI_USER);
  err = xp_send_thread(xp_self(), GetCurrentThreadId(), &info);
  return err ? xsig_posix__fail(err) : 0;
}

#undef pthread_kill
int xsig_posix_pthread_kill(pthread_t thread, int sig)
{
  siginfo_t info;
  HANDLE h;
  DWORD tid;
  struct xp_thread *t;
  int err;
  if (xsig_posix__init())
    return errno;
  if (sig != 0 && !xsig_posix__valid(sig))
    return EINVAL;
  err = pthread_kill(thread, 0); /* winpthreads: is it a thread? */
  if (err)
    return err;
  h = pthread_gethandle(thread);
  tid = h ? GetThreadId(h) : 0;
  if (tid == 0 || (h && WaitForSingleObject(h, 0) == WAIT_OBJECT_0))
    return ESRCH;
  if (sig == 0)
    return 0;
  if (tid == GetCurrentThreadId())
    return xsig_posix_raise(sig) ? errno : 0;
  xsig_posix__info_self(&info, sig, SI_USER);
  xp_lock();
  t = xp_find_locked(tid);
  xp_unlock();
  err = xp_send_thread(t, tid, &info);
  return err ? xsig_posix__errno_of(err) : 0;
}
