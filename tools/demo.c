/* SPDX-License-Identifier: MIT */
/* xsig demo: the README's main job. */
#include <stdio.h>
#include <string.h>
#include "tool.h"

static char worker[1024];

/* What each step showed, and what carried it on this platform. */
struct step_summary {
  const char *what;
  char how[96];
};
static struct step_summary summary[8];
static int current;

static void carried_by(const char *how, const char *more)
{
  snprintf(summary[current].how, sizeof summary[current].how, "%s%s", how, more ? more : "");
}

static xsig_process_t *start(const char *mode)
{
  xsig_process_t *p = NULL;
  char *argv[3];
  int err;
  argv[0] = worker;
  argv[1] = (char *)mode;
  argv[2] = NULL;
  err = xsig_spawn(worker, argv, XSIG_SPAWN_NEW_GROUP, &p);
  if (err) {
    fprintf(stderr, "xsig demo: cannot start %s: %s\n", worker, xsig_strerror(err));
    return NULL;
  }
  xsig_sleep(300); /* let it install its handlers */
  return p;
}

static void show_end(xsig_process_t *p, const char *how)
{
  xsig_status_t st;
  char text[128];
  if (xsig_process_wait(p, 10000, &st) != 0) {
    xsig_process_stop_tree(p, XSIG_KILL, 0, &st, NULL);
    printf("  (did not end in time: killed)\n");
  }
  xsig_status_format(&st, text, sizeof text);
  printf("  => worker %s%s\n\n", text, how);
  xsig_process_close(p);
}

static void say_via(int err, int via)
{
  if (err)
    printf("  send failed: %s\n", xsig_strerror(err));
  else
    printf("  (delivered by: %s)\n", xsig_via_name(via));
  carried_by(err ? "failed" : xsig_via_name(via), NULL);
}

/* TERM to a worker in mode; extra: what carried it besides the sending. */
static int term_to(const char *mode, const char *extra)
{
  xsig_process_t *p;
  int via = 0, err;
  if ((p = start(mode)) == NULL)
    return 1;
  err = xsig_send(xsig_process_pid(p), XSIG_TERM, 0, 0, &via);
  say_via(err, via);
  if (err == 0 && extra)
    carried_by(xsig_via_name(via), extra);
  show_end(p, "");
  return err != 0;
}

static int step_term(void)
{
  printf("1. A catchable TERM, with cleanup\n");
  return term_to("serve", NULL);
}

static int step_value(void)
{
  xsig_process_t *p;
  int via = 0, err;
  printf("2. A queued real-time signal with a value\n");
  if ((p = start("serve")) == NULL)
    return 1;
  err = xsig_process_send(p, XSIG_RTMIN, 42, XSIG_SEND_VALUE, &via);
  say_via(err, via);
  xsig_sleep(300);
  xsig_process_send(p, XSIG_TERM, 0, 0, NULL);
  show_end(p, "");
  return err != 0;
}

static int step_interrupt(void)
{
  xsig_process_t *p;
  int via = 0, err, sig = xsig_valid(XSIG_BREAK) ? XSIG_BREAK : XSIG_INT;
  char name[16];
  tool_signame(sig, name, sizeof name);
  printf("3. %s to the worker's process group\n", sig == XSIG_INT ? "Ctrl-C (INT)" : "Ctrl-Break (BREAK)");
  if ((p = start("serve")) == NULL)
    return 1;
  err = xsig_send(-xsig_process_group(p), sig, 0, 0, &via);
  say_via(err, via);
  show_end(p, "");
  return err != 0;
}

static int step_tree(void)
{
  xsig_process_t *p;
  xsig_status_t st;
  char text[128];
  int forced = 0, err;
  printf("4. A tree whose grandchild ignores TERM: TERM, 500 ms of grace, then KILL\n");
  if ((p = start("tree")) == NULL)
    return 1;
  err = xsig_process_stop_tree(p, XSIG_TERM, 500, &st, &forced);
  if (err == 0) {
    xsig_status_format(&st, text, sizeof text);
    printf("  => worker %s; %s\n\n", text,
           forced ? "KILL ended the rest of the tree" : "the whole tree stopped by itself");
    carried_by(tool_tree_carrier(), forced ? ", then KILL" : "");
  } else {
    printf("  stop failed: %s\n\n", xsig_strerror(err));
  }
  xsig_process_close(p);
  return err != 0;
}

static int step_force(void)
{
  xsig_process_t *p;
  xsig_status_t st;
  char text[128];
  int forced = 0, err;
  printf("5. A worker that ignores TERM, stopped by force after 300 ms\n");
  if ((p = start("stubborn")) == NULL)
    return 1;
  err = xsig_process_stop_tree(p, XSIG_TERM, 300, &st, &forced);
  if (err == 0) {
    xsig_status_format(&st, text, sizeof text);
    printf("  => worker %s%s\n", text, forced ? " (KILL after the grace period)" : "");
    carried_by(tool_tree_carrier(), forced ? ", then KILL" : "");
  }
  xsig_process_close(p);
  return err != 0;
}

