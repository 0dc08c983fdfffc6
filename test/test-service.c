/* SPDX-License-Identifier: MIT */
/* Services: xsig_service_start from a console (both platforms), and under
 * Windows' Service Control Manager (Wine's services.exe and its sc
 * functions): STOP as TERM through the normal delivery, PARAMCHANGE as
 * HUP, STOP_PENDING with checkpoints while the handler's work goes on,
 * STOPPED with the program's exit code, the program's file complete. */
#include "task.h"

static void append_line(const char *file, const char *text)
{
  FILE *f = fopen(file, "a");
  if (f) {
    fprintf(f, "%s\n", text);
    fclose(f);
  }
}

/* Waits up to 20 s for a line of a file another process writes. */
static int wait_file_has(const char *file, const char *text)
{
  int i;
  for (i = 0; i < 800 && !test_file_has(file, text); i++)
    test_msleep(25);
  return test_file_has(file, text);
}

/* The same program, not started by a service manager: nothing changes. */
TEST_IMPL(service_start_from_console)
{
  ASSERT_EQ(xsig_service_start("xsig-test", 0), XSIG_ENOTINIT);
  ASSERT_OK(xsig_init());
  ASSERT_EQ(xsig_service_start(NULL, 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_service_start("", 0), XSIG_EINVAL);
  ASSERT_EQ(xsig_service_start("xsig-test", 0x100), XSIG_EINVAL);
#ifdef _WIN32
  ASSERT_EQ(xsig_service_start("bad\xff", 0), XSIG_EINVAL); /* the SCM's names are UTF-16 */
#endif
  ASSERT_EQ(xsig_service_start("xsig-test", 0), XSIG_ENOSERVICE);
  ASSERT_EQ(xsig_service_start("xsig-test", XSIG_SERVICE_PAUSE), XSIG_ENOSERVICE);
  ASSERT(strcmp(xsig_errname(XSIG_ENOSERVICE), "ENOSERVICE") == 0);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

/* The example, run from a console: it logs, and on TERM flushes. */
TEST_IMPL(example_service_from_console)
{
  char exe[1024];
  char *argv[5];
  const char *log = "service-console-log.txt";
  test_proc_t p;
  xsig_status_t st;
  test_build_exe(exe, sizeof exe, "xsig-service-example");
  remove(log);
  argv[0] = exe;
  argv[1] = (char *)"xsig-example";
  argv[2] = (char *)log;
  argv[3] = (char *)"5";
  argv[4] = NULL;
  ASSERT_OK(test_spawn(&p, argv, 0));
  ASSERT(wait_file_has(log, "started from a console"));
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_kill(p.pid, XSIG_HUP));
  ASSERT(wait_file_has(log, "reloaded (1)"));
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 5);
  ASSERT(test_file_has(log, "TERM from a process (event 0), no deadline given"));
  ASSERT(test_file_has(log, "flushed after"));
  test_proc_close(&p);
  remove(log);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

#ifdef _WIN32
#include <windows.h>

static SC_HANDLE manager, service;

/* A name no earlier run used: Wine keeps a deleted service's key in the
 * prefix (seen after DeleteService returned TRUE, the service stopped and
 * every handle closed), and its pids start again with each wineserver. */
static void service_name(char *buf, size_t size, const char *what)
{
  FILETIME now;
  GetSystemTimeAsFileTime(&now);
  snprintf(buf, size, "xsig-%s-%lu-%08lx", what, (unsigned long)GetCurrentProcessId(),
           (unsigned long)now.dwLowDateTime);
}

static void delete_service(void)
{
  SERVICE_STATUS ss;
  if (service) {
    ControlService(service, SERVICE_CONTROL_STOP, &ss);
    DeleteService(service);
    CloseServiceHandle(service);
    service = NULL;
  }
  if (manager)
    CloseServiceHandle(manager);
  manager = NULL;
}

/* A demand-start service of its own process: manager and service set. */
static void create_service(const wchar_t *name, const wchar_t *cmd)
{
  manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
  ASSERT(manager != NULL);
  service = CreateServiceW(manager, name, name, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                           SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, cmd, NULL, NULL, NULL, NULL, NULL);
  if (service == NULL)
    printf("CreateServiceW: error %lu\n", (unsigned long)GetLastError());
  ASSERT(service != NULL);
}

/* StartServiceW, again while the manager is still busy (1055). */
static BOOL start_service(SC_HANDLE s)
{
  int i;
  for (i = 0; i < 100; i++) {
    if (StartServiceW(s, 0, NULL))
      return TRUE;
    if (GetLastError() != ERROR_SERVICE_DATABASE_LOCKED)
      break;
    Sleep(200);
  }
  printf("StartServiceW: error %lu\n", (unsigned long)GetLastError());
  return FALSE;
}

static SERVICE_STATUS_PROCESS query(void)
{
  SERVICE_STATUS_PROCESS st;
  DWORD n;
  memset(&st, 0, sizeof st);
  QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof st, &n);
  return st;
}

