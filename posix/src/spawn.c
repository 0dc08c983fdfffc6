/* SPDX-License-Identifier: MIT */
/* posix_spawn and posix_spawnp on xsig_spawn_with, their attributes and
 * file actions.
 *
 * Windows has no fork, so nothing runs in the child before its program:
 * - file actions are carried out here, on a table of what the child's
 *   fds will be (open: the file is opened here, so its error is
 *   posix_spawn's), and the table goes to the child's C runtime;
 * - the mask, the ignored signals and the group reach the child's layer
 *   in the start block (children.c), an environment variable it checks
 *   and removes at start;
 * - POSIX_SPAWN_SETPGROUP with 0 makes the child lead a group of its
 *   own (XSIG_SPAWN_NEW_GROUP: a Windows process group and xsig's job).
 * Another pgroup is joined if a child of this process leads it (its
 * xsig job then counts as the group's), else EPERM. */
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include "internal.h"
#include "posix-time.h"

#define ATTR_MAGIC 0x58535041u /* "XSPA" */
#define FA_MAGIC   0x58534641u /* "XSFA" */
#define FD_LIMIT   XSIG_SPAWN_FDS_MAX
#define KNOWN_FLAGS (POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)

enum { FA_OPEN, FA_CLOSE, FA_DUP2 };

struct xsig_posix_spawn_action {
  int kind;
  int fd;
  int newfd;     /* dup2 */
  char *path;    /* open */
  int oflag;
  int mode;
};

/* --- attributes ------------------------------------------------------------ */

static int attr_ok(const posix_spawnattr_t *a)
{
  return a != NULL && a->xsig__magic == ATTR_MAGIC;
}

int posix_spawnattr_init(posix_spawnattr_t *a)
{
  if (a == NULL)
    return EINVAL;
  memset(a, 0, sizeof *a);
  a->xsig__magic = ATTR_MAGIC;
  return 0;
}

int posix_spawnattr_destroy(posix_spawnattr_t *a)
{
  if (!attr_ok(a))
    return EINVAL;
  a->xsig__magic = 0;
  return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *a, short *flags)
{
  if (!attr_ok(a) || flags == NULL)
    return EINVAL;
  *flags = a->xsig__flags;
  return 0;
}

int posix_spawnattr_setflags(posix_spawnattr_t *a, short flags)
{
  if (!attr_ok(a) || (flags & ~KNOWN_FLAGS))
    return EINVAL; /* SETSCHEDPARAM, SETSCHEDULER: no scheduling option */
  a->xsig__flags = flags;
  return 0;
}

int posix_spawnattr_getpgroup(const posix_spawnattr_t *a, pid_t *pgroup)
{
  if (!attr_ok(a) || pgroup == NULL)
    return EINVAL;
  *pgroup = a->xsig__pgroup;
  return 0;
}

int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t pgroup)
{
  if (!attr_ok(a) || pgroup < 0 || pgroup > 0x7fffffff)
    return EINVAL;
  a->xsig__pgroup = pgroup;
  return 0;
}

int posix_spawnattr_getsigmask(const posix_spawnattr_t *a, sigset_t *mask)
{
  if (!attr_ok(a) || mask == NULL)
    return EINVAL;
  *mask = a->xsig__mask;
  return 0;
}

int posix_spawnattr_setsigmask(posix_spawnattr_t *a, const sigset_t *mask)
{
  if (!attr_ok(a) || mask == NULL)
    return EINVAL;
  a->xsig__mask = *mask;
  return 0;
}

int posix_spawnattr_getsigdefault(const posix_spawnattr_t *a, sigset_t *set)
{
  if (!attr_ok(a) || set == NULL)
    return EINVAL;
  *set = a->xsig__default;
  return 0;
}

int posix_spawnattr_setsigdefault(posix_spawnattr_t *a, const sigset_t *set)
{
  if (!attr_ok(a) || set == NULL)
    return EINVAL;
  a->xsig__default = *set;
  return 0;
}

/* --- file actions ---------------------------------------------------------- */

static int fa_ok(const posix_spawn_file_actions_t *fa)
{
  return fa != NULL && fa->xsig__magic == FA_MAGIC;
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
  if (fa == NULL)
    return EINVAL;
  memset(fa, 0, sizeof *fa);
  fa->xsig__magic = FA_MAGIC;
  return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
  int i;
  if (!fa_ok(fa))
    return EINVAL;
  for (i = 0; i < fa->xsig__n; i++)
    free(fa->xsig__a[i].path);
  free(fa->xsig__a);
  memset(fa, 0, sizeof *fa);
  return 0;
}

