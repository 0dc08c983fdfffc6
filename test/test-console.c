/* SPDX-License-Identifier: MIT */
/* Windows console control events as signals (real console under Wine for
 * CTRL_C; all five events through kernelbase!CtrlRoutine, the way the
 * console itself delivers them). */
#include "task.h"
#ifdef _WIN32
#include <windows.h>

static int calls;
static xsig_info_t last;
static int64_t handler_tid;

static void record(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)arg;
  calls++;
  last = *info;
  handler_tid = test_thread_id();
}

static void fresh_console(void)
{
  FreeConsole();
  ASSERT(AllocConsole());
}

/* The thread the console would create; returned so a test can watch it. */
static HANDLE start_console_thread(DWORD ev)
{
  LPTHREAD_START_ROUTINE ctrl = (LPTHREAD_START_ROUTINE)(void (*)(void))GetProcAddress(
      GetModuleHandleA("kernelbase.dll"), "CtrlRoutine");
  HANDLE t;
  ASSERT(ctrl != NULL);
  t = CreateThread(NULL, 0, ctrl, (LPVOID)(ULONG_PTR)ev, 0, NULL);
  ASSERT(t != NULL);
  return t;
}

static void simulate_console_event(DWORD ev)
{
  CloseHandle(start_console_thread(ev));
}

TEST_IMPL(console_ctrl_c_real)
{
  calls = 0;
  fresh_console();
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_INT, record));
  ASSERT(GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0));
  ASSERT_EQ(xsig_sleep(20000), XSIG_EINTR);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(last.signo, XSIG_INT);
  ASSERT_EQ(last.code, XSIG_SI_CONSOLE);
  ASSERT_EQ(last.event, CTRL_C_EVENT);
  /* never on the console's thread: on the thread that initialised xsig */
  ASSERT_EQ(handler_tid, test_thread_id());
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Console events reach the delivery thread as an APC at a plain alertable
 * wait of the program's own (no xsig call). */
TEST_IMPL(console_events_by_apc)
{
  static const DWORD events[2] = { CTRL_C_EVENT, CTRL_BREAK_EVENT };
  static const int sigs[2] = { XSIG_INT, XSIG_BREAK };
  int i;
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_INT, record));
  ASSERT_OK(xsig_handle(XSIG_BREAK, record));
  for (i = 0; i < 2; i++) {
    calls = 0;
    simulate_console_event(events[i]);
    ASSERT_EQ(SleepEx(20000, TRUE), WAIT_IO_COMPLETION);
    ASSERT_EQ(calls, 1);
    ASSERT_EQ(last.signo, sigs[i]);
    ASSERT_EQ(last.event, (int)events[i]);
    ASSERT_EQ(handler_tid, test_thread_id());
  }
  ASSERT_OK(xsig_shutdown());
  return 0;
}

static volatile int64_t delivery_tid;
static HANDLE delivery_ready;

static void become_delivery_thread(void *arg)
{
  (void)arg;
  ASSERT_OK(xsig_set_delivery_thread());
  delivery_tid = test_thread_id();
  SetEvent(delivery_ready);
  while (calls == 0)
    SleepEx(20000, TRUE);
}

/* Another thread can take over delivery: APCs then go to it. */
TEST_IMPL(console_delivery_thread_switch)
{
  test_thread_t th;
  calls = 0;
  ASSERT_EQ(xsig_set_delivery_thread(), XSIG_ENOTINIT);
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_INT, record));
  delivery_ready = CreateEventW(NULL, TRUE, FALSE, NULL);
  ASSERT_OK(test_thread_start(&th, become_delivery_thread, NULL));
  ASSERT_EQ(WaitForSingleObject(delivery_ready, 20000), WAIT_OBJECT_0);
  simulate_console_event(CTRL_C_EVENT);
  test_thread_join(&th);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(handler_tid, delivery_tid);
  ASSERT(handler_tid != test_thread_id());
  CloseHandle(delivery_ready);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Child: handles the signal of console event argv[1] slowly, reports. */
