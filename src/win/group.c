/* SPDX-License-Identifier: MIT */
/* The process groups this process started, with their job objects: a
 * table that sending (src/win/process.c) and the process list
 * (src/win/tree.c) read. It calls nothing of src/win. */
#include <stdlib.h>
#include "internal.h"

struct group {
  DWORD pgid;
  HANDLE job;
  int leader; /* the job of the group's leader; else a member's that joined */
};

/* groups_lock guards groups, ngroups and cap. */
static SRWLOCK groups_lock = SRWLOCK_INIT;
static struct group *groups;
static size_t ngroups, cap;

/* Process groups xsig started (CREATE_NEW_PROCESS_GROUP), with the job that
 * holds the whole tree, and the jobs of children that joined one
 * (xsig_spawn_options_t.pgid). Only leaders' ids are ever given to
 * GenerateConsoleCtrlEvent: for any other id the console acts as if group 0
 * were meant. */
int xsig__win_group_add(DWORD pgid, HANDLE job, int leader)
{
  int err = 0;
  AcquireSRWLockExclusive(&groups_lock);
  if (ngroups == cap) {
    size_t more = cap ? cap * 2 : 16;
    struct group *g = realloc(groups, more * sizeof *g);
    if (g == NULL)
      err = XSIG_ENOMEM;
    else
      groups = g, cap = more;
  }
  if (err == 0) {
    groups[ngroups].pgid = pgid;
    groups[ngroups].job = job;
    groups[ngroups].leader = leader;
    ngroups++;
  }
  ReleaseSRWLockExclusive(&groups_lock);
  return err;
}

void xsig__win_group_remove(DWORD pgid, HANDLE job)
{
  size_t i;
  AcquireSRWLockExclusive(&groups_lock);
  for (i = 0; i < ngroups; i++)
    if (groups[i].pgid == pgid && groups[i].job == job) {
      groups[i] = groups[--ngroups];
      break;
    }
  ReleaseSRWLockExclusive(&groups_lock);
}

int xsig__win_group_jobs(DWORD pgid, int leader_only, HANDLE *out, int max)
{
  size_t i;
  int n = 0;
  AcquireSRWLockShared(&groups_lock);
  for (i = 0; i < ngroups && n < max; i++)
    if (groups[i].pgid == pgid && pgid != 0 && (groups[i].leader || !leader_only) &&
        DuplicateHandle(GetCurrentProcess(), groups[i].job, GetCurrentProcess(), &out[n], 0, FALSE,
                        DUPLICATE_SAME_ACCESS))
      n++;
  ReleaseSRWLockShared(&groups_lock);
  return n;
}

HANDLE xsig__win_group_job(DWORD pgid)
{
  HANDLE job = NULL;
  return xsig__win_group_jobs(pgid, 1, &job, 1) ? job : NULL;
}

int xsig__win_group_known(DWORD pgid)
{
  HANDLE job = xsig__win_group_job(pgid);
  if (job)
    CloseHandle(job);
  return job != NULL;
}

DWORD xsig__win_group_of(HANDLE h)
{
  DWORD pgid = 0;
  BOOL in;
  size_t i;
  AcquireSRWLockShared(&groups_lock);
  for (i = 0; i < ngroups && pgid == 0; i++)
    if (IsProcessInJob(h, groups[i].job, &in) && in)
      pgid = groups[i].pgid;
  ReleaseSRWLockShared(&groups_lock);
  return pgid;
}
