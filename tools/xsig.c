/* SPDX-License-Identifier: MIT */
/* xsig: one binary, subcommands kill, run, status, demo. */
#include <stdio.h>
#include <string.h>
#include "tool.h"

static const char usage_text[] =
  "Usage: xsig COMMAND [ARG]...\n"
  "\n"
  "  kill    send a signal to processes (like kill(1)); catchable on Windows too\n"
  "  run     run a command with a time limit (like timeout(1)), stopping its whole tree\n"
  "  status  explain an exit status (xsig status 0xC000013A)\n"
  "  service run any command as a Windows service (install, start, stop, remove)\n"
  "  ps      list processes: pid, parent, group, whether each runs xsig (--tree)\n"
  "  demo    show what xsig does\n"
  "\n"
  "'xsig COMMAND --help' describes each one; --version (also after a COMMAND)\n"
  "prints the version.\n";

int main(int argc, char **argv)
{
  static const struct { const char *name; int (*run)(int, char **); } commands[] = {
    { "kill", tool_kill }, { "run", tool_run }, { "status", tool_status }, { "demo", tool_demo },
    { "service", tool_service }, { "ps", tool_ps },
  };
  size_t i;
  int err;
  if (argc < 2) {
    fputs(usage_text, stderr);
    return 1;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
    return tool_version(NULL);
  if (strcmp(argv[1], "group-leader") == 0) /* without xsig_init: it does not take part */
    return tool_group_leader(argc - 1, argv + 1);
  for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0) {
      err = xsig_init();
      if (err) {
        fprintf(stderr, "xsig: cannot initialise: %s\n", xsig_strerror(err));
        return 125;
      }
      return commands[i].run(argc - 1, argv + 1);
    }
  fprintf(stderr, "xsig: unknown command '%s'\n%s", argv[1], usage_text);
  return 1;
}