static int fa_add(posix_spawn_file_actions_t *fa, const struct xsig_posix_spawn_action *act)
{
  if (fa->xsig__n == fa->xsig__cap) {
    int more = fa->xsig__cap ? fa->xsig__cap * 2 : 8;
    struct xsig_posix_spawn_action *a = realloc(fa->xsig__a, (size_t)more * sizeof *a);
    if (a == NULL)
      return ENOMEM;
    fa->xsig__a = a;
    fa->xsig__cap = more;
  }
  fa->xsig__a[fa->xsig__n++] = *act;
  return 0;
}

static int fd_ok(int fd)
{
  return fd >= 0 && fd < FD_LIMIT;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path, int oflag,
                                     mode_t mode)
{
  struct xsig_posix_spawn_action a;
  int err;
  if (!fa_ok(fa) || path == NULL)
    return EINVAL;
  if (!fd_ok(fd))
    return EBADF;
  memset(&a, 0, sizeof a);
  a.kind = FA_OPEN;
  a.fd = fd;
  a.oflag = oflag;
  a.mode = mode;
  if ((a.path = strdup(path)) == NULL)
    return ENOMEM;
  if ((err = fa_add(fa, &a)) != 0)
    free(a.path);
  return err;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
  struct xsig_posix_spawn_action a;
  if (!fa_ok(fa))
    return EINVAL;
  if (!fd_ok(fd))
    return EBADF;
  memset(&a, 0, sizeof a);
  a.kind = FA_CLOSE;
  a.fd = fd;
  return fa_add(fa, &a);
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
  struct xsig_posix_spawn_action a;
  if (!fa_ok(fa))
    return EINVAL;
  if (!fd_ok(fd) || !fd_ok(newfd))
    return EBADF;
  memset(&a, 0, sizeof a);
  a.kind = FA_DUP2;
  a.fd = fd;
  a.newfd = newfd;
  return fa_add(fa, &a);
}

/* --- the child's fds --------------------------------------------------------- */

enum { FD_AS_PARENT, FD_SET, FD_CLOSED };

struct fdtable {
  int state[FD_LIMIT];
  HANDLE h[FD_LIMIT];
  HANDLE opened[FD_LIMIT]; /* files opened for the child: closed after */
  int nopened;
};

/* This process's fd as a HANDLE, or NULL if it is not open. */
static HANDLE parent_handle(int fd)
{
  intptr_t h = _get_osfhandle(fd);
  return h == -1 || h == -2 ? NULL : (HANDLE)h;
}

/* What fd is for the child now: NULL if closed. */
static HANDLE fd_now(struct fdtable *t, int fd)
{
  if (t->state[fd] == FD_AS_PARENT)
    return parent_handle(fd);
  return t->state[fd] == FD_SET ? t->h[fd] : NULL;
}

static int open_error(DWORD e)
{
  switch (e) {
  case ERROR_FILE_NOT_FOUND:
  case ERROR_PATH_NOT_FOUND:
  case ERROR_INVALID_DRIVE:
    return ENOENT;
  case ERROR_ACCESS_DENIED:
  case ERROR_SHARING_VIOLATION:
    return EACCES;
  case ERROR_FILE_EXISTS:
  case ERROR_ALREADY_EXISTS:
    return EEXIST;
  case ERROR_INVALID_NAME:
  case ERROR_BAD_PATHNAME:
    return ENOENT;
  case ERROR_NOT_ENOUGH_MEMORY:
    return ENOMEM;
  default:
    return EIO;
  }
}

static DWORD creation(int oflag)
{
  if ((oflag & O_CREAT) && (oflag & O_EXCL))
    return CREATE_NEW;
  if ((oflag & O_CREAT) && (oflag & O_TRUNC))
    return CREATE_ALWAYS;
  if (oflag & O_CREAT)
    return OPEN_ALWAYS;
  return (oflag & O_TRUNC) ? TRUNCATE_EXISTING : OPEN_EXISTING;
}

/* open(path, oflag, mode) for the child: an inheritable-later HANDLE (the
 * copy the child gets is made by xsig_spawn_with). O_APPEND is the
 * system's append access, so every write of the child goes to the end. */