HELPER_IMPL(console_event_child)
{
  DWORD ev = (DWORD)atoi(argv[1]);
  int64_t main_tid = test_thread_id();
  (void)argc;
  xsig_init();
  xsig_handle(XSIG_INT, record);
  xsig_handle(XSIG_BREAK, record);
  xsig_handle(XSIG_HUP, record);
  xsig_handle(XSIG_TERM, record);
  simulate_console_event(ev);
  while (calls == 0)
    SleepEx(INFINITE, TRUE);
  helper_say("handler sig=%d event=%d main=%d", last.signo, last.event, handler_tid == main_tid);
  return 0;
}

static int slow_calls, cleanup_ms = 300;
static HANDLE console_thread;
static void slow_cleanup(int sig, const xsig_info_t *info, void *arg)
{
  (void)arg;
  helper_say("cleanup start sig=%d event=%d left=%lld", sig, info->event,
             (long long)((info->deadline_us - xsig_clock_us()) / 1000));
  Sleep((DWORD)cleanup_ms);
  /* Windows ends the process when the console thread returns: it must
   * still be waiting for us here. */
  helper_say("cleanup done, console thread waiting=%d",
             WaitForSingleObject(console_thread, 0) == WAIT_TIMEOUT);
  slow_calls++;
}

/* Child: CLOSE/LOGOFF/SHUTDOWN with a handler that takes 300 ms (or argv[2]). */
HELPER_IMPL(console_close_child)
{
  DWORD ev = (DWORD)atoi(argv[1]);
  if (argc > 2)
    cleanup_ms = atoi(argv[2]);
  xsig_init();
  xsig_handle(XSIG_HUP, slow_cleanup);
  xsig_handle(XSIG_TERM, slow_cleanup);
  console_thread = start_console_thread(ev);
  while (slow_calls == 0)
    SleepEx(INFINITE, TRUE);
  /* and it returns promptly once the handler is done (here Windows ends the
   * process; Wine's CtrlRoutine does not, so the helper goes on to say so) */
  helper_say("console thread returned=%d", WaitForSingleObject(console_thread, 2000) == WAIT_OBJECT_0);
  return 0;
}

TEST_IMPL(console_all_events_map)
{
  static const struct { DWORD ev; int sig; } map[5] = {
    { CTRL_C_EVENT, XSIG_INT }, { CTRL_BREAK_EVENT, XSIG_BREAK },
    { CTRL_CLOSE_EVENT, XSIG_HUP }, { CTRL_LOGOFF_EVENT, XSIG_TERM },
    { CTRL_SHUTDOWN_EVENT, XSIG_TERM } };
  char arg[16], want[64];
  int i;
  for (i = 0; i < 5; i++) {
    test_proc_t p;
    snprintf(arg, sizeof arg, "%lu", (unsigned long)map[i].ev);
    snprintf(want, sizeof want, "handler sig=%d event=%lu main=1", map[i].sig, (unsigned long)map[i].ev);
    ASSERT_OK(test_spawn_helper(&p, "console_event_child", arg, 0));
    ASSERT_OK(test_expect_line(&p, "handler", NULL, 0, 20000) == 0 ? 0 : -1);
    test_proc_close(&p);
    ASSERT_OK(test_spawn_helper(&p, "console_event_child", arg, 0));
    {
      char line[128];
      ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
      ASSERT_STR(line, want);
    }
    test_wait(&p, 20000, NULL);
    test_proc_close(&p);
  }
  return 0;
}

/* console_close_child for ev with work_ms of cleanup: its handler starts
 * with more than lo and at most hi ms left, finishes while the console
 * thread still waits for it, and the console thread returns right after. */
