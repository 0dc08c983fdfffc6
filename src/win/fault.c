/* SPDX-License-Identifier: MIT */
/* Windows faults. A vectored exception handler, registered last, takes the
 * error exceptions of docs/faults.md; the unhandled-exception filter takes
 * what frame-based handlers declined. abort() arrives through the C
 * runtime's SIGABRT. The fault handler runs inside the exception handler on
 * the faulting thread; xsig_longjmp leaves it by a longjmp (the unwinder
 * goes through the exception dispatcher's frames, as __except does). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "internal.h"

/* What differs between x64 and x86 is kept in the few functions of the
 * block "--- the processor" below. */
#if defined(_M_X64) || defined(__x86_64__)
# define XSIG__WIN_X64 1
#elif defined(_M_IX86) || defined(__i386__)
# define XSIG__WIN_X86 1
#else
# error "src/win/fault.c reads x64 and x86 contexts only: an ARM64 port needs its context, unwinding and FP status here"
#endif

/* Out of line: the functions that copy a CONTEXT (1.2 KiB on x64) run on
 * the fault thread and must not be inlined into the faulting thread's
 * path, which may have no stack left (clang did: the stack overflow test
 * hung). */
#if defined(_MSC_VER)
# define NOINLINE __declspec(noinline)
#elif defined(__GNUC__)
# define NOINLINE __attribute__((noinline))
#else
# define NOINLINE
#endif

#define MAX_FRAMES 64
#define STACK_GUARANTEE (64 * 1024)
#define CPP_EXCEPTION 0xE06D7363u
#define CLR_EXCEPTION 0xE0434352u

static PVOID veh;
static LPTOP_LEVEL_EXCEPTION_FILTER previous_filter;
static void (__cdecl *previous_abort)(int);
static int abort_hooked;
static XSIG__TLS int in_fault;
static XSIG__TLS int guaranteed;

/* SSE status flags that are set and not masked: which fault it was. */
static int fpe_from_mxcsr(DWORD mxcsr)
{
  DWORD raised = mxcsr & 0x3F & ~((mxcsr >> 7) & 0x3F);
  if (raised & 0x04) return XSIG_FPE_FLTDIV;
  if (raised & 0x01) return XSIG_FPE_FLTINV;
  if (raised & 0x08) return XSIG_FPE_FLTOVF;
  if (raised & 0x10) return XSIG_FPE_FLTUND;
  if (raised & 0x20) return XSIG_FPE_FLTRES;
  if (raised & 0x02) return XSIG_FPE_FLTUND; /* denormal operand */
  return XSIG_FPE_FLTINV;
}

#ifdef XSIG__WIN_X64
static DWORD context_mxcsr(const CONTEXT *ctx) { return ctx->MxCsr; }
#else
/* In the FXSAVE area of the context, when the system filled it in. */
static DWORD context_mxcsr(const CONTEXT *ctx)
{
  DWORD mxcsr = 0;
  if ((ctx->ContextFlags & CONTEXT_EXTENDED_REGISTERS) == CONTEXT_EXTENDED_REGISTERS)
    memcpy(&mxcsr, ctx->ExtendedRegisters + 24, sizeof mxcsr);
  return mxcsr;
}
#endif

/* A reserved or free page: nothing mapped there. */
static int is_unmapped(const void *addr)
{
  MEMORY_BASIC_INFORMATION mbi;
  return VirtualQuery(addr, &mbi, sizeof mbi) == 0 || mbi.State != MEM_COMMIT;
}

/* Exceptions that are faults, and what they are (docs/faults.md). An
 * access violation's subcode and an SSE trap's kind are worked out below. */
