/* SPDX-License-Identifier: MIT */
/* Runs one test (argv[1]) or one helper (--helper NAME ...) in this process,
 * under a watchdog that turns a hang into a failure and ends every process
 * the test started. */
#include "task.h"

/* One line of test-list.h names its platform in its macro. */
#ifdef _WIN32
# define ON_WINDOWS(x) x
# define ON_POSIX(x)
#else
# define ON_WINDOWS(x)
# define ON_POSIX(x) x
#endif
#define TEST_WINDOWS(name) ON_WINDOWS(TEST_ENTRY(name))
#define TEST_POSIX(name) ON_POSIX(TEST_ENTRY(name))
#define HELPER_WINDOWS(name) ON_WINDOWS(HELPER_ENTRY(name))
#define HELPER_POSIX(name) ON_POSIX(HELPER_ENTRY(name))

#define TEST_ENTRY(name) TEST_IMPL(name);
#define HELPER_ENTRY(name) HELPER_IMPL(name);
#include "test-list.h"
#undef TEST_ENTRY
#undef HELPER_ENTRY

struct test { const char *name; int (*run)(void); };
struct helper { const char *name; int (*run)(int, char **); };

#define TEST_ENTRY(name) { #name, run_test_##name },
#define HELPER_ENTRY(name)
static const struct test tests[] = {
#include "test-list.h"
  { NULL, NULL }
};
#undef TEST_ENTRY
#undef HELPER_ENTRY
#define TEST_ENTRY(name)
#define HELPER_ENTRY(name) { #name, run_helper_##name },
static const struct helper helpers[] = {
#include "test-list.h"
  { NULL, NULL }
};
#undef TEST_ENTRY
#undef HELPER_ENTRY

void test_platform_init(int is_helper, int timeout_s);
void test_platform_end(void);

int main(int argc, char **argv)
{
  int i, r;
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc >= 3 && strcmp(argv[1], "--helper") == 0) {
    for (i = 0; helpers[i].name; i++)
      if (strcmp(helpers[i].name, argv[2]) == 0) {
        test_platform_init(1, 60);
        return helpers[i].run(argc - 2, argv + 2);
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
    fprintf(stderr, "usage: %s TEST | --list | --helper NAME [ARG]\n", argv[0]);
    return 2;
  }
  /* Under ASan, LeakSanitizer's check at a helper's exit (a tracer
   * process, then a scan) took seconds on a loaded machine, past the
   * graces the tests give; leaks are checked in the test process. */
  {
    char opts[512];
    const char *was = getenv("ASAN_OPTIONS");
    snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", was ? was : "", was && *was ? ":" : "");
    test_setenv("ASAN_OPTIONS", opts);
  }
  for (i = 0; tests[i].name; i++)
    if (strcmp(tests[i].name, argv[1]) == 0) {
      /* storms: 100,000 signals; under Wine each once took a pipe connection */
      test_platform_init(0, strncmp(tests[i].name, "storm", 5) == 0 ? 400 : 60);
      r = tests[i].run();
      test_platform_end();
      printf("%s: %s\n", tests[i].name, r == 0 ? "ok" : "FAILED");
      return r;
    }
  fprintf(stderr, "unknown test %s\n", argv[1]);
  return 2;
}
