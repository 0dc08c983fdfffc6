/* SPDX-License-Identifier: MIT */
/* alarm, sleep, nanosleep, clock_nanosleep, setitimer, getitimer (XSH). */
#include "common.h"

static volatile sig_atomic_t hits;
static void count(int sig)
{
  (void)sig;
  hits++;
}

/* "If there is a previous alarm() request with time remaining, alarm()
 * shall return a non-zero value that is the number of seconds until the
 * previous request would have generated a SIGALRM signal. Otherwise,
 * alarm() shall return 0." alarm(0) cancels. */
TEST(alarm_returns_remaining)
{
  unsigned r;
  pt_set_handler(SIGALRM, count, 0);
  CHECK_EQ(alarm(10), 0);
  r = alarm(20);
  CHECK(r >= 9 && r <= 10);
  r = alarm(0);
  CHECK(r >= 19 && r <= 20);
  CHECK_EQ(alarm(0), 0);
  CHECK_EQ(hits, 0);
  return 0;
}

/* The alarm fires once, about the seconds asked, and pause() returns
 * EINTR; only one alarm per process: the later call replaces the first. */
TEST(alarm_fires_and_interrupts_pause)
{
  long long t0, took;
  pt_set_handler(SIGALRM, count, 0);
  t0 = pt_now_ms();
  alarm(5);
  alarm(1);
  CHECK_ERRNO(pause(), EINTR);
  took = pt_now_ms() - t0;
  CHECK_EQ(hits, 1);
  CHECK(took >= 900);
  CHECK(took < 4500);
  pt_sleep_ms(300);
  CHECK_EQ(hits, 1);
  return 0;
}

/* With no handler, SIGALRM ends the process. */
HELPER(alarm_default)
{
  (void)argc;
  (void)argv;
  alarm(1);
  for (;;)
    pause();
  return 0;
}

TEST(alarm_default_action)
{
  int st = pt_reap(pt_spawn3("alarm_default", NULL, NULL, NULL), 20000);
  CHECK(WIFSIGNALED(st));
  CHECK_EQ(WTERMSIG(st), SIGALRM);
  return 0;
}

/* sleep: "the calling thread to be suspended from execution until either
 * the number of realtime seconds specified by the argument seconds has
 * elapsed or a signal is delivered to the calling thread and its action is
 * to invoke a signal-catching function"; it returns "the unslept amount". */
TEST(sleep_full_and_interrupted)
{
  long long t0, took;
  unsigned left;
  t0 = pt_now_ms();
  CHECK_EQ(sleep(1), 0);
  took = pt_now_ms() - t0;
  CHECK(took >= 990);
  pt_set_handler(SIGALRM, count, 0);
  alarm(1);
  t0 = pt_now_ms();
  left = sleep(10);
  took = pt_now_ms() - t0;
  CHECK_EQ(hits, 1);
  CHECK(left >= 7 && left <= 10);
  CHECK(took < 4000);
  CHECK_EQ(sleep(0), 0);
  return 0;
}

/* nanosleep: suspends at least the time asked; interrupted by a handler it
 * returns -1/EINTR and writes the time left in rmtp. */
TEST(nanosleep_eintr_time_left)
{
  struct timespec req = { 0, 200000000 }, rem;
  long long t0, took;
  pid_t pid;
  t0 = pt_now_ms();
  CHECK_OK(nanosleep(&req, NULL));
  CHECK(pt_now_ms() - t0 >= 199);
  pt_set_handler(SIGUSR1, count, 0);
  pid = pt_pester(SIGUSR1, 300, 1, 0);
  req.tv_sec = 10;
  req.tv_nsec = 0;
  t0 = pt_now_ms();
  CHECK_ERRNO(nanosleep(&req, &rem), EINTR);
  took = pt_now_ms() - t0;
  CHECK_EQ(hits, 1);
  CHECK(took < 9000);
  CHECK(rem.tv_sec >= 1 && rem.tv_sec <= 10);
  CHECK(rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
  /* the remaining time is the asked time less what passed (1 s slack) */
  CHECK(rem.tv_sec * 1000LL + rem.tv_nsec / 1000000 <= 10000 - took + 1000);
  CHECK(rem.tv_sec * 1000LL + rem.tv_nsec / 1000000 >= 10000 - took - 1000);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  return 0;
}

/* "[EINVAL] The rqtp argument specified a nanosecond value less than zero
 * or greater than or equal to 1000 million." */
TEST(nanosleep_einval)
{
  struct timespec big = { 0, 1000000000 }, neg = { 0, -1 };
  CHECK_ERRNO(nanosleep(&big, NULL), EINVAL);
  CHECK_ERRNO(nanosleep(&neg, NULL), EINVAL);

  return 0;
}

/* clock_nanosleep returns the error number (not -1/errno): EINTR with the
 * time left for a relative sleep; TIMER_ABSTIME sleeps until the time;
 * EINVAL for a bad nanosecond value or the calling thread's CPU-time
 * clock. */
TEST(clock_nanosleep_behaviour)
{
  struct timespec req = { 10, 0 }, rem, now, until;
  long long t0, took;
  pid_t pid;
  pt_set_handler(SIGUSR1, count, 0);
  pid = pt_pester(SIGUSR1, 300, 1, 0);
  t0 = pt_now_ms();
  CHECK_RET(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem), EINTR);
  took = pt_now_ms() - t0;
  CHECK_EQ(hits, 1);
  CHECK(took < 9000);
  CHECK(rem.tv_sec >= 1 && rem.tv_sec <= 10);
  CHECK_EQ(pt_reap(pid, 10000), 0);
  /* absolute: until now + 300 ms on CLOCK_MONOTONIC and CLOCK_REALTIME */
  CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &now));
  until = now;
  until.tv_nsec += 300000000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000;
  }
  CHECK_RET(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL), 0);
  CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &now));
  CHECK(now.tv_sec > until.tv_sec || (now.tv_sec == until.tv_sec && now.tv_nsec >= until.tv_nsec));
  CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
  until = now;
  until.tv_sec -= 1; /* in the past: at once */
  t0 = pt_now_ms();
  CHECK_RET(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL), 0);
  CHECK(pt_now_ms() - t0 < 500);
  req.tv_sec = 0;
  req.tv_nsec = 1000000000;
  CHECK_RET(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), EINVAL);
  req.tv_nsec = 1000;
  CHECK_RET(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL), EINVAL);
  return 0;
}

