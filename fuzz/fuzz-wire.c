/* The transport's message decoder: anything a process can write to the pipe. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  xsig_info_t info;
  struct xsig__wire_msg again;
  if (xsig__wire_decode(data, size, &info) != 0)
    return 0;
  /* accepted: a real signal that may travel, and it encodes back the same */
  if (!xsig_valid(info.signo) || info.signo == XSIG_KILL || info.signo == XSIG_STOP)
    abort();
  xsig__wire_encode(&again, info.signo, info.value, info.code == XSIG_SI_QUEUE);
  if (size != sizeof again || memcmp(&again, data, size) != 0)
    abort();
  return 0;
}
