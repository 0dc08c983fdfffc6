/* SPDX-License-Identifier: MIT */
/* Faults on both platforms: the fault handler sees the right signal, code
 * and address; recovery through xsig_longjmp works again and again; a fault
 * that nobody recovers from ends the process with the truth, after a crash
 * report when one was asked for; stack overflow and abort() likewise. */
#include "task.h"
#include <float.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <fenv.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

/* Exported and never inlined: their names must show up in backtraces. */
#if defined(_WIN32) && defined(__GNUC__)
#define CRASH_FN __declspec(dllexport) __attribute__((noinline))
#elif defined(_WIN32)
#define CRASH_FN __declspec(dllexport) __declspec(noinline)
#else
#define CRASH_FN __attribute__((noinline))
#endif
/* The faults are the point here: keep UBSan from catching them first. */
#if defined(__clang__) || defined(__GNUC__)
#define NO_UBSAN __attribute__((no_sanitize("undefined")))
#else
#define NO_UBSAN
#endif

static volatile int zero;
static volatile double zero_d;
static int handler_calls;

static void count(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  handler_calls++;
}

/* --- making faults ------------------------------------------------------ */

/* Per architecture: an illegal instruction, a privileged one (each followed
 * by a return), and whether an integer division by zero traps. */
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
static const unsigned char ill_code[] = { 0x0F, 0x0B, 0xC3 };  /* ud2; ret */
static const unsigned char priv_code[] = { 0xF4, 0x90, 0xC3 }; /* hlt; nop; ret */
# define PRIV_SUBCODE XSIG_ILL_PRVOPC
# define INTDIV_TRAPS 1
#elif defined(__aarch64__)
static const unsigned char ill_code[] = { 0, 0, 0, 0, 0xC0, 0x03, 0x5F, 0xD6 }; /* udf #0; ret */
static const unsigned char priv_code[] = { 0x00, 0x10, 0x38, 0xD5,              /* mrs x0, sctlr_el1 */
                                           0xC0, 0x03, 0x5F, 0xD6 };
/* arm64 Linux reports every undefined instruction at EL0 as ILL_ILLOPC,
 * privileged ones too (arch/arm64/kernel/traps.c) */
# define PRIV_SUBCODE XSIG_ILL_ILLOPC
/* x / 0 is 0 there: no trap */
# define INTDIV_TRAPS 0
#else
# error "test-fault.c: no illegal and privileged instructions for this architecture"
#endif

/* A fault of another kind than SEGV, for the tests that need two kinds. */
#if INTDIV_TRAPS
# define crash_other crash_intdiv
# define OTHER_SIG XSIG_FPE
#else
# define crash_other crash_ill
# define OTHER_SIG XSIG_ILL
#endif

static unsigned char *code_page(const unsigned char *code, size_t len)
{
  unsigned char *p;
#ifdef _WIN32
  p = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE);
  if (p) {
    memcpy(p, code, len);
    FlushInstructionCache(GetCurrentProcess(), p, len);
  }
#else
  p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  memcpy(p, code, len);
  __builtin___clear_cache((char *)p, (char *)p + len);
#endif
  return p;
}

static void *readonly_page(void)
{
#ifdef _WIN32
  return VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READONLY);
#else
  void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
#endif
}

static unsigned char *ud2_page, *hlt_page;
static void *ro_page;
static char *bus_addr;

static void call_code(unsigned char *p)
{
  void (*fn)(void);
  memcpy(&fn, &p, sizeof fn);
  fn();
}

CRASH_FN NO_UBSAN void crash_segv(void) { *(volatile int *)(uintptr_t)(16 + zero) = 1; }
CRASH_FN NO_UBSAN void crash_noncanonical(void)
{
  *(volatile int *)(uintptr_t)(0x8000000000000000ull + (uintptr_t)zero) = 1;
}
CRASH_FN NO_UBSAN void crash_accerr(void) { *(volatile int *)ro_page = 1; }
CRASH_FN NO_UBSAN void crash_intdiv(void) { helper_say("%d", 10 / zero); }
CRASH_FN void crash_ill(void) { call_code(ud2_page); }
CRASH_FN void crash_priv(void) { call_code(hlt_page); }