/* setitimer(ITIMER_REAL): SIGALRM after it_value, then every it_interval;
 * getitimer reports the time left (never more than set); ovalue gets the
 * previous setting; a zero it_value disarms. */
TEST(setitimer_real)
{
  struct itimerval v, old, now;
  long long t0;
  pt_set_handler(SIGALRM, count, 0);
  memset(&v, 0, sizeof v);
  v.it_value.tv_sec = 5;
  CHECK_OK(setitimer(ITIMER_REAL, &v, NULL));
  CHECK_OK(getitimer(ITIMER_REAL, &now));
  CHECK(now.it_value.tv_sec <= 5);
  CHECK(now.it_value.tv_sec >= 3);
  CHECK(now.it_value.tv_usec >= 0 && now.it_value.tv_usec < 1000000);
  CHECK_EQ(now.it_interval.tv_sec, 0);
  CHECK_EQ(now.it_interval.tv_usec, 0);
  v.it_value.tv_sec = 0;
  v.it_value.tv_usec = 100000;
  v.it_interval.tv_usec = 100000;
  CHECK_OK(setitimer(ITIMER_REAL, &v, &old));
  CHECK(old.it_value.tv_sec >= 3 && old.it_value.tv_sec <= 5);
  t0 = pt_now_ms();
  while (hits < 3 && pt_now_ms() - t0 < 10000)
    pause();
  CHECK(hits >= 3);
  CHECK(pt_now_ms() - t0 >= 250);
  CHECK_OK(getitimer(ITIMER_REAL, &now));
  CHECK_EQ(now.it_interval.tv_sec, 0);
  CHECK_EQ(now.it_interval.tv_usec, 100000);
  memset(&v, 0, sizeof v);
  CHECK_OK(setitimer(ITIMER_REAL, &v, &old));
  CHECK_EQ(old.it_interval.tv_usec, 100000);
  hits = 0;
  pt_sleep_ms(300);
  CHECK_EQ(hits, 0);
  CHECK_OK(getitimer(ITIMER_REAL, &now));
  CHECK_EQ(now.it_value.tv_sec, 0);
  CHECK_EQ(now.it_value.tv_usec, 0);
  return 0;
}

/* "[EINVAL] The value argument is not in canonical form" (tv_usec outside
 * 0..999999), or which is not a timer. */
TEST(setitimer_einval)
{
  struct itimerval v;
  memset(&v, 0, sizeof v);
  v.it_value.tv_usec = 1000000;
  CHECK_ERRNO(setitimer(ITIMER_REAL, &v, NULL), EINVAL);
  v.it_value.tv_usec = -1;
  CHECK_ERRNO(setitimer(ITIMER_REAL, &v, NULL), EINVAL);
  v.it_value.tv_usec = 0;
  CHECK_ERRNO(setitimer(12345, &v, NULL), EINVAL);
  CHECK_ERRNO(getitimer(12345, &v), EINVAL);
  return 0;
}

/* ITIMER_VIRTUAL and ITIMER_PROF count CPU time: a spinning process gets
 * SIGVTALRM and SIGPROF. */
TEST(setitimer_virtual_and_prof)
{
  static volatile sig_atomic_t vt, pr;
  struct itimerval v;
  long long t0;
  unsigned long spins = 0;
  pt_set_handler(SIGVTALRM, count, 0);
  memset(&v, 0, sizeof v);
  v.it_value.tv_usec = 50000;
  CHECK_OK(setitimer(ITIMER_VIRTUAL, &v, NULL));
  t0 = pt_now_ms();
  while (hits == 0 && pt_now_ms() - t0 < 10000)
    spins++;
  vt = hits;
  CHECK_EQ(vt, 1);
  pt_set_handler(SIGPROF, count, 0);
  CHECK_OK(setitimer(ITIMER_PROF, &v, NULL));
  t0 = pt_now_ms();
  while (hits == 1 && pt_now_ms() - t0 < 10000)
    spins++;
  pr = hits;
  CHECK_EQ(pr, 2);
  return 0;
}
