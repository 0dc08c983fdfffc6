/* SPDX-License-Identifier: MIT */
#include "task.h"

static int calls;
static xsig_info_t last;
static void *last_arg;
static int64_t handler_thread;

static void count_handler(int sig, const xsig_info_t *info, void *arg)
{
  calls++;
  last = *info;
  last.signo = sig;
  last_arg = arg;
  handler_thread = test_thread_id();
}

static void reset(void)
{
  calls = 0;
  memset(&last, 0, sizeof last);
  last_arg = NULL;
}

TEST_IMPL(action_needs_init)
{
  ASSERT_EQ(xsig_handle(XSIG_USR1, count_handler), XSIG_ENOTINIT);
  ASSERT_EQ(xsig_raise(XSIG_USR1), XSIG_ENOTINIT);
  ASSERT_EQ(xsig_dispatch(), XSIG_ENOTINIT);
  ASSERT_EQ(xsig_shutdown(), XSIG_ENOTINIT);
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_init()); /* nests */
  ASSERT_OK(xsig_shutdown());
  ASSERT_OK(xsig_handle(XSIG_USR1, count_handler));
  ASSERT_OK(xsig_shutdown());
  ASSERT_EQ(xsig_handle(XSIG_USR1, count_handler), XSIG_ENOTINIT);
  return 0;
}

