/* SPDX-License-Identifier: MIT */
/* xsig_service_start: the checks and the flow; the platforms connect
 * (src/win/service.c; src/unix/service.c has no service manager). */
#include <string.h>
#include "internal.h"

static xsig__atomic_long service_started;

int xsig_service_start(const char *name, int flags)
{
  int err;
  if (!xsig__is_initialised())
    return XSIG_ENOTINIT;
  if (name == NULL || name[0] == 0 || strlen(name) > 256 || (flags & ~XSIG_SERVICE_PAUSE))
    return XSIG_EINVAL;
  if (xsig__atomic_exchange(&service_started, 1) != 0)
    return XSIG_EINVAL; /* once per process */
  err = xsig__os_service_start(name, flags);
  if (err)
    xsig__atomic_exchange(&service_started, 0);
  return err;
}
