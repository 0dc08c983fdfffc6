/* SPDX-License-Identifier: MIT */
/* --version of the tool and each subcommand. */
#include <stdio.h>
#include "tool.h"

int tool_version(const char *cmd)
{
  printf("xsig%s%s (xsig) %d.%d.%d\n", cmd ? " " : "", cmd ? cmd : "", XSIG_VERSION_MAJOR,
         XSIG_VERSION_MINOR, XSIG_VERSION_PATCH);
  return 0;
}
