//===- MappingRules.cpp - does a mapping file mean something? -------------===//
//
// The mapping's tables are read from their initializers in the AST (the
// semantic form, where C's brace elision and zero filling are already
// resolved; entries a user did not write are ImplicitValueInitExprs), so
// every diagnostic points at the entry the user wrote.
//
//===----------------------------------------------------------------------===//

#include "MappingRules.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringExtras.h"

#include <functional>
#include <optional>
#include <set>

using namespace clang;
using nlohmann::json;

namespace hcu {

FunctionIndex FunctionIndex::fromUnits(const json &Units) {
  FunctionIndex Ix;
  if (!Units.is_array())
    return Ix;
  for (const json &U : Units) {
    if (!U.is_object())
      continue;
    auto Fs = U.find("functions");
    if (Fs == U.end() || !Fs->is_array())
      continue;
    for (const json &F : *Fs) {
      // Metadata may have been edited by hand: skip what is not as written.
      auto Str = [&](const char *K) {
        auto It = F.find(K);
        return It != F.end() && It->is_string() ? It->get<std::string>() : "";
      };
      if (!F.is_object())
        continue;
      Function Fn;
      Fn.Key = Str("key");
      Fn.Name = Str("name");
      if (Fn.Name.empty())
        Fn.Name = Fn.Key;
      auto TE = F.find("thread_entry");
      Fn.ThreadEntry = TE != F.end() && TE->is_boolean() && TE->get<bool>();
      auto Cps = F.find("continuation_points");
      if (Cps != F.end() && Cps->is_array())
        for (const json &C : *Cps)
          if (C.is_object() && C.contains("n") && C["n"].is_number_integer()) {
            Fn.Points.push_back(C["n"].get<int>());
            auto Nm = C.find("name");
            Fn.PointNames.push_back(Nm != C.end() && Nm->is_string()
                                        ? Nm->get<std::string>()
                                        : "");
          }
      if (!Fn.Key.empty())
        Ix.Functions.push_back(std::move(Fn));
    }
  }
  return Ix;
}

const FunctionIndex::Function *
FunctionIndex::find(const std::string &Name, std::string &Why) const {
  for (const Function &F : Functions)
    if (F.Key == Name)
      return &F;
  const Function *Found = nullptr;
  for (const Function &F : Functions)
    if (F.Name == Name) {
      if (Found && Found->Key != F.Key) {
        Why = "'" + Name + "' is ambiguous (" + Found->Key + ", " + F.Key +
              "); name it by its file.c/name key";
        return nullptr;
      }
      Found = &F;
    }
  if (!Found)
    Why = "has no function '" + Name + "'";
  return Found;
}

namespace {

const Expr *field(const InitListExpr *IL, unsigned I) {
  if (!IL || I >= IL->getNumInits())
    return nullptr;
  const Expr *E = IL->getInit(I);
  return E && !isa<ImplicitValueInitExpr>(E) ? E : nullptr;
}

/// The elements a user wrote in an array's initializer (not zero-filled).
std::vector<const Expr *> written(const InitListExpr *IL) {
  std::vector<const Expr *> V;
  if (!IL)
    return V;
  for (unsigned I = 0; I < IL->getNumInits(); ++I)
    if (const Expr *E = field(IL, I))
      V.push_back(E);
  return V;
}

const InitListExpr *asList(const Expr *E) {
  return E ? dyn_cast<InitListExpr>(E->IgnoreParenImpCasts()) : nullptr;
}

class Rules {
public:
  Rules(ASTContext &Ctx, const FunctionIndex &Old, const FunctionIndex &New,
        int V, MappingFacts &Facts)
      : Ctx(Ctx), DE(Ctx.getDiagnostics()), SM(Ctx.getSourceManager()),
        Old(Old), New(New), V(V), Facts(Facts) {}

  void run() {
    if (const VarDecl *D = var("mapping_updates_v"))
      threads(D);
    if (const VarDecl *D = var("mapping_function_updates_v"))
      functions(D);
    constraintsArray();
    equivalences();
    transformers();
    strayPoints();
  }

private:
  ASTContext &Ctx;
  DiagnosticsEngine &DE;
  SourceManager &SM;
  const FunctionIndex &Old, &New;
  int V;
  MappingFacts &Facts;

