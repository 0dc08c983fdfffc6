/* SPDX-License-Identifier: MIT */
/* Runs one test (argv[1]) or one helper (--helper NAME ARGS...) of the POSIX
 * conformance tests, under a watchdog thread that turns a hang into a
 * failure and ends every child the test started. */
#include "pt.h"
#include <stdarg.h>

#define TEST_ENTRY(name) TEST(name);
#define HELPER_ENTRY(name) HELPER(name);
#include "list.h"
#undef TEST_ENTRY
#undef HELPER_ENTRY

struct test { const char *name; int (*run)(void); };
struct helper { const char *name; int (*run)(int, char **); };

#define TEST_ENTRY(name) { #name, pt_test_##name },
#define HELPER_ENTRY(name)
static const struct test tests[] = {
#include "list.h"
  { NULL, NULL }
};
#undef TEST_ENTRY
#undef HELPER_ENTRY
#define TEST_ENTRY(name)
#define HELPER_ENTRY(name) { #name, pt_helper_##name },
static const struct helper helpers[] = {
#include "list.h"
  { NULL, NULL }
};
#undef TEST_ENTRY
#undef HELPER_ENTRY

const char *pt_self;
const char *pt_name = "?";

/* Children not yet reaped (guarded by children_lock: the watchdog reads
 * it). */
#define MAX_CHILDREN 64
static pid_t children[MAX_CHILDREN];
static pthread_mutex_t children_lock = PTHREAD_MUTEX_INITIALIZER;

/* Process groups the test made (ended with SIGKILL at its end). */
static pid_t groups[8];

static char files[32][64];
static int nfiles;

static void track(pid_t pid)
{
  int i;
  pthread_mutex_lock(&children_lock);
  for (i = 0; i < MAX_CHILDREN; i++)
    if (children[i] == 0) {
      children[i] = pid;
      break;
    }
  pthread_mutex_unlock(&children_lock);
}

void pt_forget(pid_t pid)
{
  int i;
  pthread_mutex_lock(&children_lock);
  for (i = 0; i < MAX_CHILDREN; i++)
    if (children[i] == pid)
      children[i] = 0;
  pthread_mutex_unlock(&children_lock);
}

void pt_track_group(pid_t pgid)
{
  int i;
  pthread_mutex_lock(&children_lock);
  for (i = 0; i < 8; i++)
    if (groups[i] == 0) {
      groups[i] = pgid;
      break;
    }
  pthread_mutex_unlock(&children_lock);
}

/* SIGKILL to every child still known (and to the groups the test made),
 * then reaps them (bounded). Returns how many children there were. */
static int end_children(void)
{
  int i, n = 0, status;
  long long until;
  pthread_mutex_lock(&children_lock);
  for (i = 0; i < 8; i++)
    if (groups[i] > 0) {
      kill(-groups[i], SIGKILL);
      groups[i] = 0;
    }
  for (i = 0; i < MAX_CHILDREN; i++)
    if (children[i] > 0) {
      kill(children[i], SIGKILL);
      n++;
    }
  until = pt_now_ms() + 5000;
  for (i = 0; i < MAX_CHILDREN; i++)
    while (children[i] > 0) {
      pid_t r = waitpid(children[i], &status, WNOHANG);
      if (r != 0 || pt_now_ms() > until)
        children[i] = 0;
      else {
        struct timespec ts = { 0, 5000000 };
        nanosleep(&ts, NULL);
      }
    }
  pthread_mutex_unlock(&children_lock);
  return n;
}

static void remove_files(void)
{
  int i;
  for (i = 0; i < nfiles; i++)
    remove(files[i]);
  nfiles = 0;
}

void pt_fail(const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "%s: %s:%d: ", pt_name, file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  fflush(stderr);
  end_children();
  remove_files();
  _exit(1);
}

/* The watchdog: a thread that blocks every signal (it must never be the
 * thread a test's signal lands on). */
static long long deadline_ms;

static void *watchdog(void *arg)
{
  (void)arg;
  for (;;) {
    struct timespec ts = { 0, 100000000 };
    nanosleep(&ts, NULL);
    if (pt_now_ms() > deadline_ms) {
      fprintf(stderr, "%s: watchdog: no end in time; ending it and its children\n", pt_name);
      end_children();
      remove_files();
      _exit(3);
    }
  }
  return NULL;
}