TEST_IMPL(action_old_and_errors)
{
  xsig_action_t act, old;
  ASSERT_OK(xsig_init());
  memset(&act, 0, sizeof act);
  act.handler = count_handler;
  act.arg = &calls;
  act.flags = XSIG_RESETHAND;
  xsig_sigaddset(&act.mask, XSIG_USR2);
  ASSERT_OK(xsig_action(XSIG_USR1, &act, &old));
  ASSERT(old.handler == XSIG_DFL);
  ASSERT_OK(xsig_action(XSIG_USR1, NULL, &old));
  ASSERT(old.handler == count_handler);
  ASSERT(old.arg == &calls);
  ASSERT_EQ(old.flags, XSIG_RESETHAND);
  ASSERT_EQ(xsig_sigismember(&old.mask, XSIG_USR2), 1);

  act.flags = 0x80; /* unknown flag */
  ASSERT_EQ(xsig_action(XSIG_USR1, &act, NULL), XSIG_EINVAL);
  act.flags = 0;
  ASSERT_EQ(xsig_action(XSIG_KILL, &act, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_action(XSIG_STOP, &act, NULL), XSIG_EINVAL);
  act.handler = XSIG_IGN;
  ASSERT_EQ(xsig_action(XSIG_KILL, &act, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_action(0, &act, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_action(XSIG_NSIG, &act, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_action(-5, &act, NULL), XSIG_EINVAL);
#ifndef _WIN32
  ASSERT_EQ(xsig_action(XSIG_BREAK, &act, NULL), XSIG_ENOSYS);
  ASSERT_EQ(xsig_raise(XSIG_BREAK), XSIG_ENOSYS);
#endif
  ASSERT_EQ(xsig_raise(0), XSIG_EINVAL);
  ASSERT_EQ(xsig_raise(999), XSIG_EINVAL);
  /* the failed calls left the USR1 action alone */
  ASSERT_OK(xsig_action(XSIG_USR1, NULL, &old));
  ASSERT(old.handler == count_handler);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(raise_runs_handler_now)
{
  reset();
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, count_handler));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  /* like raise(): the handler ran on this thread before the call returned */
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(last.signo, XSIG_USR1);
  ASSERT_EQ(last.code, XSIG_SI_RAISE);
  ASSERT_EQ(handler_thread, test_thread_id());
  ASSERT(last.pid > 0);
  return 0;
}

TEST_IMPL(raise_every_signal)
{
  int sig;
  ASSERT_OK(xsig_init());
  for (sig = 1; sig < XSIG_NSIG; sig++) {
    if (!xsig_valid(sig) || sig == XSIG_KILL || sig == XSIG_STOP)
      continue;
    reset();
    ASSERT_OK(xsig_handle(sig, count_handler));
    ASSERT_OK(xsig_raise(sig));
    ASSERT_EQ(calls, 1);
    ASSERT_EQ(last.signo, sig);
  }
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(action_resethand)
{
  xsig_action_t act, old;
  reset();
  ASSERT_OK(xsig_init());
  memset(&act, 0, sizeof act);
  act.handler = count_handler;
  act.flags = XSIG_RESETHAND;
  ASSERT_OK(xsig_action(XSIG_USR2, &act, NULL));
  ASSERT_OK(xsig_raise(XSIG_USR2));
  ASSERT_EQ(calls, 1);
  ASSERT_OK(xsig_action(XSIG_USR2, NULL, &old));
  ASSERT(old.handler == XSIG_DFL);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

static int depth, max_depth, nested_calls;
static int nodefer_flag;

static void nested_handler(int sig, const xsig_info_t *info, void *arg)
{
  (void)info;
  (void)arg;
  nested_calls++;
  depth++;
  if (depth > max_depth)
    max_depth = depth;
  if (nested_calls < 3)
    xsig_raise(sig); /* raise itself from inside its handler */
  depth--;
}

static void run_nested(int flags)
{
  xsig_action_t act;
  memset(&act, 0, sizeof act);
  act.handler = nested_handler;
  act.flags = flags;
  depth = max_depth = nested_calls = 0;
  ASSERT_OK(xsig_action(XSIG_USR1, &act, NULL));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  xsig_dispatch();
}

TEST_IMPL(action_defer_and_nodefer)
{
  ASSERT_OK(xsig_init());
  /* Without NODEFER the signal is blocked in its own handler: no nesting,
   * the re-raised one runs after the first returns. */
  run_nested(0);
  ASSERT_EQ(max_depth, 1);
  ASSERT_EQ(nested_calls, 3);
  /* With NODEFER it nests. */
  nodefer_flag = 1;
  run_nested(XSIG_NODEFER);
  ASSERT_EQ(max_depth, 3);
  ASSERT_EQ(nested_calls, 3);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

static xsig_sigset_t mask_in_handler;

static void mask_probe(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  xsig_sigmask(XSIG_BLOCK, NULL, &mask_in_handler);
}

TEST_IMPL(action_mask_during_handler)
{
  xsig_action_t act;
  xsig_sigset_t after;
  ASSERT_OK(xsig_init());
  memset(&act, 0, sizeof act);
  act.handler = mask_probe;
  xsig_sigaddset(&act.mask, XSIG_HUP);
  ASSERT_OK(xsig_action(XSIG_USR1, &act, NULL));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_EQ(xsig_sigismember(&mask_in_handler, XSIG_HUP), 1);
  ASSERT_EQ(xsig_sigismember(&mask_in_handler, XSIG_USR1), 1);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, NULL, &after));
  ASSERT_EQ(xsig_sigismember(&after, XSIG_HUP), 0);
  ASSERT_EQ(xsig_sigismember(&after, XSIG_USR1), 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* A handler that sets a mask of its own: when it returns, the thread has
 * its mask from before again (POSIX: the kernel's too, which xsig does
 * not touch for a handler that leaves the mask alone). Also nested. */
static xsig_sigset_t outer_saw, inner_saw;

static void inner_sets_mask(int sig, const xsig_info_t *info, void *arg)
{
  xsig_sigset_t term = test_sigset_of(XSIG_TERM);
  (void)sig, (void)info, (void)arg;
  xsig_sigmask(XSIG_BLOCK, NULL, &inner_saw);
  xsig_sigmask(XSIG_SETMASK, &term, NULL);
}

static void outer_sets_mask(int sig, const xsig_info_t *info, void *arg)
{
  xsig_sigset_t u2 = test_sigset_of(XSIG_USR2);
  (void)sig, (void)info, (void)arg;
  xsig_sigmask(XSIG_BLOCK, NULL, &outer_saw);
  xsig_sigmask(XSIG_SETMASK, &u2, NULL);
  xsig_sigmask(XSIG_UNBLOCK, &u2, NULL);
  xsig_raise(XSIG_USR2); /* runs here, nested */
}

TEST_IMPL(action_handler_sets_own_mask)
{
  xsig_sigset_t hup = test_sigset_of(XSIG_HUP), after, none;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, outer_sets_mask));
  ASSERT_OK(xsig_handle(XSIG_USR2, inner_sets_mask));
  ASSERT_OK(xsig_sigmask(XSIG_SETMASK, &hup, NULL));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_EQ(xsig_sigismember(&outer_saw, XSIG_HUP), 1);
  ASSERT_EQ(xsig_sigismember(&outer_saw, XSIG_USR1), 1);
  ASSERT_EQ(xsig_sigismember(&inner_saw, XSIG_USR1), 0); /* the outer's SETMASK */
  ASSERT_EQ(xsig_sigismember(&inner_saw, XSIG_USR2), 1);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, NULL, &after));
  ASSERT(memcmp(&after, &hup, sizeof after) == 0);
  /* and not nested */
  ASSERT_OK(xsig_handle(XSIG_USR1, XSIG_DFL));
  ASSERT_OK(xsig_handle(XSIG_USR2, inner_sets_mask));
  ASSERT_OK(xsig_raise(XSIG_USR2));
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, NULL, &after));
  ASSERT(memcmp(&after, &hup, sizeof after) == 0);
  xsig_sigemptyset(&none);
  ASSERT_OK(xsig_sigmask(XSIG_SETMASK, &none, NULL));
  ASSERT_OK(xsig_shutdown());
  return 0;
}

TEST_IMPL(ignore_discards_pending)
{
  xsig_sigset_t set, pend;
  reset();
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_USR1, count_handler));
  xsig_sigemptyset(&set);
  xsig_sigaddset(&set, XSIG_USR1);
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &set, NULL));
  ASSERT_OK(xsig_raise(XSIG_USR1));
  ASSERT_OK(xsig_sigpending(&pend));
  ASSERT_EQ(xsig_sigismember(&pend, XSIG_USR1), 1);
  ASSERT_OK(xsig_handle(XSIG_USR1, XSIG_IGN));
  ASSERT_OK(xsig_sigpending(&pend));
  ASSERT_EQ(xsig_sigismember(&pend, XSIG_USR1), 0);
  ASSERT_OK(xsig_raise(XSIG_USR1)); /* ignored at generation */
  ASSERT_OK(xsig_handle(XSIG_USR1, count_handler));
  ASSERT_OK(xsig_sigmask(XSIG_UNBLOCK, &set, NULL));
  ASSERT_EQ(calls, 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}