static void run_close_child(DWORD ev, const char *work_ms, long long lo, long long hi)
{
  test_proc_t p;
  char arg[16], line[128];
  long long left = -1;
  snprintf(arg, sizeof arg, "%lu", (unsigned long)ev);
  ASSERT_OK(test_spawn_helper3(&p, "console_close_child", arg, work_ms, NULL));
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  printf("%s\n", line);
  ASSERT(sscanf(line, "cleanup start sig=%*d event=%*d left=%lld", &left) == 1);
  ASSERT(left > lo && left <= hi);
  /* the cleanup finished while the console thread was waiting for it */
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "cleanup done, console thread waiting=1");
  /* Windows would end the process here; under Wine it lives on to tell
   * that the console thread returned right after the handler. */
  if (test_read_line(&p, line, sizeof line, 5000) == 0)
    ASSERT_STR(line, "console thread returned=1");
  else
    ASSERT(!test_under_wine());
  ASSERT_OK(test_wait(&p, 20000, NULL));
  test_proc_close(&p);
}

/* 5 s, less the margin (nothing set WaitToKillServiceTimeout here). */
TEST_IMPL(console_close_waits_for_handler)
{
  run_close_child(CTRL_CLOSE_EVENT, "300", 2500, 4500);
  run_close_child(CTRL_LOGOFF_EVENT, "300", 2500, 4500);
  run_close_child(CTRL_SHUTDOWN_EVENT, "300", 2500, 4500);
  return 0;
}

static void end_wait_to_kill(void) { test_set_wait_to_kill(NULL); }

/* LOGOFF and SHUTDOWN reach only programs nobody sits at (services, a
 * Windows container's entrypoint), which the system waits for as long as
 * WaitToKillServiceTimeout says: a container image may raise it. The
 * handler has that time (less the margin), here 9 s for 5.5 s of work
 * (not cut at 4.5 s); CLOSE keeps its fixed 5 s. */
TEST_IMPL(console_shutdown_time_from_registry)
{
  test_at_fail(end_wait_to_kill);
  test_set_wait_to_kill("9000");
  run_close_child(CTRL_SHUTDOWN_EVENT, "5500", 6000, 8500);
  run_close_child(CTRL_LOGOFF_EVENT, "5500", 6000, 8500);
  run_close_child(CTRL_CLOSE_EVENT, "300", 2500, 4500);
  test_set_wait_to_kill(NULL);
  test_at_fail(NULL);
  return 0;
}

/* Child started in a new process group: Ctrl-C is off until it handles INT. */
HELPER_IMPL(new_group_child)
{
  int handle = strcmp(argv[1], "handle") == 0;
  (void)argc;
  xsig_init();
  if (handle)
    xsig_handle(XSIG_INT, record);
  helper_say("ready");
  if (xsig_sleep(handle ? 20000 : 1500) == XSIG_EINTR && calls == 1)
    helper_say("got INT");
  else
    helper_say("no INT");
  return 0;
}

static void ctrl_c_to_new_group(const char *mode, const char *want)
{
  test_proc_t p;
  char line[64];
  ASSERT_OK(test_spawn_helper(&p, "new_group_child", mode, TEST_PROC_NEW_GROUP));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  Sleep(100);
  /* the child's pid is its group id: it was created with CREATE_NEW_PROCESS_GROUP */
  ASSERT(GenerateConsoleCtrlEvent(CTRL_C_EVENT, (DWORD)p.pid));
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, want);
  test_wait(&p, 20000, NULL);
  test_proc_close(&p);
}

TEST_IMPL(console_new_group_ctrl_c)
{
  fresh_console();
  /* control: without an INT handler the new group ignores Ctrl-C, as Windows does */
  ctrl_c_to_new_group("nohandler", "no INT");
  /* installing an INT handler turned Ctrl-C back on */
  ctrl_c_to_new_group("handle", "got INT");
  return 0;
}

/* A HUP handler (console closing) that turns Ctrl-C off, as a new process
 * group starts, and installs an INT handler: it asks for Ctrl-C back while
 * the console thread is inside its event. */
static void hup_installs_int(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig;
  (void)info;
  (void)arg;
  SetConsoleCtrlHandler(NULL, TRUE);
  xsig_handle(XSIG_INT, record);
  helper_say("hup handled");
}

