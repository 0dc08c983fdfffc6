/* SPDX-License-Identifier: MIT */
/* xsig kill: kill(1) of procps-ng and util-linux, on both platforms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tool.h"

#define MAX_TREE 1024

static const char usage_text[] =
  "Usage:\n"
  " xsig kill [options] <pid> [...]\n"
  "\n"
  "Options:\n"
  " <pid> [...]            send signal to every <pid> listed (-<pgid> for a group)\n"
  " -<signal>, -s, --signal <signal>\n"
  "                        specify the <signal> to be sent\n"
  " -q, --queue <value>    integer value to be sent with the signal\n"
  " -l, --list=[<signal>]  list all signal names, or convert one to a name\n"
  "                        (a number above 128 is read as an exit status, and\n"
  "                        a Windows exit code such as 0xC000013A as its signal)\n"
  " -L, --table            list all signal names in a nice table\n"
  " --timeout <ms> <signal>\n"
  "                        send <signal> too if the process still runs after <ms>\n"
  " --tree                 also signal every descendant of each <pid>\n"
  " --verbose              say what was sent to which process, and how\n"
  "                        (on Windows: which step of the ladder reached it)\n"
  " --force                Windows: end a process that has no graceful path\n"
  "                        (TerminateProcess with the signal's exit code; QUIT\n"
  "                        first writes a minidump of it, see XSIG_DUMP_DIR)\n"
  " -h, --help             display this help and exit\n"
  " -V, --version          output version information and exit\n";

static int usage_error(void)
{
  fputs(usage_text, stderr);
  return 1;
}

static int bad_signal(const char *s)
{
  fprintf(stderr, "xsig kill: unknown signal name %s\n", s);
  return 1;
}

static int parse_sig(const char *s, int *sig)
{
  int r = xsig_parse(s);
  if (r == XSIG_ENOSYS) {
    fprintf(stderr, "xsig kill: signal %s is not supported on this platform\n", s);
    return -1;
  }
  if (r < 0) {
    bad_signal(s);
    return -1;
  }
  *sig = r;
  return 0;
}

/* A Windows exit code that means a signal (0xC000013A, 0xE058000F, or the
 * same as a decimal): its signal, else 0. */
static int signal_of_windows_code(const char *arg)
{
  xsig_status_t st;
  uint32_t code;
  if (tool_parse_status(arg, &code) != 0 || code <= 255 || xsig_status_from_windows(code, &st) != 0)
    return 0;
  return st.exited ? 0 : st.signo;
}

/* -l ARG: a name gives its number, a number its name; above 128 an exit
 * status (128 + signal) is decoded, as procps does, and so is a Windows
 * exit code that means a signal. */
static int list_one(const char *arg)
{
  char name[32];
  int64_t n;
  int sig = signal_of_windows_code(arg);
  if (sig > 0 && xsig_name(sig, name, sizeof name) > 0) {
    printf("%s\n", name);
    return 0;
  }
  if (tool_parse_int64(arg, &n) == 0) {
    if (n > 128 && n < 128 + XSIG_NSIG)
      n -= 128;
    if (n <= 0 || n >= XSIG_NSIG || xsig_name((int)n, name, sizeof name) < 0 || !xsig_valid((int)n))
      return bad_signal(arg);
    printf("%s\n", name);
    return 0;
  }
  if (parse_sig(arg, &sig) != 0)
    return 1;
  printf("%d\n", sig);
  return 0;
}

static int list_all(int table)
{
  char name[32];
  int sig, col = 0;
  for (sig = 1; sig < XSIG_NSIG; sig++) {
    if (!xsig_valid(sig) || xsig_is_realtime(sig))
      continue;
    tool_signame(sig, name, sizeof name);
    if (table)
      printf("%2d %-8s%s", sig, name, ++col % 7 == 0 ? "\n" : "");
    else
      printf("%s%s", col++ ? " " : "", name);
  }
  printf("\n");
  if (table)
    printf("%d..%d RTMIN..RTMAX\n", XSIG_RTMIN, XSIG_RTMAX);
  return 0;
}