static const struct fault_kind {
  DWORD code;
  int signo, subcode;
  int data_address; /* addr is ExceptionInformation[1], not the instruction */
} kinds[] = {
  { EXCEPTION_ACCESS_VIOLATION, XSIG_SEGV, 0, 1 },
  { EXCEPTION_STACK_OVERFLOW, XSIG_SEGV, XSIG_SEGV_STACK, 0 },
  { EXCEPTION_IN_PAGE_ERROR, XSIG_BUS, XSIG_BUS_OBJERR, 1 },
  { EXCEPTION_ILLEGAL_INSTRUCTION, XSIG_ILL, XSIG_ILL_ILLOPC, 0 },
  { EXCEPTION_PRIV_INSTRUCTION, XSIG_ILL, XSIG_ILL_PRVOPC, 0 },
  { EXCEPTION_INT_DIVIDE_BY_ZERO, XSIG_FPE, XSIG_FPE_INTDIV, 0 },
  { EXCEPTION_INT_OVERFLOW, XSIG_FPE, XSIG_FPE_INTOVF, 0 },
  { EXCEPTION_ARRAY_BOUNDS_EXCEEDED, XSIG_FPE, XSIG_FPE_FLTSUB, 0 },
  { EXCEPTION_FLT_DIVIDE_BY_ZERO, XSIG_FPE, XSIG_FPE_FLTDIV, 0 },
  { EXCEPTION_FLT_OVERFLOW, XSIG_FPE, XSIG_FPE_FLTOVF, 0 },
  { EXCEPTION_FLT_UNDERFLOW, XSIG_FPE, XSIG_FPE_FLTUND, 0 },
  { EXCEPTION_FLT_DENORMAL_OPERAND, XSIG_FPE, XSIG_FPE_FLTUND, 0 },
  { EXCEPTION_FLT_INEXACT_RESULT, XSIG_FPE, XSIG_FPE_FLTRES, 0 },
  { EXCEPTION_FLT_INVALID_OPERATION, XSIG_FPE, XSIG_FPE_FLTINV, 0 },
  { EXCEPTION_FLT_STACK_CHECK, XSIG_FPE, XSIG_FPE_FLTINV, 0 },
  { 0xC00002B4u /* STATUS_FLOAT_MULTIPLE_FAULTS */, XSIG_FPE, 0, 0 },
  { 0xC00002B5u /* STATUS_FLOAT_MULTIPLE_TRAPS */, XSIG_FPE, 0, 0 },
};

/* The signal and subcode of an exception; 0 if it is not a fault of ours. */
static int map_exception(const EXCEPTION_RECORD *rec, const CONTEXT *ctx, xsig_info_t *info)
{
  size_t i;
  memset(info, 0, sizeof *info);
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (kinds[i].code == rec->ExceptionCode)
      break;
  if (i == sizeof kinds / sizeof kinds[0])
    return 0;
  info->signo = kinds[i].signo;
  info->code = XSIG_SI_FAULT;
  info->subcode = kinds[i].subcode;
  info->os_code = rec->ExceptionCode;
  info->addr = rec->ExceptionAddress;
  if (kinds[i].data_address)
    info->addr = rec->NumberParameters >= 2 ? (void *)rec->ExceptionInformation[1] : NULL;
  if (rec->ExceptionCode == EXCEPTION_ACCESS_VIOLATION)
    info->subcode = is_unmapped(info->addr) ? XSIG_SEGV_MAPERR : XSIG_SEGV_ACCERR;
  else if (info->subcode == 0) /* SSE: MXCSR says which */
    info->subcode = fpe_from_mxcsr(context_mxcsr(ctx));
  return 1;
}

static int readable(ULONG_PTR addr)
{
  MEMORY_BASIC_INFORMATION mbi;
  return VirtualQuery((LPCVOID)addr, &mbi, sizeof mbi) != 0 && mbi.State == MEM_COMMIT &&
         (mbi.Protect & (PAGE_READONLY | PAGE_READWRITE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE)) &&
         !(mbi.Protect & PAGE_GUARD);
}

/* Read once at init: no loader lock while handling a fault. */
static ULONG_PTR system_modules[3];

/* The program's own name, for a report: an executable seldom has an
 * export directory to read it from. */
static ULONG_PTR exe_base;
static char exe_name[MAX_PATH];

static void find_modules(void)
{
  static const wchar_t *const names[] = { L"ntdll.dll", L"kernel32.dll", L"kernelbase.dll" };
  wchar_t path[MAX_PATH], *base;
  size_t i;
  for (i = 0; i < 3; i++)
    system_modules[i] = (ULONG_PTR)GetModuleHandleW(names[i]);
  exe_base = (ULONG_PTR)GetModuleHandleW(NULL);
  exe_name[0] = 0;
  if (GetModuleFileNameW(NULL, path, MAX_PATH) > 0) {
    base = wcsrchr(path, L'\\');
    WideCharToMultiByte(CP_UTF8, 0, base ? base + 1 : path, -1, exe_name, MAX_PATH, NULL, NULL);
  }
}

