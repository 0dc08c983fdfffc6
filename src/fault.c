/* Faults: who handles them, where the crash report goes, and the report's
 * text. Everything read here from a fault handler is read without locks:
 * a fault can come while another thread holds any lock. */
#include <string.h>
#include "internal.h"

struct fault_slot {
  xsig_handler_t fn;
  void *arg;
};

static struct fault_slot slots[XSIG_NSIG];
static xsig__mutex_t fault_lock = XSIG__MUTEX_INIT;
static volatile int report_on;
static xsig_os_handle_t report_out;

int xsig__is_fault_signal(int sig)
{
  return sig == XSIG_SEGV || sig == XSIG_BUS || sig == XSIG_ILL || sig == XSIG_FPE ||
         sig == XSIG_ABRT;
}

int xsig_on_fault(int sig, xsig_handler_t handler, void *arg)
{
  int err;
  if (!xsig__is_fault_signal(sig) || handler == XSIG_IGN)
    return XSIG_EINVAL; /* NULL (XSIG_DFL) removes the handler */
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__mutex_lock(&fault_lock);
  err = xsig__os_fault_enable();
  if (err == 0) {
    /* the argument first: a handler is never seen with another's argument */
    slots[sig].fn = NULL;
    xsig__barrier();
    slots[sig].arg = arg;
    xsig__barrier();
    slots[sig].fn = handler;
  }
  xsig__mutex_unlock(&fault_lock);
  return err ? err : xsig_fault_stack();
}

int xsig_crash_report(xsig_os_handle_t out)
{
  int err;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  xsig__mutex_lock(&fault_lock);
  err = xsig__os_fault_enable();
  if (err == 0) {
    report_on = 0;
    xsig__barrier();
    report_out = out;
    xsig__barrier();
    report_on = out != XSIG__NO_HANDLE;
  }
  xsig__mutex_unlock(&fault_lock);
  return err ? err : xsig_fault_stack();
}

xsig_handler_t xsig__fault_handler(int sig, void **arg)
{
  xsig_handler_t fn = slots[sig].fn;
  xsig__barrier();
  *arg = slots[sig].arg;
  return fn;
}

/* Whether xsig takes faults of sig at all (a handler or a report). */
int xsig__fault_wanted(int sig)
{
  return slots[sig].fn != NULL || report_on;
}

/* Called by the last xsig_shutdown. */
void xsig__fault_shutdown(void)
{
  xsig__mutex_lock(&fault_lock);
  report_on = 0;
  memset(slots, 0, sizeof slots);
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
  int n = 0;
  if (sig == XSIG_SEGV)
    t = segv, n = 4;
  else if (sig == XSIG_BUS)
    t = bus, n = 4;
  else if (sig == XSIG_ILL)
    t = ill, n = 6;
  else if (sig == XSIG_FPE)
    t = fpe, n = 9;
  else if (sig == XSIG_ABRT && subcode == XSIG_ABRT_ABORT)
    return "abort()";
  if (t && subcode > 0 && subcode < n && t[subcode])
    return t[subcode];
  return "unknown";
}

jmp_buf *xsig__jmp_prepare(xsig_jmp_buf *env)
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
  l->buf[l->len < sizeof l->buf ? l->len : sizeof l->buf - 1] = '\n';
  xsig__os_report_write(report_out, l->buf, l->len + 1);
  l->len = 0;
}

int xsig__report_on(void)
{
  return report_on;
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
