/* SPDX-License-Identifier: MIT */
/* A program that must save its work when asked to end, as a program
 * would write it with xsig, once for Windows and POSIX. On Windows it is
 * built as a GUI program (no console), so it is asked through the end of
 * the session (logoff, shutdown, the Restart Manager): TERM, with the time
 * Windows gives in deadline_us. On POSIX TERM comes from kill or a session
 * manager. Either way it saves, taking its time, and says so.
 *   xsig-autosave FILE      works, writing FILE; saves it on TERM */
#include <stdio.h>
#include "xsig.h"

static volatile int asked;
static xsig_info_t why;

static void on_term(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)arg;
  why = *info;
  asked = 1;
}

static const char *door(const xsig_info_t *info)
{
  switch (info->code) {
  case XSIG_SI_SESSION: return "the session's end";
  case XSIG_SI_CONSOLE: return "the console";
  case XSIG_SI_USER: return "a process";
  default: return "elsewhere";
  }
}

int main(int argc, char **argv)
{
  FILE *f;
  int64_t left;
  int edits = 0;
  if (argc != 2 || xsig_init() != 0)
    return 2;
  xsig_handle(XSIG_TERM, on_term);
  if ((f = fopen(argv[1], "w")) == NULL)
    return 2;
  fprintf(f, "working\n");
  fflush(f);
  while (!asked) {
    xsig_sleep(100); /* handlers run in here */
    edits++;
  }
  left = why.deadline_us ? (why.deadline_us - xsig_clock_us()) / 1000 : -1;
  fprintf(f, "TERM from %s, %s\n", door(&why), left >= 0 ? "with a deadline" : "no deadline given");
  fflush(f);
  xsig_sleep(1000); /* saving takes a while */
  fprintf(f, "saved %d edits\n", edits);
  fclose(f);
  return 0;
}