/* An XSIG_E* code in the words kill(1) uses. */
static const char *error_text(int err)
{
  switch (err) {
  case XSIG_ESRCH: return "No such process";
  case XSIG_EPERM: return "Operation not permitted";
  case XSIG_EINVAL: return "Invalid argument";
  case XSIG_EAGAIN: return "Resource temporarily unavailable";
  case XSIG_ENOSYS: return "Windows has no call that lists the members of a process group: only "
                           "groups that the sending process started with xsig can be signalled "
                           "as a group (use --tree PID for a process and all it started)";
  default: return xsig_strerror(err);
  }
}

static int report(int64_t pid, int sig, int err)
{
  char name[16];
  if (err != XSIG_ENOGRACE) {
    fprintf(stderr, "xsig kill: (%lld): %s\n", (long long)pid, error_text(err));
    return 1;
  }
  /* Windows only: say what could have reached it. */
  tool_signame(sig, name, sizeof name);
  fprintf(stderr, "xsig kill: (%lld): no graceful way to send %s to this process: it does not "
                  "use xsig, and without xsig a program can only get TERM (WM_CLOSE to its "
                  "windows, SHUTDOWN to its console handlers, or CTRL_BREAK to a console group "
                  "that xsig started), HUP (CLOSE to its console handlers), INT and BREAK "
                  "(console control events, unless it turned Ctrl-C off), STOP, CONT and KILL; "
                  "--force ends it\n", (long long)pid, name);
  return 1;
}

static void say_sent(int64_t pid, int sig, int via)
{
  char name[16];
  if (sig == 0) { /* nothing is sent: say what was learnt */
    fprintf(stderr, "xsig kill: %lld exists and may be signalled (signal 0 sends nothing)\n", (long long)pid);
    return;
  }
  fprintf(stderr, "xsig kill: sent %s to %lld (%s)\n", tool_signame(sig, name, sizeof name), (long long)pid,
          xsig_via_name(via));
}

/* A forced QUIT may leave a minidump (Windows): its file is named while
 * the target still runs, and said once it is written. */
struct dump_note {
  char path[1024];
  int known;
};

static void dump_note_before(struct dump_note *d, int64_t pid, int sig, const struct kill_opts *o)
{
  d->known = sig == XSIG_QUIT && o->force && pid > 0 && xsig_dump_path(pid, d->path, sizeof d->path) == 0;
}

static void dump_note_after(const struct dump_note *d, int64_t pid, int via)
{
  if (via == XSIG_VIA_DUMP)
    fprintf(stderr, "xsig kill: %lld: minidump written to %s\n", (long long)pid,
            d->known ? d->path : "(its folder could not be named)");
}

static int send_flags(const struct kill_opts *o, int with_value)
{
  return (with_value && o->have_value ? XSIG_SEND_VALUE : 0) | (o->force ? XSIG_SEND_FORCE : 0);
}

/* A pid, or -pgid for a group, as kill(2) takes it. */
static int send_one(int64_t pid, const struct kill_opts *o)
{
  struct dump_note d;
  int via = XSIG_VIA_NONE, err;
  dump_note_before(&d, pid, o->sig, o);
  err = xsig_send(pid, o->sig, (intptr_t)o->value, send_flags(o, 1), &via);
  if (err)
    return report(pid, o->sig, err);
  dump_note_after(&d, pid, via);
  if (o->verbose)
    say_sent(pid, o->sig, via);
  return 0;
}

/* What one PID names: itself, and with --tree its descendants, each held
 * open so that a pid reused by an unrelated process is never signalled. */
struct members {
  xsig_process_t *p[MAX_TREE];
  int n;
};

static int is_member(const struct members *m, int64_t pid)
{
  int i;
  for (i = 0; i < m->n; i++)
    if (xsig_process_pid(m->p[i]) == pid)
      return 1;
  return 0;
}

