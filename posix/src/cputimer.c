/* SPDX-License-Identifier: MIT */
/* ITIMER_VIRTUAL and ITIMER_PROF: Windows has no CPU-time timer, so a
 * thread-pool timer samples the process's CPU time (GetProcessTimes: user
 * time for VIRTUAL, user and system for PROF) every SAMPLE_MS while one of
 * them is armed, and sends SIGVTALRM or SIGPROF to the process once the
 * time has been used. So they expire up to SAMPLE_MS of wall time late
 * (and Windows counts CPU time in clock ticks, 15.6 ms by default); nothing
 * runs while neither is armed. lock guards cpu[] and the pool timer's
 * state; the callback sends its signals after releasing it. */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "internal.h"
#include "posix-time.h"

#define SAMPLE_MS 10
#define US_PER_S INT64_C(1000000)

struct cputimer {
  int64_t deadline_us; /* CPU time at which it expires; 0: disarmed */
  int64_t interval_us;
};

static SRWLOCK lock = SRWLOCK_INIT;
static struct cputimer cpu[2]; /* [0] VIRTUAL, [1] PROF */
static PTP_TIMER sampler;
static int sampling;

/* CPU time of the process so far, in microseconds. */
static int64_t cpu_us(int which)
{
  FILETIME c, e, k, u;
  ULARGE_INTEGER ku, uu;
  if (!GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u))
    return 0;
  uu.LowPart = u.dwLowDateTime, uu.HighPart = u.dwHighDateTime;
  ku.LowPart = k.dwLowDateTime, ku.HighPart = k.dwHighDateTime;
  return (int64_t)((which == ITIMER_PROF ? uu.QuadPart + ku.QuadPart : uu.QuadPart) / 10);
}

static int signal_of(int i)
{
  return i == 0 ? SIGVTALRM : SIGPROF;
}

/* Under the lock: the sampler runs exactly while a timer is armed. */
static void sample_locked(void)
{
  int want = cpu[0].deadline_us != 0 || cpu[1].deadline_us != 0;
  if (want && !sampling) {
    FILETIME due;
    ULARGE_INTEGER rel;
    rel.QuadPart = (ULONGLONG)(-(LONGLONG)SAMPLE_MS * 10000);
    due.dwLowDateTime = rel.LowPart;
    due.dwHighDateTime = rel.HighPart;
    SetThreadpoolTimer(sampler, &due, SAMPLE_MS, 0);
  } else if (!want && sampling) {
    SetThreadpoolTimer(sampler, NULL, 0, 0);
  }
  sampling = want;
}

static void CALLBACK sampled(PTP_CALLBACK_INSTANCE inst, PVOID arg, PTP_TIMER tp)
{
  int i, fire[2] = { 0, 0 };
  (void)inst, (void)arg, (void)tp;
  AcquireSRWLockExclusive(&lock);
  for (i = 0; i < 2; i++) {
    struct cputimer *t = &cpu[i];
    int64_t now;
    if (t->deadline_us == 0 || (now = cpu_us(i ? ITIMER_PROF : ITIMER_VIRTUAL)) < t->deadline_us)
      continue;
    fire[i] = 1;
    if (t->interval_us > 0)
      t->deadline_us += ((now - t->deadline_us) / t->interval_us + 1) * t->interval_us;
    else
      t->deadline_us = 0;
  }
  sample_locked();
  ReleaseSRWLockExclusive(&lock);
  for (i = 0; i < 2; i++)
    if (fire[i])
      kill((pid_t)xsig_getpid(), signal_of(i));
}

static void to_timeval(int64_t us, struct timeval *tv)
{
  if (us < 0)
    us = 0;
  tv->tv_sec = (long)(us / US_PER_S);
  tv->tv_usec = (long)(us % US_PER_S);
}

static void get_locked(int which, struct itimerval *cur)
{
  const struct cputimer *t = &cpu[which == ITIMER_PROF];
  int64_t left = t->deadline_us ? t->deadline_us - cpu_us(which) : 0;
  to_timeval(t->deadline_us && left <= 0 ? 1 : left, &cur->it_value);
  to_timeval(t->interval_us, &cur->it_interval);
}

int xsig_posix__cputimer_get(int which, struct itimerval *cur)
{
  AcquireSRWLockShared(&lock);
  get_locked(which, cur);
  ReleaseSRWLockShared(&lock);
  return 0;
}

static int check(const struct timeval *tv)
{
  return tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000 || tv->tv_sec > 0x7fffffffL;
}

int xsig_posix__cputimer_set(int which, const struct itimerval *it, struct itimerval *old)
{
  struct cputimer *t = &cpu[which == ITIMER_PROF];
  struct itimerval prev;
  int64_t value;
  if (check(&it->it_value) || check(&it->it_interval))
    return xsig_posix__fail_errno(EINVAL);
  if (xsig_posix__init())
    return -1;
  value = (int64_t)it->it_value.tv_sec * US_PER_S + it->it_value.tv_usec;
  AcquireSRWLockExclusive(&lock);
  if (sampler == NULL && (sampler = CreateThreadpoolTimer(sampled, NULL, NULL)) == NULL) {
    ReleaseSRWLockExclusive(&lock);
    return xsig_posix__fail_errno(EAGAIN);
  }
  get_locked(which, &prev);
  t->deadline_us = value ? cpu_us(which) + value : 0;
  t->interval_us = value ? (int64_t)it->it_interval.tv_sec * US_PER_S + it->it_interval.tv_usec : 0;
  sample_locked();
  ReleaseSRWLockExclusive(&lock);
  if (old)
    *old = prev;
  return 0;
}
