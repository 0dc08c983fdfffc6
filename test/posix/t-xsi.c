/* SPDX-License-Identifier: MIT */
/* XSI: sighold, sigrelse, sigignore, sigpause, sigset, SIG_HOLD. */
#include "common.h"

static volatile sig_atomic_t hits, blocked_in_handler;
static void count(int sig)
{
  hits++;
  blocked_in_handler = pt_is_blocked(sig);
}

/* "sighold() shall add sig to the signal mask of the calling process";
 * "sigrelse() shall remove sig from" it (and a pending one is then
 * delivered). */
TEST(xsi_sighold_sigrelse)
{
  pt_set_handler(SIGUSR1, count, 0);
  CHECK_OK(sighold(SIGUSR1));
  CHECK_EQ(pt_is_blocked(SIGUSR1), 1);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 0);
  CHECK_OK(sigrelse(SIGUSR1));
  CHECK_EQ(pt_is_blocked(SIGUSR1), 0);
  CHECK_EQ(hits, 1);
  return 0;
}

/* KILL and STOP are valid signal numbers: sighold, sigrelse and sigpause
 * fail only for "an illegal signal number", and adding them to the mask
 * is left out "without causing an error to be indicated" (sigprocmask). */
TEST(xsi_mask_calls_take_kill_and_stop)
{
  CHECK_OK(sighold(SIGKILL));
  CHECK_OK(sighold(SIGSTOP));
  CHECK_EQ(pt_is_blocked(SIGKILL), 0);
  CHECK_EQ(pt_is_blocked(SIGSTOP), 0);
  CHECK_OK(sigrelse(SIGKILL));
  CHECK_OK(sigrelse(SIGSTOP));
  return 0;
}

/* "sigignore() shall set the disposition of sig to SIG_IGN". */
TEST(xsi_sigignore)
{
  struct sigaction now;
  CHECK_OK(sigignore(SIGUSR2));
  CHECK_OK(sigaction(SIGUSR2, NULL, &now));
  CHECK(now.sa_handler == SIG_IGN);
  CHECK_OK(raise(SIGUSR2));
  CHECK_ERRNO(sigignore(SIGKILL), EINVAL);
  CHECK_ERRNO(sigignore(SIGSTOP), EINVAL);
  return 0;
}

/* "sigpause() shall remove sig from the signal mask of the calling process
 * and suspend the calling process until a signal is received"; it returns
 * -1 with EINTR and restores the mask. */
TEST(xsi_sigpause)
{
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  CHECK_OK(sighold(SIGUSR1));
  pid = pt_pester(SIGUSR1, 200, 1, 0);
  CHECK_ERRNO(sigpause(SIGUSR1), EINTR);
  CHECK_EQ(hits, 1);
  CHECK_EQ(pt_is_blocked(SIGUSR1), 1);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* sigset: "If disp is SIG_HOLD, sig shall be added to the signal mask ...
 * and sig's disposition shall remain unchanged. If disp is not equal to
 * SIG_HOLD, sig shall be removed from the signal mask". It returns SIG_HOLD
 * if the signal had been blocked, else the previous disposition. A handler
 * set by sigset runs with sig added to the mask. */
TEST(xsi_sigset)
{
  struct sigaction now;
  void (*old)(int);
  old = sigset(SIGUSR1, count);
  CHECK(old == SIG_DFL);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(blocked_in_handler, 1);
  CHECK_EQ(pt_is_blocked(SIGUSR1), 0);
  old = sigset(SIGUSR1, SIG_HOLD);
  CHECK(old == count);
  CHECK_EQ(pt_is_blocked(SIGUSR1), 1);
  CHECK_OK(sigaction(SIGUSR1, NULL, &now));
  CHECK(now.sa_handler == count);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  /* blocked: SIG_HOLD comes back; the new disposition unblocks it */
  old = sigset(SIGUSR1, count);
  CHECK(old == SIG_HOLD);
  CHECK_EQ(pt_is_blocked(SIGUSR1), 0);
  CHECK_EQ(hits, 2);
  old = sigset(SIGUSR1, SIG_IGN);
  CHECK(old == count);
  old = sigset(SIGUSR1, SIG_DFL);
  CHECK(old == SIG_IGN);
  return 0;
}

/* "[EINVAL] The sig argument is an illegal signal number", and sigset
 * "[EINVAL] An attempt is made to catch a signal that cannot be caught". */
TEST(xsi_einval)
{
  CHECK_ERRNO(sighold(-1), EINVAL);
  CHECK_ERRNO(sigrelse(-1), EINVAL);
  CHECK_ERRNO(sigignore(-1), EINVAL);
  CHECK_ERRNO(sighold(100000), EINVAL);
  CHECK_ERRNO(sigrelse(100000), EINVAL);
  CHECK_ERRNO(sigpause(100000), EINVAL);
  errno = 0;
  CHECK(sigset(SIGKILL, count) == SIG_ERR);
  CHECK_EQ(errno, EINVAL);
  errno = 0;
  CHECK(sigset(-1, count) == SIG_ERR);
  CHECK_EQ(errno, EINVAL);
  return 0;
}
