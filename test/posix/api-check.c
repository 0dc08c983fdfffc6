/* SPDX-License-Identifier: MIT */
/* Compile-only check (issue 27): every name of the POSIX <signal.h> layer
 * exists with the type POSIX.1-2017 gives it. Each function is assigned to
 * a pointer of its exact prototype; each constant POSIX calls an integer
 * constant expression is used where only one is allowed (case labels,
 * array bounds); each structure member is taken by address into a pointer
 * of its type. Built three times (no feature macros; -std=c99
 * -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700; -D_GNU_SOURCE): on Linux
 * with the system's headers, on Windows through xsig-posix. Linking proves
 * the functions are there; running it only returns 0. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* POSIX gives the X/Open System Interfaces names (sighold, killpg,
 * sigaltstack, setitimer, ...) to a program that asks for them with
 * _XOPEN_SOURCE; glibc also with _GNU_SOURCE. The "no macros" build checks
 * the base names only. */
#if defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE)
# define CHECK_XSI 1
#else
# define CHECK_XSI 0
#endif

typedef void (*handler_t)(int);

#define ICE(name, expr) typedef char name[(expr) ? 1 : -1]

/* The signal numbers: distinct positive integer constant expressions. */
static int signal_numbers(int s)
{
  switch (s) {
  case SIGABRT: case SIGALRM: case SIGBUS: case SIGCHLD: case SIGCONT: case SIGFPE:
  case SIGHUP: case SIGILL: case SIGINT: case SIGKILL: case SIGPIPE: case SIGQUIT:
  case SIGSEGV: case SIGSTOP: case SIGTERM: case SIGTSTP: case SIGTTIN: case SIGTTOU:
  case SIGUSR1: case SIGUSR2: case SIGURG:
#if CHECK_XSI
  case SIGTRAP: case SIGSYS: case SIGVTALRM: case SIGXCPU: case SIGXFSZ: case SIGPROF:
  case SIGPOLL:
#endif
    return 1;
  }
  /* SIGRTMIN and SIGRTMAX need not be constant: values at run time */
  return s >= SIGRTMIN && s <= SIGRTMAX && SIGRTMAX - SIGRTMIN >= 7 ? 2 : 0;
}
ICE(sigabrt_positive, SIGABRT > 0 && SIGTERM > 0 && SIGKILL > 0 && SIGUSR1 > 0);

/* Flags, hows, codes. */
static int constants(int v)
{
  switch (v) {
  case SIG_BLOCK: case SIG_UNBLOCK: case SIG_SETMASK: return 1;
  }
  switch (v) {
  case SA_NOCLDSTOP: case SA_RESETHAND: case SA_RESTART: case SA_SIGINFO:
  case SA_NOCLDWAIT: case SA_NODEFER:
#if CHECK_XSI
  case SA_ONSTACK:
#endif
    return 2;
  }
  switch (v) {
  case SI_USER: case SI_QUEUE: case SI_TIMER: case SI_ASYNCIO: case SI_MESGQ: return 3;
  }
  switch (v) {
  case ILL_ILLOPC: case ILL_ILLOPN: case ILL_ILLADR: case ILL_ILLTRP: case ILL_PRVOPC:
  case ILL_PRVREG: case ILL_COPROC: case ILL_BADSTK: return 4;
  }
  switch (v) {
  case FPE_INTDIV: case FPE_INTOVF: case FPE_FLTDIV: case FPE_FLTOVF: case FPE_FLTUND:
  case FPE_FLTRES: case FPE_FLTINV: case FPE_FLTSUB: return 5;
  }
  switch (v) {
  case SEGV_MAPERR: case SEGV_ACCERR: return 6;
  }
  switch (v) {
  case BUS_ADRALN: case BUS_ADRERR: case BUS_OBJERR: return 7;
  }
  switch (v) {
  case CLD_EXITED: case CLD_KILLED: case CLD_DUMPED: case CLD_TRAPPED: case CLD_STOPPED:
  case CLD_CONTINUED: return 8;
  }
#if CHECK_XSI
  switch (v) {
  case TRAP_BRKPT: case TRAP_TRACE: return 9;
  }
  switch (v) {
  case POLL_IN: case POLL_OUT: case POLL_MSG: case POLL_ERR: case POLL_PRI: case POLL_HUP:
    return 10;
  }
  switch (v) {
  case SS_ONSTACK: case SS_DISABLE: return 11;
  }
#endif
  switch (v) {
  case SIGEV_NONE: case SIGEV_SIGNAL: case SIGEV_THREAD: return 12;
  }
  switch (v) {
  case WNOHANG: case WUNTRACED: return 13;
  }
  switch (v) {
  case WEXITED: case WSTOPPED: case WCONTINUED: case WNOWAIT: return 14;
  }
  switch (v) {
  case P_ALL: case P_PID: case P_PGID: return 15;
  }
  switch (v) {
  case POSIX_SPAWN_RESETIDS: case POSIX_SPAWN_SETPGROUP: case POSIX_SPAWN_SETSIGDEF:
  case POSIX_SPAWN_SETSIGMASK: return 16;
  }
  switch (v) {
  case TIMER_ABSTIME: return 17;
  }
#if CHECK_XSI
  switch (v) {
  case ITIMER_REAL: case ITIMER_VIRTUAL: case ITIMER_PROF: return 18;
  }
#endif
  return 0;
}
/* MINSIGSTKSZ and SIGSTKSZ: glibc 2.34 makes both run-time values under
 * _GNU_SOURCE, so they are only read (types()). */

