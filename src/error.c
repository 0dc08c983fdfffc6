/* SPDX-License-Identifier: MIT */
#include "internal.h"

struct err_desc {
  const char *name;
  const char *text;
};

/* Indexed by -err. */
static const struct err_desc errors[] = {
  { "OK", "success" },
  { "EINVAL", "invalid argument" },
  { "ENOSYS", "not supported on this platform" },
  { "ESRCH", "no such process" },
  { "EPERM", "operation not permitted" },
  { "EAGAIN", "signal queue full" },
  { "ETIMEDOUT", "timed out" },
  { "EINTR", "interrupted by a signal handler" },
  { "ENOMEM", "out of memory" },
  { "ENOTINIT", "xsig_init() has not been called" },
  { "ESYS", "operating-system call failed" },
  { "ERANGE", "number out of range" },
  { "ENOGRACE", "no graceful way to signal that process" },
  { "ECHILD", "no such child of this process" },
  { "ENOENT", "no such file or directory" },
  { "ENOEXEC", "permission denied or not an executable" },
  { "EBADF", "not an open file descriptor or handle" },
  { "ETIMER", "no such timer (never made, or deleted)" },
  { "ENOSERVICE", "not started as a service" },
  { "ENOTSTARTED", "not started" },
};

static const struct err_desc *find(int err)
{
  if (err > 0 || err < XSIG_ERR_MAX_)
    return NULL;
  return &errors[-err];
}

const char *xsig_strerror(int err)
{
  const struct err_desc *d = find(err);
  return d ? d->text : "unknown error"; /* one text: nothing shared is written */
}

const char *xsig_errname(int err)
{
  const struct err_desc *d = find(err);
  return d ? d->name : "E?";
}
