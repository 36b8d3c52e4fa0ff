// Unit tests of the control channel: request parser, percent codec, error
// table, log ring, and whole connections driven through socketpairs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <thread>
#include <utility>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_stub.h"
#include "hcu/hcu_errors.h"
#include "hcu_protocol.h"

namespace {

struct Parsed {
  int rc;
  hcu_request req;
  std::string err;
};

Parsed parse(const std::string &s) {
  Parsed p;
  char err[256];
  p.rc = hcu_parse_request(s.data(), s.size(), &p.req, err, sizeof err);
  p.err = err;
  return p;
}

// Expects a protocol error whose message mentions `hint`.
void expectRejected(const std::string &request, const std::string &hint) {
  Parsed p = parse(request);
  EXPECT_EQ(p.rc, HCU_ERR_PROTOCOL) << "accepted: " << request;
  EXPECT_EQ(p.req.verb, HCU_VERB_NONE) << request;
  EXPECT_NE(p.err.find(hint), std::string::npos)
      << "request: " << request << "\nmessage: " << p.err;
}

// Sends `request` to hcu_control_handle over a socketpair; returns the answer.
std::string converse(const std::string &request, bool close_write = true) {
  int sv[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  // Write what fits without blocking: the server stops reading at its limit
  // anyway, and nobody else drains the pair.
  fcntl(sv[0], F_SETFL, O_NONBLOCK);
  size_t off = 0;
  while (off < request.size()) {
    ssize_t n = write(sv[0], request.data() + off, request.size() - off);
    if (n <= 0)
      break;
    off += static_cast<size_t>(n);
  }
  fcntl(sv[0], F_SETFL, 0);
  if (close_write)
    shutdown(sv[0], SHUT_WR);
  hcu_control_handle(sv[1]); // closes sv[1]
  std::string answer;
  char buf[4096];
  ssize_t n;
  while ((n = read(sv[0], buf, sizeof buf)) > 0)
    answer.append(buf, static_cast<size_t>(n));
  close(sv[0]);
  return answer;
}

bool endsWith(const std::string &s, const std::string &tail) {
  return s.size() >= tail.size() &&
         s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A two-phase apply: sends the request, waits for the "prepared" answer,
// then sends `decision` (empty: closes the connection instead). Returns the
// prepared answer and the final one.
std::pair<std::string, std::string> twoPhase(const std::string &decision) {
  int sv[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::thread server([&] { hcu_control_handle(sv[1]); });
  std::string request = "hcu1 apply path=/x.so two_phase=1\n";
  EXPECT_EQ(write(sv[0], request.data(), request.size()),
            static_cast<ssize_t>(request.size()));
  std::string prepared, final;
  char buf[4096];
  ssize_t n;
  while (!endsWith(prepared, "\nend\n") &&
         (n = read(sv[0], buf, sizeof buf)) > 0)
    prepared.append(buf, static_cast<size_t>(n));
  if (!decision.empty()) {
    EXPECT_EQ(write(sv[0], decision.data(), decision.size()),
              static_cast<ssize_t>(decision.size()));
  }
  shutdown(sv[0], SHUT_WR);
  while ((n = read(sv[0], buf, sizeof buf)) > 0)
    final.append(buf, static_cast<size_t>(n));
  server.join();
  close(sv[0]);
  return {prepared, final};
}

// ---- Valid requests -------------------------------------------------------

TEST(Parse, Status) {
  Parsed p = parse("hcu1 status\n");
  EXPECT_EQ(p.rc, HCU_OK) << p.err;
  EXPECT_EQ(p.req.verb, HCU_VERB_STATUS);
}

TEST(Parse, Messages) {
  Parsed p = parse("hcu1 messages\n");
  EXPECT_EQ(p.rc, HCU_OK) << p.err;
  EXPECT_EQ(p.req.verb, HCU_VERB_MESSAGES);
}

TEST(Parse, ApplyAllKeys) {
  Parsed p = parse("hcu1 apply path=/tmp/My%20Patch%25.so model=lazy "
                   "dry_run=1 timeout_ms=2500\n");
  ASSERT_EQ(p.rc, HCU_OK) << p.err;
  EXPECT_EQ(p.req.verb, HCU_VERB_APPLY);
  EXPECT_STREQ(p.req.apply.path, "/tmp/My Patch%.so");
  EXPECT_EQ(p.req.apply.model, HCU_MODEL_LAZY);
  EXPECT_EQ(p.req.apply.dry_run, 1);
  EXPECT_EQ(p.req.apply.timeout_ms, 2500u);
}

TEST(Parse, ApplyDefaultsAndAnyKeyOrder) {
  Parsed p = parse("hcu1 apply timeout_ms=0 path=/p.so\n");
  ASSERT_EQ(p.rc, HCU_OK) << p.err;
  EXPECT_STREQ(p.req.apply.path, "/p.so");
  EXPECT_EQ(p.req.apply.model, HCU_MODEL_IMMEDIATE);
  EXPECT_EQ(p.req.apply.dry_run, 0);
  EXPECT_EQ(p.req.apply.timeout_ms, 0u);
}

TEST(Parse, RevertWithAndWithoutKeys) {
  Parsed p = parse("hcu1 revert\n");
  ASSERT_EQ(p.rc, HCU_OK) << p.err;
  EXPECT_EQ(p.req.verb, HCU_VERB_REVERT);
  EXPECT_EQ(p.req.apply.revert, 1);
  EXPECT_STREQ(p.req.apply.path, "");
  p = parse("hcu1 revert dry_run=1 timeout_ms=700\n");
  ASSERT_EQ(p.rc, HCU_OK) << p.err;
  EXPECT_EQ(p.req.apply.dry_run, 1);
  EXPECT_EQ(p.req.apply.timeout_ms, 700u);
}

TEST(Reject, RevertTakesNoPathOrModel) {
  expectRejected("hcu1 revert path=/p.so\n", "unknown key 'path' for revert");
  expectRejected("hcu1 revert model=lazy\n", "unknown key 'model' for revert");
}

TEST(Parse, LongestPathFits) {
  // 4096 bytes in all, newline included.
  std::string head = "hcu1 apply path=/";
  std::string req = head + std::string(4096 - head.size() - 1, 'a') + "\n";
  ASSERT_EQ(req.size(), 4096u);
  Parsed p = parse(req);
  EXPECT_EQ(p.rc, HCU_OK) << p.err;
}

// ---- Malformed requests ---------------------------------------------------

TEST(Reject, Empty) { expectRejected("", "empty request"); }
TEST(Reject, EmptyLine) { expectRejected("\n", "not an hcu1 request"); }
TEST(Reject, WrongMagic) { expectRejected("hcu2 status\n", "not an hcu1"); }
TEST(Reject, HttpProbe) { expectRejected("GET / HTTP/1.0\n", "not an hcu1"); }
TEST(Reject, MissingVerb) { expectRejected("hcu1\n", "missing verb"); }
TEST(Reject, UnknownVerb) { expectRejected("hcu1 rollback\n", "unknown verb"); }
TEST(Reject, VerbCase) { expectRejected("hcu1 STATUS\n", "unknown verb"); }
TEST(Reject, UnprintableBytesAreQuotedSafely) {
  expectRejected(std::string("hcu1 status\0\n", 13), "unknown verb 'status?'");
  expectRejected("hcu1 apply path=/a model=%0Alazy\n", "not '?lazy'");
}
TEST(Reject, StatusWithArgs) {
  expectRejected("hcu1 status x=1\n", "takes no arguments");
}
TEST(Reject, UnknownKey) {
  expectRejected("hcu1 apply path=/a.so force=1\n", "unknown key 'force'");
}
TEST(Reject, NotKeyValue) {
  expectRejected("hcu1 apply /a.so\n", "not key=value");
}
TEST(Reject, EmptyKey) { expectRejected("hcu1 apply =/a.so\n", "unknown key"); }
TEST(Reject, DuplicateKey) {
  expectRejected("hcu1 apply path=/a.so path=/b.so\n", "duplicate key 'path'");
  expectRejected("hcu1 apply path=/a.so dry_run=0 dry_run=1\n",
                 "duplicate key 'dry_run'");
}
TEST(Reject, MissingPath) {
  expectRejected("hcu1 apply model=lazy\n", "needs path=");
}
TEST(Reject, RelativePath) {
  expectRejected("hcu1 apply path=patch.so\n", "absolute");
  expectRejected("hcu1 apply path=\n", "absolute");
}
TEST(Reject, BadPercentEscapes) {
  expectRejected("hcu1 apply path=/a%2\n", "bad percent escape");
  expectRejected("hcu1 apply path=/a%\n", "bad percent escape");
  expectRejected("hcu1 apply path=/a%zz.so\n", "bad percent escape");
  expectRejected("hcu1 apply path=/a%00b\n", "bad percent escape");
}
TEST(Reject, RawBytesThatNeedEncoding) {
  expectRejected("hcu1 apply path=/a=b\n", "must be percent-encoded");
  expectRejected("hcu1 apply path=/a\tb\n", "must be percent-encoded");
  expectRejected("hcu1 apply path=/a\rb\n", "must be percent-encoded");
  expectRejected(std::string("hcu1 apply path=/a\0b\n", 21),
                 "must be percent-encoded");
  expectRejected("hcu1 apply path=/\xc3\xa9\n", "must be percent-encoded");
}
TEST(Reject, Spacing) {
  expectRejected("hcu1  status\n", "empty field");
  expectRejected(" hcu1 status\n", "empty field");
  expectRejected("hcu1 status \n", "empty field");
  expectRejected("hcu1 apply path=/a.so \n", "empty field");
  expectRejected("hcu1 apply  path=/a.so\n", "empty field");
}
TEST(Reject, Oversized) {
  std::string head = "hcu1 apply path=/";
  std::string req = head + std::string(4097 - head.size() - 1, 'a') + "\n";
  expectRejected(req, "longer than 4096");
  expectRejected(std::string(1 << 20, 'x'), "longer than 4096");
}
TEST(Reject, Truncated) {
  expectRejected("hcu1 status", "no newline");
  expectRejected("hcu1 apply path=/a.so model=imm", "no newline");
}
TEST(Reject, TwoLines) {
  expectRejected("hcu1 status\nhcu1 status\n", "data after");
  expectRejected("hcu1 status\n\n", "data after");
}
TEST(Reject, NonNumericNumbers) {
  expectRejected("hcu1 apply path=/a timeout_ms=abc\n", "timeout_ms must be");
  expectRejected("hcu1 apply path=/a timeout_ms=-1\n", "timeout_ms must be");
  expectRejected("hcu1 apply path=/a timeout_ms=+5\n", "timeout_ms must be");
  expectRejected("hcu1 apply path=/a timeout_ms=12ms\n", "timeout_ms must be");
  expectRejected("hcu1 apply path=/a timeout_ms=\n", "timeout_ms must be");
  expectRejected("hcu1 apply path=/a timeout_ms=99999999999999999999\n",
                 "timeout_ms must be");
  expectRejected("hcu1 apply path=/a timeout_ms=3600001\n",
                 "timeout_ms must be");
}
TEST(Parse, TwoPhase) {
  Parsed p = parse("hcu1 apply path=/a.so two_phase=1\n");
  ASSERT_EQ(p.rc, HCU_OK) << p.err;
  EXPECT_EQ(p.req.apply.two_phase, 1);
  EXPECT_EQ(parse("hcu1 apply path=/a.so\n").req.apply.two_phase, 0);
  expectRejected("hcu1 apply path=/a two_phase=yes\n", "two_phase must be");
}

TEST(Reject, BadEnums) {
  expectRejected("hcu1 apply path=/a model=eager\n", "model must be");
  expectRejected("hcu1 apply path=/a dry_run=yes\n", "dry_run must be");
  expectRejected("hcu1 apply path=/a dry_run=2\n", "dry_run must be");
}

// ---- Percent codec --------------------------------------------------------

TEST(Percent, RoundTripEveryByte) {
  std::string all;
  for (int c = 1; c < 256; c++)
    all.push_back(static_cast<char>(c));
  char enc[3 * 256 + 1], dec[256];
  int n = hcu_pct_encode(all.c_str(), enc, sizeof enc);
  ASSERT_GT(n, 0);
  for (int i = 0; i < n; i++)
    EXPECT_TRUE(hcu_pct_plain(static_cast<unsigned char>(enc[i])) ||
                enc[i] == '%')
        << "unencoded byte " << int(enc[i]);
  ASSERT_EQ(hcu_pct_decode(enc, static_cast<size_t>(n), dec, sizeof dec), 255);
  EXPECT_EQ(std::string(dec), all);
}

TEST(Percent, SpacesAndPlainText) {
  char enc[64];
  ASSERT_EQ(hcu_pct_encode("/a b/c.so", enc, sizeof enc), 11);
  EXPECT_STREQ(enc, "/a%20b/c.so");
}

TEST(Percent, Bounds) {
  char small[4];
  EXPECT_EQ(hcu_pct_encode("abcd", small, sizeof small), -1);
  EXPECT_EQ(hcu_pct_encode("a b", small, sizeof small), -1);
  EXPECT_EQ(hcu_pct_encode("abc", small, sizeof small), 3);
  EXPECT_EQ(hcu_pct_decode("abcd", 4, small, sizeof small), HCU_PCT_TOO_LONG);
  EXPECT_EQ(hcu_pct_decode("%41%62", 6, small, sizeof small), 2);
  EXPECT_STREQ(small, "Ab");
  EXPECT_EQ(hcu_pct_decode("%4g", 3, small, sizeof small), HCU_PCT_BAD_ESCAPE);
}

// ---- Error table ----------------------------------------------------------

TEST(Errors, EveryCodeHasItsNameAndText) {
#define HCU_X(name, num, text)                                                 \
  EXPECT_STREQ(hcu_error_name(num), #name);                                    \
  EXPECT_STREQ(hcu_strerror(num), text);
  HCU_ERROR_LIST(HCU_X)
#undef HCU_X
}

TEST(Errors, UnknownCodes) {
  EXPECT_STREQ(hcu_error_name(-1), "HCU_ERR_UNKNOWN");
  EXPECT_STREQ(hcu_error_name(9999), "HCU_ERR_UNKNOWN");
  EXPECT_STREQ(hcu_strerror(9999), "unknown error code");
}

// ---- Log ring -------------------------------------------------------------

TEST(Log, RingKeepsTheNewestInOrder) {
  for (int i = 0; i < 200; i++)
    hcu_log("ring test %d", i);
  static char lines[HCU_LOG_ENTRIES][HCU_LOG_LINE_MAX];
  size_t n = hcu_log_copy(lines, HCU_LOG_ENTRIES);
  ASSERT_EQ(n, static_cast<size_t>(HCU_LOG_ENTRIES));
  for (size_t i = 0; i < n; i++) {
    std::string want = " ring test " + std::to_string(200 - 64 + i);
    EXPECT_TRUE(endsWith(lines[i], want)) << lines[i];
    // 2025-01-31T12:34:56.123456Z
    EXPECT_EQ(lines[i][4], '-');
    EXPECT_EQ(lines[i][10], 'T');
    EXPECT_EQ(lines[i][26], 'Z');
  }
  ASSERT_EQ(hcu_log_copy(lines, 3), 3u);
  EXPECT_TRUE(endsWith(lines[2], " ring test 199")) << lines[2];
  EXPECT_TRUE(endsWith(lines[0], " ring test 197")) << lines[0];
}

TEST(Log, OneLinePerEntryAndTruncated) {
  hcu_log("two\nlines");
  hcu_log("%s", std::string(1000, 'y').c_str());
  static char lines[HCU_LOG_ENTRIES][HCU_LOG_LINE_MAX];
  size_t n = hcu_log_copy(lines, HCU_LOG_ENTRIES);
  ASSERT_GE(n, 2u);
  EXPECT_TRUE(endsWith(lines[n - 2], " two lines")) << lines[n - 2];
  EXPECT_EQ(strlen(lines[n - 1]), static_cast<size_t>(HCU_LOG_LINE_MAX - 1));
}

TEST(Log, MonotonicClock) {
  uint64_t a = hcu_now_us();
  usleep(2000);
  EXPECT_GE(hcu_now_us() - a, 2000u);
}

// ---- Whole connections ----------------------------------------------------

TEST(Handle, Status) {
  std::string a = converse("hcu1 status\n");
  EXPECT_EQ(a.rfind("ok\n", 0), 0u) << a;
  EXPECT_NE(a.find("\npid=" + std::to_string(getpid()) + "\n"),
            std::string::npos)
      << a;
  EXPECT_NE(a.find("\nbuild_id=0123456789abcdef\n"), std::string::npos) << a;
  EXPECT_NE(a.find("\nupdates_enabled=1\n"), std::string::npos) << a;
  EXPECT_TRUE(endsWith(a, "\nend\n")) << a;
}

TEST(Handle, ApplySuccessAndStatusRemembersIt) {
  stub_apply_code = HCU_OK;
  int calls = stub_apply_calls;
  std::string a = converse("hcu1 apply path=/x%20y.so dry_run=0\n");
  EXPECT_EQ(stub_apply_calls, calls + 1);
  EXPECT_STREQ(stub_last_request.path, "/x y.so");
  EXPECT_EQ(a.rfind("ok\n", 0), 0u) << a;
  EXPECT_NE(a.find("\npause_us=213\n"), std::string::npos) << a;
  EXPECT_NE(a.find("\nfunctions=main,serve,next_letter\n"), std::string::npos)
      << a;
  std::string s = converse("hcu1 status\n");
  EXPECT_NE(s.find("\nlast_update=1\nlast_code=0\n"), std::string::npos) << s;
}

TEST(Handle, ApplyFailure) {
  stub_apply_code = HCU_ERR_TIMEOUT;
  std::string a = converse("hcu1 apply path=/x.so\n");
  stub_apply_code = HCU_OK;
  EXPECT_EQ(a.rfind("error code=12 name=HCU_ERR_TIMEOUT\n", 0), 0u) << a;
  EXPECT_NE(a.find("\nmessage=stub%20failure%20%3D%2012\n"), std::string::npos)
      << a;
  std::string s = converse("hcu1 status\n");
  EXPECT_NE(s.find("\nlast_name=HCU_ERR_TIMEOUT\n"), std::string::npos) << s;
}

TEST(Handle, DisabledNeverReachesTheEngine) {
  hcu_control_set_updates_enabled(0);
  int calls = stub_apply_calls;
  std::string a = converse("hcu1 apply path=/x.so\n");
  std::string s = converse("hcu1 status\n");
  hcu_control_set_updates_enabled(1);
  EXPECT_EQ(stub_apply_calls, calls);
  EXPECT_EQ(a.rfind("error code=5 name=HCU_ERR_DISABLED\n", 0), 0u) << a;
  EXPECT_NE(s.find("\nupdates_enabled=0\n"), std::string::npos) << s;
}

TEST(Handle, Messages) {
  hcu_log("hello from the test");
  std::string a = converse("hcu1 messages\n");
  EXPECT_EQ(a.rfind("ok\nline=", 0), 0u) << a;
  EXPECT_NE(a.find("%20hello%20from%20the%20test\nend\n"), std::string::npos)
      << a;
}

TEST(Handle, GarbageGetsAProtocolError) {
  for (const std::string &req :
       {std::string("hcu1 status"), std::string(1 << 20, 'z'),
        std::string("\x01\x02\xff\n", 4), std::string("hcu1 apply\n")}) {
    std::string a = converse(req);
    EXPECT_EQ(a.rfind("error code=3 name=HCU_ERR_PROTOCOL\nmessage=", 0), 0u)
        << a;
    EXPECT_TRUE(endsWith(a, "\nend\n")) << a;
  }
}

TEST(Handle, StuckClientTimesOut) {
  uint64_t t0 = hcu_now_us();
  std::string a = converse("hcu1 sta", /*close_write=*/false);
  uint64_t waited_ms = (hcu_now_us() - t0) / 1000;
  EXPECT_GE(waited_ms, HCU_PROTO_READ_TIMEOUT_MS - 10u);
  EXPECT_LT(waited_ms, HCU_PROTO_READ_TIMEOUT_MS + 1000u);
  EXPECT_NE(a.find("message=timed%20out"), std::string::npos) << a;
}

// ---- Socket directory and the live channel -------------------------------

class TempDir : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hcu-unit-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  std::string dir;
};

TEST_F(TempDir, CheckDir) {
  char err[512];
  EXPECT_EQ(hcu_control_check_dir(dir.c_str(), err, sizeof err), HCU_OK) << err;

  std::string sub = dir + "/new";
  EXPECT_EQ(hcu_control_check_dir(sub.c_str(), err, sizeof err), HCU_OK) << err;
  struct stat st;
  ASSERT_EQ(stat(sub.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  chmod(sub.c_str(), 0750);
  EXPECT_EQ(hcu_control_check_dir(sub.c_str(), err, sizeof err),
            HCU_ERR_PERMISSION);
  EXPECT_NE(std::string(err).find("chmod 700"), std::string::npos) << err;

  std::string file = dir + "/file";
  close(open(file.c_str(), O_CREAT | O_WRONLY, 0600));
  EXPECT_EQ(hcu_control_check_dir(file.c_str(), err, sizeof err),
            HCU_ERR_PERMISSION);

  std::string link = dir + "/link";
  ASSERT_EQ(symlink(dir.c_str(), link.c_str()), 0);
  EXPECT_EQ(hcu_control_check_dir(link.c_str(), err, sizeof err),
            HCU_ERR_PERMISSION);
}

// Connects to <dir>/<pid>.sock, retrying while the channel starts.
std::string askLive(const std::string &dir, pid_t pid, const char *request) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%ld.sock", dir.c_str(),
           static_cast<long>(pid));
  for (int tries = 0; tries < 200; tries++) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
      std::string a;
      if (write(fd, request, strlen(request)) > 0) {
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
          a.append(buf, static_cast<size_t>(n));
      }
      close(fd);
      return a;
    }
    close(fd);
    usleep(10000);
  }
  return "(no channel at " + std::string(addr.sun_path) + ")";
}

TEST_F(TempDir, LiveChannelAndForkedChild) {
  setenv("HCU_RUNTIME_DIR", dir.c_str(), 1);
  ASSERT_EQ(hcu_control_start(), HCU_OK);
  EXPECT_EQ(hcu_control_start(), HCU_OK); // idempotent
  std::string a = askLive(dir, getpid(), "hcu1 status\n");
  EXPECT_NE(a.find("\npid=" + std::to_string(getpid()) + "\n"),
            std::string::npos)
      << a;

  // The child answers for itself on its own socket, and removes it on exit.
  int gate[2];
  ASSERT_EQ(pipe(gate), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    char c;
    close(gate[1]);
    (void)!read(gate[0], &c, 1); // until the parent closes its end
    exit(0);                     // runs the atexit handler
  }
  close(gate[0]);
  std::string c = askLive(dir, child, "hcu1 status\n");
  EXPECT_NE(c.find("\npid=" + std::to_string(child) + "\n"), std::string::npos)
      << c;
  close(gate[1]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  std::string child_sock = dir + "/" + std::to_string(child) + ".sock";
  std::string our_sock = dir + "/" + std::to_string(getpid()) + ".sock";
  EXPECT_NE(access(child_sock.c_str(), F_OK), 0) << child_sock;
  EXPECT_EQ(access(our_sock.c_str(), F_OK), 0) << our_sock;

  // The parent's channel still works.
  a = askLive(dir, getpid(), "hcu1 messages\n");
  EXPECT_NE(a.find("listening"), std::string::npos) << a;
}

// A peer of another uid is refused (needs root, to become someone else).
TEST_F(TempDir, OtherUsersAreRefused) {
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root to connect as another uid";
  chmod(dir.c_str(), 0777); // let the other uid reach this test's socket
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s/peer.sock", dir.c_str());
  int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_EQ(bind(lfd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
  chmod(addr.sun_path, 0777);
  ASSERT_EQ(listen(lfd, 1), 0);
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0)
      _exit(2);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
      _exit(3);
    // The server may refuse before reading: no SIGPIPE, read the answer.
    (void)!send(fd, "hcu1 status\n", 12, MSG_NOSIGNAL);
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
      (void)!write(out[1], buf, static_cast<size_t>(n));
    _exit(0);
  }
  close(out[1]);
  int cfd = accept(lfd, nullptr, nullptr);
  ASSERT_GE(cfd, 0);
  hcu_control_handle(cfd);
  std::string a;
  char buf[512];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0)
    a.append(buf, static_cast<size_t>(n));
  close(out[0]);
  close(lfd);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "client status " << status;
  EXPECT_EQ(a.rfind("error code=4 name=HCU_ERR_PERMISSION\n", 0), 0u) << a;
  EXPECT_NE(a.find("uid%2065534%20may%20not"), std::string::npos) << a;
  static char lines[HCU_LOG_ENTRIES][HCU_LOG_LINE_MAX];
  size_t nl = hcu_log_copy(lines, HCU_LOG_ENTRIES);
  ASSERT_GT(nl, 0u);
  std::string want =
      "refused a connection from uid 65534 pid " + std::to_string(child);
  EXPECT_NE(std::string(lines[nl - 1]).find(want), std::string::npos)
      << lines[nl - 1];
}

TEST(Handle, TwoPhaseCommit) {
  stub_apply_code = HCU_OK;
  int before = hcu_current_version();
  auto [prepared, final] = twoPhase("hcu1 commit\n");
  EXPECT_EQ(prepared.rfind("ok\nphase=prepared\n", 0), 0u) << prepared;
  EXPECT_NE(prepared.find("\nnew_version=" + std::to_string(before + 1) + "\n"),
            std::string::npos)
      << prepared;
  EXPECT_EQ(final.rfind("ok\n", 0), 0u) << final;
  EXPECT_TRUE(endsWith(final, "\nend\n")) << final;
  EXPECT_EQ(hcu_current_version(), before + 1);
}

TEST(Handle, TwoPhaseAbortCarriesTheReason) {
  stub_apply_code = HCU_OK;
  int before = hcu_current_version();
  auto [prepared, final] = twoPhase("hcu1 abort reason=pid%207%20failed\n");
  EXPECT_EQ(prepared.rfind("ok\nphase=prepared\n", 0), 0u) << prepared;
  EXPECT_EQ(final.rfind("error code=18 name=HCU_ERR_ABORTED\n", 0), 0u)
      << final;
  EXPECT_NE(final.find("aborted%20the%20update:%20pid%207%20failed"),
            std::string::npos)
      << final;
  EXPECT_EQ(hcu_current_version(), before);
}

TEST(Handle, TwoPhaseWithoutDecisionRollsBack) {
  stub_apply_code = HCU_OK;
  int before = hcu_current_version();
  auto [prepared, final] = twoPhase("");
  EXPECT_EQ(final.rfind("error code=18 name=HCU_ERR_ABORTED\n", 0), 0u)
      << final;
  EXPECT_NE(final.find("closed%20the%20connection%20before%20deciding"),
            std::string::npos)
      << final;
  auto [p2, garbage] = twoPhase("hcu1 commit please\n");
  EXPECT_EQ(garbage.rfind("error code=18 name=HCU_ERR_ABORTED\n", 0), 0u)
      << garbage;
  EXPECT_EQ(hcu_current_version(), before);
}

} // namespace
