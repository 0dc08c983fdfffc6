/* SPDX-License-Identifier: MIT */
/* Windows threads and wake-up objects for src/thread.c, and the mask a
 * thread gets when it starts (a TLS callback: it runs on every new thread
 * of the process, before the thread's own code). */
#include "internal.h"

struct start {
  void (*fn)(void *);
  void *arg;
};

static DWORD WINAPI thread_main(LPVOID p)
{
  struct start s = *(struct start *)p;
  HeapFree(GetProcessHeap(), 0, p);
  s.fn(s.arg);
  return 0;
}

int xsig__os_thread_create(xsig__thread_t *t, void (*fn)(void *), void *arg)
{
  struct start *s = HeapAlloc(GetProcessHeap(), 0, sizeof *s);
  if (s == NULL)
    return XSIG_ENOMEM;
  s->fn = fn;
  s->arg = arg;
  *t = CreateThread(NULL, 0, thread_main, s, 0, NULL);
  if (*t == NULL) {
    HeapFree(GetProcessHeap(), 0, s);
    return XSIG_ESYS;
  }
  return 0;
}

void xsig__os_thread_join(xsig__thread_t t)
{
  WaitForSingleObject(t, INFINITE);
  CloseHandle(t);
}

void xsig__os_thread_detach(xsig__thread_t t)
{
  CloseHandle(t);
}

int xsig__os_event_open(struct xsig__os_event *e)
{
  e->h = CreateEventW(NULL, TRUE, FALSE, NULL);
  return e->h ? 0 : XSIG_ESYS;
}

void xsig__os_event_set(struct xsig__os_event *e) { SetEvent(e->h); }
void xsig__os_event_clear(struct xsig__os_event *e) { ResetEvent(e->h); }
void xsig__os_event_wait(struct xsig__os_event *e) { WaitForSingleObject(e->h, INFINITE); }

void xsig__os_event_close(struct xsig__os_event *e)
{
  CloseHandle(e->h);
  e->h = NULL;
}

static void NTAPI on_thread_event(PVOID module, DWORD reason, PVOID reserved)
{
  (void)module, (void)reserved;
  if (reason == DLL_THREAD_ATTACH)
    xsig__win_thread_attach();
  else if (reason == DLL_PROCESS_DETACH)
    xsig__win_ending(XSIG__END_UNKNOWN, 0); /* ExitProcess, exit(), a return from main */
}

/* The loader calls the callbacks of the .CRT$XL* sections (the C
 * runtime's TLS directory) for every thread, in an executable and in a
 * DLL alike. The symbol is kept from the linker's garbage collection. */
#if defined(_MSC_VER)
# ifdef _WIN64
#  pragma comment(linker, "/INCLUDE:_tls_used")
#  pragma comment(linker, "/INCLUDE:xsig__tls_callback")
# else
#  pragma comment(linker, "/INCLUDE:__tls_used")
#  pragma comment(linker, "/INCLUDE:_xsig__tls_callback")
# endif
# pragma const_seg(".CRT$XLX")
extern const PIMAGE_TLS_CALLBACK xsig__tls_callback;
const PIMAGE_TLS_CALLBACK xsig__tls_callback = on_thread_event;
# pragma const_seg()
#elif defined(__GNUC__)
const PIMAGE_TLS_CALLBACK xsig__tls_callback __attribute__((section(".CRT$XLX"), used)) = on_thread_event;
#else
# error "src/win/thread.c: a TLS callback needs MSVC's or GCC's section syntax"
#endif
