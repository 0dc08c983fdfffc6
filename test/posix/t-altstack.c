/* SPDX-License-Identifier: MIT */
/* sigaltstack and SA_ONSTACK (XSH sigaltstack). */
#include "common.h"

static char *alt;
static size_t alt_size;
static volatile sig_atomic_t hits, on_alt, flags_in_handler, eperm_in_handler;

static int on_stack(const void *p)
{
  const char *c = p;
  return c >= alt && c < alt + alt_size;
}

static void where(int sig)
{
  volatile char local = 0;
  stack_t now, other;
  (void)sig;
  on_alt = on_stack((const void *)&local);
  if (sigaltstack(NULL, &now) == 0)
    flags_in_handler = now.ss_flags;
  /* "[EPERM] An attempt was made to modify an active stack." */
  memset(&other, 0, sizeof other);
  other.ss_sp = alt;
  other.ss_size = alt_size;
  errno = 0;
  eperm_in_handler = sigaltstack(&other, NULL) == -1 && errno == EPERM;
  hits++;
}

static void set_alt(void)
{
  stack_t ss;
  alt_size = SIGSTKSZ > 65536 ? SIGSTKSZ : 65536;
  alt = malloc(alt_size);
  CHECK(alt != NULL);
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = alt;
  ss.ss_size = alt_size;
  ss.ss_flags = 0;
  CHECK_OK(sigaltstack(&ss, NULL));
}

/* "Signals shall be delivered on the alternate stack if they have been
 * explicitly declared to execute on the alternate stack" (SA_ONSTACK):
 * the handler's local lies in it, and ss_flags says SS_ONSTACK there. */
TEST(sigaltstack_onstack_handler)
{
  stack_t now;
  set_alt();
  CHECK_OK(sigaltstack(NULL, &now));
  CHECK(now.ss_sp == alt);
  CHECK_EQ(now.ss_size, alt_size);
  CHECK_EQ(now.ss_flags & (SS_ONSTACK | SS_DISABLE), 0);
  pt_set_handler(SIGUSR1, where, SA_ONSTACK);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(on_alt, 1);
  CHECK(flags_in_handler & SS_ONSTACK);
  CHECK_EQ(eperm_in_handler, 1);
  /* outside the handler: not on it any more */
  CHECK_OK(sigaltstack(NULL, &now));
  CHECK_EQ(now.ss_flags & SS_ONSTACK, 0);
  free(alt);
  return 0;
}

/* Without SA_ONSTACK the handler runs on the thread's own stack. */
TEST(sigaltstack_without_onstack_flag)
{
  set_alt();
  pt_set_handler(SIGUSR1, where, 0);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(on_alt, 0);
  CHECK_EQ(flags_in_handler & SS_ONSTACK, 0);
  free(alt);
  return 0;
}

/* SS_DISABLE: "the stack is disabled and ss_sp and ss_size are ignored";
 * the old one comes back in oss; a handler with SA_ONSTACK then runs on the
 * normal stack. */
TEST(sigaltstack_disable)
{
  stack_t ss, old, now;
  set_alt();
  memset(&ss, 0, sizeof ss);
  ss.ss_flags = SS_DISABLE;
  CHECK_OK(sigaltstack(&ss, &old));
  CHECK(old.ss_sp == alt);
  CHECK_EQ(old.ss_size, alt_size);
  CHECK_OK(sigaltstack(NULL, &now));
  CHECK(now.ss_flags & SS_DISABLE);
  pt_set_handler(SIGUSR1, where, SA_ONSTACK);
  CHECK_OK(raise(SIGUSR1));
  CHECK_EQ(hits, 1);
  CHECK_EQ(on_alt, 0);
  free(alt);
  return 0;
}

/* "[ENOMEM] The size of the alternate stack area is less than
 * MINSIGSTKSZ"; "[EINVAL] The ss argument is not a null pointer, and the
 * ss_flags member pointed to by ss contains flags other than SS_DISABLE."
 * A failed call changes nothing. */
TEST(sigaltstack_errors)
{
  stack_t ss, now;
  static char small[64];
  set_alt();
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = small;
  ss.ss_size = MINSIGSTKSZ - 1;
  CHECK_ERRNO(sigaltstack(&ss, NULL), ENOMEM);
  ss.ss_sp = alt;
  ss.ss_size = alt_size;
  ss.ss_flags = 0x100;
  CHECK_ERRNO(sigaltstack(&ss, NULL), EINVAL);
  CHECK_OK(sigaltstack(NULL, &now));
  CHECK(now.ss_sp == alt);
  CHECK_EQ(now.ss_size, alt_size);
  free(alt);
  return 0;
}

/* Each thread has its own: a new thread starts without one. */
static void *query_thread(void *arg)
{
  stack_t *out = arg;
  sigaltstack(NULL, out);
  return NULL;
}

TEST(sigaltstack_per_thread)
{
  pthread_t t;
  stack_t seen;
  set_alt();
  memset(&seen, 0, sizeof seen);
  CHECK_RET(pthread_create(&t, NULL, query_thread, &seen), 0);
  CHECK_RET(pthread_join(t, NULL), 0);
  CHECK(seen.ss_flags & SS_DISABLE);
  free(alt);
  return 0;
}
