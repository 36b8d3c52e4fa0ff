// libFuzzer target: the control channel's request parser
// (runtime/src/control.c, hcu_parse_request), which reads whatever a local
// client writes to the socket. Checked beyond "no crash": an accepted apply
// request has an absolute, NUL-terminated path and a known model, and a
// refused one says why.
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" {
#include "hcu_protocol.h"
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  // A copy of exactly Size bytes, not NUL-terminated: the parser must not
  // read past it.
  std::vector<char> Buf(Data, Data + Size);
  hcu_request Req;
  char Err[256];
  int Rc = hcu_parse_request(Buf.data(), Buf.size(), &Req, Err, sizeof Err);
  if (Rc != HCU_OK) {
    if (Rc != HCU_ERR_PROTOCOL || !memchr(Err, '\0', sizeof Err) || !Err[0])
      abort();
    return 0;
  }
  if (Req.verb == HCU_VERB_APPLY) {
    const hcu_apply_request &A = Req.apply;
    if (!memchr(A.path, '\0', sizeof A.path) || A.path[0] != '/')
      abort();
    if (A.model != HCU_MODEL_IMMEDIATE && A.model != HCU_MODEL_LAZY)
      abort();
    if (A.dry_run != 0 && A.dry_run != 1)
      abort();
  } else if (Req.verb != HCU_VERB_STATUS && Req.verb != HCU_VERB_MESSAGES &&
             Req.verb != HCU_VERB_REVERT) {
    abort();
  }
  return 0;
}