/* Unmasking an FP trap is not in C: glibc has feenableexcept; with other C
 * libraries (musl) the SSE control register on x86-64. */
#if !defined(_WIN32) && !defined(__GLIBC__) && defined(__x86_64__)
#include <xmmintrin.h>
static int feenableexcept(int e)
{
  (void)e; /* only FE_DIVBYZERO is asked for */
  _mm_setcsr(_mm_getcsr() & ~(unsigned)_MM_MASK_DIV_ZERO);
  return 0;
}
static void fedisableexcept(int e)
{
  (void)e;
  _mm_setcsr(_mm_getcsr() | _MM_MASK_MASK);
}
#endif

/* 0 when this processor cannot trap a floating-point division by zero
 * (most aarch64 cores, and qemu: FPCR's trap bits read back as 0). */
static int fltdiv_trap_on(void)
{
#ifdef _WIN32
  unsigned int cw;
  _clearfp();
  _controlfp_s(&cw, _MCW_EM & ~_EM_ZERODIVIDE, _MCW_EM);
  return 1;
#else
  feclearexcept(FE_ALL_EXCEPT);
  return feenableexcept(FE_DIVBYZERO) != -1;
#endif
}

CRASH_FN NO_UBSAN void crash_fltdiv(void) { helper_say("%f", 1.0 / zero_d); }

static void fp_traps_off(void)
{
#ifdef _WIN32
  unsigned int cw;
  _clearfp();
  _controlfp_s(&cw, _MCW_EM, _MCW_EM);
#else
  fedisableexcept(FE_ALL_EXCEPT);
  feclearexcept(FE_ALL_EXCEPT);
#endif
}

/* POSIX: a file mapping past the end of its file. Windows cannot shrink a
 * mapped file and an in-page error needs a failing device, so there the
 * exception is raised with the arguments the system gives it. */
CRASH_FN void crash_bus(void)
{
#ifdef _WIN32
  ULONG_PTR args[3];
  args[0] = 0;
  args[1] = (ULONG_PTR)bus_addr;
  args[2] = 0xC000009Cu; /* STATUS_DEVICE_DATA_ERROR */
  RaiseException(0xC0000006u, 0, 3, args);
#else
  *(volatile char *)bus_addr = 1;
#endif
}

static void make_bus_addr(void)
{
#ifdef _WIN32
  static char byte;
  bus_addr = &byte;
#else
  char path[] = "/tmp/xsig-bus-XXXXXX";
  int fd = mkstemp(path);
  char *m;
  ASSERT(fd >= 0);
  unlink(path);
  ASSERT_OK(ftruncate(fd, 4096));
  m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ASSERT(m != MAP_FAILED);
  close(fd);
  bus_addr = m + 4096; /* past the end of the file */
#endif
}

CRASH_FN void crash_stack(int depth)
{
  volatile char buf[512];
  buf[0] = (char)depth;
  if (depth >= 0 || zero) /* always, but the compiler cannot know */
    crash_stack(depth + 1);
  buf[1] = buf[0]; /* no tail call */
}

static void make_pages(void)
{
  if (ud2_page == NULL) {
    ud2_page = code_page(ill_code, sizeof ill_code);
    hlt_page = code_page(priv_code, sizeof priv_code);
    ro_page = readonly_page();
    make_bus_addr();
  }
  ASSERT(ud2_page && hlt_page && ro_page && bus_addr);
}

/* --- recovering --------------------------------------------------------- */

static xsig_jmp_buf jump;
static xsig_info_t seen;
static int recoveries;

static void recover(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)arg;
  seen = *info;
  recoveries++;
  xsig_longjmp(&jump, 7);
}

/* Returns 1 if fn faulted and we came back through the jump. */
static int fault_once(void (*fn)(void))
{
  memset(&seen, 0, sizeof seen);
  if (xsig_setjmp(&jump) == 0) {
    fn();
    return 0;
  }
  return 1;
}

