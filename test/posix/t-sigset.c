/* SPDX-License-Identifier: MIT */
/* sigemptyset, sigfillset, sigaddset, sigdelset, sigismember (XSH). */
#include "pt.h"

/* "sigemptyset() initializes the signal set pointed to by set, such that
 * all signals defined in POSIX.1-2017 are excluded"; sigfillset includes
 * them all. */
TEST(sigset_empty_and_fill)
{
  static const int sigs[] = { SIGABRT, SIGALRM, SIGBUS, SIGCHLD, SIGCONT, SIGFPE, SIGHUP,
    SIGILL, SIGINT, SIGKILL, SIGPIPE, SIGQUIT, SIGSEGV, SIGSTOP, SIGTERM, SIGTSTP,
    SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2, SIGPOLL, SIGPROF, SIGSYS, SIGTRAP, SIGURG,
    SIGVTALRM, SIGXCPU, SIGXFSZ };
  sigset_t s;
  size_t i;
  int r;
  CHECK_OK(sigemptyset(&s));
  for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    CHECK_EQ(sigismember(&s, sigs[i]), 0);
  for (r = SIGRTMIN; r <= SIGRTMAX; r++)
    CHECK_EQ(sigismember(&s, r), 0);
  CHECK_OK(sigfillset(&s));
  for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    CHECK_EQ(sigismember(&s, sigs[i]), 1);
  for (r = SIGRTMIN; r <= SIGRTMAX; r++)
    CHECK_EQ(sigismember(&s, r), 1);
  return 0;
}

/* sigaddset adds one signal, sigdelset removes one; the others stay. */
TEST(sigset_add_del_member)
{
  sigset_t s;
  CHECK_OK(sigemptyset(&s));
  CHECK_OK(sigaddset(&s, SIGUSR1));
  CHECK_EQ(sigismember(&s, SIGUSR1), 1);
  CHECK_EQ(sigismember(&s, SIGUSR2), 0);
  CHECK_OK(sigaddset(&s, SIGRTMAX));
  CHECK_EQ(sigismember(&s, SIGRTMAX), 1);
  CHECK_OK(sigaddset(&s, SIGUSR1)); /* twice: still a member */
  CHECK_OK(sigdelset(&s, SIGUSR1));
  CHECK_EQ(sigismember(&s, SIGUSR1), 0);
  CHECK_EQ(sigismember(&s, SIGRTMAX), 1);
  CHECK_OK(sigdelset(&s, SIGUSR1)); /* not a member: no error */
  CHECK_OK(sigfillset(&s));
  CHECK_OK(sigdelset(&s, SIGTERM));
  CHECK_EQ(sigismember(&s, SIGTERM), 0);
  CHECK_EQ(sigismember(&s, SIGINT), 1);
  return 0;
}

/* "[EINVAL] The value of the signo argument is an invalid or unsupported
 * signal number." */
TEST(sigset_invalid_signal)
{
  sigset_t s;
  int bad[] = { 0, -1, 100000 };
  size_t i;
  sigemptyset(&s);
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_ERRNO(sigaddset(&s, bad[i]), EINVAL);
    CHECK_ERRNO(sigdelset(&s, bad[i]), EINVAL);
    CHECK_ERRNO(sigismember(&s, bad[i]), EINVAL);
  }
  return 0;
}
