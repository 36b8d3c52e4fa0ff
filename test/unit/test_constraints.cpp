// Unit tests of the safety constraint loader and evaluator
// (runtime/src/constraints.c): the runtime's own refusals of a malformed
// table, and the semantics of items at the edges of their ranges.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "hcu/hcu_errors.h"
#include "hcu_constraints.h"

namespace {

const hcu_cp_desc Cps[] = {{0, HCU_CP_ENTRY, "entry"}, {1, HCU_CP_CALL, "a#1"},
                           {2, HCU_CP_CALL, "b#1"},    {3, HCU_CP_CALL, "c#1"},
                           {4, HCU_CP_LOOP, "loop#1"}};
const hcu_func_desc Fns[] = {
    {"main", "main", nullptr, nullptr, HCU_FN_THREAD_ENTRY, 0, 0, 0, nullptr, 0, nullptr, 0, Cps, 5, ""},
    {"f", "f", nullptr, nullptr, 0, 0, 0, 0, nullptr, 0, nullptr, 0, Cps, 5, ""},
    {"worker", "worker", nullptr, nullptr, 0, 0, 0, 0, nullptr, 0, nullptr, 0, Cps, 5, ""},
};
const hcu_func_desc &Main = Fns[0], &F = Fns[1];

const hcu_func_desc *find(const char *Name, char *Err, size_t ErrSz) {
  for (const hcu_func_desc &D : Fns)
    if (strcmp(D.key, Name) == 0)
      return &D;
  snprintf(Err, ErrSz, "the running program has no function '%s'", Name);
  return nullptr;
}

struct Loaded {
  int Rc;
  std::string Msg;
  hcu_constraint_set *Set;
};

Loaded load(const std::vector<hcu_safety_constraint_t> &T, int N = -2) {
  static const int Lines[] = {12, 13, 14};
  hcu_patch_info I = {};
  I.mapping_file = "m.c";
  I.constraints = T.data();
  I.nconstraints = N == -2 ? (int)T.size() : N;
  I.constraint_lines = Lines;
  char Msg[1024] = "";
  Loaded L;
  L.Rc = hcu_constraints_load(&I, find, &L.Set, Msg, sizeof Msg);
  L.Msg = Msg;
  return L;
}

hcu_safety_constraint_t entry(const char *Th, const char *Fn, int Count,
                              std::vector<std::vector<hcu_safety_constraint_item_t>> Terms) {
  hcu_safety_constraint_t C = {};
  C.thread = Th;
  C.function = Fn;
  C.count = Count;
  for (size_t T = 0; T < Terms.size(); ++T)
    for (size_t K = 0; K < Terms[T].size(); ++K)
      C.terms[T][K] = Terms[T][K];
  return C;
}

TEST(ConstraintLoad, NoTableIsNoConstraint) {
  Loaded L = load({});
  EXPECT_EQ(L.Rc, HCU_OK);
  EXPECT_EQ(L.Set, nullptr);
}

TEST(ConstraintLoad, RefusesMalformedTables) {
  std::vector<hcu_safety_constraint_t> One = {entry("main", "f", 1, {{{-1, -1, 0}}})};
  struct Case {
    std::vector<hcu_safety_constraint_t> T;
    int N, Rc;
    const char *Msg;
  } Cases[] = {
      {One, -1, HCU_ERR_PATCH_INVALID, "m.c: the patch's safety constraint table is malformed (-1 entries)"},
      {{entry("main", "f", 1, {{{-1, -1, 2}}})}, -2, HCU_ERR_PATCH_INVALID,
       "m.c:12: safety constraint 1 (thread main, function f), term 1, item 1: the negation flag is 2; it must be 0 or 1"},
      {{entry("main", "f", 0, {{{-1, -1, 0}}})}, -2, HCU_ERR_PATCH_INVALID,
       "m.c:12: safety constraint 1 (thread main, function f): the number of terms is 0; it must be between 1 and 8"},
      {{entry("main", "f", 1, {{{-1, 2, 0}}, {{1, -1, 0}}})}, -2, HCU_ERR_PATCH_INVALID,
       "m.c:12: safety constraint 1 (thread main, function f): term 2 is filled in, but the entry says it has 1 term"},
      {{entry("main", "f", 1, {{{-1, 2, 0}, {0, 0, 0}, {1, 3, 0}}})}, -2, HCU_ERR_PATCH_INVALID,
       "m.c:12: safety constraint 1 (thread main, function f), term 1: item 3 follows an empty item"},
      {{entry("main", "f", 2, {{{-1, 2, 0}}})}, -2, HCU_ERR_PATCH_INVALID,
       "m.c:12: safety constraint 1 (thread main, function f): term 2 has no items"},
      {{entry("main", "f", 1, {{{3, 1, 0}}})}, -2, HCU_ERR_MAPPING,
       "m.c:12: safety constraint 1 (thread main, function f), term 1, item 1: the range from point 3 to point 1 is empty"},
      {{entry("main", "f", 1, {{{-3, 1, 0}}})}, -2, HCU_ERR_PATCH_INVALID,
       "m.c:12: safety constraint 1 (thread main, function f), term 1, item 1: point -3 is not a continuation point number (use -1 for anywhere)"},
      {{entry("main", "f", 1, {{{1, 7, 0}}})}, -2, HCU_ERR_MAPPING,
       "m.c:12: safety constraint 1 (thread main, function f), term 1, item 1: f has no continuation point 7 (its points are 0 to 4)"},
      {{entry("main", "g", 1, {{{-1, -1, 0}}})}, -2, HCU_ERR_MAPPING,
       "m.c:12: safety constraint 1 (thread main, function g): the running program has no function 'g'"},
      {{entry("nosuch", "f", 1, {{{-1, -1, 0}}})}, -2, HCU_ERR_MAPPING,
       "m.c:12: safety constraint 1 (thread nosuch, function f): no thread nosuch: the running program has no function 'nosuch' (threads are named by their entry function)"},
      {{entry(nullptr, "f", 1, {{{-1, -1, 0}}})}, -2, HCU_ERR_PATCH_INVALID,
       "m.c: safety constraint 1 has no thread name (or one longer than 511 bytes)"},
      {{entry("main", "f", 1, {{{-1, -1, 0}}}), entry("main", "main", 1, {{{-1, 2, 0}}, {{-1, -1, 0}}})}, -2, HCU_ERR_PATCH_INVALID,
       "m.c:13: safety constraint 2 (thread main, function main): term 2 is filled in, but the entry says it has 1 term"},
      {{entry("main", "main", 2, {{{-1, 2, 0}}, {{-1, -1, 0}}})}, -2, HCU_ERR_MAPPING,
       "m.c:12: safety constraint 1 (thread main, function main): term 2 can never clear: main is the thread's entry function, active for as long as the thread runs"},
  };
  for (const Case &C : Cases) {
    Loaded L = load(C.T, C.N);
    EXPECT_EQ(L.Rc, C.Rc) << C.Msg;
    EXPECT_EQ(L.Msg, C.Msg);
    EXPECT_EQ(L.Set, nullptr);
  }
}

bool forbids(const Loaded &L, const char *Thread, std::vector<hcu_frame_pos> Frames,
             std::string *Why = nullptr) {
  char W[1024] = "";
  int R = hcu_constraints_forbid(L.Set, Thread, Frames.data(), Frames.size(), W, sizeof W);
  if (Why)
    *Why = W;
  return R;
}

TEST(ConstraintEval, RangeEdges) {
  // Passed point 1 and not yet at point 3.
  // The set points into the table, as the runtime's points into the patch.
  std::vector<hcu_safety_constraint_t> T = {entry("main", "f", 1, {{{1, 3, 0}}})};
  Loaded L = load(T);
  ASSERT_EQ(L.Rc, HCU_OK) << L.Msg;
  hcu_frame_pos M = {&Main, 2, HCU_RESUME_REENTER};
  EXPECT_FALSE(forbids(L, "main", {{&F, 1, HCU_RESUME_REENTER}, M})); // inside call 1
  EXPECT_TRUE(forbids(L, "main", {{&F, 1, HCU_RESUME_AFTER}, M}));    // call 1 returned
  EXPECT_TRUE(forbids(L, "main", {{&F, 2, HCU_RESUME_REPLAY}, M}));
  EXPECT_FALSE(forbids(L, "main", {{&F, 3, HCU_RESUME_REENTER}, M})); // reached 3
  EXPECT_FALSE(forbids(L, "main", {M}));                              // f not active
  EXPECT_FALSE(forbids(L, "worker", {{&F, 2, HCU_RESUME_REENTER}}));  // other thread
  // Recursion: any frame of f in range is enough.
  EXPECT_TRUE(forbids(L, "main", {{&F, 4, HCU_RESUME_AT}, {&F, 2, HCU_RESUME_REENTER}, M}));
  hcu_constraints_free(L.Set);
}

TEST(ConstraintEval, NegationAndDnf) {
  // (f not active) | (f before point 2 & f after point 3)
  std::vector<hcu_safety_constraint_t> T = {
      entry("main", "f", 2, {{{-1, -1, 1}}, {{-1, 2, 0}, {3, -1, 0}}})};
  Loaded L = load(T);
  ASSERT_EQ(L.Rc, HCU_OK) << L.Msg;
  hcu_frame_pos M = {&Main, 2, HCU_RESUME_REENTER};
  std::string Why;
  EXPECT_TRUE(forbids(L, "main", {M}, &Why));
  EXPECT_EQ(Why, "m.c:12: safety constraint 1 (thread main, function f) forbids the update "
                 "(term 1 holds): thread main is not in f (it is in main at point 2 (b#1))");
  EXPECT_FALSE(forbids(L, "main", {{&F, 1, HCU_RESUME_REENTER}, M}));
  // Two frames of f (recursion) make both items of term 2 hold.
  EXPECT_TRUE(forbids(L, "main", {{&F, 4, HCU_RESUME_AT}, {&F, 1, HCU_RESUME_REENTER}, M}, &Why));
  EXPECT_EQ(Why, "m.c:12: safety constraint 1 (thread main, function f) forbids the update "
                 "(term 2 holds): thread main is in f at point 4 (loop#1)");
  hcu_constraints_free(L.Set);
}

} // namespace
