/* SPDX-License-Identifier: MIT */
/* Sending to Windows processes that do not use xsig: every ladder step. */
#include "task.h"
#ifdef _WIN32
#include <windows.h>

static BOOL WINAPI print_ctrl(DWORD ev)
{
  helper_say("ctrl %lu", (unsigned long)ev);
  return TRUE;
}

static LRESULT CALLBACK wnd_proc(HWND w, UINT msg, WPARAM wp, LPARAM lp)
{
  if (msg == WM_CLOSE) {
    helper_say("WM_CLOSE");
    DestroyWindow(w);
    return 0;
  }
  if (msg == WM_DESTROY) {
    PostQuitMessage(0);
    return 0;
  }
  return DefWindowProcW(w, msg, wp, lp);
}

/* A program without xsig: "console" prints its console events and ticks;
 * "default" ticks with the system's handler only; "noconsole" ticks
 * after it let go of its console; "window" has a top-level window and
 * quits on WM_CLOSE. */
HELPER_IMPL(plain_child)
{
  int i;
  (void)argc;
  if (strcmp(argv[1], "window") == 0) {
    WNDCLASSW wc;
    MSG m;
    HWND w;
    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = wnd_proc;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"xsig-test-window";
    RegisterClassW(&wc);
    w = CreateWindowW(L"xsig-test-window", L"xsig test", WS_OVERLAPPEDWINDOW, 0, 0, 100, 100,
                      NULL, NULL, wc.hInstance, NULL);
    helper_say(w ? "ready" : "no window");
    while (GetMessageW(&m, NULL, 0, 0) > 0) {
      TranslateMessage(&m);
      DispatchMessageW(&m);
    }
    helper_say("closed");
    return 0;
  }
  if (strcmp(argv[1], "noconsole") == 0)
    FreeConsole();
  else if (strcmp(argv[1], "default") != 0)
    SetConsoleCtrlHandler(print_ctrl, TRUE);
  helper_say("ready");
  for (i = 0; i < 1000; i++) {
    helper_say("tick %d", i);
    Sleep(25);
  }
  return 0;
}

static void start_plain(test_proc_t *p, const char *mode)
{
  char line[64];
  ASSERT_OK(test_spawn_helper(p, "plain_child", mode, 0));
  ASSERT_OK(test_read_line(p, line, sizeof line, 20000));
  if (strcmp(line, "no window") == 0)
    fprintf(stderr, "no window could be created: under Wine this test needs a display "
                    "(scripts/test.sh runs the suite under xvfb-run)\n");
  ASSERT_STR(line, "ready");
}

/* Sends sig (with flags) to p, which prints its console events: the way
 * must be want_via and the event that arrives ev. */
static void send_sees_event(test_proc_t *p, int sig, int flags, int want_via, DWORD ev)
{
  char want[32];
  int via = -1;
  ASSERT_OK(xsig_send(p->pid, sig, 0, flags, &via));
  ASSERT_EQ(via, want_via);
  snprintf(want, sizeof want, "ctrl %lu", (unsigned long)ev);
  ASSERT_OK(test_expect_line(p, want, NULL, 0, 20000));
}