static int open_for_child(const struct xsig_posix_spawn_action *a, HANDLE *out)
{
  int acc = a->oflag & (O_RDONLY | O_WRONLY | O_RDWR);
  DWORD access = 0, attrs = FILE_ATTRIBUTE_NORMAL;
  wchar_t wpath[MAX_PATH * 2];
  UINT cp = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, a->path, -1, NULL, 0) > 0 ? CP_UTF8 : CP_ACP;
  HANDLE h;
  if (acc != O_WRONLY)
    access |= GENERIC_READ;
  if (acc == O_WRONLY || acc == O_RDWR)
    access |= (a->oflag & O_APPEND) ? FILE_APPEND_DATA | SYNCHRONIZE | FILE_READ_ATTRIBUTES : GENERIC_WRITE;
  if ((a->oflag & O_TRUNC) && !(access & GENERIC_WRITE))
    access |= GENERIC_WRITE;
  if ((a->oflag & O_CREAT) && !(a->mode & 0222))
    attrs = FILE_ATTRIBUTE_READONLY;
  if (MultiByteToWideChar(cp, 0, a->path, -1, wpath, (int)(sizeof wpath / sizeof wpath[0])) <= 0)
    return ENAMETOOLONG;
  h = CreateFileW(wpath, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, creation(a->oflag),
                  attrs, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return open_error(GetLastError());
  *out = h;
  return 0;
}

static void set_fd(struct fdtable *t, int fd, HANDLE h)
{
  t->state[fd] = h ? FD_SET : FD_CLOSED;
  t->h[fd] = h;
}

/* Carries out the actions in order, as the child would. 0 or an errno. */
static int apply_actions(struct fdtable *t, const posix_spawn_file_actions_t *fa)
{
  int i, err;
  HANDLE h;
  for (i = 0; fa && i < fa->xsig__n; i++) {
    const struct xsig_posix_spawn_action *a = &fa->xsig__a[i];
    switch (a->kind) {
    case FA_OPEN:
      if ((err = open_for_child(a, &h)) != 0)
        return err;
      t->opened[t->nopened++] = h;
      set_fd(t, a->fd, h);
      break;
    case FA_CLOSE:
      set_fd(t, a->fd, NULL); /* closing a closed fd is not an error here */
      break;
    case FA_DUP2:
      if ((h = fd_now(t, a->fd)) == NULL)
        return EBADF;
      set_fd(t, a->newfd, h);
      break;
    }
  }
  return 0;
}

/* The child's fds 0..n-1 for xsig_spawn_with: 0-2 always; above them,
 * only the fds the actions set (see docs/posix.md). */
static int child_fds(struct fdtable *t, HANDLE *out)
{
  int fd, n = 3;
  for (fd = 3; fd < FD_LIMIT; fd++)
    if (t->state[fd] == FD_SET)
      n = fd + 1;
  for (fd = 0; fd < n; fd++)
    out[fd] = fd < 3 ? fd_now(t, fd) : t->state[fd] == FD_SET ? t->h[fd] : NULL;
  return n;
}

static void fdtable_close(struct fdtable *t)
{
  int i;
  for (i = 0; i < t->nopened; i++)
    CloseHandle(t->opened[i]);
}

/* --- the environment with the start block ---------------------------------- */

static int is_start_var(const char *s)
{
  size_t n = strlen(XSIG_POSIX_START_VAR);
  return _strnicmp(s, XSIG_POSIX_START_VAR, n) == 0 && s[n] == '=';
}

/* envp less any start block of its own, plus ours (block). */
static char **child_env(char *const envp[], char *block)
{
  size_t n = 0, i, j = 0;
  char **env;
  while (envp && envp[n])
    n++;
  if ((env = malloc((n + 2) * sizeof *env)) == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    if (!is_start_var(envp[i]))
      env[j++] = envp[i];
  env[j++] = block;
  env[j] = NULL;
  return env;
}

/* The signals the child ignores: those ignored here, less SETSIGDEF's. */
static uint64_t child_ignored(const posix_spawnattr_t *a)
{
  uint64_t bits = 0, dflt = 0;
  struct sigaction old;
  int sig;
  if (a && (a->xsig__flags & POSIX_SPAWN_SETSIGDEF))
    dflt = xsig_posix__bits(&a->xsig__default);
  for (sig = 1; sig <= 64; sig++)
    if (xsig_posix__valid(sig) && sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &old) == 0 &&
        old.sa_handler == SIG_IGN && !(dflt & XSIG_POSIX_BIT(sig)))
      bits |= XSIG_POSIX_BIT(sig);
  return bits;
}

