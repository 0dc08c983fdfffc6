/* SPDX-License-Identifier: MIT */
/* Faults: who handles them, where the crash report goes, and the report's
 * text. Everything read here from a fault handler is read without locks:
 * a fault can come while another thread holds any lock. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A fault handler with its argument, or a report's destination. Never
 * changed once published (a fault may read it at any moment): a new
 * setting is a new record. */
struct record {
  xsig_handler_t fn;
  void *arg;
  xsig_os_handle_t out;
  struct record *next; /* every record made */
};

/* fault_lock guards the making and freeing of records (made); the fault
 * path reads slots and report through atomics only. The kernel's
 * dispositions (POSIX: the trampoline for the fault signals; Windows: the
 * exception hooks) change under the state lock, as xsig_action's do: one
 * lock for what the kernel is told, taken before fault_lock, never under
 * it (xsig_shutdown holds it while it takes fault_lock). */
static xsig__mutex_t fault_lock = XSIG__MUTEX_INIT;
static struct record *made;
static xsig__atomic_ptr slots[XSIG_NSIG]; /* struct record *, NULL: none */
static xsig__atomic_ptr report;           /* struct record *, NULL: off */

static struct record *new_record_locked(void)
{
  struct record *r = calloc(1, sizeof *r);
  if (r) {
    r->next = made;
    made = r;
  }
  return r;
}

int xsig__is_fault_signal(int sig)
{
  return sig == XSIG_SEGV || sig == XSIG_BUS || sig == XSIG_ILL || sig == XSIG_FPE ||
         sig == XSIG_ABRT;
}

static int fault_enable(void)
{
  int err;
  xsig__lock();
  err = xsig__os_fault_enable();
  xsig__unlock();
  return err;
}

int xsig_on_fault(int sig, xsig_handler_t handler, void *arg)
{
  struct record *r = NULL;
  int err;
  if (!xsig__is_fault_signal(sig) || handler == XSIG_IGN)
    return XSIG_EINVAL; /* NULL (XSIG_DFL) removes the handler */
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  err = fault_enable();
  xsig__mutex_lock(&fault_lock);
  if (err == 0 && handler != XSIG_DFL && (r = new_record_locked()) == NULL)
    err = XSIG_ENOMEM;
  if (err == 0) {
    if (r)
      r->fn = handler, r->arg = arg;
    xsig__atomic_store_ptr(&slots[sig], r);
  }
  xsig__mutex_unlock(&fault_lock);
  return err ? err : xsig_fault_stack();
}

int xsig_crash_report(xsig_os_handle_t out)
{
  struct record *r = NULL;
  int err;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  err = fault_enable();
  xsig__mutex_lock(&fault_lock);
  if (err == 0 && out != XSIG__NO_HANDLE && (r = new_record_locked()) == NULL)
    err = XSIG_ENOMEM;
  if (err == 0) {
    if (r)
      r->out = out;
    xsig__atomic_store_ptr(&report, r);
  }
  xsig__mutex_unlock(&fault_lock);
  return err ? err : xsig_fault_stack();
}

#define DUMP_DIR_MAX 259

int xsig_set_dump_dir(const char *dir)
{
  if (dir && strlen(dir) > DUMP_DIR_MAX)
    return XSIG_ERANGE;
  return xsig__os_set_dump_dir(dir);
}

int xsig_dump_path(int64_t pid, char *buf, size_t size)
{
  if (pid <= 0 || pid > 0x7fffffff || buf == NULL || size == 0)
    return XSIG_EINVAL;
  return xsig__os_dump_path(pid, buf, size);
}

int xsig_crash_dump(int on)
{
  if (on != 0 && on != 1)
    return XSIG_EINVAL;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  return xsig__os_crash_dump(on);
}

xsig_handler_t xsig__fault_handler(int sig, void **arg)
{
  struct record *r = xsig__atomic_load_ptr(&slots[sig]);
  *arg = r ? r->arg : NULL;
  return r ? r->fn : NULL;
}

/* Whether xsig takes faults of sig at all (a handler or a report). */
int xsig__fault_wanted(int sig)
{
  return xsig__atomic_load_ptr(&slots[sig]) != NULL || xsig__report_on();
}

/* Called by the last xsig_shutdown, under the state lock: no fault path
 * may run any more. */
void xsig__fault_shutdown(void)
{
  int sig;
  xsig__mutex_lock(&fault_lock);
  xsig__atomic_store_ptr(&report, NULL);
  for (sig = 0; sig < XSIG_NSIG; sig++)
    xsig__atomic_store_ptr(&slots[sig], NULL);
  while (made) {
    struct record *r = made;
    made = r->next;
    free(r);
  }
  xsig__os_fault_disable();
  xsig__mutex_unlock(&fault_lock);
}