TEST_IMPL(ladder_kill_and_zero)
{
  test_proc_t p;
  xsig_status_t st;
  int via = -1;
  start_plain(&p, "console");
  ASSERT_OK(xsig_send(p.pid, 0, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_NONE);
  ASSERT_OK(xsig_send(p.pid, XSIG_KILL, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_TERMINATE);
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 0);
  ASSERT_EQ(st.signo, XSIG_KILL); /* the exit code decodes back to KILL */
  test_proc_close(&p);
  return 0;
}

/* Drains output for ms; returns how many lines came. */
static int lines_within(test_proc_t *p, int ms)
{
  char line[64];
  int n = 0;
  DWORD end = GetTickCount() + (DWORD)ms;
  while ((int)(end - GetTickCount()) > 0)
    if (test_read_line(p, line, sizeof line, (int)(end - GetTickCount())) == 0)
      n++;
  return n;
}

TEST_IMPL(ladder_stop_cont)
{
  test_proc_t p;
  int via = -1;
  start_plain(&p, "console");
  ASSERT_OK(xsig_send(p.pid, XSIG_STOP, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_SUSPEND);
  lines_within(&p, 300);              /* what it wrote before it stopped */
  ASSERT_EQ(lines_within(&p, 400), 0); /* stopped: no ticks */
  ASSERT_OK(xsig_send(p.pid, XSIG_CONT, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_RESUME);
  ASSERT(lines_within(&p, 400) > 0);  /* running again */
  test_proc_close(&p);
  return 0;
}

TEST_IMPL(ladder_ctrl_routine)
{
  test_proc_t p;
  start_plain(&p, "console");
  /* not a process group xsig started: a thread at CtrlRoutine in the target */
  send_sees_event(&p, XSIG_INT, 0, XSIG_VIA_CTRLROUTINE, CTRL_C_EVENT);
  send_sees_event(&p, XSIG_BREAK, 0, XSIG_VIA_CTRLROUTINE, CTRL_BREAK_EVENT);
  test_proc_close(&p);
  return 0;
}

/* INT to a program without a handler of its own: the system's default
 * handler ends it. Windows exits with STATUS_CONTROL_C_EXIT; Wine 8's
 * default handler exits with 0 (never asserted: the code is not checked
 * there, only that it ended). */
TEST_IMPL(ladder_int_default_action)
{
  test_proc_t p;
  xsig_status_t st;
  int via = -1;
  start_plain(&p, "default");
  ASSERT_OK(xsig_send(p.pid, XSIG_INT, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_CTRLROUTINE);
  ASSERT_OK(test_wait(&p, 20000, &st));
  if (test_under_wine()) {
    ASSERT(st.exited == 1 || st.signo == XSIG_INT);
  } else {
    ASSERT_EQ(st.raw, 0xC000013Au);
    ASSERT_EQ(st.signo, XSIG_INT);
  }
  test_proc_close(&p);
  return 0;
}

/* TERM and HUP to a console program without xsig: SHUTDOWN and CLOSE
 * through CtrlRoutine, to that process alone. Windows ends the process
 * once its handler returns; Wine lets it run on (not asserted). */
TEST_IMPL(ladder_term_hup_console)
{
  static const struct { int sig; DWORD ev; } steps[2] = { { XSIG_TERM, CTRL_SHUTDOWN_EVENT },
                                                          { XSIG_HUP, CTRL_CLOSE_EVENT } };
  test_proc_t p;
  xsig_status_t st;
  char want[32];
  int i, via;
  for (i = 0; i < 2; i++) {
    via = -1;
    start_plain(&p, "console");
    ASSERT_OK(xsig_send(p.pid, steps[i].sig, 0, 0, &via));
    ASSERT_EQ(via, XSIG_VIA_CTRLROUTINE);
    snprintf(want, sizeof want, "ctrl %lu", (unsigned long)steps[i].ev);
    ASSERT_OK(test_expect_line(&p, want, NULL, 0, 20000));
    test_proc_close(&p);
  }
  /* no handler of its own: it ends, as a console's close ends it */
  start_plain(&p, "default");
  ASSERT_OK(xsig_send(p.pid, XSIG_TERM, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_CTRLROUTINE);
  ASSERT_OK(test_wait(&p, 20000, &st));
  test_proc_close(&p);
  /* Ctrl-C turned off (a new process group): Windows still runs its
   * handlers for SHUTDOWN; Wine's CtrlRoutine drops every event then,
   * which xsig sees (the thread returns 0 at once), so there TERM has no
   * graceful step left instead of being "delivered" to nobody */
  ASSERT_OK(test_spawn_helper(&p, "plain_child", "console", TEST_PROC_NEW_GROUP));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  via = -1;
  if (test_under_wine()) {
    ASSERT_EQ(xsig_send(p.pid, XSIG_TERM, 0, 0, &via), XSIG_ENOGRACE);
  } else {
    ASSERT_OK(xsig_send(p.pid, XSIG_TERM, 0, 0, &via));
    ASSERT_EQ(via, XSIG_VIA_CTRLROUTINE);
    snprintf(want, sizeof want, "ctrl %d", CTRL_SHUTDOWN_EVENT);
    ASSERT_OK(test_expect_line(&p, want, NULL, 0, 20000));
  }
  test_proc_close(&p);
  return 0;
}

/* XSIG_SEND_CTRL_C_FIRST (what xsig run and xsig service send): TERM to a
 * console program with Ctrl-C on goes as Ctrl-C, to that process alone;
 * TERM without the flag is the next step, SHUTDOWN. With Ctrl-C off the
 * flag changes nothing: the program would drop the Ctrl-C. */
TEST_IMPL(ladder_term_ctrl_c_first)
{
  test_proc_t p;
  int via = -1;
  start_plain(&p, "console");
  send_sees_event(&p, XSIG_TERM, XSIG_SEND_CTRL_C_FIRST, XSIG_VIA_CTRL_C, CTRL_C_EVENT);
  send_sees_event(&p, XSIG_TERM, 0, XSIG_VIA_CTRLROUTINE, CTRL_SHUTDOWN_EVENT);
  test_proc_close(&p);
  /* HUP with the flag: CLOSE, as without it */
  start_plain(&p, "console");
  send_sees_event(&p, XSIG_HUP, XSIG_SEND_CTRL_C_FIRST, XSIG_VIA_CTRLROUTINE, CTRL_CLOSE_EVENT);
  test_proc_close(&p);
  /* Ctrl-C off: the ladder as without the flag (Wine: no step at all, as
   * ladder_term_hup_console says) */
  ASSERT_OK(test_spawn_helper(&p, "plain_child", "console", TEST_PROC_NEW_GROUP));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  if (test_under_wine())
    ASSERT_EQ(xsig_send(p.pid, XSIG_TERM, 0, XSIG_SEND_CTRL_C_FIRST, &via), XSIG_ENOGRACE);
  else
    send_sees_event(&p, XSIG_TERM, XSIG_SEND_CTRL_C_FIRST, XSIG_VIA_CTRLROUTINE, CTRL_SHUTDOWN_EVENT);
  test_proc_close(&p);
  return 0;
}

TEST_IMPL(ladder_no_graceful_path)
{
  test_proc_t p;
  xsig_status_t st;
  int via = -1;
  start_plain(&p, "noconsole");
  /* no window, no console, not a group we started, no xsig: say so, do
   * not kill it */
  ASSERT_EQ(xsig_send(p.pid, XSIG_TERM, 0, 0, &via), XSIG_ENOGRACE);
  ASSERT_EQ(xsig_send(p.pid, XSIG_USR1, 0, 0, &via), XSIG_ENOGRACE);
  ASSERT_EQ(xsig_send(p.pid, XSIG_HUP, 0, 0, &via), XSIG_ENOGRACE);
  ASSERT_EQ(xsig_queue(p.pid, XSIG_RTMIN, 5), XSIG_ENOGRACE);
  ASSERT_OK(xsig_send(p.pid, XSIG_WINCH, 0, 0, &via)); /* default: ignore */
  ASSERT_EQ(via, XSIG_VIA_NONE);
  ASSERT_OK(xsig_send(p.pid, 0, 0, 0, NULL)); /* still alive */
  ASSERT_OK(test_expect_line(&p, "tick", NULL, 0, 20000));
  {
    /* the tool says which signals could reach it, and why a group it did
     * not start cannot be named */
    char out[4096], pid[32], neg[32];
    snprintf(pid, sizeof pid, "%lld", (long long)p.pid);
    snprintf(neg, sizeof neg, "-%lld", (long long)p.pid);
    ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-HUP", pid, NULL), 1);
    ASSERT(strstr(out, "no graceful way to send HUP to this process") != NULL);
    ASSERT(strstr(out, "TERM (WM_CLOSE to its windows") != NULL);
    ASSERT(strstr(out, "has no window") == NULL);
    ASSERT_EQ(test_run_tool(out, sizeof out, "kill", "-TERM", neg, NULL), 1);
    ASSERT(strstr(out, "no call that lists the members of a process group") != NULL);
    ASSERT(strstr(out, "--tree") != NULL);
  }
  /* only when asked: TerminateProcess with the code of TERM */
  ASSERT_OK(xsig_send(p.pid, XSIG_TERM, 0, XSIG_SEND_FORCE, &via));
  ASSERT_EQ(via, XSIG_VIA_TERMINATE);
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.signo, XSIG_TERM);
  test_proc_close(&p);
  return 0;
}

/* Runs under Xvfb (a real window needs a display). */
TEST_IMPL(ladder_wm_close)
{
  test_proc_t p;
  xsig_status_t st;
  int via = -1, tries;
  start_plain(&p, "window");
  /* the window may take a moment to be listed */
  for (tries = 0; tries < 50; tries++) {
    if (xsig_send(p.pid, XSIG_TERM, 0, 0, &via) == 0)
      break;
    Sleep(100);
  }
  ASSERT_EQ(via, XSIG_VIA_WM_CLOSE);
  ASSERT_OK(test_expect_line(&p, "WM_CLOSE", NULL, 0, 20000));
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 1); /* it closed itself */
  ASSERT_EQ(st.code, 0);
  test_proc_close(&p);
  return 0;
}
#endif

#ifdef _WIN32
/* A program without xsig in a process group that xsig started and that
 * shares our console; "on": it turned Ctrl-C back on, "off": it left it
 * as it found it (off, as Windows starts a new group, unless the group
 * was started with XSIG_SPAWN_CTRL_C_ON), "self-off": it turned it off. */
static volatile LONG ctrl_seen;
static BOOL WINAPI say_ctrl(DWORD ev)
{
  helper_say("ctrl %lu", (unsigned long)ev);
  InterlockedExchange(&ctrl_seen, 1);
  return TRUE;
}

HELPER_IMPL(plain_group_child)
{
  int i;
  (void)argc;
  if (strcmp(argv[1], "on") == 0 || strcmp(argv[1], "exit-on-ctrl") == 0)
    SetConsoleCtrlHandler(NULL, FALSE);
  if (strcmp(argv[1], "self-off") == 0)
    SetConsoleCtrlHandler(NULL, TRUE);
  SetConsoleCtrlHandler(say_ctrl, TRUE);
  if (strcmp(argv[1], "exit-on-ctrl") == 0) {
    for (i = 0; i < 2000 && !ctrl_seen; i++)
      Sleep(10);
    return 0;
  }
  helper_say("ready");
  Sleep(20000);
  return 0;
}

static xsig_process_t *start_group_child(const char *mode)
{
  xsig_process_t *p;
  char exe[MAX_PATH];
  char *argv[5];
  remove(test_own_file("ladder-group"));
  test_setenv("XSIG_TEST_OUT", test_own_file("ladder-group"));
  GetModuleFileNameA(NULL, exe, sizeof exe);
  argv[0] = exe;
  argv[1] = (char *)"--helper";
  argv[2] = (char *)"plain_group_child";
  argv[3] = (char *)mode;
  argv[4] = NULL;
  ASSERT_OK(xsig_spawn(exe, argv, XSIG_SPAWN_NEW_GROUP, &p));
  ASSERT_OK(test_wait_file_line(test_own_file("ladder-group"), "ready", 20000));
  return p;
}

static void end_group_child(xsig_process_t *p)
{
  test_setenv("XSIG_TEST_OUT", "");
  xsig_process_stop_tree(p, XSIG_KILL, 0, NULL, NULL);
  xsig_process_close(p);
  remove(test_own_file("ladder-group"));
}

/* `xsig run -s INT` to a program without xsig that turned Ctrl-C off:
 * the tool says at once that INT cannot reach it, and -k ends it with
 * KILL; never "delivered" for what never arrives. */
TEST_IMPL(ladder_run_warns_without_graceful_step)
{
  char tool[1024], self[1024], out[4096];
  FreeConsole();
  ASSERT(AllocConsole());
  test_tool_path(tool, sizeof tool);
  test_self_exe(self, sizeof self);
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "-v", "-s", "INT", "-k", "0.5", "0.5", self, "--helper",
                          "plain_group_child", "self-off", NULL), 128 + XSIG_KILL);
  if (strstr(out, "no graceful way to send INT to command") == NULL)
    fprintf(stderr, "output was:\n%s\n", out);
  ASSERT(strstr(out, "no graceful way to send INT to command") != NULL);
  ASSERT(strstr(out, "sending signal KILL") != NULL);
  /* a program that has Ctrl-C on gets it; -v names the ladder step (2 s:
   * it turns Ctrl-C on as it starts, which can take a while under load) */
  ASSERT_EQ(test_run_tool(out, sizeof out, "run", "-v", "-s", "INT", "2", self, "--helper",
                          "plain_group_child", "exit-on-ctrl", NULL), 124);
  if (strstr(out, "INT reached command") == NULL)
    fprintf(stderr, "output was:\n%s\n", out);
  ASSERT(strstr(out, "INT reached command") != NULL);
  ASSERT(strstr(out, "CtrlRoutine thread") != NULL);
  return 0;
}

/* Counts the Ctrl-C it gets; does not use xsig. */
static volatile LONG ctrl_c_count;
static BOOL WINAPI count_ctrl_c(DWORD ev)
{
  if (ev != CTRL_C_EVENT)
    return FALSE;
  helper_say("ctrl-c %ld", (long)InterlockedIncrement(&ctrl_c_count));
  return TRUE;
}

/* A program without xsig: its console handler, then 30 s of nothing. */
static int wait_with_handler(PHANDLER_ROUTINE handler)
{
  SetConsoleCtrlHandler(handler, TRUE);
  helper_say("ready");
  Sleep(30000);
  return 0;
}

HELPER_IMPL(ctrl_c_counter)
{
  (void)argc, (void)argv;
  return wait_with_handler(count_ctrl_c);
}

/* A program that handles every console event, as Go's os/signal and
 * .NET's PosixSignalRegistration do: it says each, goes on at CTRL_C and
 * CTRL_BREAK, and ends by its own cleanup (43) at CLOSE, LOGOFF or
 * SHUTDOWN. Does not use xsig. */
static BOOL WINAPI every_event(DWORD ev)
{
  helper_say("event %lu", (unsigned long)ev);
  if (ev == CTRL_CLOSE_EVENT || ev == CTRL_LOGOFF_EVENT || ev == CTRL_SHUTDOWN_EVENT)
    ExitProcess(43);
  return TRUE;
}

HELPER_IMPL(every_event_handler)
{
  (void)argc, (void)argv;
  return wait_with_handler(every_event);
}

/* A child of a group xsig started that left Ctrl-C off ignores INT from
 * every source: no graceful INT exists, and the ladder says so instead of
 * reporting a console event that never arrives. BREAK cannot be turned off
 * on Windows; Wine 8 can send it neither to the group nor (with Ctrl-C
 * off) through CtrlRoutine. */
TEST_IMPL(ladder_group_ctrl_c_off)
{
  xsig_process_t *p;
  char want[32];
  int via = -1, r;
  FreeConsole();
  ASSERT(AllocConsole());
  p = start_group_child("off");
  ASSERT_EQ(xsig_send(xsig_process_pid(p), XSIG_INT, 0, 0, &via), XSIG_ENOGRACE);
  r = xsig_send(xsig_process_pid(p), XSIG_BREAK, 0, 0, &via);
  if (test_under_wine()) {
    ASSERT_EQ(r, XSIG_ENOGRACE);
  } else {
    ASSERT_OK(r);
    ASSERT_EQ(via, XSIG_VIA_CONSOLE);
    snprintf(want, sizeof want, "ctrl %d", CTRL_BREAK_EVENT);
    ASSERT_OK(test_wait_file_line(test_own_file("ladder-group"), want, 20000));
  }
  /* with the force flag it ends, with INT's exit code */
  ASSERT_OK(xsig_send(xsig_process_pid(p), XSIG_INT, 0, XSIG_SEND_FORCE, &via));
  ASSERT_EQ(via, XSIG_VIA_TERMINATE);
  end_group_child(p);
  return 0;
}

TEST_IMPL(ladder_console_group)
{
  xsig_process_t *p;
  char want[32];
  int via = -1, r;
  FreeConsole();
  ASSERT(AllocConsole());
  p = start_group_child("on");
  /* INT: a thread at CtrlRoutine reaches exactly that process (the group's
   * console event would reach it too, but could not be confirmed) */
  ASSERT_OK(xsig_send(xsig_process_pid(p), XSIG_INT, 0, 0, &via));
  ASSERT_EQ(via, XSIG_VIA_CTRLROUTINE);
  snprintf(want, sizeof want, "ctrl %d", CTRL_C_EVENT);
  ASSERT_OK(test_wait_file_line(test_own_file("ladder-group"), want, 20000));
  /* TERM: CTRL_BREAK_EVENT to its group. Wine 8 cannot send CTRL_BREAK
   * (GenerateConsoleCtrlEvent fails), so there no graceful path is left. */
  r = xsig_send(xsig_process_pid(p), XSIG_TERM, 0, 0, &via);
  if (test_under_wine()) {
    ASSERT_EQ(r, XSIG_ENOGRACE);
  } else {
    ASSERT_OK(r);
    ASSERT_EQ(via, XSIG_VIA_CONSOLE);
  }
  end_group_child(p);
  return 0;
}
#endif
