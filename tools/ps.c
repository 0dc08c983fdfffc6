/* SPDX-License-Identifier: MIT */
/* xsig ps: every process with its parent, group, whether it runs xsig, and
 * its command line; --tree draws who started whom. Built on
 * xsig_process_list and xsig_process_cmdline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tool.h"

static const char usage_text[] =
  "Usage: xsig ps [--tree]\n"
  "List the processes this user can see: PID, parent (PPID), process group\n"
  "(PGID; on Windows only the groups this xsig ps started, so '-': another\n"
  "process's console group cannot be read),\n"
  "whether it runs xsig (XSIG: yes, no, or ? where it cannot be told and\n"
  "does not matter: on POSIX every process takes signals alike; on Windows\n"
  "'yes' means it can catch every signal 'xsig kill' sends), and its command\n"
  "line.\n"
  "\n"
  "  --tree     children below their parent, indented\n"
  "  --help     display this help and exit\n"
  "  --version  output version information and exit\n";

struct row {
  xsig_proc_entry_t e;
  int shown;
};

static int by_pid(const void *a, const void *b)
{
  int64_t x = ((const struct row *)a)->e.pid, y = ((const struct row *)b)->e.pid;
  return x < y ? -1 : x > y;
}

/* The whole list, sorted by pid; *n its length. NULL with *n an error. */
static struct row *take_list(int *n)
{
  xsig_proc_entry_t *e = NULL;
  struct row *rows;
  int max = 256, got, i;
  for (;;) {
    free(e);
    if ((e = malloc((size_t)max * sizeof *e)) == NULL) {
      *n = XSIG_ENOMEM;
      return NULL;
    }
    got = xsig_process_list(e, max);
    if (got < 0 || got <= max)
      break;
    max = got + 64; /* more came meanwhile: room for them */
  }
  if (got < 0 || (rows = calloc((size_t)(got ? got : 1), sizeof *rows)) == NULL) {
    free(e);
    *n = got < 0 ? got : XSIG_ENOMEM;
    return NULL;
  }
  for (i = 0; i < got; i++)
    rows[i].e = e[i];
  free(e);
  qsort(rows, (size_t)got, sizeof *rows, by_pid);
  *n = got;
  return rows;
}

static void print_row(const struct row *r, int depth)
{
  char cmd[512], group[24];
  int i;
  if (xsig_process_cmdline(r->e.pid, cmd, sizeof cmd) < 0)
    snprintf(cmd, sizeof cmd, "?"); /* gone meanwhile, or not ours to read */
  if (r->e.group)
    snprintf(group, sizeof group, "%lld", (long long)r->e.group);
  else
    snprintf(group, sizeof group, "-");
  printf("%7lld %7lld %7s %4s  ", (long long)r->e.pid, (long long)r->e.ppid, group,
         r->e.xsig > 0 ? "yes" : r->e.xsig == 0 ? "no" : "?");
  for (i = 1; i < depth; i++)
    fputs("    ", stdout);
  printf("%s%s\n", depth ? " \\_ " : "", cmd);
}

static int is_listed(const struct row *rows, int n, int64_t pid)
{
  struct row key;
  key.e.pid = pid;
  return pid != 0 && bsearch(&key, rows, (size_t)n, sizeof *rows, by_pid) != NULL;
}

/* r and its children, depth first; each row once (no loop, whatever the
 * parents say). */
static void print_tree(struct row *rows, int n, struct row *r, int depth)
{
  int i;
  r->shown = 1;
  print_row(r, depth);
  for (i = 0; i < n; i++)
    if (!rows[i].shown && rows[i].e.ppid == r->e.pid && rows[i].e.pid != r->e.pid)
      print_tree(rows, n, &rows[i], depth + 1);
}

int tool_ps(int argc, char **argv)
{
  struct row *rows;
  int i, n, tree = 0;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--tree") == 0)
      tree = 1;
    else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return fputs(usage_text, stdout), 0;
    else if (strcmp(argv[i], "--version") == 0)
      return tool_version("ps");
    else {
      fprintf(stderr, "xsig ps: unrecognized option '%s'\n%s", argv[i], usage_text);
      return 1;
    }
  }
  if ((rows = take_list(&n)) == NULL) {
    fprintf(stderr, "xsig ps: cannot list processes: %s\n", xsig_strerror(n));
    return 1;
  }
  printf("%7s %7s %7s %4s  %s\n", "PID", "PPID", "PGID", "XSIG", "COMMAND");
  for (i = 0; i < n; i++)
    if (!tree)
      print_row(&rows[i], 0);
    else if (!rows[i].shown && !is_listed(rows, n, rows[i].e.ppid))
      print_tree(rows, n, &rows[i], 0);
  for (i = 0; tree && i < n; i++) /* parents in a loop: still listed */
    if (!rows[i].shown)
      print_tree(rows, n, &rows[i], 0);
  free(rows);
  return 0;
}