static int is_system_module(ULONG_PTR base)
{
  return base && (base == system_modules[0] || base == system_modules[1] || base == system_modules[2]);
}

void xsig__os_report_write(xsig_os_handle_t out, const char *buf, size_t len)
{
  DWORD n;
  WriteFile(out, buf, (DWORD)len, &n, NULL);
}

/* The nearest export at or below rva (not a forwarder): where the function
 * that holds rva starts, when nothing better says so. 0 if none. */
static DWORD nearest_export(const unsigned char *base, const IMAGE_NT_HEADERS *nt,
                            const IMAGE_EXPORT_DIRECTORY *ex, DWORD rva)
{
  const IMAGE_DATA_DIRECTORY *exd = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
  const DWORD *funcs = (const DWORD *)(base + ex->AddressOfFunctions);
  DWORD best = 0, i;
  for (i = 0; i < ex->NumberOfFunctions; i++)
    if (funcs[i] <= rva && funcs[i] > best &&
        (funcs[i] < exd->VirtualAddress || funcs[i] >= exd->VirtualAddress + exd->Size))
      best = funcs[i];
  return best;
}

/* --- the processor: a frame's way out, and what the system knows of it -- */

#ifdef XSIG__WIN_X64
static ULONG_PTR context_pc(const CONTEXT *ctx) { return (ULONG_PTR)ctx->Rip; }

/* Moves ctx one frame out through the function table; 0 if it cannot.
 * *handler_image: the image of a frame whose function has an exception
 * handler (0: none). */
static int step_out(CONTEXT *ctx, ULONG_PTR *handler_image)
{
  DWORD64 base = 0, frame = 0;
  PVOID data = NULL;
  PRUNTIME_FUNCTION fe = RtlLookupFunctionEntry(ctx->Rip, &base, NULL);
  *handler_image = 0;
  if (fe == NULL) { /* a leaf: the return address is on top */
    if (!readable((ULONG_PTR)ctx->Rsp))
      return 0;
    ctx->Rip = *(DWORD64 *)ctx->Rsp;
    ctx->Rsp += 8;
    return 1;
  }
  if (RtlVirtualUnwind(UNW_FLAG_EHANDLER, base, ctx->Rip, fe, ctx, &data, &frame, NULL))
    *handler_image = (ULONG_PTR)base;
  return 1;
}

/* Unwinding needs stack: a faulting thread asks the fault thread. */
#define CHECK_NEEDS_STACK 1

/* Would a frame-based handler (__try/__except, a language runtime) on the
 * faulting stack see this exception? The system's own outermost frames do
 * not count: they lead to the unhandled-exception filter. */
static NOINLINE int frame_handler_exists(const CONTEXT *fault)
{
  CONTEXT ctx = *fault;
  ULONG_PTR image;
  int i;
  for (i = 0; i < MAX_FRAMES && ctx.Rip; i++) {
    if (!step_out(&ctx, &image))
      break;
    if (image && !is_system_module(image))
      return 1;
  }
  return 0;
}

/* x64 lets a leaf function go without an entry in the function table
 * (clang leaves them out; gcc does not). Where the function that holds pc
 * starts: its table entry, else the nearest export if no function of the
 * table starts between the two; 0 if that cannot be told. */
static DWORD function_start(ULONG_PTR pc, const unsigned char *base, const IMAGE_NT_HEADERS *nt,
                            const IMAGE_EXPORT_DIRECTORY *ex, DWORD rva)
{
  const IMAGE_DATA_DIRECTORY *fnd = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXCEPTION];
  const RUNTIME_FUNCTION *fn = (const RUNTIME_FUNCTION *)(base + fnd->VirtualAddress);
  DWORD64 image = 0;
  PRUNTIME_FUNCTION fe = RtlLookupFunctionEntry(pc, &image, NULL);
  DWORD best, i, n = fnd->Size / sizeof *fn;
  if (fe)
    return image == (DWORD64)(ULONG_PTR)base ? fe->BeginAddress : 0;
  best = ex ? nearest_export(base, nt, ex, rva) : 0;
  for (i = 0; best && fnd->VirtualAddress && i < n; i++)
    if (fn[i].BeginAddress > best && fn[i].BeginAddress <= rva)
      return 0;
  return best;
}
#else /* x86 */
static ULONG_PTR context_pc(const CONTEXT *ctx) { return (ULONG_PTR)ctx->Eip; }