static void expect(void (*fn)(void), int sig, int subcode, const void *addr, uint32_t win_code)
{
  ASSERT_EQ(fault_once(fn), 1);
  if (seen.signo != sig || seen.subcode != subcode)
    fprintf(stderr, "got signal %d subcode %d (%s), want %d %d\n", seen.signo, seen.subcode,
            xsig_fault_describe(seen.signo, seen.subcode), sig, subcode);
  ASSERT_EQ(seen.signo, sig);
  ASSERT_EQ(seen.code, XSIG_SI_FAULT);
  ASSERT_EQ(seen.subcode, subcode);
  if (addr)
    ASSERT(seen.addr == addr);
  else
    ASSERT(seen.addr != NULL);
#ifdef _WIN32
  ASSERT_EQ(seen.os_code, win_code);
#else
  (void)win_code;
#endif
}

static void for_each_fault_signal(xsig_handler_t fn)
{
  ASSERT_OK(xsig_on_fault(XSIG_SEGV, fn, NULL));
  ASSERT_OK(xsig_on_fault(XSIG_BUS, fn, NULL));
  ASSERT_OK(xsig_on_fault(XSIG_ILL, fn, NULL));
  ASSERT_OK(xsig_on_fault(XSIG_FPE, fn, NULL));
}

TEST_IMPL(fault_handler_sees_each_kind)
{
  int ok;
  ASSERT_OK(xsig_init());
  make_pages();
  ASSERT_EQ(xsig_on_fault(XSIG_USR1, recover, NULL), XSIG_EINVAL);
  ASSERT_EQ(xsig_on_fault(XSIG_SEGV, XSIG_IGN, NULL), XSIG_EINVAL);
  for_each_fault_signal(recover);
  expect(crash_segv, XSIG_SEGV, XSIG_SEGV_MAPERR, (void *)16, 0xC0000005u);
  expect(crash_accerr, XSIG_SEGV, XSIG_SEGV_ACCERR, ro_page, 0xC0000005u);
#if INTDIV_TRAPS
  expect(crash_intdiv, XSIG_FPE, XSIG_FPE_INTDIV, NULL, 0xC0000094u);
#else
  ASSERT_EQ(fault_once(crash_intdiv), 0); /* the architecture's x / 0 is 0 */
#endif
  expect(crash_ill, XSIG_ILL, XSIG_ILL_ILLOPC, ud2_page, 0xC000001Du);
  expect(crash_priv, XSIG_ILL, PRIV_SUBCODE, hlt_page, 0xC0000096u);
#ifdef _WIN32
  expect(crash_bus, XSIG_BUS, XSIG_BUS_OBJERR, bus_addr, 0xC0000006u);
#else
  expect(crash_bus, XSIG_BUS, XSIG_BUS_ADRERR, bus_addr, 0);
#endif
  /* an address no page can have: Linux says SI_KERNEL, Windows an access
   * violation at an address it does not tell; both read as MAPERR */
  ASSERT_EQ(fault_once(crash_noncanonical), 1);
  ASSERT_EQ(seen.signo, XSIG_SEGV);
  ASSERT_EQ(seen.subcode, XSIG_SEGV_MAPERR);
  if (fltdiv_trap_on()) {
    ok = fault_once(crash_fltdiv);
    fp_traps_off();
    ASSERT_EQ(ok, 1);
    ASSERT_EQ(seen.signo, XSIG_FPE);
    ASSERT_EQ(seen.subcode, XSIG_FPE_FLTDIV);
  } else {
    fprintf(stderr, "this processor cannot trap a floating-point division by zero: not checked\n");
  }
  ASSERT_STR(xsig_fault_describe(XSIG_SEGV, XSIG_SEGV_MAPERR), "address not mapped");
  ASSERT_STR(xsig_fault_describe(XSIG_FPE, 99), "unknown");
  ASSERT_OK(xsig_shutdown());
  return 0;
}

static int mask_has(int sig)
{
  xsig_sigset_t cur;
  xsig_sigmask(XSIG_BLOCK, NULL, &cur);
  return xsig_sigismember(&cur, sig);
}