/* Waits for state; returns the last status seen. */
static SERVICE_STATUS_PROCESS wait_state(DWORD state, DWORD *max_checkpoint)
{
  SERVICE_STATUS_PROCESS st = query();
  int i;
  for (i = 0; i < 400 && st.dwCurrentState != state; i++) {
    Sleep(50);
    st = query();
    if (max_checkpoint && st.dwCurrentState == SERVICE_STOP_PENDING && st.dwCheckPoint > *max_checkpoint)
      *max_checkpoint = st.dwCheckPoint;
  }
  return st;
}

TEST_IMPL(service_under_scm)
{
  char exe[1024], name[64], log[MAX_PATH], cmd[2048];
  wchar_t wname[64], wcmd[2048];
  SERVICE_STATUS_PROCESS st;
  SERVICE_STATUS ss;
  DWORD checkpoint = 0;
  test_build_exe(exe, sizeof exe, "xsig-service-example");
  service_name(name, sizeof name, "test");
  GetFullPathNameA(test_own_file("service-log"), sizeof log, log, NULL);
  remove(log);
  snprintf(cmd, sizeof cmd, "\"%s\" %s \"%s\" 7", exe, name, log);
  MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 64);
  MultiByteToWideChar(CP_UTF8, 0, cmd, -1, wcmd, 2048);
  test_at_fail(delete_service);
  create_service(wname, wcmd);
  ASSERT(start_service(service));
  st = wait_state(SERVICE_RUNNING, NULL);
  ASSERT_EQ(st.dwCurrentState, SERVICE_RUNNING);
  /* what it accepts: STOP, SHUTDOWN, PRESHUTDOWN, PARAMCHANGE, not PAUSE */
  ASSERT(st.dwControlsAccepted & SERVICE_ACCEPT_STOP);
  ASSERT(st.dwControlsAccepted & SERVICE_ACCEPT_PARAMCHANGE);
  ASSERT(!(st.dwControlsAccepted & SERVICE_ACCEPT_PAUSE_CONTINUE));
  ASSERT(wait_file_has(log, "started as a service"));
  /* PARAMCHANGE is HUP */
  ASSERT(ControlService(service, SERVICE_CONTROL_PARAMCHANGE, &ss));
  ASSERT(wait_file_has(log, "reloaded (1)"));
  /* PAUSE was not asked for: refused, and nothing arrives */
  ASSERT(!ControlService(service, SERVICE_CONTROL_PAUSE, &ss));
  /* STOP is TERM; while the handler's work goes on (2.5 s) the SCM sees
   * STOP_PENDING with a checkpoint that moves, then STOPPED with code 7 */
  ASSERT(ControlService(service, SERVICE_CONTROL_STOP, &ss));
  st = wait_state(SERVICE_STOPPED, &checkpoint);
  ASSERT_EQ(st.dwCurrentState, SERVICE_STOPPED);
  printf("STOP_PENDING checkpoints seen up to %lu\n", (unsigned long)checkpoint);
  ASSERT(checkpoint >= 2);
  ASSERT_EQ(st.dwWin32ExitCode, ERROR_SERVICE_SPECIFIC_ERROR);
  ASSERT_EQ(st.dwServiceSpecificExitCode, 7);
  /* the program's own file is complete: its TERM handler ran, then the
   * rest of its work, then its fclose */
  ASSERT(test_file_has(log, "TERM from the service manager (event 1), no deadline given"));
  ASSERT(test_file_has(log, "flushed after"));
  test_at_fail(NULL);
  ASSERT(DeleteService(service));
  CloseServiceHandle(service);
  service = NULL;
  delete_service();
  remove(log);
  return 0;
}

/* --- SHUTDOWN and PRESHUTDOWN ------------------------------------------ *
 * Only a system shutdown sends them: ControlService refuses them (87, on
 * Windows too) and Wine's shutdown kills services before it would. So a
 * real service under the SCM takes them from its own control handler, as
 * the dispatcher would call it (from the main thread here, not the
 * dispatcher's: the one difference). */
#include "os.h" /* xsig__win_service_control */

static const char *shutdown_log;
static volatile LONG shutdown_termed;

static void shutdown_term(int sig, const xsig_info_t *info, void *arg)
{
  char line[160];
  (void)sig, (void)arg;
  snprintf(line, sizeof line, "TERM code %d event %d left %lld ms", info->code, info->event,
           info->deadline_us ? (long long)((info->deadline_us - xsig_clock_us()) / 1000) : -1LL);
  append_line(shutdown_log, line);
  InterlockedExchange(&shutdown_termed, 1);
}