HELPER_IMPL(enable_during_event_child)
{
  HANDLE t;
  (void)argc;
  (void)argv;
  xsig_init();
  xsig_handle(XSIG_HUP, hup_installs_int);
  t = start_console_thread(CTRL_CLOSE_EVENT);
  xsig_sleep(20000);
  /* Windows ends the process once the CLOSE handlers returned; Wine does not */
  WaitForSingleObject(t, 20000);
  calls = 0;
  GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0);
  helper_say(xsig_sleep(5000) == XSIG_EINTR && calls == 1 ? "got INT" : "no INT");
  return 0;
}

TEST_IMPL(console_ctrl_c_enable_during_event)
{
  test_proc_t p;
  char line[64];
  fresh_console();
  ASSERT_OK(test_spawn_helper(&p, "enable_during_event_child", NULL, 0));
  ASSERT_OK(test_expect_line(&p, "hup handled", NULL, 0, 20000));
  if (test_read_line(&p, line, sizeof line, 20000) == 0)
    ASSERT_STR(line, "got INT"); /* the re-enable asked for during the event was done */
  else
    ASSERT(!test_under_wine()); /* Windows ended it after CLOSE */
  test_wait(&p, 20000, NULL);
  test_proc_close(&p);
  return 0;
}

/* Child with no handler: Ctrl-C ends it with STATUS_CONTROL_C_EXIT. */
HELPER_IMPL(ctrl_c_default_child)
{
  (void)argc;
  (void)argv;
  xsig_init();
  simulate_console_event(CTRL_C_EVENT);
  Sleep(20000);
  return 0;
}

TEST_IMPL(console_ctrl_c_default_status)
{
  test_proc_t p;
  xsig_status_t st;
  ASSERT_OK(test_spawn_helper(&p, "ctrl_c_default_child", NULL, 0));
  ASSERT_OK(test_wait(&p, 20000, &st));
  /* xsig ends the process itself, so the code is right under Wine too
   * (Wine's own default handler exits with 0 where Windows gives 0xC000013A) */
  ASSERT_EQ(st.raw, 0xC000013Au);
  ASSERT_EQ(st.signo, XSIG_INT);
  test_proc_close(&p);
  return 0;
}

/* --- WINCH: the console's size changes ---------------------------------- */

/* A second process on the same console resizes its screen buffer. */
HELPER_IMPL(console_resizer)
{
  HANDLE out = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           NULL, OPEN_EXISTING, 0, NULL);
  CONSOLE_SCREEN_BUFFER_INFO i;
  COORD c;
  (void)argc;
  (void)argv;
  if (out == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(out, &i)) {
    helper_say("no console");
    return 1;
  }
  c.X = (SHORT)(i.dwSize.X + 7);
  c.Y = (SHORT)(i.dwSize.Y + 3);
  helper_say(SetConsoleScreenBufferSize(out, c) ? "resized" : "not resized");
  return 0;
}

static void resize_own_console(int dx)
{
  HANDLE out = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           NULL, OPEN_EXISTING, 0, NULL);
  CONSOLE_SCREEN_BUFFER_INFO i;
  COORD c;
  ASSERT(out != INVALID_HANDLE_VALUE);
  ASSERT(GetConsoleScreenBufferInfo(out, &i));
  c.X = (SHORT)(i.dwSize.X + dx);
  c.Y = i.dwSize.Y;
  ASSERT(SetConsoleScreenBufferSize(out, c));
  CloseHandle(out);
}

static int wait_calls(int n, int ms)
{
  int64_t end = xsig_clock_us() + (int64_t)ms * 1000;
  while (calls < n && xsig_clock_us() < end)
    xsig_sleep(50);
  return calls;
}

