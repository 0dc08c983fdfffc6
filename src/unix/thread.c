/* SPDX-License-Identifier: MIT */
/* POSIX threads and wake-up objects for src/thread.c. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>
#include "internal.h"
#include "extras.h"

struct start {
  void (*fn)(void *);
  void *arg;
};

static void *thread_main(void *p)
{
  struct start s = *(struct start *)p;
  free(p);
  s.fn(s.arg);
  return NULL;
}

int xsig__os_thread_create(xsig__thread_t *t, void (*fn)(void *), void *arg)
{
  struct start *s = malloc(sizeof *s);
  int err;
  if (s == NULL)
    return XSIG_ENOMEM;
  s->fn = fn;
  s->arg = arg;
  if ((err = pthread_create(t, NULL, thread_main, s)) != 0) {
    free(s);
    return err == EAGAIN || err == ENOMEM ? XSIG_ENOMEM : XSIG_ESYS;
  }
  return 0;
}

void xsig__os_thread_join(xsig__thread_t t)
{
  pthread_join(t, NULL);
}

void xsig__os_thread_detach(xsig__thread_t t)
{
  pthread_detach(t);
}

int xsig__os_event_open(struct xsig__os_event *e)
{
  int fds[2];
  if (xsig__unix_pipe(fds) != 0)
    return XSIG_ESYS;
  e->h = fds[0];
  e->w = fds[1];
  return 0;
}

void xsig__os_event_set(struct xsig__os_event *e)
{
  char b = 1;
  if (write(e->w, &b, 1) < 0) {
    /* full: readable already */
  }
}

void xsig__os_event_clear(struct xsig__os_event *e)
{
  char buf[64];
  while (read(e->h, buf, sizeof buf) > 0) {
  }
}

void xsig__os_event_close(struct xsig__os_event *e)
{
  close(e->h);
  close(e->w);
  e->h = e->w = -1;
}

void xsig__os_event_wait(struct xsig__os_event *e)
{
  struct pollfd p;
  p.fd = e->h;
  p.events = POLLIN;
  while (poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
}