/* --- posix_spawn ------------------------------------------------------------ */

static int exists(const char *path)
{
  DWORD a = GetFileAttributesA(path);
  return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

/* The program to start: path as given, or with ".exe" as Windows names
 * programs ("./worker" for worker.exe); with search and no slash, found
 * as SearchPath finds it (the program's folder, the system folders, PATH). */
static int program(const char *file, int search, char *buf, size_t size)
{
  char *part;
  DWORD n;
  if (file[0] == 0)
    return ENOENT;
  if (search && strpbrk(file, "/\\:") == NULL) {
    n = SearchPathA(NULL, file, ".exe", (DWORD)size, buf, &part);
    return n == 0 ? ENOENT : n >= size ? ENAMETOOLONG : 0;
  }
  if (strlen(file) + 7 > size)
    return ENAMETOOLONG;
  strcpy(buf, strpbrk(file, "/\\:") ? "" : ".\\");
  strcat(buf, file);
  if (!exists(buf) && strlen(buf) > 0) {
    strcat(buf, ".exe");
    if (!exists(buf))
      buf[strlen(buf) - 4] = 0;
  }
  return 0;
}

/* The child's group: ours; its own (SETPGROUP 0); or, to join another,
 * one that a child of ours leads (xsig's pgid: EPERM for any other). */
static void group_of_child(const posix_spawnattr_t *a, xsig_spawn_options_t *o, int64_t *pgid)
{
  int64_t own = xsig_posix__getpgrp();
  *pgid = own;
  if (a == NULL || !(a->xsig__flags & POSIX_SPAWN_SETPGROUP))
    return;
  if (a->xsig__pgroup == 0) {
    o->flags = XSIG_SPAWN_NEW_GROUP;
    *pgid = 0;
  } else if (a->xsig__pgroup != own) {
    o->pgid = a->xsig__pgroup;
    *pgid = a->xsig__pgroup;
  }
}

static int spawn(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *a,
                 char *const argv[], char *const envp[], int search)
{
  static struct fdtable zero;
  struct fdtable *t;
  xsig_spawn_options_t o;
  xsig_process_t *p;
  HANDLE fds[FD_LIMIT];
  char path[MAX_PATH * 2], block[96], **env = NULL;
  uint64_t mask;
  int64_t pgid;
  int err;
  if (file == NULL || argv == NULL || argv[0] == NULL || (fa && !fa_ok(fa)) || (a && !attr_ok(a)))
    return EINVAL;
  if (xsig_posix__init())
    return errno;
  memset(&o, 0, sizeof o);
  if ((err = program(file, search, path, sizeof path)) != 0)
    return err;
  group_of_child(a, &o, &pgid);
  mask = a && (a->xsig__flags & POSIX_SPAWN_SETSIGMASK) ? xsig_posix__bits(&a->xsig__mask)
                                                          : xsig_posix__thread_mask();
  xsig_posix__start_block(block, sizeof block, mask, child_ignored(a), pgid);
  if ((t = malloc(sizeof *t)) == NULL || (env = child_env(envp, block)) == NULL) {
    free(t);
    return ENOMEM;
  }
  *t = zero;
  o.envp = env;
  o.fds = fds;
  if ((err = apply_actions(t, fa)) == 0) {
    o.nfds = child_fds(t, fds);
    xsig_posix__spawning(1);
    err = xsig_spawn_with(path, argv, &o, &p);
    if (err == 0) /* without a record (no memory) waitpid still finds it, as xsig_spawn's */
      xsig_posix__kid_add(xsig_process_pid(p), pgid ? pgid : xsig_process_pid(p));
    xsig_posix__spawning(0);
    err = err < 0 ? xsig_posix__errno_of(err) : 0;
  }
  fdtable_close(t);
  free(t);
  free(env);
  if (err)
    return err;
  if (pid)
    *pid = (pid_t)xsig_process_pid(p);
  xsig_process_close(p); /* xsig keeps it until wait reports it */
  return 0;
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                char *const argv[], char *const envp[])
{
  return spawn(pid, path, fa, attr, argv, envp, 0);
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
  return spawn(pid, file, fa, attr, argv, envp, 1);
}
