/* SPDX-License-Identifier: MIT */
/* A program built against an installed xsig (find_package and pkg-config). */
#include <stdio.h>
#include <xsig.h>

static int got;
static void on_usr1(int sig, const xsig_info_t *info, void *arg)
{
  (void)info;
  (void)arg;
  got = sig;
}

int main(void)
{
  if (xsig_init() != 0 || xsig_handle(XSIG_USR1, on_usr1) != 0 || xsig_raise(XSIG_USR1) != 0)
    return 1;
  printf("consumer: got %d\n", got);
  return got == XSIG_USR1 ? 0 : 1;
}