TEST_IMPL(fault_recovery_loop)
{
  xsig_sigset_t usr2;
  int64_t handles0;
  int i, jumped = 0;
  void (*kinds[3])(void);
  kinds[0] = crash_segv;
  kinds[1] = crash_other;
  kinds[2] = crash_ill;
  ASSERT_OK(xsig_init());
  make_pages();
  for_each_fault_signal(recover);
  xsig_sigemptyset(&usr2);
  xsig_sigaddset(&usr2, XSIG_USR2); /* a mask of our own, kept across jumps */
  ASSERT_OK(xsig_sigmask(XSIG_BLOCK, &usr2, NULL));
  handles0 = test_count_handles();
  recoveries = 0;
  for (i = 0; i < 1000; i++)
    jumped += fault_once(kinds[i % 3]);
  ASSERT_EQ(jumped, 1000);
  ASSERT_EQ(recoveries, 1000);
  ASSERT_EQ(test_count_handles(), handles0);
  ASSERT_EQ(mask_has(XSIG_USR2), 1);
  ASSERT_EQ(mask_has(XSIG_SEGV), 0); /* restored: not left blocked */
  ASSERT_EQ(mask_has(XSIG_FPE), 0);
#ifndef _WIN32
  {
    sigset_t k;
    pthread_sigmask(SIG_BLOCK, NULL, &k);
    ASSERT_EQ(sigismember(&k, SIGSEGV), 0); /* the kernel's mask too */
    ASSERT_EQ(sigismember(&k, SIGUSR2), 1);
  }
#endif
  /* sent signals of the same numbers still go to the ordinary handler */
  ASSERT_OK(xsig_handle(XSIG_SEGV, count));
  handler_calls = 0;
  ASSERT_OK(xsig_raise(XSIG_SEGV));
  ASSERT_EQ(handler_calls, 1);
  ASSERT_EQ(recoveries, 1000);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Another thread faults and recovers on its own: its own fault stack, its
 * own jump, the main thread's state untouched. */
static int thread_jumped;
static void fault_in_thread(void *arg)
{
  int i;
  (void)arg;
  if (xsig_fault_stack() != 0)
    return;
  for (i = 0; i < 100; i++)
    thread_jumped += fault_once(i % 2 ? crash_segv : crash_other);
}

TEST_IMPL(fault_recovery_in_thread)
{
  test_thread_t t;
  ASSERT_OK(xsig_init());
  make_pages();
  for_each_fault_signal(recover);
  recoveries = 0;
  ASSERT_OK(test_thread_start(&t, fault_in_thread, NULL));
  test_thread_join(&t);
  ASSERT_EQ(thread_jumped, 100);
  ASSERT_EQ(recoveries, 100);
  ASSERT_EQ(fault_once(crash_segv), 1); /* and here still */
  ASSERT_EQ(recoveries, 101);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* --- faults that end the process ---------------------------------------- */

static void say_from_handler(int sig, const xsig_info_t *info, void *arg)
{
  static const char msg[] = "fault handler ran\n";
  (void)sig;
  (void)info;
  (void)arg;
#ifdef _WIN32
  {
    DWORD n;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), msg, sizeof msg - 1, &n, NULL);
  }
#else
  if (write(1, msg, sizeof msg - 1) < 0) {
  }
#endif
}

/* argv[1]: what to do; "handler-" first: a fault handler that returns. */
HELPER_IMPL(crash_child)
{
  const char *kind = argv[1];
  (void)argc;
  xsig_init();
  make_pages();
  xsig_handle(XSIG_SEGV, count); /* an ordinary handler must not matter */
  xsig_crash_report(xsig_std_handle(2)); /* merged into the pipe read */
  if (strncmp(kind, "handler-", 8) == 0) {
    kind += 8;
    xsig_on_fault(XSIG_SEGV, say_from_handler, NULL);
    xsig_on_fault(XSIG_ABRT, say_from_handler, NULL);
  }
  helper_say("faulting");
  if (strcmp(kind, "segv") == 0)
    crash_segv();
  else if (strcmp(kind, "fpe") == 0)
    crash_intdiv();
  else if (strcmp(kind, "ill") == 0) {
    make_pages();
    crash_ill();
  }
  else if (strcmp(kind, "stack") == 0)
    crash_stack(0);
  else if (strcmp(kind, "abort") == 0)
    abort();
  helper_say("survived");
  return 0;
}

static int has_line(const char *out, const char *want)
{
  return strstr(out, want) != NULL;
}

/* Runs crash_child KIND; checks its status and that its output has every
 * line of want (NULL-terminated). */