/* SIG_DFL, SIG_ERR, SIG_IGN (and SIG_HOLD): "constant expressions of type
 * void (*)(int)", so they may initialise objects of static duration. */
static handler_t const dispositions[] = { SIG_DFL, SIG_ERR, SIG_IGN,
#if CHECK_XSI
                                          SIG_HOLD,
#endif
};

/* The functions, each at its exact POSIX type. */
static void functions(void)
{
  handler_t (*p_signal)(int, handler_t) = signal;
  int (*p_raise)(int) = raise;
  int (*p_kill)(pid_t, int) = kill;
  int (*p_sigaction)(int, const struct sigaction *, struct sigaction *) = sigaction;
  int (*p_sigprocmask)(int, const sigset_t *, sigset_t *) = sigprocmask;
  int (*p_pthread_sigmask)(int, const sigset_t *, sigset_t *) = pthread_sigmask;
  int (*p_pthread_kill)(pthread_t, int) = pthread_kill;
  int (*p_sigpending)(sigset_t *) = sigpending;
  int (*p_sigsuspend)(const sigset_t *) = sigsuspend;
  int (*p_sigwait)(const sigset_t *, int *) = sigwait;
  int (*p_sigwaitinfo)(const sigset_t *, siginfo_t *) = sigwaitinfo;
  int (*p_sigtimedwait)(const sigset_t *, siginfo_t *, const struct timespec *) = sigtimedwait;
  int (*p_sigqueue)(pid_t, int, union sigval) = sigqueue;
  int (*p_sigemptyset)(sigset_t *) = sigemptyset;
  int (*p_sigfillset)(sigset_t *) = sigfillset;
  int (*p_sigaddset)(sigset_t *, int) = sigaddset;
  int (*p_sigdelset)(sigset_t *, int) = sigdelset;
  int (*p_sigismember)(const sigset_t *, int) = sigismember;
  void (*p_psignal)(int, const char *) = psignal;
  void (*p_psiginfo)(const siginfo_t *, const char *) = psiginfo;
  char *(*p_strsignal)(int) = strsignal;
  void (*p_siglongjmp)(sigjmp_buf, int) = siglongjmp;
  unsigned (*p_alarm)(unsigned) = alarm;
  int (*p_pause)(void) = pause;
  unsigned (*p_sleep)(unsigned) = sleep;
  pid_t (*p_getppid)(void) = getppid;
  int (*p_setpgid)(pid_t, pid_t) = setpgid;
  pid_t (*p_getpgrp)(void) = getpgrp;
  pid_t (*p_setsid)(void) = setsid;
  int (*p_nanosleep)(const struct timespec *, struct timespec *) = nanosleep;
  int (*p_clock_nanosleep)(clockid_t, int, const struct timespec *, struct timespec *) = clock_nanosleep;
  int (*p_timer_create)(clockid_t, struct sigevent *, timer_t *) = timer_create;
  int (*p_timer_delete)(timer_t) = timer_delete;
  int (*p_timer_settime)(timer_t, int, const struct itimerspec *, struct itimerspec *) = timer_settime;
  int (*p_timer_gettime)(timer_t, struct itimerspec *) = timer_gettime;
  int (*p_timer_getoverrun)(timer_t) = timer_getoverrun;
  int (*p_posix_spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                       const posix_spawnattr_t *, char *const[], char *const[]) = posix_spawn;
  int (*p_posix_spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                        const posix_spawnattr_t *, char *const[], char *const[]) = posix_spawnp;
  int (*p_fa_init)(posix_spawn_file_actions_t *) = posix_spawn_file_actions_init;
  int (*p_fa_destroy)(posix_spawn_file_actions_t *) = posix_spawn_file_actions_destroy;
  int (*p_fa_addopen)(posix_spawn_file_actions_t *, int, const char *, int, mode_t) =
    posix_spawn_file_actions_addopen;
  int (*p_fa_addclose)(posix_spawn_file_actions_t *, int) = posix_spawn_file_actions_addclose;
  int (*p_fa_adddup2)(posix_spawn_file_actions_t *, int, int) = posix_spawn_file_actions_adddup2;
  int (*p_at_init)(posix_spawnattr_t *) = posix_spawnattr_init;
  int (*p_at_destroy)(posix_spawnattr_t *) = posix_spawnattr_destroy;
  int (*p_at_getflags)(const posix_spawnattr_t *, short *) = posix_spawnattr_getflags;
  int (*p_at_setflags)(posix_spawnattr_t *, short) = posix_spawnattr_setflags;
  int (*p_at_getpgroup)(const posix_spawnattr_t *, pid_t *) = posix_spawnattr_getpgroup;
  int (*p_at_setpgroup)(posix_spawnattr_t *, pid_t) = posix_spawnattr_setpgroup;
  int (*p_at_getsigmask)(const posix_spawnattr_t *, sigset_t *) = posix_spawnattr_getsigmask;
  int (*p_at_setsigmask)(posix_spawnattr_t *, const sigset_t *) = posix_spawnattr_setsigmask;
  int (*p_at_getsigdefault)(const posix_spawnattr_t *, sigset_t *) = posix_spawnattr_getsigdefault;
  int (*p_at_setsigdefault)(posix_spawnattr_t *, const sigset_t *) = posix_spawnattr_setsigdefault;
  pid_t (*p_wait)(int *) = wait;
  pid_t (*p_waitpid)(pid_t, int *, int) = waitpid;
  int (*p_waitid)(idtype_t, id_t, siginfo_t *, int) = waitid;
#if CHECK_XSI
  int (*p_killpg)(pid_t, int) = killpg;
  int (*p_sighold)(int) = sighold;
  int (*p_sigrelse)(int) = sigrelse;
  int (*p_sigignore)(int) = sigignore;
  int (*p_sigpause)(int) = sigpause;
  handler_t (*p_sigset)(int, handler_t) = sigset;
  int (*p_sigaltstack)(const stack_t *, stack_t *) = sigaltstack;
  pid_t (*p_getpgid)(pid_t) = getpgid;
#if !defined(_GNU_SOURCE)
  /* (glibc's _GNU_SOURCE declares `which` as an enum: called, not typed) */
  int (*p_getitimer)(int, struct itimerval *) = getitimer;
  int (*p_setitimer)(int, const struct itimerval *, struct itimerval *) = setitimer;
#else
  int (*p_getitimer)(void) = NULL, (*p_setitimer)(void) = NULL;
  static struct itimerval itv, old;
  if (p_getitimer)
    (void)(getitimer(ITIMER_REAL, &itv) + setitimer(ITIMER_REAL, &itv, &old));
#endif
  volatile const void *xsi[] = { (void *)&p_killpg, (void *)&p_sighold, (void *)&p_sigrelse,
    (void *)&p_sigignore, (void *)&p_sigpause, (void *)&p_sigset, (void *)&p_sigaltstack,
    (void *)&p_getpgid, (void *)&p_getitimer, (void *)&p_setitimer };
  (void)xsi;
#endif
  {
    volatile const void *all[] = { (void *)&p_signal, (void *)&p_raise, (void *)&p_kill,
      (void *)&p_sigaction, (void *)&p_sigprocmask, (void *)&p_pthread_sigmask,
      (void *)&p_pthread_kill, (void *)&p_sigpending, (void *)&p_sigsuspend, (void *)&p_sigwait,
      (void *)&p_sigwaitinfo, (void *)&p_sigtimedwait, (void *)&p_sigqueue, (void *)&p_sigemptyset,
      (void *)&p_sigfillset, (void *)&p_sigaddset, (void *)&p_sigdelset, (void *)&p_sigismember,
      (void *)&p_psignal, (void *)&p_psiginfo, (void *)&p_strsignal, (void *)&p_siglongjmp,
      (void *)&p_alarm, (void *)&p_pause, (void *)&p_sleep, (void *)&p_getppid, (void *)&p_setpgid,
      (void *)&p_getpgrp, (void *)&p_setsid, (void *)&p_nanosleep, (void *)&p_clock_nanosleep,
      (void *)&p_timer_create, (void *)&p_timer_delete, (void *)&p_timer_settime,
      (void *)&p_timer_gettime, (void *)&p_timer_getoverrun, (void *)&p_posix_spawn,
      (void *)&p_posix_spawnp, (void *)&p_fa_init, (void *)&p_fa_destroy, (void *)&p_fa_addopen,
      (void *)&p_fa_addclose, (void *)&p_fa_adddup2, (void *)&p_at_init, (void *)&p_at_destroy,
      (void *)&p_at_getflags, (void *)&p_at_setflags, (void *)&p_at_getpgroup,
      (void *)&p_at_setpgroup, (void *)&p_at_getsigmask, (void *)&p_at_setsigmask,
      (void *)&p_at_getsigdefault, (void *)&p_at_setsigdefault, (void *)&p_wait, (void *)&p_waitpid,
      (void *)&p_waitid };
    (void)all;
  }
}