static void start_watchdog(int seconds)
{
  pthread_t t;
  sigset_t all, old;
  deadline_ms = pt_now_ms() + seconds * 1000LL;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  if (pthread_create(&t, NULL, watchdog, NULL) != 0) {
    fprintf(stderr, "cannot start the watchdog\n");
    exit(2);
  }
  pthread_detach(t);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

pid_t pt_spawn(const char *helper, const char *const *args,
               const posix_spawnattr_t *attr, const posix_spawn_file_actions_t *actions)
{
  char *argv[16];
  int n = 0, r;
  pid_t pid;
  argv[n++] = (char *)pt_self;
  argv[n++] = (char *)"--helper";
  argv[n++] = (char *)helper;
  while (args && *args && n < 15)
    argv[n++] = (char *)*args++;
  argv[n] = NULL;
  r = posix_spawn(&pid, pt_self, actions, attr, argv, pt_environ());
  if (r != 0)
    pt_fail(__FILE__, __LINE__, "posix_spawn %s: %s", helper, strerror(r));
  track(pid);
  return pid;
}

pid_t pt_spawn3(const char *helper, const char *a, const char *b, const char *c)
{
  const char *args[4];
  args[0] = a;
  args[1] = a ? b : NULL;
  args[2] = a && b ? c : NULL;
  args[3] = NULL;
  return pt_spawn(helper, args, NULL, NULL);
}

int pt_reap(pid_t pid, int timeout_ms)
{
  int status;
  long long until = pt_now_ms() + timeout_ms;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      break;
    if (r == -1 && errno != EINTR)
      pt_fail(__FILE__, __LINE__, "waitpid(%ld): %s", (long)pid, strerror(errno));
    if (pt_now_ms() > until)
      pt_fail(__FILE__, __LINE__, "child %ld did not end within %d ms", (long)pid, timeout_ms);
    pt_sleep_ms(5);
  }
  pt_forget(pid);
  return status;
}

extern char **environ;

char **pt_environ(void)
{
  return environ;
}

long long pt_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void pt_sleep_ms(long ms)
{
  struct timespec ts, rem;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
    ts = rem;
}

const char *pt_file(const char *tag)
{
  static char bufs[8][64];
  static int next;
  char *b = bufs[next++ % 8];
  int i;
  snprintf(b, 64, "pt-%ld-%s", (long)getpid(), tag);
  for (i = 0; i < nfiles; i++)
    if (strcmp(files[i], b) == 0)
      return b;
  if (nfiles < 32)
    strcpy(files[nfiles++], b);
  return b;
}

void pt_write_file(const char *path, const char *text)
{
  /* Written aside and renamed: a reader never sees half of it. */
  char tmp[128];
  FILE *f;
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  f = fopen(tmp, "w");
  if (!f)
    pt_fail(__FILE__, __LINE__, "cannot write %s", tmp);
  fputs(text, f);
  fclose(f);
  remove(path);
  if (rename(tmp, path) != 0)
    pt_fail(__FILE__, __LINE__, "cannot rename %s", tmp);
}

int pt_read_file(const char *path, char *buf, size_t size)
{
  FILE *f = fopen(path, "r");
  size_t n;
  if (!f)
    return -1;
  n = fread(buf, 1, size - 1, f);
  buf[n] = 0;
  fclose(f);
  return 0;
}

int pt_wait_file(const char *path, int timeout_ms)
{
  long long until = pt_now_ms() + timeout_ms;
  for (;;) {
    FILE *f = fopen(path, "r");
    if (f) {
      fclose(f);
      return 0;
    }
    if (pt_now_ms() > until)
      return -1;
    pt_sleep_ms(5);
  }
}

int pt_wait_flag(volatile sig_atomic_t *flag, int timeout_ms)
{
  long long until = pt_now_ms() + timeout_ms;
  while (!*flag) {
    if (pt_now_ms() > until)
      return -1;
    pt_sleep_ms(2);
  }
  return 0;
}

const char *pt_num(long long n)
{
  static char bufs[8][32];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf(b, 32, "%lld", n);
  return b;
}

int main(int argc, char **argv)
{
  int i, r;
  setvbuf(stdout, NULL, _IONBF, 0);
  pt_self = argv[0];
  if (argc >= 3 && strcmp(argv[1], "--helper") == 0) {
    for (i = 0; helpers[i].name; i++)
      if (strcmp(helpers[i].name, argv[2]) == 0) {
        pt_name = helpers[i].name;
        start_watchdog(60);
        r = helpers[i].run(argc - 2, argv + 2);
        end_children();
        return r;
      }
    fprintf(stderr, "unknown helper %s\n", argv[2]);
    return 2;
  }
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (i = 0; tests[i].name; i++)
      printf("%s\n", tests[i].name);
    return 0;
  }
  if (argc != 2) {
    fprintf(stderr, "usage: %s TEST | --list | --helper NAME [ARG...]\n", argv[0]);
    return 2;
  }
  for (i = 0; tests[i].name; i++)
    if (strcmp(tests[i].name, argv[1]) == 0) {
      pt_name = tests[i].name;
      start_watchdog(60);
      r = tests[i].run();
      if (end_children() > 0 && r == 0) {
        fprintf(stderr, "%s: the test left children running\n", pt_name);
        r = 1;
      }
      remove_files();
      printf("%s: %s\n", pt_name, r == 0 ? "ok" : "FAILED");
      return r;
    }
  fprintf(stderr, "unknown test %s\n", argv[1]);
  return 2;
}