  void error(SourceLocation L, const std::string &Msg) {
    DE.Report(L, DE.getCustomDiagID(DiagnosticsEngine::Error, "%0")) << Msg;
  }
  void note(SourceLocation L, const std::string &Msg) {
    DE.Report(L, DE.getCustomDiagID(DiagnosticsEngine::Note, "%0")) << Msg;
  }
  std::string oldVersion() const {
    return "the running program (version " + std::to_string(V - 1) + ")";
  }

  /// Definitions in the main file, by name.
  const VarDecl *var(const std::string &Prefix) {
    std::string Want = Prefix + std::to_string(V);
    for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D))
        if (VD->getIdentifier() && VD->getName() == Want &&
            VD->isThisDeclarationADefinition() != VarDecl::DeclarationOnly)
          return VD;
    return nullptr;
  }

  std::optional<std::string> str(const Expr *E, SourceLocation Where,
                                 const char *What) {
    const Expr *S = E ? E->IgnoreParenImpCasts() : nullptr;
    if (const auto *SL = dyn_cast_or_null<StringLiteral>(S))
      if (SL->getLength() > 0)
        return SL->getString().str();
    error(E ? E->getBeginLoc() : Where,
          std::string(What) + " must be a non-empty string literal");
    return std::nullopt;
  }

  std::optional<int64_t> integer(const Expr *E) {
    if (!E)
      return 0; // not written: zero, as C fills it
    if (std::optional<llvm::APSInt> I = E->getIntegerConstantExpr(Ctx))
      return I->getExtValue();
    error(E->getBeginLoc(), "expected an integer constant");
    return std::nullopt;
  }

  /// A thread name: "main" or an entry function of the running program.
  /// Returns its key, or "" after an error.
  std::string thread(const Expr *E, SourceLocation Where) {
    std::optional<std::string> T = str(E, Where, "the thread name");
    if (!T)
      return "";
    if (*T == "main")
      return "main";
    std::string Why;
    if (const FunctionIndex::Function *F = Old.find(*T, Why))
      return F->Key;
    error(E->getBeginLoc(),
          "unknown thread '" + *T +
              "': threads are named by their entry function ('main', or a "
              "start routine passed to pthread_create), and " +
              oldVersion() + " " + Why);
    return "";
  }

  const FunctionIndex::Function *oldFunction(const Expr *E,
                                             SourceLocation Where,
                                             const char *What) {
    std::optional<std::string> N = str(E, Where, What);
    if (!N)
      return nullptr;
    std::string Why;
    const FunctionIndex::Function *F = Old.find(*N, Why);
    if (!F)
      error(E->getBeginLoc(), oldVersion() + " " + Why);
    return F;
  }

  // ---- mapping_updates_v<N> -------------------------------------------------
  void threads(const VarDecl *D) {
    std::map<std::string, SourceLocation> Seen;
    for (const Expr *E : written(asList(D->getInit()))) {
      const InitListExpr *IL = asList(E);
      SourceLocation L = E->getBeginLoc();
      std::string T = thread(field(IL, 0), L);
      oldFunction(field(IL, 1), L, "the function to rebuild up to");
      if (T.empty())
        continue;
      auto [It, New] = Seen.emplace(T, L);
      if (!New) {
        error(L, "thread '" + T + "' is listed twice in mapping_updates_v" +
                     std::to_string(V));
        note(It->second, "first listed here");
      }
    }
  }