static void expect_crash(const char *kind, int sig, uint32_t win_code, const char **want)
{
  test_proc_t p;
  xsig_status_t st;
  char out[16384], line[512];
  size_t len = 0;
  ASSERT_OK(test_spawn_helper(&p, "crash_child", kind, TEST_PROC_MERGE_STDERR));
  out[0] = 0;
  while (test_read_line(&p, line, sizeof line, 30000) == 0 && len + strlen(line) + 2 < sizeof out)
    len += (size_t)snprintf(out + len, sizeof out - len, "%s\n", line);
  ASSERT_OK(test_wait(&p, 20000, &st)); /* it ends: no fault loop */
  test_proc_close(&p);
  for (; *want; want++)
    if (!has_line(out, *want)) {
      fprintf(stderr, "crash_child %s: no '%s' in:\n%s", kind, *want, out);
      ASSERT(0);
    }
  ASSERT(!has_line(out, "survived"));
  /* no C runtime message on abort() */
  ASSERT(!has_line(out, "requested the Runtime") && !has_line(out, "abnormal program"));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, sig);
#ifdef _WIN32
  ASSERT_EQ(st.raw, win_code); /* the exception's own code */
#else
  (void)win_code;
#endif
}

/* What the report shows for fn's frame: its name, or (a C library without
 * backtrace(), musl) the line that says there is no backtrace. */
#ifdef XSIG_TEST_NO_BACKTRACE
# define FRAME_OF(fn) "xsig: no backtrace: this C library has no backtrace()"
#else
# define FRAME_OF(fn) fn "+"
#endif

TEST_IMPL(crash_report_each_kind)
{
  const char *segv[] = { "xsig: fatal signal SEGV (address not mapped), address 0x10",
                         "xsig: backtrace of the faulting thread:", FRAME_OF("crash_segv"), NULL };
  const char *fpe[] = { "xsig: fatal signal FPE (integer divide by zero)", FRAME_OF("crash_intdiv"), NULL };
  /* the faulting code has no unwind information (like JIT code): the
   * backtrace may stop at its first frame */
#ifdef XSIG_TEST_NO_BACKTRACE
  const char *ill[] = { "xsig: fatal signal ILL (illegal opcode)", FRAME_OF(""), NULL };
#else
  const char *ill[] = { "xsig: fatal signal ILL (illegal opcode)", "xsig:   #0 0x", NULL };
#endif
  const char *handler[] = { "fault handler ran", "xsig: fatal signal SEGV (address not mapped)",
                            FRAME_OF("crash_segv"), NULL };
  expect_crash("segv", XSIG_SEGV, 0xC0000005u, segv);
#if INTDIV_TRAPS
  expect_crash("fpe", XSIG_FPE, 0xC0000094u, fpe);
#else
  (void)fpe;
#endif
  expect_crash("ill", XSIG_ILL, 0xC000001Du, ill);
  /* a fault handler that returns gets the default action, never a loop */
  expect_crash("handler-segv", XSIG_SEGV, 0xC0000005u, handler);
  return 0;
}

TEST_IMPL(crash_report_stack_overflow)
{
  const char *want[] = { "xsig: fatal signal SEGV (stack overflow)", FRAME_OF("crash_stack"), NULL };
  expect_crash("stack", XSIG_SEGV, 0xC00000FDu, want);
  return 0;
}

TEST_IMPL(crash_report_abort)
{
  const char *want[] = { "xsig: fatal signal ABRT (abort())", NULL };
  const char *handler[] = { "fault handler ran", "xsig: fatal signal ABRT (abort())", NULL };
  expect_crash("abort", XSIG_ABRT, 0xE0580000u | XSIG_ABRT, want);
  expect_crash("handler-abort", XSIG_ABRT, 0xE0580000u | XSIG_ABRT, handler);
  return 0;
}

/* No report asked for, handlers for sent signals only: a real fault takes
 * the default action (the old guarantee, kept). */
