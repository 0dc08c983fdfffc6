/* SPDX-License-Identifier: MIT */
/* POSIX faults. The trampoline of src/unix/signal.c hands over every fault
 * the CPU raised (si_code > 0) and every abort() (ABRT by tkill from this
 * process); here the fault handler runs at once, in signal context, on the
 * alternate stack; then the default action: report, SIG_DFL, and the fault
 * recurs (or ABRT is raised again) and ends the process with the signal. */
#include <dlfcn.h>
#ifdef XSIG_HAVE_EXECINFO
#include <execinfo.h>
#endif
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>
#include "internal.h"
#include "extras.h"

/* glibc's backtrace() steps through the signal frame with the compiler's
 * unwinder. A C library without it (musl) gets none: Debian's libgcc_eh for
 * musl-gcc calls glibc's _dl_find_object, and walking frame pointers would
 * read memory that may not be there from inside a fault. */
#ifdef XSIG_HAVE_EXECINFO
static int stack_frames(void **frames, int max)
{
  return backtrace(frames, max);
}
#else
static int stack_frames(void **frames, int max)
{
  (void)frames, (void)max;
  return 0;
}
#endif

#define ALT_STACK_SIZE (64 * 1024)
#define MAX_FRAMES 64

static int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
static int enabled;
static pthread_key_t stack_key;
static pthread_once_t stack_key_once = PTHREAD_ONCE_INIT;
static XSIG__TLS int in_fault;


static void free_alt_stack(void *mem)
{
  stack_t off;
  memset(&off, 0, sizeof off);
  off.ss_flags = SS_DISABLE;
  sigaltstack(&off, NULL);
  munmap(mem, ALT_STACK_SIZE + (size_t)sysconf(_SC_PAGESIZE));
}

static void make_stack_key(void)
{
  pthread_key_create(&stack_key, free_alt_stack);
}

