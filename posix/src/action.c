/* SPDX-License-Identifier: MIT */
/* xsig-posix: dispositions (sigaction, signal, the XSI calls), and running
 * a handler the way POSIX does. */
#include <stdio.h>
#include <string.h>
#include "state.h"

static int is_function(void (*h)(int))
{
  return h != SIG_DFL && h != SIG_IGN && h != SIG_HOLD && h != SIG_ERR;
}

/* The program's actions, and the set of signals with a handler function,
 * guarded by xp_lock. */
static struct sigaction actions[NSIG];
static uint64_t handled;

uint64_t xp_handled(void)
{
  uint64_t h;
  xp_lock();
  h = handled;
  xp_unlock();
  return h;
}

static void note_handled_locked(int sig)
{
  if (is_function(actions[sig].sa_handler))
    handled |= XSIG_POSIX_BIT(sig);
  else
    handled &= ~XSIG_POSIX_BIT(sig);
}

static int is_fault(int sig)
{
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT;
}

int xp_default_ignores(int sig)
{
  return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

static int default_stops(int sig)
{
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* The default action, for a signal whose disposition the layer carries
 * out itself (the layer-only ones; thread-directed and held signals).
 * Ends the process as xsig's own default does: TerminateProcess, no
 * atexit, the exit code of docs/exit-status.md for sig. */
void xp_default_action(int sig)
{
  uint32_t code;
  if (xp_default_ignores(sig))
    return;
  if (default_stops(sig)) {
    xsig_kill(xsig_getpid(), XSIG_STOP);
    return;
  }
  code = xsig_win_exit_code(sig);
  fflush(NULL);
  TerminateProcess(GetCurrentProcess(), code ? code : XSIG_WIN_EXIT_BASE | (uint32_t)sig);
}

void xp_action_take(int sig, struct sigaction *out, int reset)
{
  int reset_xsig = 0;
  xp_lock();
  *out = actions[sig];
  if (reset != XP_RESET_NONE && (out->sa_flags & SA_RESETHAND) && is_function(out->sa_handler)) {
    memset(&actions[sig], 0, sizeof actions[sig]);
    actions[sig].sa_handler = SIG_DFL;
    note_handled_locked(sig);
    reset_xsig = reset == XP_RESET_BOTH || XP_LAYER_ONLY(sig);
  }
  xp_unlock();
  if (reset_xsig && !XP_LAYER_ONLY(sig)) {
    xsig_action_t dfl;
    memset(&dfl, 0, sizeof dfl);
    xsig_action(sig, &dfl, NULL);
  }
}

/* ---- calling the handler, on the alternate stack if asked ---------------- */

struct call {
  int sig;
  siginfo_t *info;
  ucontext_t *uc;
  struct sigaction *act;
};

static void call_handler(struct call *c)
{
  if (c->act->sa_flags & SA_SIGINFO)
    c->act->sa_sigaction(c->sig, c->info, c->uc);
  else
    c->act->sa_handler(c->sig);
}

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
/* Runs c's handler with the stack pointer at the top of [lo, hi); the
 * thread's stack bounds (NT_TIB) follow, so that Windows' checks of the
 * stack accept it. */
static int call_on_stack(struct call *c, char *lo, char *hi)
{
  NT_TIB *tib;
  void *base, *limit;
  char *top = (char *)((uintptr_t)hi & ~(uintptr_t)15);
  __asm__("mov %%gs:0x30, %0" : "=r"(tib)); /* NtCurrentTeb() */
  base = tib->StackBase;
  limit = tib->StackLimit;
  tib->StackBase = hi;
  tib->StackLimit = lo;
  __asm__ volatile("mov %%rsp, %%rbx\n\t"
                   "mov %0, %%rsp\n\t"
                   "sub $32, %%rsp\n\t"
                   "mov %1, %%rcx\n\t"
                   "call *%2\n\t"
                   "mov %%rbx, %%rsp\n\t"
                   :
                   : "r"(top), "r"(c), "r"(call_handler)
                   : "rbx", "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2",
                     "xmm3", "xmm4", "xmm5", "memory", "cc");
  tib->StackBase = base;
  tib->StackLimit = limit;
  return 1;
}
#else
/* Other targets: the handler runs on the thread's stack (docs/posix.md). */
static int call_on_stack(struct call *c, char *lo, char *hi)
{
  (void)c, (void)lo, (void)hi;
  return 0;
}
#endif

static void call_maybe_on_alt(struct call *c, struct xp_thread *self)
{
  char *lo;
  if ((c->act->sa_flags & SA_ONSTACK) && self && !(self->alt.ss_flags & SS_DISABLE) && !self->on_alt) {
    lo = self->alt.ss_sp;
    self->on_alt = 1;
    if (!call_on_stack(c, lo, lo + self->alt.ss_size))
      call_handler(c);
    self->on_alt = 0;
    return;
  }
  call_handler(c);
}

void xp_run(const siginfo_t *info, const struct sigaction *given)
{
  struct xp_thread *self = xp_self();
  struct sigaction act;
  siginfo_t si = *info;
  ucontext_t uc;
  struct call c;
  xsig_sigset_t during, before;
  uint64_t mirror = 0, add;
  int sig = info->si_signo;
  if (given)
    act = *given;
  else
    xp_action_take(sig, &act, XP_RESET_BOTH);
  if (act.sa_handler == SIG_IGN)
    return;
  if (act.sa_handler == SIG_DFL) {
    xp_default_action(sig);
    return;
  }
  memset(&uc, 0, sizeof uc);
  if (self) {
    mirror = self->mask;
    xsig_posix__set_bits(&uc.uc_sigmask, mirror);
    uc.uc_stack = self->alt;
    self->runs.ran++;
    if (!(act.sa_flags & SA_RESTART))
      self->runs.ran_norestart++;
  }
  add = xsig_posix__bits(&act.sa_mask);
  if (!(act.sa_flags & SA_NODEFER))
    add |= XSIG_POSIX_BIT(sig);
  xsig_posix__to_xsig(add, &during);
  xsig_sigmask(XSIG_BLOCK, &during, &before);
  c.sig = sig;
  c.info = &si;
  c.uc = &uc;
  c.act = &act;
  xp_signal_thread_busy(1);
  call_maybe_on_alt(&c, self);
  xp_signal_thread_busy(0);
  /* the mask comes back: what it lets through runs now, as on return
   * from a handler on Linux (xsig's pending signals in xsig_sigmask) */
  xsig_sigmask(XSIG_SETMASK, &before, NULL);
  if (self && self->mask != mirror) {
    /* the handler changed its mask; it is given back, as POSIX does */
    xp_lock();
    self->mask = mirror;
    xp_unlock();
    xp_signal_thread_follow(0);
  }
  if (self)
    xsig_posix__run_own(xsig_posix__from_xsig(&before));
}

/* ---- what xsig calls --------------------------------------------------- */

/* xsig's handler for every signal with a handler of the program (and the
 * layer-only ones): on the thread that dispatched it. */
static void trampoline(int sig, const xsig_info_t *xi, void *arg)
{
  siginfo_t si;
  (void)sig, (void)arg;
  xsig_posix__info_from_xsig(xi, &si);
  xp_arrived(&si);
}

/* A fault (or abort()) on this thread, in exception context: the handler
 * runs at once, here. siglongjmp out of it works (xsig_longjmp). */
static void fault_trampoline(int sig, const xsig_info_t *xi, void *arg)
{
  struct sigaction act;
  siginfo_t si;
  ucontext_t uc;
  struct call c;
  xsig_sigset_t during, before;
  uint64_t add;
  (void)arg;
  xp_action_take(sig, &act, XP_RESET_BOTH);
  if (!is_function(act.sa_handler))
    return; /* xsig's default follows */
  xsig_posix__info_from_xsig(xi, &si);
  memset(&uc, 0, sizeof uc);
  add = xsig_posix__bits(&act.sa_mask);
  if (!(act.sa_flags & SA_NODEFER))
    add |= XSIG_POSIX_BIT(sig);
  xsig_posix__to_xsig(add, &during);
  xsig_sigmask(XSIG_BLOCK, &during, &before);
  xsig_posix__set_bits(&uc.uc_sigmask, xsig_posix__from_xsig(&before));
  c.sig = sig;
  c.info = &si;
  c.uc = &uc;
  c.act = &act;
  call_maybe_on_alt(&c, xp_self());
  xsig_sigmask(XSIG_SETMASK, &before, NULL);
  if (act.sa_flags & SA_RESETHAND)
    xsig_on_fault(sig, NULL, NULL);
}

/* Puts act in force with xsig. Layer-only signals always have the
 * trampoline (their default is the layer's). */
static int install(int sig, const struct sigaction *act)
{
  xsig_action_t xa;
  int err;
  memset(&xa, 0, sizeof xa);
  if (act->sa_handler == SIG_IGN) {
    xa.handler = XSIG_IGN;
  } else if (is_function(act->sa_handler) || XP_LAYER_ONLY(sig)) {
    /* the layer applies sa_mask and the signal itself (xp_run), so that
     * it can run what the handler left pending as the mask comes back */
    xa.handler = trampoline;
    xa.flags = XSIG_NODEFER;
    if ((act->sa_flags & SA_RESETHAND) && !XP_LAYER_ONLY(sig))
      xa.flags |= XSIG_RESETHAND;
    if (sig == SIGCHLD && (act->sa_flags & SA_NOCLDSTOP))
      xa.flags |= XSIG_NOCLDSTOP;
  }
  err = xsig_action(sig, &xa, NULL);
  if (err)
    return err;
  if (is_fault(sig))
    xsig_on_fault(sig, is_function(act->sa_handler) ? fault_trampoline : NULL, NULL);
  return 0;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
  struct sigaction prev, now;
  int err;
  if (xsig_posix__init())
    return -1;
  if (!xsig_posix__valid(sig) ||
      (act && (sig == SIGKILL || sig == SIGSTOP) && act->sa_handler != SIG_DFL) ||
      (act && act->sa_handler == SIG_HOLD)) {
    errno = EINVAL;
    return -1;
  }
  if (act) {
    now = *act;
    now.sa_flags &= SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART |
                    SA_NODEFER | SA_RESETHAND;
    if (!(now.sa_flags & SA_SIGINFO) && !is_function(now.sa_handler))
      now.sa_flags &= ~SA_SIGINFO;
    sigdelset(&now.sa_mask, SIGKILL);
    sigdelset(&now.sa_mask, SIGSTOP);
  }
  xp_lock();
  prev = actions[sig];
  if (act) {
    actions[sig] = now;
    note_handled_locked(sig);
  }
  xp_unlock();
  if (act && (err = install(sig, &now)) != 0) {
    xp_lock();
    actions[sig] = prev;
    note_handled_locked(sig);
    xp_unlock();
    return xsig_posix__fail(err);
  }
  if (act && now.sa_handler == SIG_IGN)
    xp_discard_held(sig);
  if (oact)
    *oact = prev;
  return 0;
}

int xsig_posix__nocldwait(void)
{
  int r;
  xp_lock();
  r = actions[SIGCHLD].sa_handler == SIG_IGN || (actions[SIGCHLD].sa_flags & SA_NOCLDWAIT);
  xp_unlock();
  return r;
}

/* signal(): BSD semantics, as glibc gives with _DEFAULT_SOURCE: the
 * handler stays, the signal is blocked while it runs, calls restart. */
void (*xsig_posix_signal(int sig, void (*handler)(int)))(int)
{
  struct sigaction act, old;
  if (handler == SIG_HOLD || handler == SIG_ERR) {
    errno = EINVAL;
    return SIG_ERR;
  }
  memset(&act, 0, sizeof act);
  act.sa_handler = handler;
  act.sa_flags = SA_RESTART;
  sigemptyset(&act.sa_mask);
  if (sigaction(sig, &act, &old))
    return SIG_ERR;
  return old.sa_handler;
}

int siginterrupt(int sig, int flag)
{
  struct sigaction act;
  if (sigaction(sig, NULL, &act))
    return -1;
  if (flag)
    act.sa_flags &= ~SA_RESTART;
  else
    act.sa_flags |= SA_RESTART;
  return sigaction(sig, &act, NULL);
}

/* ---- XSI: sighold, sigrelse, sigignore, sigpause, sigset ----------------- */

/* The layer started, and sig a valid signal number: 0, else -1 with
 * errno. KILL and STOP are valid: a mask change leaves them out without
 * an error, as sigprocmask does. */
static int check_valid(int sig)
{
  if (xsig_posix__init())
    return -1;
  if (!xsig_posix__valid(sig)) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

/* The same, and sig one that may be caught or ignored (sigset, sigignore). */
static int check_catchable(int sig)
{
  if (check_valid(sig))
    return -1;
  if (sig == SIGKILL || sig == SIGSTOP) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

static int mask_one(int how, int sig)
{
  sigset_t set;
  if (check_valid(sig))
    return -1;
  sigemptyset(&set);
  sigaddset(&set, sig);
  return sigprocmask(how, &set, NULL);
}

int sighold(int sig)
{
  return mask_one(SIG_BLOCK, sig);
}

int sigrelse(int sig)
{
  return mask_one(SIG_UNBLOCK, sig);
}

int sigignore(int sig)
{
  struct sigaction act;
  if (check_catchable(sig))
    return -1;
  memset(&act, 0, sizeof act);
  act.sa_handler = SIG_IGN;
  sigemptyset(&act.sa_mask);
  return sigaction(sig, &act, NULL);
}

int sigpause(int sig)
{
  sigset_t mask;
  if (check_valid(sig))
    return -1;
  sigprocmask(SIG_BLOCK, NULL, &mask);
  sigdelset(&mask, sig);
  return sigsuspend(&mask);
}

void (*sigset(int sig, void (*disp)(int)))(int)
{
  struct sigaction act, old;
  sigset_t set, oset;
  if (check_catchable(sig))
    return SIG_ERR;
  if (disp == SIG_ERR) {
    errno = EINVAL;
    return SIG_ERR;
  }
  sigemptyset(&set);
  sigaddset(&set, sig);
  if (sigaction(sig, NULL, &old) || sigprocmask(SIG_BLOCK, NULL, &oset))
    return SIG_ERR;
  if (disp == SIG_HOLD) {
    sigprocmask(SIG_BLOCK, &set, NULL);
    return sigismember(&oset, sig) == 1 ? SIG_HOLD : old.sa_handler;
  }
  memset(&act, 0, sizeof act);
  act.sa_handler = disp;
  sigemptyset(&act.sa_mask);
  if (sigaction(sig, &act, NULL))
    return SIG_ERR;
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  return sigismember(&oset, sig) == 1 ? SIG_HOLD : old.sa_handler;
}

/* ---- sigaltstack --------------------------------------------------------- */

int sigaltstack(const stack_t *ss, stack_t *oss)
{
  struct xp_thread *self;
  stack_t old;
  if (xsig_posix__init())
    return -1;
  self = xp_self();
  if (self == NULL) {
    errno = ENOMEM;
    return -1;
  }
  old = self->alt;
  if (self->on_alt)
    old.ss_flags = SS_ONSTACK;
  if (ss) {
    if (self->on_alt) {
      errno = EPERM;
      return -1;
    }
    if (ss->ss_flags & ~SS_DISABLE) {
      errno = EINVAL;
      return -1;
    }
    if (!(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ) {
      errno = ENOMEM;
      return -1;
    }
    self->alt = *ss;
    if (ss->ss_flags & SS_DISABLE) {
      self->alt.ss_sp = NULL;
      self->alt.ss_size = 0;
    }
  }
  if (oss)
    *oss = old;
  return 0;
}

/* Layer-only signals have the trampoline from the start: their defaults
 * are the layer's (xsig would treat them as real-time: TERM). */
static void nothing(int sig, const xsig_info_t *xi, void *arg)
{
  (void)sig, (void)xi, (void)arg;
}

int xp_actions_start(void)
{
  struct sigaction dfl;
  xsig_action_t quiet;
  int sig, err;
  /* XP_NUDGE: never fatal, whoever dispatches it */
  memset(&quiet, 0, sizeof quiet);
  quiet.handler = nothing;
  if ((err = xsig_action(XP_NUDGE, &quiet, NULL)) != 0)
    return err;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (sig = 0; sig < NSIG; sig++)
    actions[sig] = dfl;
  for (sig = SIGTTIN; sig <= SIGPOLL; sig++)
    if ((err = install(sig, &dfl)) != 0)
      return err;
  return 0;
}
