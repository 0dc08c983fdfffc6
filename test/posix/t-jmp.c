/* SPDX-License-Identifier: MIT */
/* sigsetjmp/siglongjmp (XSH) and hardware faults (XSH 2.4.3, <signal.h>
 * si_code values). */
#include "common.h"

static sigjmp_buf env;
static volatile sig_atomic_t hits, f_signo, f_code;
static void *volatile f_addr;

static void jump_out(int sig)
{
  (void)sig;
  hits++;
  siglongjmp(env, 5);
}

/* "The siglongjmp() function shall restore the saved signal mask if and
 * only if the env argument was initialized by a call to sigsetjmp() with a
 * non-zero savemask argument." In the handler SIGUSR1 is blocked; after
 * the jump it is not (savemask 1). */
TEST(siglongjmp_restores_mask)
{
  volatile int rounds = 0;
  int r;
  pt_set_handler(SIGUSR1, jump_out, 0);
  pt_block(SIGUSR2);
  r = sigsetjmp(env, 1);
  if (r == 0) {
    pt_unblock(SIGUSR2); /* after the save: the jump puts it back */
    rounds++;
    raise(SIGUSR1);
    pt_fail(__FILE__, __LINE__, "the handler did not jump");
  }
  CHECK_EQ(r, 5);
  CHECK_EQ(rounds, 1);
  CHECK_EQ(hits, 1);
  CHECK_EQ(pt_is_blocked(SIGUSR1), 0);
  CHECK_EQ(pt_is_blocked(SIGUSR2), 1);
  /* and it works again */
  if (sigsetjmp(env, 1) == 0)
    raise(SIGUSR1);
  CHECK_EQ(hits, 2);
  CHECK_EQ(pt_is_blocked(SIGUSR1), 0);
  return 0;
}

/* savemask 0: the mask is not saved, so the jump leaves the handler's mask
 * (SIGUSR1 still blocked). */
TEST(siglongjmp_without_savemask)
{
  pt_set_handler(SIGUSR1, jump_out, 0);
  if (sigsetjmp(env, 0) == 0) {
    raise(SIGUSR1);
    pt_fail(__FILE__, __LINE__, "the handler did not jump");
  }
  CHECK_EQ(hits, 1);
  CHECK_EQ(pt_is_blocked(SIGUSR1), 1);
  return 0;
}

/* "siglongjmp(env, 0)": sigsetjmp returns 1 instead (as longjmp). */
TEST(siglongjmp_zero_becomes_one)
{
  volatile int n = 0;
  int r = sigsetjmp(env, 1);
  if (n++ == 0)
    siglongjmp(env, 0);
  CHECK_EQ(r, 1);
  return 0;
}

static void fault(int sig, siginfo_t *si, void *ctx)
{
  (void)ctx;
  f_signo = sig;
  f_code = si->si_code;
  f_addr = si->si_addr;
  hits++;
  siglongjmp(env, 1);
}

/* A write through a null pointer: SIGSEGV on this thread, si_code
 * SEGV_MAPERR or SEGV_ACCERR, si_addr the address; siglongjmp out of the
 * handler returns to the program with the mask restored, and a second
 * fault is caught again. */
TEST(fault_segv_null_write)
{
  volatile int *volatile p = NULL;
  volatile int round;
  pt_set_action(SIGSEGV, fault, 0);
  for (round = 0; round < 2; round++) {
    if (sigsetjmp(env, 1) == 0) {
      *p = 42;
      pt_fail(__FILE__, __LINE__, "the write did not fault");
    }
    CHECK_EQ(hits, round + 1);
    CHECK_EQ(f_signo, SIGSEGV);
    CHECK(f_code == SEGV_MAPERR || f_code == SEGV_ACCERR);
    CHECK(f_addr == (void *)p);
    CHECK_EQ(pt_is_blocked(SIGSEGV), 0);
  }
  return 0;
}

/* Integer division by zero: SIGFPE, si_code FPE_INTDIV, si_addr the
 * faulting instruction (not null). */
TEST(fault_fpe_integer_divide)
{
  volatile int zero = 0, r = 0;
  pt_set_action(SIGFPE, fault, 0);
  if (sigsetjmp(env, 1) == 0) {
    r = 10 / zero;
    pt_fail(__FILE__, __LINE__, "the division did not fault (%d)", r);
  }
  CHECK_EQ(hits, 1);
  CHECK_EQ(f_signo, SIGFPE);
  CHECK_EQ(f_code, FPE_INTDIV);
  CHECK(f_addr != NULL);
  CHECK_EQ(pt_is_blocked(SIGFPE), 0);
  return 0;
}

/* The fault handler runs on the faulting thread: a second thread faults,
 * jumps back within itself, and ends normally. */
static sigjmp_buf tenv;
static pthread_t fault_thread;
static volatile sig_atomic_t right_thread;
static void thread_fault(int sig)
{
  (void)sig;
  right_thread = pthread_equal(pthread_self(), fault_thread);
  siglongjmp(tenv, 1);
}
static void *faulting(void *arg)
{
  volatile int *volatile p = arg;
  if (sigsetjmp(tenv, 1) == 0) {
    *p = 1;
    return NULL;
  }
  return (void *)1;
}

TEST(fault_on_faulting_thread)
{
  void *r = NULL;
  pt_set_handler(SIGSEGV, thread_fault, 0);
  CHECK_RET(pthread_create(&fault_thread, NULL, faulting, NULL), 0);
  CHECK_RET(pthread_join(fault_thread, &r), 0);
  CHECK(r == (void *)1);
  CHECK_EQ(right_thread, 1);
  return 0;
}

/* crash SIG: a fault with the default action ends the process "as if by"
 * that signal. */
HELPER(crash)
{
  volatile int *volatile p = NULL;
  volatile int zero = 0;
  int sig;
  if (argc < 2)
    return 2;
  sig = atoi(argv[1]);
  if (sig == SIGSEGV)
    *p = 1;
  else if (sig == SIGFPE)
    return 10 / zero;
  else if (sig == SIGABRT)
    abort();
  return 3;
}

static void expect_crash(int sig)
{
  int st = pt_reap(pt_spawn3("crash", pt_num(sig), NULL, NULL), 30000);
  if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
    pt_fail(__FILE__, __LINE__, "signal %d: status %#x, want ended by %d", sig, st, sig);
}

TEST(fault_default_action_status)
{
  expect_crash(SIGSEGV);
  expect_crash(SIGFPE);
  expect_crash(SIGABRT);
  return 0;
}