HELPER_IMPL(fault_child)
{
  (void)argc;
  xsig_init();
  xsig_handle(XSIG_SEGV, count);
  xsig_handle(XSIG_FPE, count);
  xsig_handle(XSIG_ILL, count);
  if (strcmp(argv[1], "segv-taken") == 0)
    xsig_crash_report(XSIG_NO_HANDLE); /* xsig takes faults, no report */
  if (strcmp(argv[1], "other") == 0)
    make_pages();
  helper_say("faulting");
  if (strncmp(argv[1], "segv", 4) == 0)
    crash_segv();
  else
    crash_other();
  helper_say("survived");
  return 0;
}

/* The child ends (no fault loop; its xsig_action handler for the signal
 * never runs for a real fault). POSIX: the default action. Windows: when
 * xsig takes faults, it exits with the exception's code; when it does not
 * (the default), the system ends it as it ends any crashed program (Windows
 * Error Reporting: the exception's code; Wine: winedbg, which the test
 * prefix tells to show no dialog, and whose exit code is not asserted). */
static void expect_fault(const char *kind, int sig, uint32_t windows_code)
{
  test_proc_t p;
  xsig_status_t st;
  char line[64];
  ASSERT_OK(test_spawn_helper(&p, "fault_child", kind, 0));
  ASSERT_OK(test_expect_line(&p, "faulting", NULL, 0, 20000));
  /* read to the end: winedbg writes pages into the same pipe */
  while (test_read_line(&p, line, sizeof line, 20000) == 0)
    ASSERT(strcmp(line, "survived") != 0);
  ASSERT_OK(test_wait(&p, 20000, &st));
#ifdef _WIN32
  if (strcmp(kind, "segv-taken") == 0 || !test_under_wine()) {
    ASSERT_EQ(st.raw, windows_code);
    ASSERT_EQ(st.signo, sig);
  }
#else
  (void)windows_code;
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, sig);
#endif
  test_proc_close(&p);
}

TEST_IMPL(fault_gets_default_action)
{
  expect_fault("segv", XSIG_SEGV, 0xC0000005u);
  expect_fault("other", OTHER_SIG, INTDIV_TRAPS ? 0xC0000094u : 0xC000001Du);
  expect_fault("segv-taken", XSIG_SEGV, 0xC0000005u);
  /* the same signals sent by a process still reach the handler */
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_SEGV, count));
  handler_calls = 0;
  ASSERT_OK(xsig_raise(XSIG_SEGV));
  ASSERT_EQ(handler_calls, 1);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

#ifdef _WIN32
/* --- Windows: nothing hooked until asked -------------------------------- */

static LONG WINAPI test_filter(EXCEPTION_POINTERS *ep)
{
  (void)ep;
  return EXCEPTION_CONTINUE_SEARCH;
}

/* xsig_init alone leaves unhandled exceptions to Windows (Error Reporting,
 * debuggers); xsig_crash_report or xsig_on_fault hooks them, the last
 * xsig_shutdown gives them back. */
TEST_IMPL(fault_hooks_only_when_asked)
{
  LPTOP_LEVEL_EXCEPTION_FILTER before = SetUnhandledExceptionFilter(test_filter), cur;
  ASSERT_OK(xsig_init());
  ASSERT(SetUnhandledExceptionFilter(test_filter) == test_filter);
  ASSERT_OK(xsig_crash_report(NULL));
  cur = SetUnhandledExceptionFilter(test_filter);
  ASSERT(cur != test_filter); /* xsig's own filter, which asks ours first */
  SetUnhandledExceptionFilter(cur);
  ASSERT_OK(xsig_shutdown());
  ASSERT(SetUnhandledExceptionFilter(before) == test_filter);
  return 0;
}

/* --- Windows: what is not ours is passed on ----------------------------- */

static int later_veh_saw, frame_handler_saw, earlier_veh_saw;

/* Like CPython's faulthandler: first in line, looks, passes on. */
static LONG CALLBACK earlier_veh(EXCEPTION_POINTERS *ep)
{
  if (ep->ExceptionRecord->ExceptionCode == EXCEPTION_ACCESS_VIOLATION)
    earlier_veh_saw++;
  return EXCEPTION_CONTINUE_SEARCH;
}