static void add_descendants(struct members *m, int64_t pid)
{
  int64_t kids[MAX_TREE];
  int i, n = xsig_process_descendants(pid, kids, MAX_TREE);
  for (i = 0; i < n && m->n < MAX_TREE; i++)
    if (!is_member(m, kids[i]) && xsig_process_open(kids[i], &m->p[m->n]) == 0)
      m->n++;
}

/* Processes that joined since: children of members that still run (on
 * Linux, those whose parent died were handed to another and are missed). */
static void add_newcomers(struct members *m)
{
  int i, n = m->n;
  for (i = 0; i < n; i++)
    if (xsig_process_alive(m->p[i]) == 1)
      add_descendants(m, xsig_process_pid(m->p[i]));
}

static int alive_count(struct members *m)
{
  int i, n = 0;
  for (i = 0; i < m->n; i++)
    n += xsig_process_alive(m->p[i]) == 1;
  return n;
}

/* The first signal went to m->p[0] already; this one goes to every member
 * that still runs. Descendants that are gone do not count as failures. */
static int send_members(struct members *m, int sig, const struct kill_opts *o, int from)
{
  int i, failed = 0;
  for (i = from; i < m->n; i++) {
    int64_t pid = xsig_process_pid(m->p[i]);
    struct dump_note d;
    int via = XSIG_VIA_NONE, err;
    if (xsig_process_alive(m->p[i]) != 1)
      continue;
    dump_note_before(&d, pid, sig, o);
    err = xsig_process_send(m->p[i], sig, 0, send_flags(o, 0), &via);
    if (err && err != XSIG_ESRCH)
      failed = report(pid, sig, err);
    else if (err == 0 && o->verbose)
      say_sent(pid, sig, via);
    if (err == 0)
      dump_note_after(&d, pid, via);
  }
  return failed;
}

/* util-linux --timeout: each follow-up signal goes, after its delay, to
 * whatever of the target (with --tree: the tree as it was at the start,
 * and what joined it since) still runs. */
static void follow_up(struct members *m, const struct kill_opts *o)
{
  int i;
  for (i = 0; i < o->nfollow && alive_count(m) > 0; i++) {
    int64_t waited = 0;
    while (waited < o->follow[i].ms && alive_count(m) > 0) {
      xsig_sleep(10);
      waited += 10;
    }
    if (o->tree)
      add_newcomers(m);
    send_members(m, o->follow[i].sig, o, 0);
  }
}

static void close_members(struct members *m)
{
  int i;
  for (i = 0; i < m->n; i++)
    xsig_process_close(m->p[i]);
  m->n = 0;
}

/* One PID of the command line: the signal, then any follow-ups. A group
 * (-PGID) gets the first signal only. */
static int kill_target(int64_t pid, const struct kill_opts *o)
{
  struct members m;
  int failed;
  m.n = 0;
  /* a tree that cannot be listed is refused before anything is sent */
  if (o->tree && pid > 0 && xsig_process_descendants(pid, NULL, 0) == XSIG_ENOSYS) {
    fprintf(stderr, "xsig kill: --tree: this system gives no way to list processes (%s); "
                    "signal the process group instead (kill -- -PGID)\n", xsig_strerror(XSIG_ENOSYS));
    return 1;
  }
  if (pid > 0 && (o->tree || o->nfollow) && xsig_process_open(pid, &m.p[0]) == 0)
    m.n = 1;
  if (m.n && o->tree)
    add_descendants(&m, pid); /* before the signal: the tree as it is now */
  failed = send_one(pid, o);
  /* a root that could not take it does not spare the rest: its tree, and
   * the follow-ups meant for whatever does not stop */
  if (m.n) {
    failed |= send_members(&m, o->sig, o, 1);
    follow_up(&m, o);
  }
  close_members(&m);
  return failed;
}

static int option_value(int argc, char **argv, int *i, const char *opt, const char **val)
{
  size_t n = strlen(opt);
  if (strcmp(argv[*i], opt) == 0) {
    if (*i + 1 >= argc)
      return -1;
    *val = argv[++*i];
    return 1;
  }
  if (strncmp(argv[*i], opt, n) == 0 && argv[*i][n] == '=' && opt[1] == '-') {
    *val = argv[*i] + n + 1;
    return 1;
  }
  return 0;
}

