/* SPDX-License-Identifier: MIT */
/* timer_create, timer_settime, timer_gettime, timer_getoverrun,
 * timer_delete (XSH). */
#include "common.h"

static volatile sig_atomic_t hits, t_code, t_value;
static void take(int sig, siginfo_t *si, void *ctx)
{
  (void)sig;
  (void)ctx;
  t_code = si->si_code;
  t_value = si->si_value.sival_int;
  hits++;
}

static void ms_to_its(struct itimerspec *its, long value_ms, long interval_ms)
{
  its->it_value.tv_sec = value_ms / 1000;
  its->it_value.tv_nsec = (value_ms % 1000) * 1000000L;
  its->it_interval.tv_sec = interval_ms / 1000;
  its->it_interval.tv_nsec = (interval_ms % 1000) * 1000000L;
}

static long its_value_ms(const struct itimerspec *its)
{
  return (long)(its->it_value.tv_sec * 1000 + its->it_value.tv_nsec / 1000000);
}

/* A timer on clock whose expiry sends sig (SIGEV_SIGNAL) with value. */
static timer_t signal_timer(clockid_t clock, int sig, int value)
{
  struct sigevent ev;
  timer_t t;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = sig;
  ev.sigev_value.sival_int = value;
  CHECK_OK(timer_create(clock, &ev, &t));
  return t;
}

/* SIGEV_SIGNAL: at expiry the signal is generated with si_code SI_TIMER
 * and si_value the sigev_value given. */
TEST(timer_sigev_signal)
{
  struct itimerspec its, cur;
  timer_t t;
  long long t0;
  pt_set_action(SIGRTMIN, take, 0);
  t = signal_timer(CLOCK_MONOTONIC, SIGRTMIN, 9090);
  /* a new timer is disarmed */
  CHECK_OK(timer_gettime(t, &cur));
  CHECK_EQ(its_value_ms(&cur), 0);
  ms_to_its(&its, 200, 0);
  t0 = pt_now_ms();
  CHECK_OK(timer_settime(t, 0, &its, NULL));
  CHECK_OK(timer_gettime(t, &cur));
  CHECK(its_value_ms(&cur) <= 200);
  CHECK(its_value_ms(&cur) > 0);
  CHECK_OK(pt_wait_flag(&hits, 10000));
  CHECK(pt_now_ms() - t0 >= 190);
  CHECK_EQ(t_code, SI_TIMER);
  CHECK_EQ(t_value, 9090);
  /* one-shot: disarmed after */
  CHECK_OK(timer_gettime(t, &cur));
  CHECK_EQ(its_value_ms(&cur), 0);
  pt_sleep_ms(300);
  CHECK_EQ(hits, 1);
  CHECK_OK(timer_delete(t));
  return 0;
}

/* Periodic, then ovalue of a new setting and disarming by zero. */
TEST(timer_periodic_and_disarm)
{
  struct itimerspec its, old;
  timer_t t;
  long long t0;
  pt_set_action(SIGRTMIN + 1, take, 0);
  t = signal_timer(CLOCK_REALTIME, SIGRTMIN + 1, 0);
  ms_to_its(&its, 50, 50);
  CHECK_OK(timer_settime(t, 0, &its, NULL));
  t0 = pt_now_ms();
  while (hits < 4 && pt_now_ms() - t0 < 10000)
    pt_sleep_ms(5);
  CHECK(hits >= 4);
  ms_to_its(&its, 0, 0);
  CHECK_OK(timer_settime(t, 0, &its, &old));
  CHECK_EQ(old.it_interval.tv_sec, 0);
  CHECK_EQ(old.it_interval.tv_nsec, 50000000);
  CHECK(its_value_ms(&old) <= 50);
  hits = 0;
  pt_sleep_ms(200);
  CHECK_EQ(hits, 0);
  CHECK_OK(timer_delete(t));
  return 0;
}

/* TIMER_ABSTIME: it_value is a time on the timer's clock. */
TEST(timer_absolute)
{
  struct itimerspec its;
  struct timespec now;
  timer_t t;
  long long t0;
  pt_set_action(SIGRTMIN, take, 0);
  t = signal_timer(CLOCK_MONOTONIC, SIGRTMIN, 0);
  CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &now));
  memset(&its, 0, sizeof its);
  its.it_value = now;
  its.it_value.tv_nsec += 250000000;
  if (its.it_value.tv_nsec >= 1000000000) {
    its.it_value.tv_sec++;
    its.it_value.tv_nsec -= 1000000000;
  }
  t0 = pt_now_ms();
  CHECK_OK(timer_settime(t, TIMER_ABSTIME, &its, NULL));
  CHECK_OK(pt_wait_flag(&hits, 10000));
  CHECK(pt_now_ms() - t0 >= 200);
  CHECK_OK(timer_delete(t));
  return 0;
}