/* Registered after xsig's vectored handler: sees what xsig passed on. */
static LONG CALLBACK later_veh(EXCEPTION_POINTERS *ep)
{
  DWORD code = ep->ExceptionRecord->ExceptionCode;
  if (code == 0xE06D7363u || code == 0xE0434352u || code == 0x80000003u || code == 0x40010006u ||
      code == 0xE0000001u) {
    later_veh_saw++;
    return EXCEPTION_CONTINUE_EXECUTION; /* RaiseException returns */
  }
  return EXCEPTION_CONTINUE_SEARCH;
}

/* A frame-based handler, as __except would be: skips the faulting store. */
static EXCEPTION_DISPOSITION frame_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx, void *dc)
{
  (void)frame;
  (void)dc;
  if (rec->ExceptionFlags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND))
    return ExceptionContinueSearch;
  if (rec->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
    return ExceptionContinueSearch;
  frame_handler_saw++;
#ifdef _WIN64
  ctx->Rip += 6; /* past "mov dword [rcx], 1" */
#else
  ctx->Eip += 6; /* past "mov dword [ecx], 1" */
#endif
  return ExceptionContinueExecution;
}

#ifdef _WIN64

/* Code with unwind information naming frame_handler as its exception
 * handler, registered with RtlAddFunctionTable: a function with its own
 * __try/__except, without needing a compiler that has them. */
static unsigned char *code_with_frame_handler(RUNTIME_FUNCTION *rf)
{
  static const unsigned char body[] = { 0xC7, 0x01, 0x01, 0x00, 0x00, 0x00, 0xC3 };
  unsigned char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE);
  uint64_t target = (uint64_t)(uintptr_t)frame_handler;
  DWORD rva = 16;
  if (p == NULL)
    return NULL;
  memcpy(p, body, sizeof body);
  p[16] = 0x48, p[17] = 0xB8; /* mov rax, frame_handler; jmp rax */
  memcpy(p + 18, &target, 8);
  p[26] = 0xFF, p[27] = 0xE0;
  p[32] = 1 | (UNW_FLAG_EHANDLER << 3); /* version 1, has a handler */
  p[33] = 0, p[34] = 0, p[35] = 0;      /* no prologue, no unwind codes */
  memcpy(p + 36, &rva, 4);
  rf->BeginAddress = 0;
  rf->EndAddress = sizeof body;
  rf->UnwindData = 32;
  return RtlAddFunctionTable(rf, 1, (DWORD64)(uintptr_t)p) ? p : NULL;
}

static void remove_frame_handler(RUNTIME_FUNCTION *rf, unsigned char *code)
{
  RtlDeleteFunctionTable(rf);
  VirtualFree(code, 0, MEM_RELEASE);
}

typedef RUNTIME_FUNCTION frame_registration;
#define call_with_frame_handler(reg, store, arg) store(arg)
#else
/* x86: a frame-based handler is a record in the thread's chain (fs:0), on
 * the stack, as __try pushes one; the store takes its argument from the
 * stack ("mov ecx, [esp+4]; mov dword [ecx], 1; ret"). */
struct seh_record { struct seh_record *next; void *handler; };
typedef struct seh_record frame_registration;

static NT_TIB *tib(void)
{
#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC diagnostic push
# pragma GCC diagnostic ignored "-Warray-bounds" /* gcc 12 takes mingw's fs: read for an array */
#endif
  return (NT_TIB *)NtCurrentTeb();
#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC diagnostic pop
#endif
}

static unsigned char *code_with_frame_handler(frame_registration *unused)
{
  static const unsigned char body[] = { 0x8B, 0x4C, 0x24, 0x04, 0xC7, 0x01, 0x01, 0x00, 0x00, 0x00, 0xC3 };
  unsigned char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE);
  (void)unused;
  if (p)
    memcpy(p, body, sizeof body);
  return p;
}

static void call_with_frame_handler_x86(void (*store)(int *), int *arg)
{
  struct seh_record rec;
  NT_TIB *t = tib();
  rec.next = (struct seh_record *)t->ExceptionList;
  rec.handler = (void *)(uintptr_t)frame_handler;
  t->ExceptionList = (struct _EXCEPTION_REGISTRATION_RECORD *)&rec;
  store(arg);
  t->ExceptionList = (struct _EXCEPTION_REGISTRATION_RECORD *)rec.next;
}
#define call_with_frame_handler(reg, store, arg) call_with_frame_handler_x86(store, arg)

