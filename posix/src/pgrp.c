/* xsig-posix: the calling process's group (posix-time replaces this with
 * its getpgrp/setpgid bookkeeping). */
#include "internal.h"

pid_t xsig_posix__getpgrp(void)
{
  return 0;
}