/* argv: NAME LOG CONTROL. Runs as the service NAME; exits 3 after its work. */
HELPER_IMPL(service_shutdown)
{
  int r;
  (void)argc;
  shutdown_log = argv[2];
  xsig_init();
  xsig_handle(XSIG_TERM, shutdown_term);
  r = xsig_service_start(argv[1], 0);
  append_line(shutdown_log, r == 0 ? "started as a service" : xsig_errname(r));
  if (r != 0)
    return 1;
  xsig__win_service_control((DWORD)atoi(argv[3]), 0, NULL, NULL);
  while (!InterlockedCompareExchange(&shutdown_termed, 0, 0))
    xsig_sleep(1000);
  Sleep(2500); /* its last work: STOP_PENDING meanwhile */
  append_line(shutdown_log, "flushed");
  return 3;
}

static void end_shutdown_test(void)
{
  delete_service();
  test_set_wait_to_kill(NULL);
}

/* One service through control (SHUTDOWN or PRESHUTDOWN): TERM from the
 * service manager with the time the system allows, STOP_PENDING while its
 * work goes on, STOPPED with code 3, its file complete. */
static void run_shutdown(DWORD control, long allowed_ms)
{
  char exe[1024], name[64], log[MAX_PATH], cmd[2048], want[64];
  wchar_t wname[64], wcmd[2048];
  SERVICE_STATUS_PROCESS st;
  DWORD checkpoint = 0;
  long long left = -2;
  char line[160];
  FILE *f;
  test_self_exe(exe, sizeof exe);
  service_name(name, sizeof name, control == SERVICE_CONTROL_SHUTDOWN ? "shutdown" : "preshutdown");
  GetFullPathNameA(test_own_file(control == SERVICE_CONTROL_SHUTDOWN ? "shutdown-log" : "preshutdown-log"),
                   sizeof log, log, NULL);
  remove(log);
  snprintf(cmd, sizeof cmd, "\"%s\" --helper service_shutdown %s \"%s\" %lu", exe, name, log, (unsigned long)control);
  MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 64);
  MultiByteToWideChar(CP_UTF8, 0, cmd, -1, wcmd, 2048);
  create_service(wname, wcmd);
  if (control == SERVICE_CONTROL_PRESHUTDOWN) {
    SERVICE_PRESHUTDOWN_INFO pre;
    pre.dwPreshutdownTimeout = (DWORD)allowed_ms;
    ASSERT(ChangeServiceConfig2W(service, SERVICE_CONFIG_PRESHUTDOWN_INFO, &pre));
  }
  ASSERT(start_service(service));
  st = wait_state(SERVICE_STOPPED, &checkpoint);
  f = fopen(log, "r");
  while (f && fgets(line, sizeof line, f)) {
    printf("service %lu: %s", (unsigned long)control, line);
    sscanf(line, "TERM code 8 event %*d left %lld ms", &left);
  }
  if (f)
    fclose(f);
  ASSERT_EQ(st.dwCurrentState, SERVICE_STOPPED);
  ASSERT(checkpoint >= 1); /* STOP_PENDING was reported while it worked */
  ASSERT_EQ(st.dwWin32ExitCode, ERROR_SERVICE_SPECIFIC_ERROR);
  ASSERT_EQ(st.dwServiceSpecificExitCode, 3);
  snprintf(want, sizeof want, "TERM code %d event %lu left", XSIG_SI_SERVICE, (unsigned long)control);
  ASSERT(test_file_has(log, want));
  /* the time the system allows, less what the handler took to run */
  ASSERT(left > allowed_ms - 2000 && left <= allowed_ms);
  ASSERT(test_file_has(log, "flushed"));
  ASSERT(DeleteService(service));
  CloseServiceHandle(service);
  service = NULL;
  delete_service();
  remove(log);
}

TEST_IMPL(service_shutdown_and_preshutdown)
{
  test_at_fail(end_shutdown_test);
  test_set_wait_to_kill("7000"); /* SHUTDOWN: the machine's WaitToKillServiceTimeout */
  run_shutdown(SERVICE_CONTROL_SHUTDOWN, 7000);
  test_set_wait_to_kill(NULL);
  run_shutdown(SERVICE_CONTROL_PRESHUTDOWN, 9000); /* PRESHUTDOWN: the service's own */
  test_at_fail(NULL);
  return 0;
}
#endif

static volatile int command_termed;
static void command_term(int sig, const xsig_info_t *info, void *arg)
{
  (void)sig, (void)info, (void)arg;
  command_termed = 1;
}

/* A command that knows nothing of services: logs to stdout, keeps its
 * own file, and on TERM finishes it. */
HELPER_IMPL(service_command)
{
  (void)argc;
  xsig_init();
  xsig_handle(XSIG_TERM, command_term);
  printf("command: output for the log\n");
  fflush(stdout);
  append_line(argv[1], "command ready");
  while (!command_termed)
    xsig_sleep(1000);
  append_line(argv[1], "command got TERM");
  test_msleep(300); /* its last work */
  append_line(argv[1], "command flushed");
  return 0;
}

