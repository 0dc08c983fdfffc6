/* Services: xsig_service_start from a console (both platforms), and under
 * Windows' Service Control Manager (Wine's services.exe and its sc
 * functions): STOP as TERM through the normal delivery, PARAMCHANGE as
 * HUP, STOP_PENDING with checkpoints while the handler's work goes on,
 * STOPPED with the program's exit code, the program's file complete. */
#include "task.h"

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
  int i;
  test_build_exe(exe, sizeof exe, "xsig-service-example");
  remove(log);
  argv[0] = exe;
  argv[1] = (char *)"xsig-example";
  argv[2] = (char *)log;
  argv[3] = (char *)"5";
  argv[4] = NULL;
  ASSERT_OK(test_spawn(&p, argv, 0));
  for (i = 0; i < 800 && !test_file_has(log, "started from a console"); i++)
    test_msleep(25);
  ASSERT(test_file_has(log, "started from a console"));
  ASSERT_OK(xsig_init());
  ASSERT_OK(xsig_kill(p.pid, XSIG_HUP));
  for (i = 0; i < 800 && !test_file_has(log, "reloaded (1)"); i++)
    test_msleep(25);
  ASSERT(test_file_has(log, "reloaded (1)"));
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
  int i;
  test_build_exe(exe, sizeof exe, "xsig-service-example");
  snprintf(name, sizeof name, "xsig-test-%lu", (unsigned long)GetCurrentProcessId());
  GetFullPathNameA(test_own_file("service-log"), sizeof log, log, NULL);
  remove(log);
  snprintf(cmd, sizeof cmd, "\"%s\" %s \"%s\" 7", exe, name, log);
  MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 64);
  MultiByteToWideChar(CP_UTF8, 0, cmd, -1, wcmd, 2048);
  test_at_fail(delete_service);
  manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
  ASSERT(manager != NULL);
  service = CreateServiceW(manager, wname, wname, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                           SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, wcmd, NULL, NULL, NULL, NULL, NULL);
  ASSERT(service != NULL);
  ASSERT(StartServiceW(service, 0, NULL));
  st = wait_state(SERVICE_RUNNING, NULL);
  ASSERT_EQ(st.dwCurrentState, SERVICE_RUNNING);
  /* what it accepts: STOP, SHUTDOWN, PRESHUTDOWN, PARAMCHANGE, not PAUSE */
  ASSERT(st.dwControlsAccepted & SERVICE_ACCEPT_STOP);
  ASSERT(st.dwControlsAccepted & SERVICE_ACCEPT_PARAMCHANGE);
  ASSERT(!(st.dwControlsAccepted & SERVICE_ACCEPT_PAUSE_CONTINUE));
  for (i = 0; i < 800 && !test_file_has(log, "started as a service"); i++)
    test_msleep(25);
  ASSERT(test_file_has(log, "started as a service"));
  /* PARAMCHANGE is HUP */
  ASSERT(ControlService(service, SERVICE_CONTROL_PARAMCHANGE, &ss));
  for (i = 0; i < 800 && !test_file_has(log, "reloaded (1)"); i++)
    test_msleep(25);
  ASSERT(test_file_has(log, "reloaded (1)"));
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
#endif