TEST_IMPL(console_winch)
{
  test_proc_t p;
  char line[64];
  calls = 0;
  fresh_console();
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_handle(XSIG_WINCH, record));
  /* nothing changes: nothing comes */
  ASSERT_EQ(xsig_sleep(600), 0);
  ASSERT_EQ(calls, 0);
  /* another process on our console resizes it */
  ASSERT_OK(test_spawn_helper(&p, "console_resizer", NULL, 0));
  ASSERT_OK(test_read_line(&p, line, sizeof line, 20000));
  ASSERT_STR(line, "resized");
  test_wait(&p, 20000, NULL);
  test_proc_close(&p);
  ASSERT_EQ(wait_calls(1, 5000), 1);
  ASSERT_EQ(last.signo, XSIG_WINCH);
  ASSERT_EQ(last.code, XSIG_SI_KERNEL);
  ASSERT_EQ(handler_tid, test_thread_id());
  /* once per change */
  ASSERT_EQ(xsig_sleep(600), 0);
  ASSERT_EQ(calls, 1);
  resize_own_console(5);
  ASSERT_EQ(wait_calls(2, 5000), 2);
  /* back to the default (ignore): no more watching, nothing comes */
  ASSERT_OK(xsig_handle(XSIG_WINCH, XSIG_DFL));
  resize_own_console(-5);
  ASSERT_EQ(xsig_sleep(600), 0);
  ASSERT_EQ(calls, 2);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* Stands in for a classic conhost, which Wine lacks: raises
 * EVENT_CONSOLE_LAYOUT on its window when the test's file says so. */
static DWORD WINAPI notify_layout(void *w)
{
  NotifyWinEvent(EVENT_CONSOLE_LAYOUT, (HWND)w, 0, 0);
  return 0;
}

HELPER_IMPL(layout_notifier)
{
  HWND w = CreateWindowExW(0, L"STATIC", L"layout", 0, 0, 0, 10, 10, NULL, NULL, NULL, NULL);
  HANDLE t;
  char what[32];
  int k;
  (void)argc;
  helper_say(w ? "ready" : "no window");
  for (k = 1; w && k <= 2; k++) {
    snprintf(what, sizeof what, "notify %d", k);
    if (test_wait_file_line(argv[1], what, 20000) != 0)
      return 1;
    /* from a new thread each time: Wine keeps a thread's view of which
     * hooks exist from its first window call, and would skip the event */
    t = CreateThread(NULL, 0, notify_layout, w, 0, NULL);
    if (t == NULL)
      return 1;
    WaitForSingleObject(t, 20000);
    CloseHandle(t);
    helper_say("notified %d", k);
  }
  return 0;
}

static int64_t wait_threads(int64_t n, int ms)
{
  int64_t end = xsig_clock_us() + (int64_t)ms * 1000, now;
  while ((now = test_count_threads()) != n && xsig_clock_us() < end)
    test_msleep(20);
  return now;
}

static void append_line(const char *file, const char *line)
{
  FILE *f = fopen(file, "a");
  ASSERT(f != NULL);
  fprintf(f, "%s\n", line);
  fclose(f);
}

/* With a console window whose conhost is known, the size is not polled:
 * a WinEvent hook on that conhost's EVENT_CONSOLE_LAYOUT, on a thread that
 * exists only while a WINCH handler is installed. */
