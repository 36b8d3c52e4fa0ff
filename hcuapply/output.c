/* output.c: JSON by hand (no dependency for one object per run) and the
 * error reports every subcommand shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hcu/hcu_errors.h"
#include "hcuapply.h"

void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"':
      fputs("\\\"", f);
      break;
    case '\\':
      fputs("\\\\", f);
      break;
    case '\n':
      fputs("\\n", f);
      break;
    case '\r':
      fputs("\\r", f);
      break;
    case '\t':
      fputs("\\t", f);
      break;
    default:
      /* Other control bytes and DEL escaped; UTF-8 passes through. */
      if (*p < 0x20 || *p == 0x7f)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}

void json_number(FILE *f, const char *s) {
  const char *p = s && *s == '-' ? s + 1 : s;
  int digits = p && *p;
  for (; digits && *p; p++)
    digits = *p >= '0' && *p <= '9';
  if (digits)
    fputs(s, f);
  else if (s)
    json_string(f, s);
  else
    fputs("null", f);
}

static void json_error(pid_t pid, int code, const char *message) {
  printf("{\"pid\":%ld,\"ok\":false,\"code\":%d,\"name\":", (long)pid, code);
  json_string(stdout, hcu_error_name(code));
  printf(",\"message\":");
  json_string(stdout, message);
  printf("}\n");
}

int report_client_error(pid_t pid, const struct client_error *err, int json) {
  fprintf(stderr, "hcuapply: error: %s\n", err->message);
  if (json)
    json_error(pid, err->code, err->message);
  return err->exit_code;
}

int report_answer_error(pid_t pid, const struct answer *ans, int json) {
  const char *message = answer_get(ans, "message");
  if (!message || !*message)
    message = hcu_strerror(ans->code);
  fprintf(stderr, "hcuapply: error: %s: %s\n", hcu_error_name(ans->code),
          message);
  if (json)
    json_error(pid, ans->code, message);
  switch (ans->code) {
  case HCU_ERR_PROTOCOL:
    return EXIT_PROTOCOL;
  case HCU_ERR_PERMISSION:
  case HCU_ERR_NO_PROCESS:
  case HCU_ERR_CHANNEL:
    return EXIT_UNREACHABLE;
  default:
    return EXIT_FAILED;
  }
}

/* ---- Progress --------------------------------------------------------------*/

static void print_progress(pid_t pid, const char *text) {
  fprintf(stderr, "hcuapply: pid %ld: %s\n", (long)pid, text);
  fflush(stderr);
}

int progress_setup(int verbose, int json) {
  if (json || (!verbose && !isatty(STDERR_FILENO)))
    return 0;
  client_progress = print_progress;
  return 1;
}