/* SIGEV_NONE: "No asynchronous notification is delivered when the event of
 * interest occurs"; the timer still runs (timer_gettime counts down). */
TEST(timer_sigev_none)
{
  struct sigevent ev;
  struct itimerspec its, cur;
  timer_t t;
  pt_set_action(SIGALRM, take, 0);
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_NONE;
  CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
  ms_to_its(&its, 5000, 0);
  CHECK_OK(timer_settime(t, 0, &its, NULL));
  pt_sleep_ms(300);
  CHECK_OK(timer_gettime(t, &cur));
  CHECK(its_value_ms(&cur) <= 4750);
  CHECK(its_value_ms(&cur) > 0);
  ms_to_its(&its, 50, 0);
  CHECK_OK(timer_settime(t, 0, &its, NULL));
  pt_sleep_ms(200);
  CHECK_EQ(hits, 0);
  CHECK_OK(timer_delete(t));
  return 0;
}

/* SIGEV_THREAD: "the signal event shall cause the function to be invoked"
 * with sigev_value, as if in a new thread (not this one). */
static volatile sig_atomic_t thread_calls, thread_value, thread_other;
static pthread_t main_thread;
static void notify(union sigval v)
{
  thread_value = v.sival_int;
  thread_other = !pthread_equal(pthread_self(), main_thread);
  thread_calls++;
}

TEST(timer_sigev_thread)
{
  struct sigevent ev;
  struct itimerspec its;
  timer_t t;
  main_thread = pthread_self();
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = notify;
  ev.sigev_value.sival_int = 555;
  CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
  ms_to_its(&its, 100, 0);
  CHECK_OK(timer_settime(t, 0, &its, NULL));
  CHECK_OK(pt_wait_flag(&thread_calls, 10000));
  CHECK_EQ(thread_value, 555);
  CHECK_EQ(thread_other, 1);
  CHECK_OK(timer_delete(t));
  return 0;
}

/* "If evp is a null pointer, the effect shall be as if evp pointed to a
 * sigevent structure with sigev_notify SIGEV_SIGNAL, sigev_signo the
 * default signal [SIGALRM] and sigev_value the timer ID." */
TEST(timer_null_sigevent)
{
  struct itimerspec its;
  timer_t t;
  pt_set_action(SIGALRM, take, 0);
  CHECK_OK(timer_create(CLOCK_REALTIME, NULL, &t));
  ms_to_its(&its, 100, 0);
  CHECK_OK(timer_settime(t, 0, &its, NULL));
  CHECK_OK(pt_wait_flag(&hits, 10000));
  CHECK_EQ(t_code, SI_TIMER);
  CHECK_OK(timer_delete(t));
  return 0;
}

/* "Only a single signal shall be queued to the process for a given timer
 * at any point in time"; timer_getoverrun gives the extra expirations at
 * the time the signal was accepted. */
TEST(timer_overrun)
{
  struct itimerspec its;
  sigset_t set;
  siginfo_t si;
  timer_t t;
  int over;
  pt_block(SIGRTMIN);
  t = signal_timer(CLOCK_MONOTONIC, SIGRTMIN, 0);
  ms_to_its(&its, 10, 10);
  CHECK_OK(timer_settime(t, 0, &its, NULL));
  pt_sleep_ms(500);
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN);
  CHECK_EQ(si.si_code, SI_TIMER);
  over = timer_getoverrun(t);
  /* about 49 expirations beyond the first; at least a few, whatever the load */
  CHECK(over >= 5);
  CHECK(over <= 60);
  ms_to_its(&its, 0, 0);
  CHECK_OK(timer_settime(t, 0, &its, NULL));
  CHECK_OK(timer_delete(t));
  return 0;
}

/* Errors: EINVAL for a bad clock, a bad tv_nsec in timer_settime, and a
 * timer that was deleted. */
TEST(timer_errors)
{
  struct sigevent ev;
  struct itimerspec its, cur;
  timer_t t;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_NONE;
  CHECK_ERRNO(timer_create((clockid_t)12345, &ev, &t), EINVAL);
  CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
  memset(&its, 0, sizeof its);
  its.it_value.tv_nsec = 1000000000;
  CHECK_ERRNO(timer_settime(t, 0, &its, NULL), EINVAL);
  its.it_value.tv_nsec = -1;
  CHECK_ERRNO(timer_settime(t, 0, &its, NULL), EINVAL);
  CHECK_OK(timer_delete(t));
  CHECK_ERRNO(timer_gettime(t, &cur), EINVAL);
  CHECK_ERRNO(timer_delete(t), EINVAL);
  return 0;
}
