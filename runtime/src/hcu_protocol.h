/* hcu_protocol.h: the control-channel contract shared by libhcu and hcuapply.
 *
 * One request line "hcu1 <verb> key=value ...\n", answered by key=value lines
 * ending with "end"; docs/protocol.md describes it. The percent codec is
 * inline here so the runtime and the tool cannot disagree about it. */
#ifndef HCU_PROTOCOL_H
#define HCU_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "hcu_internal.h"

#define HCU_PROTO_MAGIC "hcu1"
#define HCU_PROTO_MAX_REQUEST 4096 /* bytes, newline included */
#define HCU_PROTO_READ_TIMEOUT_MS 2000
#define HCU_PROTO_MAX_TIMEOUT_MS 3600000u
/* How long a prepared process waits for the coordinator's decision, on top
 * of the request's timeout (at least this much): two-phase applies. */
#define HCU_PROTO_DECISION_WAIT_MS 30000u

#define HCU_LOG_ENTRIES 64
#define HCU_LOG_LINE_MAX 256

enum hcu_verb {
  HCU_VERB_NONE = 0,
  HCU_VERB_APPLY = 1,
  HCU_VERB_STATUS = 2,
  HCU_VERB_MESSAGES = 3,
  HCU_VERB_REVERT = 4 /* an apply request with revert set */
};

struct hcu_request {
  int verb;                       /* enum hcu_verb */
  struct hcu_apply_request apply; /* filled for HCU_VERB_APPLY */
};

/* Parses one request (buf need not be NUL-terminated). Returns HCU_OK, or
 * HCU_ERR_PROTOCOL with a one-line reason in err. Pure: no I/O, no logging. */
int hcu_parse_request(const char *buf, size_t len, struct hcu_request *req,
                      char *err, size_t errsz);

/* Serves one accepted connection and closes fd. Exposed for unit tests, which
 * drive it through a socketpair. */
void hcu_control_handle(int fd);

/* Checks (creating it if missing) the private socket directory: a directory,
 * owned by our euid, no group/other permission bits. 0 or an hcu_error. */
int hcu_control_check_dir(const char *dir, char *err, size_t errsz);

/* Copies up to max log lines, oldest first; returns how many. */
size_t hcu_log_copy(char (*out)[HCU_LOG_LINE_MAX], size_t max);
/* One entry at a time (no 16 KiB copy): entries [*returned*, *end) are
 * in the ring now; hcu_log_entry copies entry seq, or returns 0 if newer
 * entries have overwritten it meanwhile. */
unsigned long long hcu_log_oldest(unsigned long long *end);
int hcu_log_entry(unsigned long long seq, char out[HCU_LOG_LINE_MAX]);

/* ---- Percent codec ------------------------------------------------------*/

static inline int hcu_pct_plain(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
         c == '/' || c == ',' || c == ':' || c == '@' || c == '+' || c == '~';
}

/* Encodes the NUL-terminated in; returns the length written (NUL-terminated),
 * or -1 if out is too small. */
static inline int hcu_pct_encode(const char *in, char *out, size_t outsz) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
    size_t need = hcu_pct_plain(*p) ? 1 : 3;
    if (n + need >= outsz)
      return -1;
    if (need == 1) {
      out[n++] = (char)*p;
    } else {
      out[n++] = '%';
      out[n++] = hex[*p >> 4];
      out[n++] = hex[*p & 15];
    }
  }
  if (outsz == 0)
    return -1;
  out[n] = '\0';
  return (int)n;
}

static inline int hcu_pct_hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

enum { HCU_PCT_BAD_ESCAPE = -1, HCU_PCT_TOO_LONG = -2, HCU_PCT_BAD_CHAR = -3 };

/* Decodes len bytes of in into out (NUL-terminated). Returns the decoded
 * length or a negative HCU_PCT_* code. Raw bytes must be printable ASCII
 * other than space, '=' and '%'; an escape may not produce NUL. */
static inline int hcu_pct_decode(const char *in, size_t len, char *out,
                                 size_t outsz) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)in[i];
    if (c == '%') {
      if (i + 2 >= len) /* a '%' needs two hex digits */
        return HCU_PCT_BAD_ESCAPE;
      int hi = hcu_pct_hexval(in[i + 1]);
      int lo = hcu_pct_hexval(in[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
        return HCU_PCT_BAD_ESCAPE;
      c = (unsigned char)(hi * 16 + lo);
      i += 2;
    } else if (c <= ' ' || c >= 0x7f || c == '=') {
      return HCU_PCT_BAD_CHAR;
    }
    if (n + 1 >= outsz)
      return HCU_PCT_TOO_LONG;
    out[n++] = (char)c;
  }
  if (outsz == 0)
    return HCU_PCT_TOO_LONG;
  out[n] = '\0';
  return (int)n;
}

#ifdef __cplusplus
}
#endif
#endif /* HCU_PROTOCOL_H */