/* x86 Windows has no unwind tables: the frame-pointer chain (the build
 * keeps frame pointers: cmake/mingw-w64-i686.cmake; MSVC keeps them with
 * /Oy-). Stops where a frame does not lead further up the stack. */
static int step_out(CONTEXT *ctx, ULONG_PTR *handler_image)
{
  ULONG_PTR fp = ctx->Ebp;
  *handler_image = 0;
  if (fp < ctx->Esp || !readable(fp) || !readable(fp + sizeof(ULONG_PTR)))
    return 0;
  ctx->Eip = ((const ULONG_PTR *)fp)[1];
  ctx->Ebp = ((const ULONG_PTR *)fp)[0];
  ctx->Esp = fp + 2 * sizeof(ULONG_PTR);
  return 1;
}

/* The thread's own handler chain is read in place: no stack needed. */
#define CHECK_NEEDS_STACK 0

/* An x86 thread's frame-based handlers are a chain that starts in its
 * TEB; those of the system's own modules lead to the unhandled-exception
 * filter. Only on the faulting thread. */
static const void *handler_chain(void)
{
#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC diagnostic push
# pragma GCC diagnostic ignored "-Warray-bounds" /* gcc 12 takes mingw's fs: read for an array */
#endif
  return ((NT_TIB *)NtCurrentTeb())->ExceptionList;
#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC diagnostic pop
#endif
}

static NOINLINE int frame_handler_exists(const CONTEXT *fault)
{
  struct record { struct record *next; void *handler; };
  const struct record *r = (const struct record *)handler_chain();
  PVOID image;
  int i;
  (void)fault;
  for (i = 0; i < MAX_FRAMES && r && r != (const struct record *)(LONG_PTR)-1; i++, r = r->next) {
    if (!readable((ULONG_PTR)r))
      break;
    if (RtlPcToFileHeader(r->handler, &image) && !is_system_module((ULONG_PTR)image))
      return 1;
  }
  return 0;
}

static DWORD function_start(ULONG_PTR pc, const unsigned char *base, const IMAGE_NT_HEADERS *nt,
                            const IMAGE_EXPORT_DIRECTORY *ex, DWORD rva)
{
  (void)pc;
  return ex ? nearest_export(base, nt, ex, rva) : 0;
}
#endif

/* The module's name, and the exported name of the function pc is in if it
 * has one, read from the export directory and the function table: no
 * DbgHelp, no loader lock, no allocation. */
static void describe_pc(struct xsig__line *l, ULONG_PTR pc)
{
  PVOID base_ptr = NULL;
  const unsigned char *base;
  const IMAGE_NT_HEADERS *nt;
  const IMAGE_DATA_DIRECTORY *dir;
  const IMAGE_EXPORT_DIRECTORY *ex;
  const DWORD *names, *funcs;
  const WORD *ords;
  DWORD i, rva, start;
  if (RtlPcToFileHeader((PVOID)pc, &base_ptr) == NULL)
    return;
  base = base_ptr;
  rva = (DWORD)(pc - (ULONG_PTR)base);
  nt = (const IMAGE_NT_HEADERS *)(base + ((const IMAGE_DOS_HEADER *)base)->e_lfanew);
  dir = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
  ex = dir->VirtualAddress ? (const IMAGE_EXPORT_DIRECTORY *)(base + dir->VirtualAddress) : NULL;
  start = function_start(pc, base, nt, ex, rva);
  if (ex && start) {
    names = (const DWORD *)(base + ex->AddressOfNames);
    funcs = (const DWORD *)(base + ex->AddressOfFunctions);
    ords = (const WORD *)(base + ex->AddressOfNameOrdinals);
    for (i = 0; i < ex->NumberOfNames; i++)
      if (funcs[ords[i]] == start) {
        xsig__line_str(l, " ");
        xsig__line_str(l, (const char *)(base + names[i]));
        xsig__line_str(l, "+");
        xsig__line_hex(l, rva - start);
        break;
      }
  }
  xsig__line_str(l, " (");
  if (ex) {
    xsig__line_str(l, (const char *)(base + ex->Name));
  } else if ((ULONG_PTR)base == exe_base && exe_name[0]) {
    xsig__line_str(l, exe_name);
  } else {
    xsig__line_str(l, "module ");
    xsig__line_hex(l, (uint64_t)(ULONG_PTR)base);
  }
  xsig__line_str(l, "+");
  xsig__line_hex(l, rva);
  xsig__line_str(l, ")");
}