  // ---- mapping_function_updates_v<N> ----------------------------------------
  void functions(const VarDecl *D) {
    std::map<std::string, SourceLocation> Seen;
    for (const Expr *E : written(asList(D->getInit()))) {
      const InitListExpr *IL = asList(E);
      SourceLocation L = E->getBeginLoc();
      const FunctionIndex::Function *O =
          oldFunction(field(IL, 0), L, "the old function name");
      if (std::optional<std::string> N =
              str(field(IL, 1), L, "the new function name")) {
        std::string Why;
        if (!New.find(*N, Why))
          error(field(IL, 1)->getBeginLoc(),
                "the patch " + Why + " (new functions are named as in the "
                                     "new version's source)");
      }
      std::optional<int64_t> Flag = integer(field(IL, 2));
      if (Flag && *Flag != 0 && *Flag != 1)
        error(field(IL, 2)->getBeginLoc(),
              "the thread-entry flag must be 0 or 1, not " +
                  std::to_string(*Flag));
      else if (Flag && O && O->ThreadEntry && *Flag == 0)
        error(field(IL, 2) ? field(IL, 2)->getBeginLoc() : L,
              "'" + O->Key +
                  "' is a thread entry point: its thread-entry flag must be 1");
      if (!O)
        continue;
      auto [It, IsNew] = Seen.emplace(O->Key, L);
      if (!IsNew) {
        error(L, "function '" + O->Key + "' is updated twice");
        note(It->second, "first update here");
      }
    }
  }

