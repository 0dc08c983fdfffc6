/* SPDX-License-Identifier: MIT */
/* Services: POSIX has no service manager that talks to the process (a
 * daemon's manager stops it with TERM, which xsig delivers anyway). */
#include "internal.h"

int xsig__os_service_start(const char *name, int flags)
{
  (void)name, (void)flags;
  return XSIG_ENOSERVICE;
}
