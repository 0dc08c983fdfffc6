/* SPDX-License-Identifier: MIT */
/*
 * xsig-posix <sys/wait.h>: wait, waitpid and waitid for the children of
 * posix_spawn and xsig_spawn, with Linux's status encoding, so the W*
 * macros tell the truth about a child ended by a signal (docs/posix.md,
 * "Children and groups"). The toolchain has no <sys/wait.h>.
 */
#ifndef XSIG_POSIX_SYS_WAIT_H
#define XSIG_POSIX_SYS_WAIT_H

#include "../xsig_posix.h"
#include <signal.h> /* siginfo_t */

#ifdef __cplusplus
extern "C" {
#endif

#define WNOHANG    0x1 /* do not wait: 0 when no child has changed */
#define WUNTRACED  0x2 /* also stopped children (never seen on Windows) */
#define WSTOPPED   0x2 /* waitid: stopped children */
#define WEXITED    0x4 /* waitid: children that ended */
#define WCONTINUED 0x8 /* also continued children (never seen on Windows) */
#define WNOWAIT    0x01000000 /* waitid: leave the child waitable */

/* Linux's encoding: exit code << 8; the signal in the low 7 bits, 0x80
 * for a core dump; 0x7f in the low byte when stopped; 0xffff continued. */
#define WEXITSTATUS(s)  (((s) & 0xff00) >> 8)
#define WTERMSIG(s)     ((s) & 0x7f)
#define WSTOPSIG(s)     WEXITSTATUS(s)
#define WIFEXITED(s)    (WTERMSIG(s) == 0)
#define WIFSIGNALED(s)  (((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WIFSTOPPED(s)   (((s) & 0xff) == 0x7f)
#define WIFCONTINUED(s) ((s) == 0xffff)
#define WCOREDUMP(s)    ((s) & 0x80)

typedef enum { P_ALL, P_PID, P_PGID } idtype_t;
#ifndef XSIG_POSIX_ID_T
# define XSIG_POSIX_ID_T
typedef long long id_t;
#endif

XSIG_POSIX_API pid_t wait(int *status);
XSIG_POSIX_API pid_t waitpid(pid_t pid, int *status, int options);
XSIG_POSIX_API int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options);

#ifdef __cplusplus
}
#endif
#endif /* XSIG_POSIX_SYS_WAIT_H */
