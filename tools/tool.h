/* SPDX-License-Identifier: MIT */
/* The xsig command-line tool: shared declarations. */
#ifndef XSIG_TOOL_H
#define XSIG_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include "xsig.h"

/* parse.c: parsers of untrusted text, no side effects. */
/* GNU timeout's DURATION: a non-negative number as strtod reads it in the C
 * locale (fraction, exponent, hex 0x1.8p3, inf) and one suffix s, m, h or d.
 * Returns 0 and the milliseconds (rounded up, capped at INT32_MAX, which
 * xsig run takes as "never"), or -1. */
int tool_parse_duration(const char *s, int64_t *ms);
/* A whole decimal number with optional sign, nothing after it. */
int tool_parse_int64(const char *s, int64_t *out);
/* An exit status: decimal, or hex with 0x. */
int tool_parse_status(const char *s, uint32_t *out);
/* sig's name for a message, into buf: "EXIT" for 0 (as timeout(1) calls
 * the existence check), the decimal number for one that names no signal
 * here; never an unset buffer. Returns buf. */
const char *tool_signame(int sig, char *buf, size_t size);

/* The parsed command line of xsig kill. */
#define MAX_TIMEOUTS 8
struct follow_up { int64_t ms; int sig; };
struct kill_opts {
  int sig;
  int have_value;
  int64_t value;
  int tree;
  int force;
  int verbose;
  struct follow_up follow[MAX_TIMEOUTS];
  int nfollow;
};
struct kill_cmd {
  struct kill_opts o;
  int64_t *pids;
  int npids;
};
/* kill.c: parses without sending. Returns -1 to go on (c->pids allocated),
 * else the exit code (after --help, -l, or an error message). */
int tool_kill_parse(int argc, char **argv, struct kill_cmd *c);

/* The parsed command line of xsig run. */
struct run_opts {
  int sig;
  int64_t kill_after_ms; /* -1: none */
  int preserve;
  int foreground;
  int init;              /* --init: as an entrypoint (so is a duration of 0) */
  int verbose;
  int64_t duration_ms;
  int command;           /* index of COMMAND in argv */
};
/* run.c: parses without starting anything. Returns -1 to go on, else the
 * exit code (0 after --help, 125 for a usage error). */
int tool_run_parse(int argc, char **argv, struct run_opts *o);

/* version.c: prints "xsig CMD (xsig) 1.0.0" for --version; returns 0. */
int tool_version(const char *cmd);

/* Subcommands: each returns the process exit code. */
int tool_kill(int argc, char **argv);
int tool_run(int argc, char **argv);
int tool_status(int argc, char **argv);
int tool_demo(int argc, char **argv);
int tool_ps(int argc, char **argv);

/* platform-*.c */
/* The directory of this executable, with a trailing separator. */
void tool_exe_dir(char *buf, size_t size);
/* The name of the worker example next to this tool ("xsig-worker[.exe]"). */
const char *tool_worker_name(void);
/* Ends this process the way a child that died of sig would: POSIX re-raises
 * sig with its default action; Windows exits with 128 + sig. */
void tool_exit_like_signal(int sig);
/* Ends this process with the status of a child that ended by a signal.
 * Windows: a code that only decodes to a signal (0xC0000005, 3 from abort)
 * is passed on as it is; xsig's own codes and Ctrl-C become 128 + sig. */
void tool_exit_like_child(const xsig_status_t *st);
/* run.c: the message and exit code (126, 127, 125) of a command that
 * could not be started. */
int tool_run_spawn_error(int err, const char *file);
/* `xsig group-leader COMMAND...` (Windows; an error on POSIX): the first
 * process of a new group turns Ctrl-C on for the group and starts COMMAND
 * in it, so that Ctrl-C to exactly that group reaches a command that does
 * not use xsig; ends with COMMAND's exit code. */
int tool_group_leader(int argc, char **argv);
/* Whether a Ctrl-C typed at our console reaches a command in a group of
 * its own that has Ctrl-C on. Windows: yes (the console gives it to every
 * process attached to it); Wine: no (only to the group that made the
 * console: docs/wine.md); POSIX: no (no console events). */
int tool_console_ctrl_c_reaches_groups(void);
/* For the demo's summary: the platform's name, what holds a tree, and
 * what takes a fault. */
const char *tool_platform_name(void);
const char *tool_tree_carrier(void);
const char *tool_fault_carrier(void);
const char *tool_child_carrier(void);
const char *tool_supervisor_name(void);
/* Whether h is a real waitable object (POSIX: an fd >= 0; Windows: a HANDLE). */
int tool_handle_valid(xsig_os_handle_t h);
/* Appends this process's stdout and stderr (and so those of the children
 * it starts) to path. 0 or -1. */
int tool_redirect_output(const char *path);
/* service: Windows' service manager; POSIX has none to talk to (both say
 * so and return 1). install registers "xsig service run NAME ..." as the
 * service; control is "start", "stop" (printing the exit code) or
 * "remove". Each returns the exit code. */
int tool_service_install(const char *name, const char *log, const char *grace, char *const command[]);
int tool_service_control(const char *what, const char *name);
int tool_service(int argc, char **argv);

/* status.c: the name of a Windows exit code (NULL if none). */
const char *tool_windows_code_name(uint32_t code);

#endif