int xsig__os_fault_stack(void)
{
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  stack_t st, old;
  char *mem;
  pthread_once(&stack_key_once, make_stack_key);
  if (pthread_getspecific(stack_key) != NULL)
    return 0;
  if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
    return 0; /* the program gave this thread one already */
  /* a guard page below: an overflow of the fault stack faults, not corrupts */
  mem = mmap(NULL, ALT_STACK_SIZE + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    return XSIG_ENOMEM;
  mprotect(mem, page, PROT_NONE);
  st.ss_sp = mem + page;
  st.ss_size = ALT_STACK_SIZE;
  st.ss_flags = 0;
  if (sigaltstack(&st, NULL) != 0) {
    munmap(mem, ALT_STACK_SIZE + page);
    return XSIG_ESYS;
  }
  pthread_setspecific(stack_key, mem);
  return 0;
}

int xsig__os_fault_enable(void)
{
  void *warm[2];
  size_t i;
  if (enabled)
    return 0;
  /* backtrace() loads the unwinder on first use (malloc, dlopen): do it
   * now, not in a fault */
  stack_frames(warm, 2);
  for (i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
    if (xsig__unix_install_trampoline(fault_signals[i]) != 0)
      return XSIG_ESYS;
  enabled = 1;
  return 0;
}

void xsig__os_fault_disable(void)
{
  size_t i;
  if (!enabled)
    return;
  enabled = 0;
  for (i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
    xsig__os_restore(fault_signals[i]);
}

int xsig__unix_fault_active(void)
{
  return enabled;
}

void xsig__os_report_write(xsig_os_handle_t out, const char *buf, size_t len)
{
  while (len > 0) {
    ssize_t n = write(out, buf, len);
    if (n <= 0)
      return;
    buf += n, len -= (size_t)n;
  }
}


static uintptr_t context_pc(const ucontext_t *uc)
{
#if defined(__x86_64__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
  return (uintptr_t)uc->uc_mcontext.pc;
#else
# error "xsig: src/unix/fault.c does not know where this architecture keeps the pc in ucontext_t"
#endif
}

static uintptr_t context_sp(const ucontext_t *uc)
{
#if defined(__x86_64__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
  return (uintptr_t)uc->uc_mcontext.sp;
#else
  /* without it every fault near address 0 would read as a stack overflow */
# error "xsig: src/unix/fault.c does not know where this architecture keeps the sp in ucontext_t"
#endif
}

/* A general-protection fault from a privileged instruction arrives as SEGV
 * with si_code SI_KERNEL and no address; Windows says "privileged
 * instruction" (ILL). Decode the usual ones so both say the same. */
static int is_privileged_instruction(const unsigned char *pc)
{
#if defined(__x86_64__)
  int i;
  for (i = 0; i < 4 && ((pc[i] & 0xF0) == 0x40 || pc[i] == 0x66 || pc[i] == 0xF3); i++) {
  }
  pc += i;
  switch (pc[0]) {
  case 0xF4: case 0xFA: case 0xFB:             /* hlt, cli, sti */
  case 0xE4: case 0xE5: case 0xE6: case 0xE7:  /* in, out imm8 */
  case 0xEC: case 0xED: case 0xEE: case 0xEF:  /* in, out dx */
  case 0x6C: case 0x6D: case 0x6E: case 0x6F:  /* ins, outs */
    return 1;
  case 0x0F: /* clts, invd, wbinvd, mov cr/dr, wrmsr, rdmsr */
    return pc[1] == 0x06 || pc[1] == 0x08 || pc[1] == 0x09 || (pc[1] >= 0x20 && pc[1] <= 0x23) ||
           pc[1] == 0x30 || pc[1] == 0x32;
  }
#endif
  (void)pc;
  return 0;
}

static void info_from_fault(int sig, const siginfo_t *si, const ucontext_t *uc, xsig_info_t *info)
{
  uintptr_t sp = context_sp(uc), addr = (uintptr_t)si->si_addr;
  memset(info, 0, sizeof *info);
  info->signo = sig;
  info->code = XSIG_SI_FAULT;
  info->subcode = si->si_code;
  info->os_code = (uint32_t)si->si_code;
  info->addr = si->si_addr;
  if (sig == SIGABRT) {
    info->subcode = XSIG_ABRT_ABORT;
    info->pid = getpid();
    info->addr = NULL;
  } else if (sig == SIGSEGV && si->si_code == SI_KERNEL &&
             is_privileged_instruction((const unsigned char *)context_pc(uc))) {
    info->signo = XSIG_ILL;
    info->subcode = XSIG_ILL_PRVOPC;
    info->addr = (void *)context_pc(uc);
  } else if (sig == SIGSEGV && si->si_code == SI_KERNEL) {
    info->subcode = XSIG_SEGV_MAPERR; /* a non-canonical address: never mapped */
  } else if (sig == SIGSEGV && addr + 65536 > sp && addr < sp + 4096) {
    /* near the stack pointer: a frame that did not fit (the access can be
     * a little above sp, into a frame just allocated) */
    info->subcode = XSIG_SEGV_STACK;
  } else if (sig == SIGILL && si->si_code == ILL_ILLOPN) {
    info->subcode = XSIG_ILL_ILLOPC; /* x86 Linux says "operand" for every #UD */
  }
}

static void report_frame(int n, void *pc)
{
  struct xsig__line l;
  Dl_info dl;
  l.len = 0;
  xsig__line_str(&l, "xsig:   #");
  xsig__line_dec(&l, (uint64_t)n);
  xsig__line_str(&l, " ");
  xsig__line_hex(&l, (uint64_t)(uintptr_t)pc);
  if (dladdr(pc, &dl) && dl.dli_fname) {
    if (dl.dli_sname) {
      xsig__line_str(&l, " ");
      xsig__line_str(&l, dl.dli_sname);
      xsig__line_str(&l, "+");
      xsig__line_hex(&l, (uint64_t)((uintptr_t)pc - (uintptr_t)dl.dli_saddr));
    }
    xsig__line_str(&l, " (");
    xsig__line_str(&l, dl.dli_fname);
    xsig__line_str(&l, "+");
    xsig__line_hex(&l, (uint64_t)((uintptr_t)pc - (uintptr_t)dl.dli_fbase));
    xsig__line_str(&l, ")");
  }
  xsig__line_end(&l);
}

/* xsig_crash_dump: the kernel writes the dump (a core). */
static xsig__atomic_long core_asked;

static void report_core(void)
{
  struct xsig__line l;
  struct rlimit rl;
  if (!xsig__atomic_load(&core_asked))
    return;
  l.len = 0;
  if (getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0) {
    xsig__line_str(&l, "xsig: no core dump: the hard RLIMIT_CORE is 0");
  } else {
    xsig__line_str(&l, "xsig: core dump left to the kernel (RLIMIT_CORE ");
    if (rl.rlim_cur == RLIM_INFINITY)
      xsig__line_str(&l, "unlimited");
    else
      xsig__line_dec(&l, (uint64_t)rl.rlim_cur);
    xsig__line_str(&l, "; where: /proc/sys/kernel/core_pattern)");
  }
  xsig__line_end(&l);
}

int xsig__os_crash_dump(int on)
{
  struct rlimit rl;
  if (on) {
    if (getrlimit(RLIMIT_CORE, &rl) != 0)
      return XSIG_ESYS;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_CORE, &rl) != 0)
      return XSIG_ESYS;
  }
  xsig__atomic_store(&core_asked, on);
  return 0;
}

int xsig__os_set_dump_dir(const char *dir)
{
  (void)dir;
  return XSIG_ENOSYS;
}

int xsig__os_dump_path(int64_t pid, char *buf, size_t size)
{
  (void)pid, (void)buf, (void)size;
  return XSIG_ENOSYS;
}

/* The frames from the faulting instruction outward: backtrace() starts in
 * this handler and steps through the signal frame. */
static void report(const xsig_info_t *info, const ucontext_t *uc)
{
  void *frames[MAX_FRAMES];
  uintptr_t pc = context_pc(uc);
  int n = stack_frames(frames, MAX_FRAMES), i, first = 0;
  xsig__report_header(info, xsig__unix_thread_id());
  if (n == 0) {
    struct xsig__line l;
    l.len = 0;
    xsig__line_str(&l, "xsig: no backtrace: this C library has no backtrace() (built without execinfo.h)");
    xsig__line_end(&l);
  }
  for (i = 0; i < n; i++)
    if ((uintptr_t)frames[i] == pc) {
      first = i;
      break;
    }
  for (i = first; i < n; i++)
    report_frame(i - first, frames[i]);
  report_core();
}

/* The fault's default action, from its handler. */
void xsig__unix_fault_default(int sig)
{
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, NULL);
  /* A fault recurs when we return; abort() and raise() need it again
   * (blocked until we return, then the default action). */
  if (sig == SIGABRT)
    raise(SIGABRT);
}

void xsig__unix_fault(int sig, siginfo_t *si, void *uc)
{
  xsig_info_t info;
  xsig_handler_t fn;
  void *arg;
  info_from_fault(sig, si, uc, &info);
  fn = xsig__fault_handler(info.signo, &arg);
  if (fn && !in_fault) {
    in_fault = 1;
    fn(info.signo, &info, arg);
    in_fault = 0;
  }
  if (xsig__report_on())
    report(&info, uc);
  xsig__unix_fault_default(sig);
}

void xsig__os_fault_leave(void)
{
  in_fault = 0;
}

xsig_os_handle_t xsig__os_std_handle(int n)
{
  return n;
}
