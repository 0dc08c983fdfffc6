/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <spawn.h>: posix_spawn and posix_spawnp, the way to start a
 * program where there is no fork (docs/posix.md, "Children and groups").
 * The toolchain has no <spawn.h>.
 */
#ifndef XSIG_POSIX_SPAWN_H
#define XSIG_POSIX_SPAWN_H

#include "xsig_posix.h"
#include <signal.h> /* sigset_t */

#ifdef __cplusplus
extern "C" {
#endif

/* mingw-w64's <sys/types.h> has mode_t (unless NO_OLDNAMES); MSVC has none. */
#if !defined(_MODE_T_) && !defined(XSIG_POSIX_MODE_T)
# define XSIG_POSIX_MODE_T
# define _MODE_T_
typedef unsigned short mode_t;
#endif

#define POSIX_SPAWN_RESETIDS      0x01 /* accepted: Windows has no set-user-ID */
#define POSIX_SPAWN_SETPGROUP     0x02
#define POSIX_SPAWN_SETSIGDEF     0x04
#define POSIX_SPAWN_SETSIGMASK    0x08
#define POSIX_SPAWN_SETSCHEDPARAM 0x10 /* refused: EINVAL (no scheduling option) */
#define POSIX_SPAWN_SETSCHEDULER  0x20 /* refused: EINVAL */

typedef struct {
  unsigned xsig__magic;
  short xsig__flags;
  pid_t xsig__pgroup;
  sigset_t xsig__mask;
  sigset_t xsig__default;
} posix_spawnattr_t;

struct xsig_posix_spawn_action;
typedef struct {
  unsigned xsig__magic;
  int xsig__n, xsig__cap;
  struct xsig_posix_spawn_action *xsig__a;
} posix_spawn_file_actions_t;

XSIG_POSIX_API int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                               const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
XSIG_POSIX_API int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                                const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);

XSIG_POSIX_API int posix_spawnattr_init(posix_spawnattr_t *attr);
XSIG_POSIX_API int posix_spawnattr_destroy(posix_spawnattr_t *attr);
XSIG_POSIX_API int posix_spawnattr_getflags(const posix_spawnattr_t *attr, short *flags);
XSIG_POSIX_API int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);
XSIG_POSIX_API int posix_spawnattr_getpgroup(const posix_spawnattr_t *attr, pid_t *pgroup);
XSIG_POSIX_API int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup);
XSIG_POSIX_API int posix_spawnattr_getsigmask(const posix_spawnattr_t *attr, sigset_t *mask);
XSIG_POSIX_API int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *mask);
XSIG_POSIX_API int posix_spawnattr_getsigdefault(const posix_spawnattr_t *attr, sigset_t *set);
XSIG_POSIX_API int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *set);

XSIG_POSIX_API int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
XSIG_POSIX_API int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);
XSIG_POSIX_API int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd,
                                                    const char *path, int oflag, mode_t mode);
XSIG_POSIX_API int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd);
XSIG_POSIX_API int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_SPAWN_H */