/* xsig_crash_dump: a minidump of us, the faulting thread and its
 * exception in it (er NULL for abort(): no exception). */
static void report_dump(const EXCEPTION_RECORD *er, const CONTEXT *fault, DWORD tid)
{
  struct xsig__line l;
  EXCEPTION_RECORD rec;
  CONTEXT ctx = *fault;
  EXCEPTION_POINTERS ep;
  wchar_t path[MAX_PATH];
  char name[MAX_PATH * 3];
  int err;
  if (er)
    rec = *er;
  ep.ExceptionRecord = er ? &rec : NULL;
  ep.ContextRecord = &ctx;
  err = xsig__win_write_dump(GetCurrentProcess(), tid, er ? &ep : NULL, path, MAX_PATH);
  l.len = 0;
  if (err == 0 && WideCharToMultiByte(CP_UTF8, 0, path, -1, name, (int)sizeof name, NULL, NULL) > 0) {
    xsig__line_str(&l, "xsig: minidump written to ");
    xsig__line_str(&l, name);
  } else {
    xsig__line_str(&l, "xsig: no minidump: ");
    xsig__line_str(&l, err == XSIG_ENOENT ? "dumps are off" : xsig_strerror(err));
  }
  xsig__line_end(&l);
}

/* Walks the faulting thread's frames from the exception's context. */
static NOINLINE void report(const xsig_info_t *info, const EXCEPTION_RECORD *er, const CONTEXT *fault, DWORD tid)
{
  CONTEXT ctx = *fault;
  int i;
  xsig__report_header(info, tid);
  for (i = 0; i < MAX_FRAMES && context_pc(&ctx); i++) {
    struct xsig__line l;
    ULONG_PTR image;
    l.len = 0;
    xsig__line_str(&l, "xsig:   #");
    xsig__line_dec(&l, (uint64_t)i);
    xsig__line_str(&l, " ");
    xsig__line_hex(&l, context_pc(&ctx));
    describe_pc(&l, context_pc(&ctx));
    xsig__line_end(&l);
    if (!step_out(&ctx, &image))
      break;
  }
  if (xsig__win_crash_dump_on())
    report_dump(er, fault, tid);
}

/* A thread of our own answers for a faulting thread: whether a frame
 * handler would take its exception, and its crash report. A faulting
 * thread may have no stack left (a stack overflow: Wine does not keep the
 * SetThreadStackGuarantee space) or a broken one; it only hands over its
 * context and waits. Made when fault handling is first asked for. */
enum request { REQ_CHECK = 1, REQ_REPORT, REQ_STOP };

static HANDLE service, service_request, service_done;
static DWORD service_tid;
static SRWLOCK service_lock = SRWLOCK_INIT;
static xsig__atomic_long report_taken;
static enum request req;
static const xsig_info_t *req_info;
static const CONTEXT *req_ctx;
static const EXCEPTION_RECORD *req_rec;
static DWORD req_tid, req_exit;
static int req_result;

static DWORD WINAPI service_main(LPVOID unused)
{
  (void)unused;
  for (;;) {
    WaitForSingleObject(service_request, INFINITE);
    switch (req) {
    case REQ_CHECK:
      req_result = frame_handler_exists(req_ctx);
      SetEvent(service_done);
      break;
    case REQ_REPORT:
      report(req_info, req_rec, req_ctx, req_tid);
      xsig__win_ending(XSIG__END_CODE, req_exit);
      TerminateProcess(GetCurrentProcess(), req_exit);
      break;
    case REQ_STOP:
      return 0;
    }
  }
}