  // ---- hcu_safety_constraints_v<N> ------------------------------------------
  void constraintsArray() {
    const char *Prefix = "hcu_safety_constraints_v";
    std::string Want = Prefix + std::to_string(V);
    for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
      const auto *VD = dyn_cast<VarDecl>(D);
      if (!VD || !VD->getIdentifier() ||
          VD->isThisDeclarationADefinition() == VarDecl::DeclarationOnly)
        continue;
      llvm::StringRef Name = VD->getName();
      unsigned long long N;
      if (!Name.starts_with(Prefix) ||
          llvm::getAsUnsignedInteger(Name.drop_front(strlen(Prefix)), 10, N))
        continue;
      if (Name != Want) {
        error(VD->getLocation(),
              "'" + Name.str() + "' does not match this patch: it builds " +
                  "version " + std::to_string(V) +
                  ", so the constraints must be named '" + Want + "'");
        continue;
      }
      const ArrayType *AT = Ctx.getAsArrayType(VD->getType());
      const RecordType *RT =
          AT ? AT->getElementType()->getAs<RecordType>() : nullptr;
      if (!RT || RT->getDecl()->getName() != "hcu_safety_constraint") {
        error(VD->getLocation(), "'" + Want +
                                     "' must be an array of "
                                     "hcu_safety_constraint_t (include "
                                     "hcu_safety_constraints.h)");
        continue;
      }
      Facts.HasConstraints = true;
      for (const Expr *E : written(asList(VD->getInit())))
        constraint(E);
      if (Facts.ConstraintLines.empty())
        Facts.HasConstraints = false; // an empty table: nothing to carry
    }
  }

  void constraint(const Expr *E) {
    const InitListExpr *IL = asList(E);
    SourceLocation L = E->getBeginLoc();
    Facts.ConstraintLines.push_back(SM.getPresumedLineNumber(L));
    std::string T = thread(field(IL, 0), L);
    const FunctionIndex::Function *F =
        oldFunction(field(IL, 1), L, "the constrained function");
    std::optional<int64_t> Count = integer(field(IL, 2));
    std::vector<const Expr *> Terms = written(asList(field(IL, 3)));
    if (!Count)
      return;
    if (*Count < 1) {
      error(field(IL, 2) ? field(IL, 2)->getBeginLoc() : L,
            "a safety constraint needs at least one term (its count is " +
                std::to_string(*Count) + ")");
    } else {
      countMatches(field(IL, 2)->getBeginLoc(), *Count, Terms.size(), "term");
    }
    unsigned K = 0;
    for (const Expr *TE : Terms) {
      ++K;
      std::vector<const Expr *> Items = written(asList(TE));
      if (Items.empty()) {
        error(TE->getBeginLoc(), "term " + std::to_string(K) +
                                     " has no items; a term is a "
                                     "conjunction of {min, max, negated}");
        continue;
      }
      bool AllAnywhere = true;
      for (const Expr *IE : Items)
        AllAnywhere &= item(IE, F) == 1;
      if (AllAnywhere && F && !T.empty() && T == F->Key)
        error(TE->getBeginLoc(),
              "this constraint can never clear: term " + std::to_string(K) +
                  " holds wherever '" + F->Key + "' is active, and '" +
                  F->Key + "' is the entry of thread '" + T +
                  "', active for as long as the thread runs");
    }
  }

  /// Checks one {min, max, negated} item; 1 if it is an un-negated
  /// "anywhere" item, 0 otherwise.
  int item(const Expr *E, const FunctionIndex::Function *F) {
    const InitListExpr *IL = asList(E);
    SourceLocation L = E->getBeginLoc();
    std::optional<int64_t> Min = point(field(IL, 0), F, Old),
                           Max = point(field(IL, 1), F, Old),
                           Neg = integer(field(IL, 2));
    if (!Min || !Max || !Neg)
      return 0;
    auto where = [&](unsigned I) {
      return field(IL, I) ? field(IL, I)->getBeginLoc() : L;
    };
    bool Ok = true;
    for (unsigned I = 0; I < 2; ++I) {
      int64_t P = I ? *Max : *Min;
      if (P < -1) {
        error(where(I), std::string(I ? "max" : "min") + " point " +
                            std::to_string(P) +
                            " is not a continuation point number (use -1 "
                            "for anywhere)");
        Ok = false;
      } else if (P >= 0 && F && !hasPoint(*F, P, where(I), "running")) {
        Ok = false;
      }
    }
    if (*Neg != 0 && *Neg != 1) {
      error(where(2), "the negation flag must be 0 or 1, not " +
                          std::to_string(*Neg));
      Ok = false;
    }
    if (Ok && *Min == 0 && *Max == 0 && *Neg == 0) {
      error(L, "the item {0, 0, 0} reads as an unused slot (C's zero fill), "
               "and as a range it is empty; write the range you mean");
      return 0;
    }
    if (Ok && *Min >= 0 && *Max >= 0 && *Min >= *Max) {
      error(L, "empty range: execution cannot have passed point " +
                   std::to_string(*Min) + " without reaching point " +
                   std::to_string(*Max) + ", so this item " +
                   (*Neg ? "always holds" : "never holds") +
                   " (min must be below max)");
      return 0;
    }
    return Ok && *Neg == 0 && *Min == -1 && *Max == -1;
  }

  /// A table entry's count must be the number of elements written after it.
  void countMatches(SourceLocation L, int64_t Count, size_t Written,
                    const std::string &Unit) {
    if ((size_t)Count == Written)
      return;
    error(L, "the count says " + std::to_string(Count) + " " + Unit +
                 (Count == 1 ? "" : "s") + ", but " + std::to_string(Written) +
                 " " + (Written == 1 ? "is" : "are") + " written");
  }

  // ---- Continuation points by number or name --------------------------------

  /// Does F have point number P? Reports it at L if not; Which says the
  /// version ("running", "new").
  bool hasPoint(const FunctionIndex::Function &F, int64_t P, SourceLocation L,
                const char *Which) {
    if (std::find(F.Points.begin(), F.Points.end(), P) != F.Points.end())
      return true;
    error(L, "'" + F.Key + "' has no continuation point " + std::to_string(P) +
                 (F.Points.empty()
                      ? std::string(" (the metadata lists none)")
                      : " (its points are 0 to " +
                            std::to_string(F.Points.size() - 1) + " in the " +
                            Which + " version)"));
    return false;
  }

  /// The number of F's point named Name; reports it at L if F has none.
  std::optional<int> namedPoint(const FunctionIndex::Function &F,
                                const std::string &Name, SourceLocation L,
                                const FunctionIndex &Ix) {
    for (size_t I = 0; I < F.PointNames.size(); ++I)
      if (F.PointNames[I] == Name)
        return F.Points[I];
    std::string Known;
    for (size_t I = 0; I < F.PointNames.size() && I < 12; ++I)
      Known += (I ? ", " : "") + F.PointNames[I];
    if (F.PointNames.size() > 12)
      Known += ", ...";
    error(L, "function '" + F.Key + "' has no continuation point named '" +
                 Name + "' in " + versionOf(Ix) +
                 (Known.empty() ? "" : " (its points: " + Known + ")"));
    return std::nullopt;
  }

  std::string versionOf(const FunctionIndex &Ix) const {
    return &Ix == &Old ? oldVersion()
                       : "the patch (version " + std::to_string(V) + ")";
  }

  /// HCU_CP(function, point) expands to HCU_CP_AT(function, point,
  /// __COUNTER__): the function, the point and the counter, if E is one.
  struct CpUse {
    std::string Function, Point;
    int64_t N = 0;
    SourceLocation Loc;
  };
  bool fromCpMacro(SourceLocation L) const {
    while (L.isMacroID() && Lexer::getImmediateMacroName(
                                L, SM, Ctx.getLangOpts()) != "HCU_CP_AT")
      L = SM.getImmediateMacroCallerLoc(L);
    return L.isMacroID();
  }

  std::optional<CpUse> cpUse(const Expr *E) {
    if (!E || !fromCpMacro(E->getBeginLoc()))
      return std::nullopt;
    CpUse U;
    U.Loc = SM.getExpansionLoc(E->getBeginLoc());
    std::vector<std::string> Strings;
    std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
      if (!S)
        return;
      if (const auto *SL = dyn_cast<StringLiteral>(S))
        Strings.push_back(SL->getString().str());
      for (const Stmt *C : S->children())
        Walk(C);
    };
    Walk(E);
    const auto *Top = dyn_cast<BinaryOperator>(E->IgnoreParenImpCasts());
    const auto *Mul =
        Top ? dyn_cast<BinaryOperator>(Top->getRHS()->IgnoreParenImpCasts())
            : nullptr;
    std::optional<llvm::APSInt> N =
        Mul ? Mul->getRHS()->getIntegerConstantExpr(Ctx) : std::nullopt;
    if (Strings.size() != 2 || !N) {
      error(U.Loc, "HCU_CP takes two string literals: the function and the "
                   "name of its continuation point, e.g. HCU_CP(\"f\", "
                   "\"read#1\")");
      return CpUse{"", "", -1, U.Loc};
    }
    U.Function = Strings[0];
    U.Point = Strings[1];
    U.N = N->getExtValue();
    return U;
  }

  /// A continuation point field of F (in the version of Ix): a number, or
  /// HCU_CP(function, name) resolved here (and recorded for the patch).
  std::optional<int64_t> point(const Expr *E, const FunctionIndex::Function *F,
                               const FunctionIndex &Ix) {
    std::optional<CpUse> U = cpUse(E);
    if (!U)
      return integer(E);
    InPointField.insert(U->Loc.getRawEncoding());
    if (U->N < 0)
      return std::nullopt;
    if (!F)
      return std::nullopt; // the function's own error was reported
    if (U->Function != F->Key && U->Function != F->Name) {
      error(U->Loc, "HCU_CP(\"" + U->Function + "\", ...) names another "
                    "function than the one this point belongs to ('" +
                        F->Key + "')");
      return std::nullopt;
    }
    std::optional<int> P = namedPoint(*F, U->Point, U->Loc, Ix);
    if (P)
      Facts.NamedPoints[U->N] = *P;
    return P;
  }

  /// Expansion locations of the HCU_CP uses read as point fields.
  std::set<SourceLocation::UIntTy> InPointField;

  /// HCU_CP anywhere else (a function body, another table's field) would
  /// only fail later, in the patch's descriptor, as a negative array size.
  void strayPoints() {
    struct Finder : RecursiveASTVisitor<Finder> {
      Rules &R;
      std::set<SourceLocation::UIntTy> Seen;
      explicit Finder(Rules &R) : R(R) {}
      bool VisitExpr(Expr *E) {
        SourceLocation B = E->getBeginLoc();
        if (!B.isMacroID() || !R.fromCpMacro(B))
          return true;
        SourceLocation L = R.SM.getExpansionLoc(B);
        if (!R.SM.isInMainFile(L) || R.InPointField.count(L.getRawEncoding()) ||
            !Seen.insert(L.getRawEncoding()).second)
          return true;
        R.error(L, "HCU_CP(...) names a continuation point only in a point "
                   "field: the points of an algorithmic equivalence or the "
                   "min and max of a safety constraint item; elsewhere use "
                   "the point's number");
        return true;
      }
    } F(*this);
    F.TraverseDecl(Ctx.getTranslationUnitDecl());
  }

  // ---- hcu_mapping_algorithmic_equivalence_t arrays (any name) ---------------
  void equivalences() {
    std::map<std::string, SourceLocation> SeenOld;
    for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
      const auto *VD = dyn_cast<VarDecl>(D);
      if (!VD || !VD->getIdentifier() ||
          VD->isThisDeclarationADefinition() == VarDecl::DeclarationOnly ||
          !SM.isInMainFile(SM.getExpansionLoc(VD->getLocation())))
        continue;
      const ArrayType *AT = Ctx.getAsArrayType(VD->getType());
      const RecordType *RT =
          AT ? AT->getElementType()->getAs<RecordType>() : nullptr;
      if (!RT ||
          RT->getDecl()->getName() != "hcu_mapping_algorithmic_equivalence")
        continue;
      for (const Expr *E : written(asList(VD->getInit())))
        equivalence(E, SeenOld);
    }
  }

  /// The function an equivalence continues in: the patch's, else the
  /// running program's (as the runtime resolves it).
  const FunctionIndex::Function *newFunction(const Expr *E, SourceLocation L,
                                             const FunctionIndex *&Ix) {
    std::optional<std::string> N =
        str(E, L, "the new function of an equivalence");
    if (!N)
      return nullptr;
    std::string Why, Why2;
    Ix = &New;
    if (const FunctionIndex::Function *F = New.find(*N, Why))
      return F;
    Ix = &Old;
    if (const FunctionIndex::Function *F = Old.find(*N, Why2))
      return F;
    error(E->getBeginLoc(), "the patch " + Why + ", nor does " + oldVersion());
    return nullptr;
  }

  void equivalence(const Expr *E,
                   std::map<std::string, SourceLocation> &SeenOld) {
    const InitListExpr *IL = asList(E);
    SourceLocation L = E->getBeginLoc();
    const FunctionIndex::Function *O =
        oldFunction(field(IL, 0), L, "the old function of an equivalence");
    const FunctionIndex *NIx = &New;
    const FunctionIndex::Function *N = newFunction(field(IL, 1), L, NIx);
    if (O) {
      auto [It, IsNew] = SeenOld.emplace(O->Key, L);
      if (!IsNew) {
        error(L, "'" + O->Key + "' has two algorithmic equivalences");
        note(It->second, "the first one is here");
      }
    }
    std::optional<int64_t> Count = integer(field(IL, 2));
    std::vector<const Expr *> Pairs = written(asList(field(IL, 3)));
    SourceLocation CL = field(IL, 2) ? field(IL, 2)->getBeginLoc() : L;
    if (Count && (*Count < 0 || *Count > (int64_t)maxPairs(IL)))
      error(CL, "an equivalence lists between 0 and " +
                    std::to_string(maxPairs(IL)) +
                    " continuation point pairs, not " +
                    std::to_string(*Count));
    else if (Count)
      countMatches(CL, *Count, Pairs.size(), "pair");
    std::map<int64_t, SourceLocation> SeenPoint;
    for (const Expr *P : Pairs) {
      const InitListExpr *PI = asList(P);
      std::optional<int64_t> OP = pairPoint(PI, 0, O, Old, P);
      pairPoint(PI, 1, N, *NIx, P);
      if (!OP)
        continue;
      SourceLocation PL = SM.getExpansionLoc(P->getBeginLoc());
      auto [It, IsNew] = SeenPoint.emplace(*OP, PL);
      if (!IsNew) {
        error(PL, "continuation point " + std::to_string(*OP) +
                                    " of '" + O->Key + "' is mapped twice");
        note(It->second, "first mapped here");
      }
    }
  }

  /// The capacity of the points array (HCU_MAX_CONTINUATIONS).
  size_t maxPairs(const InitListExpr *IL) {
    const Expr *F = IL && IL->getNumInits() > 3 ? IL->getInit(3) : nullptr;
    const ConstantArrayType *AT =
        F ? Ctx.getAsConstantArrayType(F->getType()) : nullptr;
    return AT ? AT->getSize().getZExtValue() : 64;
  }

  /// One side (0: old, 1: new) of a continuation pair { old, new,
  /// old_name, new_name }: the name when one is given, else the number.
  std::optional<int64_t> pairPoint(const InitListExpr *PI, unsigned Side,
                                   const FunctionIndex::Function *F,
                                   const FunctionIndex &Ix, const Expr *Pair) {
    const Expr *Name = field(PI, Side + 2);
    const Expr *S = Name ? Name->IgnoreParenImpCasts() : nullptr;
    if (const auto *SL = dyn_cast_or_null<StringLiteral>(S)) {
      if (!F)
        return std::nullopt;
      return namedPoint(*F, SL->getString().str(), SL->getBeginLoc(), Ix);
    }
    if (S && !S->isNullPointerConstant(Ctx,
                                       Expr::NPC_ValueDependentIsNotNull)) {
      error(S->getBeginLoc(), "a continuation point name must be a string "
                              "literal (or 0 for none)");
      return std::nullopt;
    }
    const Expr *NumE = field(PI, Side);
    std::optional<int64_t> P = point(NumE, F, Ix);
    if (!P || !F)
      return std::nullopt;
    SourceLocation L = NumE ? NumE->getBeginLoc() : Pair->getBeginLoc();
    if (!hasPoint(*F, *P, L, &Ix == &Old ? "running" : "new"))
      return std::nullopt;
    return P;
  }

  // ---- Transformers ---------------------------------------------------------
  static bool isPointer(QualType T) { return T->isPointerType(); }
  static bool isVoidPointer(QualType T) {
    return T->isPointerType() && T->getPointeeType()->isVoidType();
  }

  void transformers() {
    for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
      const auto *FD = dyn_cast<FunctionDecl>(D);
      if (!FD || !FD->getIdentifier() || !FD->doesThisDeclarationHaveABody())
        continue;
      llvm::StringRef Name = FD->getName();
      if (Name.starts_with("HCU_datatype_transformation__")) {
        if (!FD->getReturnType()->isVoidType() || FD->getNumParams() != 2 ||
            !isPointer(FD->getParamDecl(0)->getType()) ||
            !isPointer(FD->getParamDecl(1)->getType()))
          error(FD->getLocation(),
                "datatype transformer '" + Name.str() +
                    "' must be 'void " + Name.str() +
                    "(OLD_TYPE *old, NEW_TYPE *new)'");
      } else if (Name.starts_with("HCU_stack_transformer__")) {
        std::string Fn = Name.drop_front(strlen("HCU_stack_transformer__")).str();
        if (!FD->getReturnType()->isVoidType() || FD->getNumParams() != 3 ||
            !isVoidPointer(FD->getParamDecl(0)->getType()) ||
            !isVoidPointer(FD->getParamDecl(1)->getType()) ||
            !isVoidPointer(FD->getParamDecl(2)->getType()))
          error(FD->getLocation(),
                "stack transformer '" + Name.str() + "' must be 'void " +
                    Name.str() +
                    "(void *transform_stack_to, void *transform_stack_from, "
                    "void *transform_params_to)'");
        std::string Why;
        if (!New.find(Fn, Why))
          error(FD->getLocation(),
                "stack transformer for '" + Fn + "', but the patch " + Why);
      }
    }
  }
};

} // namespace

void checkMappingRules(ASTContext &Ctx, const FunctionIndex &Old,
                       const FunctionIndex &New, int NewVersion,
                       MappingFacts &Facts) {
  Rules(Ctx, Old, New, NewVersion, Facts).run();
}

} // namespace hcu