const char *xsig_fault_describe(int sig, int subcode)
{
  static const char *const segv[] = { 0, "address not mapped", "access denied", "stack overflow" };
  static const char *const bus[] = { 0, "misaligned address", "no such physical address", "object error" };
  static const char *const ill[] = { 0, "illegal opcode", "illegal operand", 0, 0, "privileged instruction" };
  static const char *const fpe[] = { 0, "integer divide by zero", "integer overflow",
                                     "floating-point divide by zero", "floating-point overflow",
                                     "floating-point underflow", "floating-point inexact result",
                                     "invalid floating-point operation", "subscript out of range" };
  const char *const *t = NULL;
  size_t n = 0;
  if (sig == XSIG_SEGV)
    t = segv, n = COUNT(segv);
  else if (sig == XSIG_BUS)
    t = bus, n = COUNT(bus);
  else if (sig == XSIG_ILL)
    t = ill, n = COUNT(ill);
  else if (sig == XSIG_FPE)
    t = fpe, n = COUNT(fpe);
  else if (sig == XSIG_ABRT && subcode == XSIG_ABRT_ABORT)
    return "abort()";
  if (t && subcode > 0 && (size_t)subcode < n && t[subcode])
    return t[subcode];
  return "unknown";
}

int xsig_fault_stack(void)
{
  return xsig__os_fault_stack();
}

/* Async-signal-safe: the mask goes back with pthread_sigmask on POSIX. */
void xsig_longjmp(xsig_jmp_buf *env, int val)
{
  xsig__os_fault_leave();
  xsig__os_mask_set(&env->mask);
  longjmp(env->jb, val ? val : 1);
}

xsig_os_handle_t xsig_std_handle(int n)
{
  return n >= 0 && n <= 2 ? xsig__os_std_handle(n) : XSIG_NO_HANDLE;
}

jmp_buf *xsig_setjmp_prepare(xsig_jmp_buf *env)
{
  xsig__os_mask_get(&env->mask);
  return &env->jb;
}

/* --- the report's text, built without allocation or stdio --------------- */

void xsig__line_str(struct xsig__line *l, const char *s)
{
  while (*s && l->len < sizeof l->buf - 1)
    l->buf[l->len++] = *s++;
}

void xsig__line_hex(struct xsig__line *l, uint64_t v)
{
  char tmp[19];
  int i = 18;
  tmp[i] = 0;
  do
    tmp[--i] = "0123456789abcdef"[v & 15];
  while ((v >>= 4) != 0);
  tmp[--i] = 'x';
  tmp[--i] = '0';
  xsig__line_str(l, tmp + i);
}

void xsig__line_dec(struct xsig__line *l, uint64_t v)
{
  char tmp[21];
  int i = 20;
  tmp[i] = 0;
  do
    tmp[--i] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  xsig__line_str(l, tmp + i);
}

void xsig__line_end(struct xsig__line *l)
{
  struct record *r = xsig__atomic_load_ptr(&report);
  l->buf[l->len < sizeof l->buf ? l->len : sizeof l->buf - 1] = '\n';
  if (r)
    xsig__os_report_write(r->out, l->buf, l->len + 1);
  l->len = 0;
}

int xsig__report_on(void)
{
  return xsig__atomic_load_ptr(&report) != NULL;
}

/* "xsig: fatal signal SEGV (address not mapped), address 0x10" and the
 * thread line; the platform adds the backtrace. */
void xsig__report_header(const xsig_info_t *info, uint64_t tid)
{
  struct xsig__line l;
  char name[16];
  l.len = 0;
  if (xsig_name(info->signo, name, sizeof name) < 0)
    name[0] = '?', name[1] = 0;
  xsig__line_str(&l, "xsig: fatal signal ");
  xsig__line_str(&l, name);
  xsig__line_str(&l, " (");
  xsig__line_str(&l, xsig_fault_describe(info->signo, info->subcode));
  xsig__line_str(&l, "), address ");
  xsig__line_hex(&l, (uint64_t)(uintptr_t)info->addr);
  xsig__line_end(&l);
  xsig__line_str(&l, "xsig: pid ");
  xsig__line_dec(&l, (uint64_t)xsig__os_getpid());
  xsig__line_str(&l, ", thread ");
  xsig__line_dec(&l, tid);
  xsig__line_str(&l, ", code ");
  xsig__line_hex(&l, info->os_code);
  xsig__line_end(&l);
  xsig__line_str(&l, "xsig: backtrace of the faulting thread:");
  xsig__line_end(&l);
}
