/* SPDX-License-Identifier: MIT */
/* xsig run: GNU timeout(1), on both platforms, stopping whole trees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tool.h"

#define EXIT_TIMEDOUT 124
#define EXIT_CANCELED 125
#define EXIT_CANNOT_INVOKE 126
#define EXIT_ENOENT 127
/* As an entrypoint: the tree's time after a stop request when neither -k
 * nor the request says (docker stop's default), and what is kept back
 * from a deadline the system gave, to KILL and exit before it. */
#define INIT_GRACE_MS 10000
#define STOP_MARGIN_MS 500

static xsig_process_t *child;
static const char *command_name;
static int command_has_ctrl_c; /* its group was started with Ctrl-C on */
/* Windows: when the command gets TERM's next step (-1: none due) */
static int64_t shutdown_due_us = -1;
static struct run_opts opts;

static int usage_error(const char *what, const char *arg)
{
  if (what)
    fprintf(stderr, "xsig run: %s%s%s%s\n", what, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
  fprintf(stderr, "Try 'xsig run --help' for more information.\n");
  return EXIT_CANCELED;
}

static int help(void)
{
  fputs("Usage: xsig run [OPTION] DURATION COMMAND [ARG]...\n"
        "  or:  xsig run --init [OPTION] COMMAND [ARG]...\n"
        "Start COMMAND, and stop it (and everything it started) if still running after DURATION.\n"
        "\n"
        "  --preserve-status  exit with the same status as COMMAND, even when it times out\n"
        "  --foreground       do not start COMMAND in a group of its own; on time-out\n"
        "                     signal COMMAND only, not its children\n"
        "  --init             run as a container's entrypoint, with no DURATION (as\n"
        "                     DURATION 0 does): a stop request gives the tree its\n"
        "                     grace, then KILL; USR1, USR2 and WINCH are passed on\n"
        "  -k, --kill-after=DURATION\n"
        "                     also send KILL if COMMAND still runs this long after the\n"
        "                     first signal\n"
        "  -s, --signal=SIGNAL  the signal to send on time-out (default TERM)\n"
        "  -v, --verbose      say on standard error which signal is sent on time-out\n"
        "  --help             display this help and exit\n"
        "  --version          output version information and exit\n"
        "\n"
        "DURATION is a number with an optional suffix: s seconds (default), m minutes,\n"
        "h hours, d days; fractions are allowed; 0 disables the time-out.\n"
        "INT, TERM, HUP, QUIT (and BREAK on Windows) sent to xsig run go to COMMAND's\n"
        "group; after a stop request (TERM, INT, BREAK, a console's close) with -k (or\n"
        "as an entrypoint: 10 s, or the time the system allows) KILL follows for what\n"
        "of the tree is left. Orphans handed to xsig run (as PID 1) are reaped.\n"
        "\n"
        "Exit status: 124 timed out (without --preserve-status), 125 xsig run failed,\n"
        "126 COMMAND cannot be run, 127 COMMAND not found, 128+N COMMAND ended by signal N\n"
        "(137 when COMMAND itself ended by KILL; 124 when it ended on the signal and\n"
        "only other processes of its tree needed KILL), else COMMAND's exit status.\n",
        stdout);
  return 0;
}

static int entrypoint(void)
{
  return opts.init || opts.duration_ms == 0;
}

/* Windows: a command that took TERM as Ctrl-C and still runs gets TERM's
 * next step (SHUTDOWN, which Go and .NET take as TERM) after half the
 * grace, so that a program that cleans up after Ctrl-C has that long
 * uncut; with no grace (no KILL to follow), after this long. */
#define NEXT_STEP_NO_GRACE_MS 5000

/* With -v, a step that is not the kernel's (a Windows ladder step) is
 * named; a signal that has no graceful way to the command is always
 * reported, since the command then goes on running. */
static void say_sent(int sig, int err, int via)
{
  char name[16];
  tool_signame(sig, name, sizeof name);
  if (err == XSIG_ENOGRACE)
    fprintf(stderr, "xsig run: warning: no graceful way to send %s to command '%s': it does not use "
                    "xsig and cannot get %s from Windows (see 'xsig kill --help'); it goes on running%s\n",
            name, command_name, name, opts.kill_after_ms >= 0 || entrypoint() ? " until KILL" : "");
  else if (err == 0 && opts.verbose && via != XSIG_VIA_KERNEL && via != XSIG_VIA_NONE)
    fprintf(stderr, "xsig run: %s reached command '%s' through %s\n", name, command_name, xsig_via_name(via));
}

/* To the command's group (the command alone with --foreground). TERM
 * goes to a Windows command that does not use xsig as Ctrl-C first: most
 * runtimes (Python, Node) take no other event as a stop request. Not a
 * TERM from a console (its LOGOFF or SHUTDOWN), which the command, on the
 * same console, got from the console itself. */
static void send_to_command(int sig, const xsig_info_t *info)
{
  int64_t group = xsig_process_group(child);
  int via = XSIG_VIA_NONE, err, flags = 0;
  if (sig == XSIG_TERM && (info == NULL || info->code != XSIG_SI_CONSOLE))
    flags = XSIG_SEND_CTRL_C_FIRST;
  if (group)
    err = xsig_send(-group, sig, 0, flags, &via);
  else
    err = xsig_process_send(child, sig, 0, flags, &via);
  if (err == 0 && via == XSIG_VIA_CTRL_C && shutdown_due_us < 0) /* a repeated TERM keeps the first */
    shutdown_due_us = xsig_clock_us() + NEXT_STEP_NO_GRACE_MS * 1000;
  say_sent(sig, err, via);
}

static void say_sending(int sig)
{
  char name[16];
  if (!opts.verbose)
    return;
  fprintf(stderr, "xsig run: sending signal %s to command '%s'\n", tool_signame(sig, name, sizeof name),
          command_name);
}

/* Milliseconds from now to end (rounded up), at most INT32_MAX; -1 for an
 * end of -1 (never). */
static int ms_until(int64_t end_us)
{
  int64_t left;
  if (end_us < 0)
    return -1;
  left = (end_us - xsig_clock_us() + 999) / 1000;
  return left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

/* TERM's next step, to the command alone, once it is due: the command
 * took the Ctrl-C and goes on. (The rest of its tree had its Ctrl-C too,
 * and is left to the grace: one of them may use xsig and have had TERM.) */
static void shutdown_step_if_due(void)
{
  int via = XSIG_VIA_NONE, err;
  if (shutdown_due_us < 0 || xsig_clock_us() < shutdown_due_us)
    return;
  shutdown_due_us = -1;
  if (opts.verbose)
    fprintf(stderr, "xsig run: command '%s' goes on after Ctrl-C: sending TERM's next step\n", command_name);
  err = xsig_process_send(child, XSIG_TERM, 0, 0, &via);
  if (err != XSIG_ESRCH) /* it ended just now */
    say_sent(XSIG_TERM, err, via);
}

/* The KILL after the grace went to n processes of the tree. As an
 * entrypoint (and so as a service's host) it is always said: a service
 * log must show why the stop took the whole grace. */
static void say_killed(int n, const xsig_status_t *leader)
{
  char how[128];
  if (!opts.verbose && !entrypoint())
    return;
  if (!leader->exited && leader->signo == XSIG_KILL) {
    fprintf(stderr, "xsig run: sending signal KILL to command '%s'\n", command_name); /* as timeout(1) */
    return;
  }
  xsig_status_format(leader, how, sizeof how);
  if (n < 0) /* not counted (POSIX without /proc) */
    fprintf(stderr, "xsig run: sending signal KILL to the processes left of command '%s' (the command "
                    "itself had %s)\n", command_name, how);
  else
    fprintf(stderr, "xsig run: sending signal KILL to the %d process%s left of command '%s' (the command "
                    "itself had %s)\n", n, n == 1 ? "" : "es", command_name, how);
}

/* The tree's time after a stop request made at asked_us: -k, else an
 * entrypoint's default; never past what the system allows (less the
 * margin). -1: no KILL. */
static int stop_grace(const xsig_info_t *info, int64_t asked_us)
{
  int64_t grace = opts.kill_after_ms >= 0 ? opts.kill_after_ms : entrypoint() ? INIT_GRACE_MS : -1;
  if (grace >= 0 && info->deadline_us) {
    int64_t left = (info->deadline_us - asked_us) / 1000 - STOP_MARGIN_MS;
    grace = left < 0 ? 0 : left < grace ? left : grace;
  }
  return grace > INT32_MAX ? INT32_MAX : (int)grace;
}

/* CONT (GNU timeout sends it after the signal; first to a Windows
 * command that took TERM as Ctrl-C, which then gets TERM's next step
 * after half the grace), then what is left of the grace for the whole
 * tree, counted from since_us (when the signal went out: sending to a big
 * tree takes time, under Wine about 1 ms a member), then KILL for what is
 * left of the tree. Returns 1 if the command itself ended by KILL. */
static int kill_rest_after(int ms, int64_t since_us)
{
  xsig_status_t st;
  int forced = 0;
  int64_t left;
  if (shutdown_due_us >= 0 && ms > 0) {
    shutdown_due_us = since_us + (int64_t)ms * 500;
    xsig_process_send(child, XSIG_CONT, 0, 0, NULL); /* stopped, it could not take its Ctrl-C */
    /* runs no handler; may return a little early (Windows' tick) */
    while (xsig_process_wait(child, ms_until(shutdown_due_us), NULL) == XSIG_ETIMEDOUT &&
           xsig_clock_us() < shutdown_due_us) {
    }
    shutdown_step_if_due();
  }
  left = ms - (xsig_clock_us() - since_us) / 1000;
  if (xsig_process_stop_tree(child, XSIG_CONT, left < 0 ? 0 : (int)left, &st, &forced) != 0)
    return 0;
  if (forced)
    say_killed(forced, &st);
  return !st.exited && st.signo == XSIG_KILL;
}

static int finish(int timed_out, int killed);

/* A Windows console gives its Ctrl-C to every process attached to it that
 * has Ctrl-C on, and the command's group was started so: it got this INT
 * too. Passed on, it would be two, where a POSIX command in a group of its
 * own gets one, from us. (POSIX has no console events; Wine's console
 * gives it to our group alone.) */
static int console_gave_it_too(int sig, const xsig_info_t *info)
{
  return sig == XSIG_INT && info->code == XSIG_SI_CONSOLE && command_has_ctrl_c &&
         tool_console_ctrl_c_reaches_groups();
}

static void say_given_by_console(int sig)
{
  char name[16];
  if (opts.verbose)
    fprintf(stderr, "xsig run: %s from the console reached command '%s' too: not sent again\n",
            tool_signame(sig, name, sizeof name), command_name);
}

/* TERM, INT, BREAK, and HUP when a console closes; a HUP from anyone
 * else (a service's PARAMCHANGE, kill -HUP) asks for a reload. */
static int is_stop_request(int sig, const xsig_info_t *info)
{
  return sig == XSIG_TERM || sig == XSIG_INT || sig == XSIG_BREAK ||
         (sig == XSIG_HUP && info->code == XSIG_SI_CONSOLE);
}

/* Every signal goes on to the tree; after a stop request, with a grace,
 * the tree is seen to and this process ends here, inside the handler:
 * after a Windows console's CLOSE, LOGOFF or SHUTDOWN the system ends it
 * once the handler returns. */
static void forward(int sig, const xsig_info_t *info, void *arg)
{
  int64_t asked = xsig_clock_us();
  int grace;
  (void)arg;
  if (console_gave_it_too(sig, info))
    say_given_by_console(sig);
  else
    send_to_command(sig, info);
  if (is_stop_request(sig, info)) {
    grace = stop_grace(info, asked);
    if (grace >= 0) {
      kill_rest_after(grace, asked);
      exit(finish(0, 0));
    }
  }
}

static void reap_orphans(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  xsig_reap_orphans();
}

/* Waits for the child, running forwarded signals; returns 1 when it ended.
 * Asleep until the child ends, a signal comes or the time is up. */
static int wait_child(int64_t ms)
{
  xsig_os_handle_t h = xsig_process_waitable(child);
  int64_t end = ms < 0 ? -1 : xsig_clock_us() + ms * 1000;
  int left, step;
  for (;;) {
    if (xsig_process_wait(child, 0, NULL) == 0)
      return 1;
    shutdown_step_if_due();
    left = ms_until(end);
    if (left == 0)
      return 0;
    step = ms_until(shutdown_due_us);
    if (step >= 0 && (left < 0 || step < left))
      left = step;
    if (tool_handle_valid(h))
      xsig_wait_os(h, left);
    else
      xsig_sleep(left < 0 || left > 100 ? 100 : (unsigned)left); /* POSIX without pidfd: poll the child */
  }
}

/* Returns 0 to go on, -1 after --help, or an exit code for a usage error. */
static int parse_options(int argc, char **argv, int *i, struct run_opts *opts_out)
{
  struct run_opts *o = opts_out;
  for (*i = 1; *i < argc; (*i)++) {
    const char *a = argv[*i], *val = NULL;
    if (strcmp(a, "--") == 0) {
      (*i)++;
      break;
    }
    if (a[0] != '-' || a[1] == 0)
      break;
    if (strcmp(a, "--help") == 0)
      return help() - 1; /* -1: done, exit 0 */
    if (strcmp(a, "--version") == 0)
      return tool_version("run") - 1;
    if (strcmp(a, "--preserve-status") == 0) {
      o->preserve = 1;
    } else if (strcmp(a, "--foreground") == 0) {
      o->foreground = 1;
    } else if (strcmp(a, "--init") == 0) {
      o->init = 1;
    } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
    } else if (strncmp(a, "-s", 2) == 0 || strncmp(a, "--signal", 8) == 0) {
      val = a[1] == 's' ? (a[2] ? a + 2 : argv[++*i]) : a[8] == '=' ? a + 9 : a[8] ? NULL : argv[++*i];
      if (a[1] == '-' && a[8] && a[8] != '=')
        return usage_error("unrecognized option", a);
      if (val == NULL)
        return usage_error("option requires an argument --", "s");
      o->sig = xsig_parse(val);
      if (o->sig < 0) { /* 0 is allowed, as timeout allows it */
        fprintf(stderr, "xsig run: '%s': invalid signal\n", val);
        return usage_error(NULL, NULL);
      }
    } else if (strncmp(a, "-k", 2) == 0 || strncmp(a, "--kill-after", 12) == 0) {
      val = a[1] == 'k' ? (a[2] ? a + 2 : argv[++*i]) : a[12] == '=' ? a + 13 : a[12] ? NULL : argv[++*i];
      if (val == NULL)
        return usage_error("option requires an argument --", "k");
      if (tool_parse_duration(val, &o->kill_after_ms) != 0)
        return usage_error("invalid time interval", val);
    } else {
      return usage_error("unrecognized option", a);
    }
  }
  return 0;
}

int tool_run_spawn_error(int err, const char *file)
{
  fprintf(stderr, "xsig run: failed to run command '%s': %s\n", file,
          err == XSIG_ENOENT ? "No such file or directory" :
          err == XSIG_ENOEXEC ? "Permission denied" : xsig_strerror(err));
  return err == XSIG_ENOENT ? EXIT_ENOENT : err == XSIG_ENOEXEC ? EXIT_CANNOT_INVOKE : EXIT_CANCELED;
}

/* As tini does, an entrypoint passes on what a container's user sends.
 * The handlers go in before the command starts, with the signals blocked
 * until there is a command to pass them to: a TERM in between would end
 * xsig run by its default and leave the command running. */
static void install_forwarding(xsig_sigset_t *old)
{
  static const int stops[] = { XSIG_INT, XSIG_TERM, XSIG_HUP, XSIG_QUIT, XSIG_BREAK };
  static const int others[] = { XSIG_USR1, XSIG_USR2, XSIG_WINCH };
  xsig_sigset_t set;
  size_t k;
  xsig_sigemptyset(&set);
  for (k = 0; k < sizeof stops / sizeof stops[0]; k++)
    xsig_sigaddset(&set, stops[k]); /* BREAK: XSIG_EINVAL where there is none */
  for (k = 0; entrypoint() && k < sizeof others / sizeof others[0]; k++)
    xsig_sigaddset(&set, others[k]);
  xsig_sigaddset(&set, XSIG_CHLD);
  xsig_sigmask(XSIG_BLOCK, &set, old);
  for (k = 0; k < sizeof stops / sizeof stops[0]; k++)
    if (xsig_valid(stops[k]))
      xsig_handle(stops[k], forward);
  for (k = 0; entrypoint() && k < sizeof others / sizeof others[0]; k++)
    if (xsig_valid(others[k]))
      xsig_handle(others[k], forward);
  xsig_handle(XSIG_CHLD, reap_orphans);
}

/* Time is up: signal the command (its whole tree unless --foreground).
 * With --kill-after, KILL whatever of the tree is left after that long.
 * Returns 1 if the command itself ended by KILL. */
static int on_timeout(void)
{
  int64_t sent = xsig_clock_us();
  say_sending(opts.sig);
  send_to_command(opts.sig, NULL);
  if (opts.kill_after_ms < 0)
    return opts.sig == XSIG_KILL;
  return kill_rest_after(opts.kill_after_ms > INT32_MAX ? INT32_MAX : (int)opts.kill_after_ms, sent);
}

/* The command has ended: our exit code (or an end like its signal). */
static int finish(int timed_out, int killed)
{
  xsig_status_t st;
  xsig_process_wait(child, -1, &st);
  xsig_process_close(child);
  if (killed && !opts.preserve)
    tool_exit_like_signal(XSIG_KILL);
  if (timed_out && !opts.preserve)
    return EXIT_TIMEDOUT;
  if (!st.exited)
    tool_exit_like_child(&st); /* as PID 1 the signal is ignored: 128+N */
  return st.code;
}

int tool_run_parse(int argc, char **argv, struct run_opts *o)
{
  int i, r;
  memset(o, 0, sizeof *o);
  o->sig = XSIG_TERM;
  o->kill_after_ms = -1;
  r = parse_options(argc, argv, &i, o);
  if (r != 0)
    return r < 0 ? 0 : r;
  if (o->init) { /* no DURATION: an entrypoint has no time-out */
    if (i >= argc)
      return usage_error("missing command", NULL);
    o->command = i;
    return -1;
  }
  if (i + 1 >= argc)
    return usage_error(NULL, NULL); /* as timeout(1): just the hint */
  if (tool_parse_duration(argv[i], &o->duration_ms) != 0)
    return usage_error("invalid time interval", argv[i]);
  o->command = i + 1;
  return -1;
}

int tool_run(int argc, char **argv)
{
  int64_t duration;
  int i, r, timed_out = 0, killed = 0;
  xsig_sigset_t mask;
  r = tool_run_parse(argc, argv, &opts);
  if (r >= 0)
    return r;
  duration = opts.duration_ms;
  i = opts.command;
  command_name = argv[i];
  install_forwarding(&mask);
  if (opts.foreground) {
    r = xsig_spawn(argv[i], argv + i, 0, &child);
  } else {
    /* Ctrl-C on (Windows turns it off in a new group): the INT a user asks
     * for reaches a command that handles only Ctrl-C (Python, Node). A
     * command of another bitness cannot have it: it starts as before. */
    r = xsig_spawn(argv[i], argv + i, XSIG_SPAWN_NEW_GROUP | XSIG_SPAWN_CTRL_C_ON, &child);
    command_has_ctrl_c = r == 0;
    if (r == XSIG_ENOSYS)
      r = xsig_spawn(argv[i], argv + i, XSIG_SPAWN_NEW_GROUP, &child);
  }
  if (r != 0)
    return tool_run_spawn_error(r, argv[i]);
  xsig_sigmask(XSIG_SETMASK, &mask, NULL); /* the command's start: what came runs now */
  /* 0 disables the time-out; so does the cap (inf, or about 24.8 days) */
  if (!wait_child(duration > 0 && duration < INT32_MAX ? duration : -1)) {
    timed_out = 1;
    killed = on_timeout();
    wait_child(-1);
  }
  return finish(timed_out, killed);
}