static void remove_frame_handler(frame_registration *unused, unsigned char *code)
{
  (void)unused;
  VirtualFree(code, 0, MEM_RELEASE);
}
#endif

TEST_IMPL(fault_passes_on_what_is_not_ours)
{
  frame_registration rf;
  unsigned char *code;
  void (*store)(int *);
  PVOID later, earlier;
  static const DWORD codes[] = { 0xE06D7363u, 0xE0434352u, 0x80000003u, 0x40010006u, 0xE0000001u };
  size_t i;
  ASSERT_OK(xsig_init());
  for_each_fault_signal(recover);
  ASSERT_OK(xsig_crash_report(GetStdHandle(STD_ERROR_HANDLE)));
  later = AddVectoredExceptionHandler(0, later_veh);
  ASSERT(later != NULL);
  recoveries = 0;
  /* C++, CLR, a breakpoint, a code without the error bit, an error code
   * that is no fault: none is taken, the next handler sees each */
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
    RaiseException(codes[i], 0, 0, NULL);
  ASSERT_EQ(later_veh_saw, 5);
  ASSERT_EQ(recoveries, 0);
  /* a fault in a function with its own frame handler: that handler takes it */
  code = code_with_frame_handler(&rf);
  ASSERT(code != NULL);
  memcpy(&store, &code, sizeof store);
  call_with_frame_handler(&rf, store, (int *)(uintptr_t)(16 + zero));
  ASSERT_EQ(frame_handler_saw, 1);
  ASSERT_EQ(recoveries, 0);
  /* and a fault of ours is still ours, after a handler that was first */
  earlier = AddVectoredExceptionHandler(1, earlier_veh);
  ASSERT(earlier != NULL);
  earlier_veh_saw = 0;
  ASSERT_EQ(fault_once(crash_segv), 1);
  ASSERT_EQ(recoveries, 1);
  ASSERT_EQ(earlier_veh_saw, 1);
  RemoveVectoredExceptionHandler(earlier);
  remove_frame_handler(&rf, code);
  RemoveVectoredExceptionHandler(later);
  ASSERT_OK(xsig_shutdown());
  return 0;
}
#endif

#ifndef _WIN32
/* xsig_on_fault and xsig_action install the same kernel disposition (the
 * trampoline for ILL) under one lock: raced from two threads, the
 * disposition xsig saved is still the program's own handler, which the
 * last shutdown puts back (not xsig's trampoline, with no pipe behind it). */
static void foreign_ill(int sig) { (void)sig; }
static void ill_handler(int sig, const xsig_info_t *info, void *arg) { (void)sig, (void)info, (void)arg; }
static void on_ill_fault(int sig, const xsig_info_t *info, void *arg) { (void)sig, (void)info, (void)arg; }
static int race_go; /* test_atomic_add */

static void fault_side(void *arg)
{
  (void)arg;
  while (!test_atomic_add(&race_go, 0)) {
  }
  xsig_on_fault(XSIG_ILL, on_ill_fault, NULL);
}

TEST_IMPL(fault_and_action_one_lock)
{
  struct sigaction sa, now, before;
  test_thread_t t;
  int i, wrong = 0;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = foreign_ill;
  sigemptyset(&sa.sa_mask);
  ASSERT_OK(sigaction(SIGILL, &sa, &before));
  for (i = 0; i < 1000; i++) {
    ASSERT_OK(xsig_init());
    test_atomic_add(&race_go, -test_atomic_add(&race_go, 0));
    ASSERT_OK(test_thread_start(&t, fault_side, NULL));
    test_atomic_add(&race_go, 1);
    ASSERT_OK(xsig_handle(XSIG_ILL, ill_handler));
    test_thread_join(&t);
    ASSERT_OK(xsig_shutdown());
    ASSERT_OK(sigaction(SIGILL, NULL, &now));
    wrong += now.sa_handler != foreign_ill;
    ASSERT_OK(sigaction(SIGILL, &sa, NULL));
  }
  ASSERT_OK(sigaction(SIGILL, &before, NULL));
  ASSERT_EQ(wrong, 0);
  return 0;
}
#endif