/* Parses the command line into c without sending anything (the fuzz target
 * calls this). Returns -1 to go on and send, else the exit code; c->pids is
 * allocated when it returns -1. */
int tool_kill_parse(int argc, char **argv, struct kill_cmd *c)
{
  struct kill_opts *o = &c->o;
  int i, sig_given = 0, r;
  const char *val;
  memset(c, 0, sizeof *c);
  o->sig = XSIG_TERM;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage_text, stdout);
      return 0;
    }
    if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0)
      return tool_version("kill");
    if (strcmp(a, "-L") == 0 || strcmp(a, "--table") == 0)
      return list_all(1);
    if (strcmp(a, "-l") == 0 || strcmp(a, "--list") == 0)
      return i + 1 < argc ? list_one(argv[i + 1]) : list_all(0);
    if (strncmp(a, "--list=", 7) == 0)
      return list_one(a + 7);
    if (strcmp(a, "--tree") == 0) {
      o->tree = 1;
      continue;
    }
    if (strcmp(a, "--force") == 0) {
      o->force = 1;
      continue;
    }
    if (strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
      continue;
    }
    if ((r = option_value(argc, argv, &i, "-s", &val)) != 0 ||
        (r = option_value(argc, argv, &i, "--signal", &val)) != 0) {
      if (r < 0 || parse_sig(val, &o->sig) != 0)
        return r < 0 ? usage_error() : 1;
      sig_given = 1;
      continue;
    }
    if ((r = option_value(argc, argv, &i, "-q", &val)) != 0 ||
        (r = option_value(argc, argv, &i, "--queue", &val)) != 0) {
      if (r < 0)
        return usage_error();
      if (tool_parse_int64(val, &o->value) != 0) {
        fprintf(stderr, "xsig kill: must be an integer value to be passed with the signal.: '%s'\n", val);
        return 1;
      }
      o->have_value = 1;
      continue;
    }
    if (strcmp(a, "--timeout") == 0) {
      if (i + 2 >= argc || o->nfollow == MAX_TIMEOUTS)
        return usage_error();
      if (tool_parse_int64(argv[i + 1], &o->follow[o->nfollow].ms) != 0 || o->follow[o->nfollow].ms < 0) {
        fprintf(stderr, "xsig kill: failed to parse argument: '%s'\n", argv[i + 1]);
        return 1;
      }
      if (parse_sig(argv[i + 2], &o->follow[o->nfollow].sig) != 0)
        return 1;
      o->nfollow++;
      i += 2;
      continue;
    }
    if (a[0] == '-' && a[1] != 0) {
      int64_t n;
      if (tool_parse_int64(a, &n) == 0 && sig_given)
        break; /* -PGID after the signal: a process group */
      if (sig_given)
        return bad_signal(a + 1);
      if (parse_sig(a + 1, &o->sig) != 0)
        return 1;
      sig_given = 1;
      continue;
    }
    break;
  }
  if (i >= argc)
    return usage_error();
  c->pids = calloc((size_t)(argc - i), sizeof *c->pids);
  if (c->pids == NULL)
    return 1;
  for (; i < argc; i++)
    if (tool_parse_int64(argv[i], &c->pids[c->npids++]) != 0) {
      fprintf(stderr, "xsig kill: failed to parse argument: '%s'\n", argv[i]);
      free(c->pids);
      c->pids = NULL;
      return 1;
    }
  return -1;
}

int tool_kill(int argc, char **argv)
{
  struct kill_cmd c;
  int i, failed = 0, r = tool_kill_parse(argc, argv, &c);
  if (r >= 0)
    return r;
  for (i = 0; i < c.npids; i++)
    failed |= kill_target(c.pids[i], &c.o);
  free(c.pids);
  return failed ? 1 : 0;
}