/* sigsetjmp may be a macro: it is used, not taken by address. */
static int jump_buffer(void)
{
  static sigjmp_buf env;
  if (sigsetjmp(env, 1) != 0)
    return 1;
  return 0;
}

/* Types and members. */
static void notify(union sigval v)
{
  (void)v;
}

static void handler3(int s, siginfo_t *i, void *c)
{
  (void)s;
  (void)i;
  (void)c;
}

static int types(void)
{
  static struct sigaction sa;
  static siginfo_t si;
  static struct sigevent ev;
  static union sigval sv;
  static struct timespec ts;
  static struct itimerspec its;
  static volatile sig_atomic_t flag;
  static sigset_t set;
  static pid_t pid;
  static uid_t uid;
  static timer_t timer;
  static clockid_t clock = CLOCK_REALTIME;
  static clockid_t mono = CLOCK_MONOTONIC;
  static idtype_t idtype = P_PID;
  static id_t id;
  static posix_spawnattr_t attr;
  static posix_spawn_file_actions_t actions;
  static pthread_attr_t pattr;
  static int status;

  handler_t *a1 = &sa.sa_handler;
  sigset_t *a2 = &sa.sa_mask;
  int *a3 = &sa.sa_flags;
  void (**a4)(int, siginfo_t *, void *) = &sa.sa_sigaction;
  int *b1 = &si.si_signo, *b2 = &si.si_code, *b3 = &si.si_errno, *b4 = &si.si_status;
  pid_t *b5 = &si.si_pid;
  uid_t *b6 = &si.si_uid;
  void **b7 = &si.si_addr;
  union sigval *b8 = &si.si_value;
  int *c1 = &ev.sigev_notify, *c2 = &ev.sigev_signo;
  union sigval *c3 = &ev.sigev_value;
  void (**c4)(union sigval) = &ev.sigev_notify_function;
  pthread_attr_t **c5 = &ev.sigev_notify_attributes;
  int *d1 = &sv.sival_int;
  void **d2 = &sv.sival_ptr;
  time_t *e1 = &ts.tv_sec;
  long *e2 = &ts.tv_nsec;
  struct timespec *f1 = &its.it_interval, *f2 = &its.it_value;
#if CHECK_XSI
  static stack_t st;
  static struct itimerval itv;
  static struct timeval tv;
  long *b9 = &si.si_band;
  void **g1 = &st.ss_sp;
  size_t *g2 = &st.ss_size;
  int *g3 = &st.ss_flags;
  struct timeval *h1 = &itv.it_interval, *h2 = &itv.it_value;
  /* struct timeval: tv_sec holds a time_t, tv_usec a suseconds_t. (By
   * value: Windows' own struct timeval of winsock has long members, which
   * the layer cannot change; docs/posix.md says so.) */
  time_t h3v = tv.tv_sec;
  long h4v = tv.tv_usec; /* TODO suseconds_t once sys/time.h has it (posix-findings.md) */
  time_t *h3 = &h3v;
  long *h4 = &h4v;
  (void)b9; (void)g1; (void)g2; (void)g3; (void)h1; (void)h2; (void)h3; (void)h4;
  if (SIGSTKSZ < MINSIGSTKSZ)
    return 1;
#endif
  (void)a1; (void)a2; (void)a3; (void)a4; (void)b1; (void)b2; (void)b3; (void)b4; (void)b5;
  (void)b6; (void)b7; (void)b8; (void)c1; (void)c2; (void)c3; (void)c4; (void)c5; (void)d1;
  (void)d2; (void)e1; (void)e2; (void)f1; (void)f2; (void)flag; (void)set; (void)pid; (void)uid;
  (void)timer; (void)clock; (void)mono; (void)idtype; (void)id; (void)attr; (void)actions;
  (void)pattr;
  ev.sigev_notify_function = notify;
  sa.sa_sigaction = handler3;
  /* the wait status macros take an int */
  status = 0;
  return WIFEXITED(status) + WEXITSTATUS(status) + WIFSIGNALED(status) + WTERMSIG(status) +
         WIFSTOPPED(status) + WSTOPSIG(status) + WIFCONTINUED(status) > 1000;
}

int main(int argc, char **argv)
{
  (void)argv;
  functions();
  if (argc > 5)
    return jump_buffer() + types() + signal_numbers(argc) + constants(argc) +
           (dispositions[0] == SIG_DFL);
  return 0;
}