static int start_service(void)
{
  if (service)
    return 0;
  service_request = CreateEventW(NULL, FALSE, FALSE, NULL);
  service_done = CreateEventW(NULL, FALSE, FALSE, NULL);
  if (service_request && service_done)
    service = CreateThread(NULL, 256 * 1024, service_main, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION,
                           &service_tid);
  if (service == NULL) {
    if (service_request)
      CloseHandle(service_request);
    if (service_done)
      CloseHandle(service_done);
    service_request = service_done = NULL;
    return XSIG_ESYS;
  }
  return 0;
}

static void stop_service(void)
{
  if (service == NULL)
    return;
  AcquireSRWLockExclusive(&service_lock);
  req = REQ_STOP;
  SetEvent(service_request);
  WaitForSingleObject(service, INFINITE);
  ReleaseSRWLockExclusive(&service_lock);
  CloseHandle(service);
  CloseHandle(service_request);
  CloseHandle(service_done);
  service = service_request = service_done = NULL;
}

static int would_frame_handler_take(const CONTEXT *ctx)
{
  int r;
  if (!CHECK_NEEDS_STACK || service == NULL || GetCurrentThreadId() == service_tid)
    return frame_handler_exists(ctx);
  AcquireSRWLockExclusive(&service_lock);
  req = REQ_CHECK;
  req_ctx = ctx;
  SetEvent(service_request);
  WaitForSingleObject(service_done, INFINITE);
  r = req_result;
  ReleaseSRWLockExclusive(&service_lock);
  return r;
}

/* Default action: the report, then the end with the exception's own code.
 * Only the first faulting thread reports; any other waits for the end. */
static void die(const xsig_info_t *info, const EXCEPTION_RECORD *er, const CONTEXT *ctx, DWORD exit_code)
{
  if (xsig__report_on() && xsig__atomic_exchange(&report_taken, 1) == 0) {
    if (service && GetCurrentThreadId() != service_tid) {
      AcquireSRWLockExclusive(&service_lock);
      req = REQ_REPORT;
      req_info = info;
      req_ctx = ctx;
      req_rec = er;
      req_tid = GetCurrentThreadId();
      req_exit = exit_code;
      SetEvent(service_request);
      /* A minidump takes 1-3 s, and over 10 s on a loaded machine (seen
       * under Wine, crash_report_dumps_on_request): the end waits that
       * long for the report, not for ever. */
      WaitForSingleObject(service, 30000);
    } else {
      report(info, er, ctx, GetCurrentThreadId());
    }
  }
  xsig__win_ending(XSIG__END_CODE, exit_code);
  TerminateProcess(GetCurrentProcess(), exit_code);
  ExitProcess(exit_code); /* not reached */
}

static void run_handler(const xsig_info_t *info)
{
  void *arg;
  xsig_handler_t fn = xsig__fault_handler(info->signo, &arg);
  xsig_sigset_t mask, during;
  if (fn == NULL || in_fault)
    return; /* a fault inside a fault handler: straight to the end */
  xsig__os_mask_get(&mask);
  during = mask;
  xsig__set_add(&during, info->signo);
  xsig__os_mask_set(&during);
  in_fault = 1;
  fn(info->signo, info, arg);
  in_fault = 0;
  xsig__os_mask_set(&mask);
}

