/* SPDX-License-Identifier: MIT */
/* xsig service: any command as a Windows service. The host ("xsig service
 * run", what the Service Control Manager starts) is `xsig run --init`
 * connected to the SCM by xsig_service_start: the SCM's STOP, SHUTDOWN
 * and PRESHUTDOWN are TERM to the command's whole tree, which has its
 * grace (never past what Windows allows), then KILL; the service's exit
 * code is the command's. */
#include <stdio.h>
#include <string.h>
#include "tool.h"

#define DEFAULT_GRACE "10"

static int usage(const char *what)
{
  if (what)
    fprintf(stderr, "xsig service: %s\n", what);
  fputs("Usage: xsig service install NAME [--log FILE] [--grace DURATION] -- COMMAND [ARG]...\n"
        "       xsig service start NAME | stop NAME | remove NAME\n"
        "       xsig service run NAME [--log FILE] [--grace DURATION] -- COMMAND [ARG]...\n"
        "\n"
        "install registers COMMAND as the Windows service NAME (started on demand, as\n"
        "the service's account); start and stop wait until it runs or has stopped and\n"
        "stop prints its exit code; remove deletes it. run is what the service manager\n"
        "starts: STOP, SHUTDOWN and PRESHUTDOWN become TERM to COMMAND's whole tree,\n"
        "PARAMCHANGE becomes HUP; after the grace (default 10 s, never past the time\n"
        "Windows allows) KILL ends what is left; the service stops with COMMAND's exit\n"
        "code. --log FILE appends COMMAND's output (and the host's) to FILE. From a\n"
        "console, run behaves the same without the service manager.\n",
        what ? stderr : stdout);
  return what ? 1 : 0;
}

struct service_args {
  const char *name, *log, *grace;
  int command; /* index of COMMAND in argv */
};

/* NAME [--log FILE] [--grace DURATION] -- COMMAND...: 0, or an exit code. */
static int parse(int argc, char **argv, struct service_args *a)
{
  int i;
  int64_t ms;
  memset(a, 0, sizeof *a);
  a->grace = DEFAULT_GRACE;
  if (argc < 3 || argv[2][0] == 0 || argv[2][0] == '-')
    return usage("missing service NAME");
  a->name = argv[2];
  for (i = 3; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
    if (i + 1 >= argc)
      return usage("an option needs a value");
    if (strcmp(argv[i], "--log") == 0) {
      a->log = argv[i + 1];
    } else if (strcmp(argv[i], "--grace") == 0) {
      if (tool_parse_duration(argv[i + 1], &ms) != 0) {
        fprintf(stderr, "xsig service: invalid time interval '%s'\n", argv[i + 1]);
        return 1;
      }
      a->grace = argv[i + 1];
    } else {
      fprintf(stderr, "xsig service: unrecognized option '%s'\n", argv[i]);
      return usage(NULL) + 1;
    }
  }
  if (i + 1 >= argc)
    return usage("missing '-- COMMAND'");
  a->command = i + 1;
  return 0;
}

/* The host: the SCM's controls through xsig_service_start, the tree
 * through xsig run --init. */
static int host(int argc, char **argv, const struct service_args *a)
{
  char *run_argv[256];
  int i, n = 0, err = xsig_service_start(a->name, 0);
  if (err != 0 && err != XSIG_ENOSERVICE) {
    fprintf(stderr, "xsig service: cannot connect to the service manager as '%s': %s\n", a->name,
            xsig_strerror(err));
    return 1;
  }
  if (a->log && tool_redirect_output(a->log) != 0) {
    fprintf(stderr, "xsig service: cannot open log file '%s'\n", a->log);
    return 1;
  }
  if (argc - a->command > 250)
    return usage("too many arguments");
  run_argv[n++] = (char *)"run";
  run_argv[n++] = (char *)"--init";
  run_argv[n++] = (char *)"-k";
  run_argv[n++] = (char *)a->grace;
  run_argv[n++] = (char *)"--";
  for (i = a->command; i < argc; i++)
    run_argv[n++] = argv[i];
  run_argv[n] = NULL;
  return tool_run(n, run_argv);
}

int tool_service(int argc, char **argv)
{
  struct service_args a;
  int r;
  if (argc < 2 || strcmp(argv[1], "--help") == 0)
    return usage(argc < 2 ? "missing subcommand" : NULL);
  if (strcmp(argv[1], "install") == 0 || strcmp(argv[1], "run") == 0) {
    if ((r = parse(argc, argv, &a)) != 0)
      return r;
    if (argv[1][0] == 'r')
      return host(argc, argv, &a);
    return tool_service_install(a.name, a.log, a.grace, argv + a.command);
  }
  if (strcmp(argv[1], "start") == 0 || strcmp(argv[1], "stop") == 0 || strcmp(argv[1], "remove") == 0) {
    if (argc != 3 || argv[2][0] == 0)
      return usage("expected one service NAME");
    return tool_service_control(argv[1], argv[2]);
  }
  fprintf(stderr, "xsig service: unknown subcommand '%s'\n", argv[1]);
  return usage(NULL) + 1;
}
