/* SPDX-License-Identifier: MIT */
/* Command lines of xsig kill and xsig run, parsed only: nothing is sent or
 * started. The input is split into arguments at NUL and newline bytes; its
 * first byte picks the subcommand. */
#include <stdlib.h>
#include <string.h>
#include "tool.h"

#define MAX_ARGS 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char buf[1024], *argv[MAX_ARGS + 1];
  int argc = 1, kill = size > 0 && (data[0] & 1);
  size_t i;
  if (size == 0 || size >= sizeof buf)
    return 0;
  memcpy(buf, data + 1, size - 1);
  buf[size - 1] = 0;
  argv[0] = kill ? (char *)"kill" : (char *)"run";
  argv[argc++] = buf;
  for (i = 0; i + 1 < size && argc < MAX_ARGS; i++)
    if (buf[i] == 0 || buf[i] == '\n') {
      buf[i] = 0;
      argv[argc++] = buf + i + 1;
    }
  argv[argc] = NULL;
  if (kill) {
    struct kill_cmd c;
    if (tool_kill_parse(argc, argv, &c) < 0)
      free(c.pids);
  } else {
    struct run_opts o;
    if (tool_run_parse(argc, argv, &o) < 0 && (o.command <= 0 || o.command >= argc))
      abort(); /* "go on" must name a command */
  }
  return 0;
}