static int step_fault(void)
{
  xsig_process_t *p;
  xsig_status_t st;
  char text[128];
  int err;
  printf("6. A fault: recovered once by its handler, then a crash report\n");
  if ((p = start("crash")) == NULL)
    return 1;
  err = xsig_process_wait(p, 10000, &st);
  if (err == 0) {
    xsig_status_format(&st, text, sizeof text);
    printf("  => worker %s\n", text);
    carried_by(tool_fault_carrier(), NULL);
  }
  xsig_process_close(p);
  return err != 0 || st.signo != XSIG_SEGV;
}

/* Waits until a pid is among pid's descendants that was not in first[]:
 * the supervisor has restarted a worker. */
static int saw_restart(int64_t pid, int ms)
{
  int64_t first[8], now[8];
  int nfirst = 0, n, i, k, t;
  for (t = 0; t < ms; t += 100) {
    n = xsig_process_descendants(pid, now, 8);
    if (nfirst == 0 && n == 2) {
      memcpy(first, now, sizeof now);
      nfirst = n;
    }
    for (i = 0; nfirst && i < n; i++) {
      for (k = 0; k < nfirst && first[k] != now[i]; k++) {
      }
      if (k == nfirst)
        return 1;
    }
    xsig_sleep(100);
  }
  return 0;
}

static int step_supervisor(void)
{
  char exe[1024];
  char *argv[3];
  xsig_process_t *p;
  xsig_status_t st;
  char text[128];
  int err;
  printf("7. A supervisor (examples/supervisor.c) restarts a crashed worker, then stops all on TERM\n");
  tool_exe_dir(exe, sizeof exe);
  strncat(exe, tool_supervisor_name(), sizeof exe - strlen(exe) - 1);
  argv[0] = exe;
  argv[1] = (char *)"2";
  argv[2] = NULL;
  if ((err = xsig_spawn(exe, argv, XSIG_SPAWN_NEW_GROUP, &p)) != 0) {
    fprintf(stderr, "xsig demo: cannot start %s: %s\n", exe, xsig_strerror(err));
    return 1;
  }
  if (!saw_restart(xsig_process_pid(p), 20000))
    printf("  (no restart seen in 20 s)\n");
  else
    xsig_sleep(300); /* the new worker installs its handlers */
  err = xsig_process_send(p, XSIG_TERM, 0, 0, NULL);
  if (err == 0)
    err = xsig_process_wait(p, 15000, &st);
  if (err) {
    xsig_process_stop_tree(p, XSIG_KILL, 0, &st, NULL);
    printf("  (%s: killed)\n", xsig_strerror(err));
  } else {
    xsig_status_format(&st, text, sizeof text);
    printf("  => supervisor %s\n", text);
    carried_by(tool_child_carrier(), NULL);
  }
  xsig_process_close(p);
  return err != 0 || !st.exited || st.code != 0;
}

static int step_busy(void)
{
  printf("8. A worker computing without ever dispatching: TERM is handled at once, on its handler thread\n");
  return term_to("busy", " + the handler thread");
}

int tool_demo(int argc, char **argv)
{
  static int (*const steps[])(void) = { step_term, step_value, step_interrupt, step_tree, step_force,
                                        step_fault, step_supervisor, step_busy };
  static const char *const what[] = { "TERM, caught, with the sender's pid", "a queued value",
                                      "Ctrl-C/Ctrl-Break to a group", "a tree: TERM, grace, KILL",
                                      "a worker that ignores TERM", "a fault recovered, then a crash report",
                                      "a supervisor: CHLD, a restart, all stopped",
                                      "a busy worker: TERM on its handler thread" };
  size_t i;
  int failed = 0;
  (void)argv;
  if (argc > 1 && strcmp(argv[1], "--version") == 0)
    return tool_version("demo");
  if (argc > 1) {
    fprintf(stderr, "Usage: xsig demo\nShows what xsig does, with the xsig-worker example.\n");
    return strcmp(argv[1], "--help") == 0 ? 0 : 1;
  }
  setvbuf(stdout, NULL, _IONBF, 0); /* interleave with the workers' lines */
  tool_exe_dir(worker, sizeof worker);
  strncat(worker, tool_worker_name(), sizeof worker - strlen(worker) - 1);
  printf("xsig demo: each step starts %s in a new process group.\n\n", tool_worker_name());
  for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    current = (int)i;
    summary[i].what = what[i];
    carried_by("failed", NULL);
    if (steps[i]() != 0) {
      printf("  (step %u did not go as it should)\n\n", (unsigned)i + 1);
      carried_by("failed", NULL);
      failed = 1;
    }
  }
  printf("\n%s\n\nWhat carried each step on %s:\n", failed ? "Some steps failed." : "All steps done.",
         tool_platform_name());
  for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
    printf("  %u | %s | %s\n", (unsigned)i + 1, summary[i].what, summary[i].how);
  return failed;
}