TEST_IMPL(console_winch_layout_hook)
{
  test_proc_t p;
  char line[64], pid[32];
  const char *file = test_own_file("layout");
  int64_t threads;
  calls = 0;
  remove(file);
  fresh_console();
  ASSERT_OK(test_spawn_helper(&p, "layout_notifier", file, 0));
  ASSERT_OK(test_expect_line(&p, "ready", NULL, 0, 20000));
  snprintf(pid, sizeof pid, "%lld", (long long)p.pid);
  test_setenv("XSIG_CONSOLE_HOST_PID", pid);
  ASSERT_OK(xsig_init());
  threads = test_count_threads_settled();
  ASSERT_OK(xsig_handle(XSIG_WINCH, record));
  test_setenv("XSIG_CONSOLE_HOST_PID", "");
  ASSERT_EQ(wait_threads(threads + 1, 2000), threads + 1);
  /* a resize the console host does not announce is not seen: no polling */
  resize_own_console(5);
  ASSERT_EQ(xsig_sleep(700), 0);
  ASSERT_EQ(calls, 0);
  /* announced: seen, once */
  append_line(file, "notify 1");
  ASSERT_OK(test_expect_line(&p, "notified 1", line, sizeof line, 20000));
  ASSERT_EQ(wait_calls(1, 5000), 1);
  ASSERT_EQ(last.signo, XSIG_WINCH);
  ASSERT_EQ(last.code, XSIG_SI_KERNEL);
  ASSERT_EQ(handler_tid, test_thread_id());
  /* a layout event without a new size is no WINCH */
  append_line(file, "notify 2");
  ASSERT_OK(test_expect_line(&p, "notified 2", line, sizeof line, 20000));
  ASSERT_EQ(xsig_sleep(700), 0);
  ASSERT_EQ(calls, 1);
  test_wait(&p, 20000, NULL);
  test_proc_close(&p);
  /* back to the default: the hook's thread ends */
  ASSERT_OK(xsig_handle(XSIG_WINCH, XSIG_DFL));
  ASSERT_EQ(wait_threads(threads, 5000), threads);
  ASSERT_OK(xsig_shutdown());
  remove(file);
  return 0;
}
/* --- a console window closed by its user (test/console-close.sh) -------- */

struct console_windows { HWND w[16]; int n; };

static BOOL CALLBACK find_console_window(HWND w, LPARAM arg)
{
  struct console_windows *c = (struct console_windows *)arg;
  char cls[64];
  GetClassNameA(w, cls, sizeof cls);
  /* Wine's and Windows' console window classes */
  if ((!strcmp(cls, "WineConsoleClass") || !strcmp(cls, "ConsoleWindowClass")) && IsWindowVisible(w) &&
      c->n < 16)
    c->w[c->n++] = w;
  return TRUE;
}

/* Closes every console window as its user would (the close box:
 * WM_SYSCOMMAND SC_CLOSE) and says how long until they were gone. */
HELPER_IMPL(console_window_closer)
{
  struct console_windows c;
  DWORD start;
  int i, alive;
  (void)argc, (void)argv;
  c.n = 0;
  EnumWindows(find_console_window, (LPARAM)&c);
  helper_say("closer: %d console windows", c.n);
  if (c.n == 0)
    return 2;
  for (i = 0; i < c.n; i++)
    PostMessageW(c.w[i], WM_SYSCOMMAND, SC_CLOSE, 0);
  for (start = GetTickCount();; Sleep(50)) {
    for (alive = 0, i = 0; i < c.n; i++)
      alive += IsWindow(c.w[i]) != 0;
    if (alive == 0 || GetTickCount() - start > 15000)
      break;
  }
  helper_say(alive ? "closer: still there after %lu ms" : "closer: gone after %lu ms",
             (unsigned long)(GetTickCount() - start));
  return alive ? 1 : 0;
}
/* A console program without xsig: the baseline of console-close.sh. */
HELPER_IMPL(console_plain_sleeper)
{
  (void)argc, (void)argv;
  Sleep(60000);
  return 0;
}
/* A console program that knows nothing of xsig and handles only Ctrl-C,
 * as Python and Node do (test/run-ctrl-c.sh): its handler says which
 * event came and ends it with 42; any other event goes to the default. */
static BOOL WINAPI ctrl_c_only_handler(DWORD ev)
{
  if (ev != CTRL_C_EVENT)
    return FALSE;
  helper_say("ctrl_c_only: CTRL_C handled");
  ExitProcess(42);
}

HELPER_IMPL(ctrl_c_only)
{
  (void)argc, (void)argv;
  SetConsoleCtrlHandler(ctrl_c_only_handler, TRUE);
  helper_say("ctrl_c_only: ready");
  Sleep(30000);
  helper_say("ctrl_c_only: nothing came");
  return 1;
}
#endif