static LONG take_fault(EXCEPTION_POINTERS *ep, const xsig_info_t *info)
{
  run_handler(info); /* returns only if the handler did not jump */
  die(info, ep->ExceptionRecord, ep->ContextRecord, ep->ExceptionRecord->ExceptionCode);
  return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK on_exception(EXCEPTION_POINTERS *ep)
{
  xsig_info_t info;
  if (!map_exception(ep->ExceptionRecord, ep->ContextRecord, &info) ||
      !xsig__fault_wanted(info.signo))
    return EXCEPTION_CONTINUE_SEARCH;
  /* their __except first; if it declines, the filter below takes it */
  if (would_frame_handler_take(ep->ContextRecord))
    return EXCEPTION_CONTINUE_SEARCH;
  return take_fault(ep, &info);
}

/* An exception nobody handled ends the process now, with its own code as
 * the exit code (0xC0000005 decodes to SEGV), instead of a debugger or an
 * error-report dialog (Wine starts winedbg). Not for exceptions that are
 * not errors, nor C++ and CLR ones: their runtimes decide. A filter
 * installed before xsig is asked first. */
static LONG WINAPI on_unhandled(EXCEPTION_POINTERS *ep)
{
  DWORD code = ep->ExceptionRecord->ExceptionCode;
  xsig_info_t info;
  if (previous_filter) {
    LONG r = previous_filter(ep);
    if (r != EXCEPTION_CONTINUE_SEARCH)
      return r;
  }
  if ((code & 0xC0000000u) != 0xC0000000u || code == CPP_EXCEPTION || code == CLR_EXCEPTION)
    return EXCEPTION_CONTINUE_SEARCH;
  if (map_exception(ep->ExceptionRecord, ep->ContextRecord, &info) && xsig__fault_wanted(info.signo))
    return take_fault(ep, &info);
  xsig__win_ending(XSIG__END_CODE, code);
  TerminateProcess(GetCurrentProcess(), code);
  return EXCEPTION_EXECUTE_HANDLER;
}

/* abort(): the C runtime raises SIGABRT first; we never return to it, so
 * it shows no message and no dialog. */
static void __cdecl on_crt_abort(int sig)
{
  xsig_info_t info;
  CONTEXT ctx;
  (void)sig;
  memset(&info, 0, sizeof info);
  info.signo = XSIG_ABRT;
  info.code = XSIG_SI_FAULT;
  info.subcode = XSIG_ABRT_ABORT;
  info.pid = (int64_t)GetCurrentProcessId();
  info.os_code = xsig_win_exit_code(XSIG_ABRT);
  run_handler(&info);
  RtlCaptureContext(&ctx);
  die(&info, NULL, &ctx, xsig_win_exit_code(XSIG_ABRT));
}

/* Only once the program asked for fault handling: until then an unhandled
 * exception goes where Windows sends it (Windows Error Reporting, a
 * debugger), as if xsig were not there. */
static int hook_exceptions(void)
{
  if (veh)
    return 0;
  find_modules();
  veh = AddVectoredExceptionHandler(0, on_exception); /* last: others first */
  if (veh == NULL)
    return XSIG_ESYS;
  previous_filter = SetUnhandledExceptionFilter(on_unhandled);
  return 0;
}

static void unhook_exceptions(void)
{
  if (veh == NULL)
    return;
  RemoveVectoredExceptionHandler(veh);
  veh = NULL;
  SetUnhandledExceptionFilter(previous_filter);
  previous_filter = NULL;
}

int xsig__os_fault_enable(void)
{
  if (hook_exceptions() != 0 || start_service() != 0)
    return XSIG_ESYS;
  if (!abort_hooked) {
    previous_abort = signal(SIGABRT, on_crt_abort);
    if (previous_abort == SIG_ERR)
      return XSIG_ESYS;
    abort_hooked = 1;
  }
#if defined(_MSC_VER)
  _set_abort_behavior(0, _WRITE_ABORT_MSG | _CALL_REPORTFAULT);
#endif
  return 0;
}

void xsig__os_fault_disable(void)
{
  unhook_exceptions();
  stop_service();
  if (abort_hooked)
    signal(SIGABRT, previous_abort);
  abort_hooked = 0;
}

int xsig__os_fault_stack(void)
{
  ULONG size = STACK_GUARANTEE;
  if (guaranteed)
    return 0;
  if (!SetThreadStackGuarantee(&size))
    return XSIG_ESYS;
  guaranteed = 1;
  return 0;
}

void xsig__os_fault_leave(void)
{
  in_fault = 0;
}

xsig_os_handle_t xsig__os_std_handle(int n)
{
  static const DWORD which[] = { STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE };
  HANDLE h = GetStdHandle(which[n]);
  return h == INVALID_HANDLE_VALUE ? NULL : h; /* NULL: it has none */
}