/* xsig service on POSIX: no service manager to register with, said so;
 * the host itself runs from a shell as xsig run --init does. */
TEST_IMPL(cli_service_without_scm)
{
  char out[4096], exe[1024];
  const char *file = "service-cli-posix.txt";
  xsig_status_t st;
  test_proc_t p;
  char tool[1024];
  char *argv[] = { tool, (char *)"service", (char *)"run", (char *)"xsig-cli-test", (char *)"--", exe,
                   (char *)"--helper", (char *)"service_command", (char *)file, NULL };
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", NULL), 1);
  ASSERT(strstr(out, "missing subcommand") != NULL);
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "frob", "x", NULL), 1);
  ASSERT(strstr(out, "unknown subcommand 'frob'") != NULL);
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "install", "x", "--grace", "soon", "--", "cmd", NULL), 1);
  ASSERT(strstr(out, "invalid time interval 'soon'") != NULL);
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "install", "x", NULL), 1);
  ASSERT(strstr(out, "missing '-- COMMAND'") != NULL);
#ifndef _WIN32
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "install", "x", "--", "cmd", NULL), 1);
  ASSERT(strstr(out, "Windows only") != NULL);
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "stop", "x", NULL), 1);
#else
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "stop", "xsig-no-such-service", NULL), 1);
  ASSERT(strstr(out, "no such service") != NULL);
#endif
  /* not started by a service manager: the host runs the command anyway */
  test_tool_path(tool, sizeof tool);
  test_self_exe(exe, sizeof exe);
  remove(file);
  ASSERT_OK(test_spawn(&p, argv, TEST_PROC_MERGE_STDERR));
  ASSERT_OK(test_expect_line(&p, "command: output for the log", NULL, 0, 20000));
  ASSERT(wait_file_has(file, "command ready"));
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_kill(p.pid, XSIG_TERM));
  ASSERT_OK(test_wait(&p, 20000, &st));
  ASSERT_EQ(st.exited, 1);
  ASSERT_EQ(st.code, 0);
  ASSERT(test_file_has(file, "command flushed"));
  test_proc_close(&p);
  remove(file);
  ASSERT_OK(xsig_shutdown());
  return 0;
}

#ifdef _WIN32
/* xsig service under the SCM: install, start, stop (TERM to the command,
 * its file complete, the service's exit code the command's), remove. */
TEST_IMPL(cli_service_under_scm)
{
  char out[4096], exe[1024], name[64], file[MAX_PATH], log[MAX_PATH];
  test_self_exe(exe, sizeof exe);
  service_name(name, sizeof name, "cli");
  GetFullPathNameA(test_own_file("service-cli-file"), sizeof file, file, NULL);
  GetFullPathNameA(test_own_file("service-cli-log"), sizeof log, log, NULL);
  remove(file);
  remove(log);
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "install", name, "--log", log, "--grace", "5", "--", exe,
                          "--helper", "service_command", file, NULL), 0);
  manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
  {
    wchar_t w[64];
    MultiByteToWideChar(CP_UTF8, 0, name, -1, w, 64);
    service = OpenServiceW(manager, w, SERVICE_ALL_ACCESS);
  }
  if (service == NULL)
    printf("install said: %s; OpenServiceW: error %lu\n", out, (unsigned long)GetLastError());
  ASSERT(service != NULL);
  test_at_fail(delete_service);
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "install", name, "--", exe, NULL), 1);
  ASSERT(strstr(out, "a service of that name exists") != NULL);
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "start", name, NULL), 0);
  ASSERT(strstr(out, "running, pid") != NULL);
  ASSERT(wait_file_has(file, "command ready"));
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "stop", name, NULL), 0);
  printf("%s", out);
  ASSERT(strstr(out, "stopped, exit code 0") != NULL);
  {
    char line[256];
    FILE *f = fopen(file, "r");
    while (f && fgets(line, sizeof line, f))
      printf("file: %s", line);
    if (f)
      fclose(f);
  }
  {
    char line[256];
    FILE *f = fopen(log, "r");
    while (f && fgets(line, sizeof line, f))
      printf("log: %s", line);
    if (f)
      fclose(f);
  }
  ASSERT(test_file_has(file, "command got TERM"));
  ASSERT(test_file_has(file, "command flushed"));
  ASSERT(test_file_has(log, "command: output for the log")); /* --log */
  test_at_fail(NULL);
  ASSERT_EQ(test_run_tool(out, sizeof out, "service", "remove", name, NULL), 0);
  CloseServiceHandle(service);
  service = NULL;
  delete_service();
  remove(file);
  remove(log);
  return 0;
}
#endif
