// libFuzzer target: the runtime's loader of a patch's safety constraint
// tables (runtime/src/constraints.c), the patch data it trusts least, and
// the evaluation that runs on it with every thread stopped.
//
// The input builds an hcu_patch_info with a constraint table of exactly the
// size it claims (so ASan sees any read past it), names drawn from the
// program's functions or made up, and raw numbers; then a few threads' frame
// stacks. Checked beyond "no crash": a table the loader accepts has only
// numbers it could check, and the verdict equals a naive re-evaluation of
// the documented semantics (docs/mapping-format.md).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "hcu/hcu_errors.h"
#include "hcu_constraints.h"
}

namespace {

const hcu_cp_desc CpsMain[] = {{0, HCU_CP_ENTRY, "entry"}, {1, HCU_CP_CALL, "f#1"},
                               {2, HCU_CP_LOOP, "loop#1"}, {3, HCU_CP_CALL, "g#1"}};
const hcu_cp_desc CpsF[] = {{0, HCU_CP_ENTRY, "entry"}, {1, HCU_CP_CALL, "read#1"},
                            {2, HCU_CP_CALL, "g#1"}, {3, HCU_CP_CALL, "g#2"},
                            {4, HCU_CP_CALL, "say#1"}};
const hcu_cp_desc CpsG[] = {{0, HCU_CP_ENTRY, "entry"}};

hcu_func_desc Fns[] = {
    {"main", "main", nullptr, nullptr, HCU_FN_THREAD_ENTRY, 0, 0, 0, nullptr, 0, nullptr, 0, CpsMain, 4, ""},
    {"f", "f", nullptr, nullptr, 0, 0, 0, 0, nullptr, 0, nullptr, 0, CpsF, 5, ""},
    {"g", "file.c/g", nullptr, nullptr, HCU_FN_STATIC, 0, 0, 0, nullptr, 0, nullptr, 0, CpsG, 1, ""},
    {"worker", "worker", nullptr, nullptr, 0, 0, 0, 0, nullptr, 0, nullptr, 0, CpsG, 1, ""},
};
const int NFns = sizeof Fns / sizeof Fns[0];
const char *const Names[] = {"main", "f", "g", "file.c/g", "worker", "nosuch", ""};

const hcu_func_desc *find(const char *Name, char *Err, size_t ErrSz) {
  for (const hcu_func_desc &F : Fns)
    if (strcmp(F.key, Name) == 0 || strcmp(F.name, Name) == 0)
      return &F;
  snprintf(Err, ErrSz, "the running program has no function '%s'", Name);
  return nullptr;
}

int smallInt(FuzzedDataProvider &P) {
  // Mostly plausible point numbers, sometimes anything.
  if (P.ConsumeBool())
    return P.ConsumeIntegralInRange<int>(-2, 6);
  return P.ConsumeIntegral<int>();
}

// The documented semantics, written plainly, to compare against.
bool refForbids(const hcu_patch_info &I, const char *Thread,
                const std::vector<hcu_frame_pos> &Frames) {
  for (int E = 0; E < I.nconstraints; ++E) {
    const hcu_safety_constraint_t &C = I.constraints[E];
    char Err[64];
    std::string T = strcmp(C.thread, "main") == 0 ? "main"
                                                  : find(C.thread, Err, sizeof Err)->key;
    if (T != Thread)
      continue;
    const hcu_func_desc *Fn = find(C.function, Err, sizeof Err);
    for (int Term = 0; Term < C.count; ++Term) {
      bool All = true;
      for (int K = 0; K < HCU_MAX_CONSTRAINT_ITEMS; ++K) {
        const hcu_safety_constraint_item_t &It = C.terms[Term][K];
        if (!It.min_point && !It.max_point && !It.negated)
          break;
        bool Any = false;
        for (const hcu_frame_pos &F : Frames) {
          if (strcmp(F.fn->key, Fn->key) != 0)
            continue;
          bool Passed = It.min_point == -1 || F.cp > It.min_point ||
                        (F.cp == It.min_point && F.kind == HCU_RESUME_AFTER);
          bool Before = It.max_point == -1 || F.cp < It.max_point;
          Any |= Passed && Before;
        }
        All &= It.negated ? !Any : Any;
      }
      if (All)
        return true;
    }
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  FuzzedDataProvider P(Data, Size);
  int N = P.ConsumeIntegralInRange<int>(-1, 6);
  size_t Alloc = N > 0 ? (size_t)N : 0;
  std::vector<std::string> Strings;
  Strings.reserve(2 * Alloc);
  // Exactly N entries on the heap: a read past them is an ASan report.
  auto *Table = static_cast<hcu_safety_constraint_t *>(
      calloc(Alloc ? Alloc : 1, sizeof(hcu_safety_constraint_t)));
  std::vector<int> Lines(Alloc ? Alloc : 1);
  for (size_t E = 0; E < Alloc; ++E) {
    hcu_safety_constraint_t &C = Table[E];
    for (int W = 0; W < 2; ++W) {
      const char *S = nullptr;
      switch (P.ConsumeIntegralInRange<int>(0, 3)) {
      case 0:
        S = nullptr;
        break;
      case 1:
        Strings.push_back(P.ConsumeRandomLengthString(600));
        S = Strings.back().c_str();
        break;
      default:
        S = P.PickValueInArray(Names);
      }
      (W ? C.function : C.thread) = S;
    }
    C.count = P.ConsumeBool() ? P.ConsumeIntegralInRange<int>(0, 3)
                              : P.ConsumeIntegral<int>();
    int Terms = P.ConsumeIntegralInRange<int>(0, HCU_MAX_CONSTRAINT_TERMS);
    for (int T = 0; T < Terms; ++T) {
      int Items = P.ConsumeIntegralInRange<int>(0, HCU_MAX_CONSTRAINT_ITEMS);
      for (int K = 0; K < Items; ++K) {
        hcu_safety_constraint_item_t &It = C.terms[T][K];
        It.min_point = smallInt(P);
        It.max_point = smallInt(P);
        It.negated = P.ConsumeBool() ? P.ConsumeBool() : P.ConsumeIntegral<int>();
      }
    }
    Lines[E] = P.ConsumeIntegral<int>();
  }
  hcu_patch_info Info = {};
  Info.abi = 2;
  Info.mapping_file = P.ConsumeBool() ? "mapping.c" : nullptr;
  Info.constraints = P.ConsumeIntegralInRange<int>(0, 15) ? Table : nullptr;
  Info.nconstraints = N;
  Info.constraint_lines = P.ConsumeBool() ? Lines.data() : nullptr;

  char Msg[1024];
  hcu_constraint_set *Set = nullptr;
  int Rc = hcu_constraints_load(&Info, find, &Set, Msg, sizeof Msg);
  if (Rc != HCU_OK) {
    if (Set || !memchr(Msg, '\0', sizeof Msg) || !Msg[0])
      abort(); // a refusal must say why, and leave nothing behind
  } else {
    if ((N > 0) != (Set != nullptr))
      abort();
    // Threads: names the constraints use or not, random frame stacks.
    for (int Th = P.ConsumeIntegralInRange<int>(0, 4); Th > 0; --Th) {
      const char *Name = P.PickValueInArray(Names);
      std::vector<hcu_frame_pos> Frames(P.ConsumeIntegralInRange<int>(0, 8));
      for (hcu_frame_pos &F : Frames) {
        F.fn = &Fns[P.ConsumeIntegralInRange<int>(0, NFns - 1)];
        F.cp = P.ConsumeIntegralInRange<int>(0, F.fn->ncps - 1);
        F.kind = P.ConsumeIntegralInRange<int>(0, 3);
      }
      char Why[1024];
      int Forbid = hcu_constraints_forbid(Set, Name, Frames.data(),
                                          Frames.size(), Why, sizeof Why);
      if (Forbid != (int)refForbids(Info, Name, Frames))
        abort(); // the verdict must be the documented one
      if (Forbid && !strstr(Why, "forbids the update"))
        abort();
    }
  }
  hcu_constraints_free(Set);
  free(Table);
  return 0;
}
