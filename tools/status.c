/* SPDX-License-Identifier: MIT */
/* xsig status: an exit status in words. */
#include <stdio.h>
#include <string.h>
#include "tool.h"

struct code_name { uint32_t code; const char *text; };

static const struct code_name windows_codes[] = {
  { 0xC000013Au, "STATUS_CONTROL_C_EXIT, Ctrl-C or Ctrl-Break" },
  { 0xC0000005u, "STATUS_ACCESS_VIOLATION" },
  { 0xC00000FDu, "STATUS_STACK_OVERFLOW" },
  { 0xC000001Du, "STATUS_ILLEGAL_INSTRUCTION" },
  { 0xC0000096u, "STATUS_PRIVILEGED_INSTRUCTION" },
  { 0xC000008Eu, "STATUS_FLOAT_DIVIDE_BY_ZERO" },
  { 0xC000008Fu, "STATUS_FLOAT_INEXACT_RESULT" },
  { 0xC0000090u, "STATUS_FLOAT_INVALID_OPERATION" },
  { 0xC0000091u, "STATUS_FLOAT_OVERFLOW" },
  { 0xC0000092u, "STATUS_FLOAT_STACK_CHECK" },
  { 0xC0000093u, "STATUS_FLOAT_UNDERFLOW" },
  { 0xC0000094u, "STATUS_INTEGER_DIVIDE_BY_ZERO" },
  { 0xC0000095u, "STATUS_INTEGER_OVERFLOW" },
  { 0xC0000409u, "STATUS_STACK_BUFFER_OVERRUN, fail fast (abort() in the UCRT)" },
  { 0xC0000135u, "STATUS_DLL_NOT_FOUND, a DLL it needs is missing (check PATH)" },
  { 0xC0000139u, "STATUS_ENTRYPOINT_NOT_FOUND, a DLL lacks a function it needs" },
  { 0xC0000142u, "STATUS_DLL_INIT_FAILED, a DLL failed to initialise" },
  { 0xC000007Bu, "STATUS_INVALID_IMAGE_FORMAT, a 32/64-bit mix-up or a damaged file" },
  { 0xC0000017u, "STATUS_NO_MEMORY" },
  { 0xC0000374u, "STATUS_HEAP_CORRUPTION" },
  { 0xC0000417u, "STATUS_INVALID_CRUNTIME_PARAMETER, the C runtime's invalid-parameter handler" },
  { 0xC0000420u, "STATUS_ASSERTION_FAILURE" },
  { 0xC0000602u, "STATUS_FAIL_FAST_EXCEPTION" },
  { 0x40010004u, "DBG_TERMINATE_PROCESS, ended by a debugger" },
};

const char *tool_windows_code_name(uint32_t code)
{
  size_t i;
  for (i = 0; i < sizeof windows_codes / sizeof windows_codes[0]; i++)
    if (windows_codes[i].code == code)
      return windows_codes[i].text;
  if ((code & 0xFFFFFF00u) == XSIG_WIN_EXIT_BASE)
    return "xsig's exit code for a signal's default action";
  return NULL;
}

static int usage(FILE *f, int code)
{
  fputs("Usage: xsig status [--wait] CODE\n"
        "Explain an exit status: a Windows exit code (0xC000013A, 3221225786, or\n"
        "-1073741510 as cmd and PowerShell print it), a\n"
        "shell's $? (143 = 128 + TERM), or with --wait a raw POSIX wait() status.\n",
        f);
  return code;
}

static void explain_shell_code(uint32_t code)
{
  char name[16];
  int sig = (int)code - 128;
  printf("%u: exited with code %u", code, code);
  if (code > 128 && code < 128 + XSIG_NSIG && xsig_valid(sig) && xsig_name(sig, name, sizeof name) > 0)
    printf("; a shell shows a command ended by signal %s (%s) as 128+%d", name, xsig_describe(sig), sig);
  else if (code == 3)
    printf("; note: abort() in older Windows C runtimes also exits with 3");
  else if (code == 124)
    printf("; from timeout(1) or xsig run: the command timed out");
  else if (code == 125 || code == 126 || code == 127)
    printf("; from a shell, timeout(1) or xsig run: %s",
           code == 125 ? "the tool itself failed" : code == 126 ? "command cannot run" : "command not found");
  printf("\n");
}

int tool_status(int argc, char **argv)
{
  xsig_status_t st;
  uint32_t code;
  char text[128];
  int as_wait = 0, i = 1;
  if (i < argc && (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0))
    return usage(stdout, 0);
  if (i < argc && strcmp(argv[i], "--version") == 0)
    return tool_version("status");
  if (i < argc && strcmp(argv[i], "--wait") == 0)
    as_wait = 1, i++;
  if (i + 1 != argc)
    return usage(stderr, 1);
  if (tool_parse_status(argv[i], &code) != 0) {
    fprintf(stderr, "xsig status: invalid exit status '%s'\n", argv[i]);
    return 1;
  }
  if (as_wait) {
    if (xsig_status_from_wait((int)code, &st) != 0) {
      fprintf(stderr, "xsig status: 0x%x is not the wait status of a process that ended (stopped, continued, or no such signal)\n", code);
      return 1;
    }
    xsig_status_format(&st, text, sizeof text);
    printf("0x%x: %s\n", code, text);
    return 0;
  }
  if (code <= 255) {
    explain_shell_code(code);
    return 0;
  }
  xsig_status_from_windows(code, &st);
  xsig_status_format(&st, text, sizeof text);
  printf("0x%08X: %s", code, text);
  if (tool_windows_code_name(code))
    printf(": %s", tool_windows_code_name(code));
  printf("\n");
  return 0;
}
