//===- FunctionInstrumenter.cpp - makes one function updatable ------------===//
//
// The analysis half: what the function's body contains and which points it
// gets. Errors found here stop the function before any edit is made. The
// edits are in FunctionInstrumenterEmit.cpp.
//
//===----------------------------------------------------------------------===//
#include "FunctionInstrumenter.h"
#include "CallKinds.h"
#include "Naming.h"
#include "TypeInfo.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;
using json = nlohmann::json;

namespace hcu {
namespace {


/// The variable whose storage E designates (through `.` and array indexing),
/// or null.
const VarDecl *baseVar(const Expr *E) {
  for (;;) {
    E = E->IgnoreParenImpCasts();
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (ME->isArrow())
        return nullptr;
      E = ME->getBase();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      const Expr *B = AS->getBase()->IgnoreParenImpCasts();
      if (B->getType()->isArrayType()) {
        E = B;
        continue;
      }
      return nullptr;
    }
    if (const auto *DR = dyn_cast<DeclRefExpr>(E))
      return dyn_cast<VarDecl>(DR->getDecl());
    return nullptr;
  }
}

} // namespace

FunctionInstrumenter::FunctionInstrumenter(UnitState &Unit,
                                           const FunctionDecl *FD)
    : Unit(Unit), Ctx(Unit.Ctx), SM(Unit.SM), Nav(Unit.Nav), R(Unit.R), FD(FD),
      Body(dyn_cast<CompoundStmt>(FD->getBody())), Fn(FD->getName().str()),
      V(std::to_string(Unit.Opts.Version)), IsMain(FD->isMain()),
      IsStatic(FD->getFormalLinkage() == Linkage::Internal), RetTy(FD->getReturnType().getUnqualifiedType()),
      FnLoc(SM.getExpansionLoc(FD->getLocation())) {
  FormalsT = "struct hcu_function_formal_" + Fn + "_v" + V + "_s";
  LocalsT = "struct hcu_stack_local_" + Fn + "_v" + V + "_s";
  ArenaT = "struct hcu_addr_" + Fn + "_v" + V + "_s";
  Desc = "hcu_descs[" + std::to_string(Unit.DescIndex[FD]) + "]";
  VoidRet = RetTy->isVoidType();
  RetSpelled = VoidRet ? "void" : spellType(RetTy, Ctx);
}

void FunctionInstrumenter::run() {
  if (!checkSignature())
    return;
  Scan.TraverseStmt(const_cast<CompoundStmt *>(Body));
  if (!planStatics())
    return;
  std::string Why = pinReason();
  if (!Why.empty()) {
    runPinned(Why);
    return;
  }
  findAddressTaken();
  bool OK = collectLocals();
  OK &= collectParams();
  if (!OK)
    return;
  HasArena = !ArenaParams.empty() ||
             std::any_of(Locals.begin(), Locals.end(),
                         [](const Local &L) { return L.Arena; });
  collectCallSites();
  collectLoops();
  checkShadowing();
  if (!Fallback.empty() && !Unit.Failed) {
    // Nothing is edited yet: start over as a pinned function.
    Sites.clear();
    WrappedCalls.clear();
    Loops.clear();
    Locals.clear();
    LocalIdx.clear();
    ArenaParams.clear();
    HasArena = false;
    runPinned(Fallback);
    return;
  }
  // Any error in the unit so far, not only in this function.
  if (Unit.Failed)
    return;
  numberPoints();
  NeedRv = !VoidRet && (std::any_of(Sites.begin(), Sites.end(),
                                                [](const CallSite &S) {
                                                  return S.F == Form::Return;
                                                }));
  RetZero = VoidRet ? "return;"
                    : "{ __typeof__(" + spellType(RetTy, Ctx) +
                          ") hcu_z; hcu_zero(&hcu_z, sizeof hcu_z); return "
                          "hcu_z; }";
  Pop = HasArena ? "hcu_arena_pop(hcu_mark); " : "";

  // Structural edits (outer constructs first), then token replacements.
  emitLoopPoints();
  emitCallSites();
  emitArenaReturns();
  emitArenaDecls();
  emitPrologue();
  emitTokenReplacements();
  // Around the definition.
  emitStatics();
  buildRecordFields();
  emitPreBlock();
  emitPostBlock();
  addMetadata();
}

/// What the transform cannot make a clean continuation point (yet) pins the
/// function rather than failing the build; a warning says where and why.
void FunctionInstrumenter::pinInstead(SourceLocation Loc,
                                      const std::string &Msg) {
  if (!Fallback.empty())
    return;
  Fallback = Msg;
  DiagnosticsEngine &DE = Ctx.getDiagnostics();
  unsigned ID = DE.getCustomDiagID(
      DiagnosticsEngine::Warning,
      "'%0' is pinned (no update while it runs): %1 [-Whcu-pinned]");
  DE.Report(Loc, ID) << Fn << Msg;
}

/// Locals shadowed at a call site cannot both be saved from there.
void FunctionInstrumenter::checkShadowing() {
  for (const CallSite &S : Sites) {
    SourceLocation HB = SM.getExpansionLoc(S.Host->getBeginLoc());
    std::vector<const Local *> Vars = inScope(HB);
    if (S.F == Form::Decl && LocalIdx.count(S.DeclVar))
      Vars.push_back(&Locals[LocalIdx[S.DeclVar]]);
    std::set<std::string> Names;
    for (const Local *L : Vars)
      if (L->VD && !Names.insert(L->VD->getName().str()).second)
        pinInstead(HB, "local '" + L->VD->getName().str() +
                           "' is shadowed at this call; rename one of them "
                           "so both can be saved");
  }
}

bool FunctionInstrumenter::checkSignature() {
  // `#define re_match sqlite3re_match` (SQLite's shell.c), then
  // `static int re_match(...)`: the macro's one token is the name to rename.
  CharSourceRange NameRange = SM.getExpansionRange(FD->getLocation());
  if (FD->getLocation().isMacroID() &&
      (!NameRange.isTokenRange() || NameRange.getBegin() != NameRange.getEnd())) {
    Unit.error(FnLoc, "the name of function '" + Fn +
                          "' comes from a macro expansion; hcu cannot rename "
                          "it");
    return false;
  }
  std::string Why;
  if (!VoidRet && !isSpellableAtFileScope(RetTy, Why)) {
    Unit.error(FnLoc, "return type of '" + Fn + "' cannot be named: " + Why);
    return false;
  }
  return true;
}

void FunctionInstrumenter::findAddressTaken() {
  for (const DeclRefExpr *DR : Scan.Refs) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    if (!VD || !VD->isLocalVarDeclOrParm() || VD->isStaticLocal())
      continue;
    // Walk up to the outermost lvalue around the reference.
    const Stmt *Cur = DR;
    for (;;) {
      const Stmt *P = Nav.parentStmt(Cur);
      if (!P)
        break;
      if (const auto *UO = dyn_cast<UnaryOperator>(P)) {
        if (UO->getOpcode() == UO_AddrOf && baseVar(UO->getSubExpr()) == VD)
          AddrTaken.insert(VD);
        break;
      }
      if (const auto *IC = dyn_cast<ImplicitCastExpr>(P)) {
        if (IC->getCastKind() == CK_ArrayToPointerDecay) {
          const Stmt *PP = Nav.parentStmt(IC);
          const auto *AS = PP ? dyn_cast<ArraySubscriptExpr>(PP) : nullptr;
          if (!AS || AS->getBase() != IC)
            AddrTaken.insert(VD);
          break;
        }
        Cur = P;
        continue;
      }
      if (isa<ParenExpr>(P) || isa<ArraySubscriptExpr>(P) ||
          (isa<MemberExpr>(P) && !cast<MemberExpr>(P)->isArrow())) {
        Cur = P;
        continue;
      }
      break;
    }
  }
}

/// Whether every use of VD in the body reads it: `v` or `v[i]` as an
/// rvalue, or inside sizeof.
bool FunctionInstrumenter::isOnlyRead(const VarDecl *VD) const {
  auto Up = [&](const Stmt *S) {
    const Stmt *P = Nav.parentStmt(S);
    while (P && isa<ParenExpr>(P))
      P = Nav.parentStmt(P);
    return P;
  };
  auto IsRead = [](const Stmt *P) {
    const auto *IC = dyn_cast_or_null<ImplicitCastExpr>(P);
    return IC && IC->getCastKind() == CK_LValueToRValue;
  };
  auto InSizeof = [&](const Stmt *S) {
    for (; S; S = Nav.parentStmt(S))
      if (isa<UnaryExprOrTypeTraitExpr>(S))
        return true;
    return false;
  };
  for (const DeclRefExpr *DR : Scan.Refs) {
    if (DR->getDecl() != VD)
      continue;
    const Stmt *P = Up(DR);
    if (IsRead(P) || InSizeof(DR))
      continue;
    const auto *IC = dyn_cast_or_null<ImplicitCastExpr>(P);
    if (!IC || IC->getCastKind() != CK_ArrayToPointerDecay)
      return false;
    const auto *AS = dyn_cast_or_null<ArraySubscriptExpr>(Up(IC));
    if (!AS || AS->getBase() != IC || !IsRead(Up(AS)))
      return false;
  }
  return true;
}

bool FunctionInstrumenter::collectLocals() {
  bool OK = true;
  for (const VarDecl *VD : Scan.Vars)
    OK &= addLocal(VD);
  return OK;
}

/// Adds VD to Locals if it lives in the frame; false after an error.
bool FunctionInstrumenter::addLocal(const VarDecl *VD) {
  SourceLocation Loc = SM.getExpansionLoc(VD->getLocation());
  std::string Name = VD->getName().str(), Why;
  if (VD->isStaticLocal())
    return true; // its storage outlives the frame (planStatics)
  if (VD->hasExternalStorage())
    return true;
  if (VD->getType()->isVariablyModifiedType()) {
    Unit.error(Loc, "variable-length array '" + Name +
                        "' cannot be saved across an update; use a fixed size "
                        "or malloc");
    return false;
  }
  if (!isSpellableAtFileScope(VD->getType(), Why)) {
    Unit.error(Loc, "local '" + Name + "' cannot be saved in a frame record: " +
                        Why + "; declare the type at file scope");
    return false;
  }
  const DeclStmt *DS = Nav.declStmtOf(VD);
  if (!DS) {
    pinInstead(Loc, "unsupported declaration of local '" + Name + "'");
    return true;
  }
  Local L;
  L.VD = VD;
  int &C = NameCount[Name];
  L.Field = Name + (C ? "__" + std::to_string(C + 1) : "");
  ++C;
  L.Arena = AddrTaken.count(VD);
  L.CName = L.Arena ? "(hcu_a->" + L.Field + ")" : Name;
  L.Type = spellType(VD->getType().getUnqualifiedType(), Ctx);
  L.Layout = layoutSignature(VD->getType().getUnqualifiedType(), Ctx);
  L.IsArray = VD->getType()->isArrayType();
  L.IsConst = needsMemcpy(VD->getType());
  L.DeclEnd = Nav.expansionEnd(DS->getEndLoc());
  L.ScopeEnd = Nav.scopeEndOf(DS);
  if (L.Arena && !DS->isSingleDecl()) {
    pinInstead(Loc, "'" + Name +
                        "' has its address taken and shares its declaration "
                        "with other variables; declare it on its own");
    return true;
  }
  if (L.Arena && isa<ForStmt>(Nav.parentStmt(DS))) {
    pinInstead(Loc, "'" + Name +
                        "' has its address taken; declare it outside the for");
    return true;
  }
  if (!L.Arena && !VD->hasInit())
    quietUninitialized(DS);
  LocalIdx[VD] = Locals.size();
  Locals.push_back(L);
  return true;
}

/// Save blocks copy every local in scope, also one not yet assigned. gcc -O2
/// merges those copies and reports -Wmaybe-uninitialized at the variable's
/// declaration, where HCU_SAVE_BEGIN/END around the copies cannot reach it:
/// the declaration is wrapped too. (A use the program itself makes is still
/// reported, at the use.)
void FunctionInstrumenter::quietUninitialized(const DeclStmt *DS) {
  if (!isa_and_nonnull<CompoundStmt>(Nav.parentStmt(DS)) ||
      DS->getBeginLoc().isMacroID() || DS->getEndLoc().isMacroID() ||
      !QuietDecls.insert(DS).second)
    return;
  R.InsertTextBefore(DS->getBeginLoc(), "HCU_SAVE_BEGIN ");
  R.InsertTextAfter(Nav.afterSemi(DS), " HCU_SAVE_END ");
}

bool FunctionInstrumenter::collectParams() {
  bool OK = true;
  std::string Why;
  for (const ParmVarDecl *P : FD->parameters()) {
    SourceLocation Loc = SM.getExpansionLoc(P->getLocation());
    if (P->getName().empty()) {
      Unit.error(Loc, "unnamed parameter in the definition of '" + Fn + "'");
      OK = false;
    }
    if (!isSpellableAtFileScope(P->getType(), Why)) {
      Unit.error(Loc, "parameter '" + P->getName().str() +
                          "' cannot be saved: " + Why);
      OK = false;
    }
    if (AddrTaken.count(P))
      ArenaParams.push_back(P);
  }
  return OK;
}

void FunctionInstrumenter::collectCallSites() {
  for (const CallExpr *CE : Scan.Calls)
    if (std::optional<CallSite> S = makeCallSite(CE))
      Sites.push_back(*S);
}

/// The call site for CE, or none if CE is not a continuation point (or after
/// an error).
std::optional<FunctionInstrumenter::CallSite>
FunctionInstrumenter::makeCallSite(const CallExpr *CE) {
  CallSite S{CE};
  std::string CalleeName;
  if (!resolveCallee(CE, S, CalleeName))
    return std::nullopt;
  SourceLocation CLoc = CE->getBeginLoc();
  if (CLoc.isMacroID() || CE->getEndLoc().isMacroID()) {
    pinInstead(SM.getExpansionLoc(CLoc),
               "call to '" + CalleeName +
                   "' inside a macro expansion cannot be a continuation point "
                   "yet; expand the macro by hand or call it outside the "
                   "macro");
    return std::nullopt;
  }
  if (!classifyHost(S)) {
    pinInstead(SM.getExpansionLoc(CLoc),
               "call to '" + CalleeName +
                   "' is nested in an expression or a condition; hcu needs it "
                   "as a statement of its own here (`x = " +
                   CalleeName + "(...);`)");
    return std::nullopt;
  }
  bool OK = true;
  for (const Expr *A : CE->arguments())
    if (A->HasSideEffects(Ctx, /*IncludePossibleEffects=*/false)) {
      pinInstead(SM.getExpansionLoc(A->getBeginLoc()),
                 "argument of call to '" + CalleeName +
                     "' has side effects; the call may be re-executed when its "
                     "frame is rebuilt, so compute the argument beforehand");
      OK = false;
    }
  if (!OK)
    return std::nullopt;
  S.Name = CalleeName; // ordinal added by numberPoints
  return S;
}

/// Whether C has a declaration written before this function (an implicit
/// declaration made by a call does not count).
bool FunctionInstrumenter::declaredBefore(const FunctionDecl *C) const {
  SourceLocation FB = SM.getExpansionLoc(FD->getBeginLoc());
  for (const FunctionDecl *D : C->redecls())
    if (!D->isImplicit() && Nav.before(SM.getExpansionLoc(D->getLocation()), FB))
      return true;
  return C == FD; // recursion
}

/// Names the callee and picks its new spelling; false if the call is not a
/// continuation point (libc, blocks) or is refused.
bool FunctionInstrumenter::resolveCallee(const CallExpr *CE, CallSite &S,
                                         std::string &CalleeName) {
  if (isUnevaluated(CE, Ctx))
    return false; // inside sizeof and the like: never runs
  const FunctionDecl *Callee = CE->getDirectCallee();
  CalleeName = Callee ? Callee->getName().str() : "(*)";
  switch (classifyCall(CE, SM)) {
  case CallKind::Ignored:
    return false; // cannot be on the stack during an update
  case CallKind::Pinning:
    return false; // its caller is pinned (pinReason)
  case CallKind::Wrapped:
    WrappedCalls.push_back(CE); // redirected, but not a continuation point
    return false;
  case CallKind::Blocking:
    S.Replacement = "hcu_wrap_" + CalleeName;
    return true;
  case CallKind::Program:
    // A variadic function's slot takes a va_list, and a slot can only be
    // declared once the callee is: otherwise call the entry.
    if (Unit.Defined.count(Callee->getCanonicalDecl()) &&
        !Callee->isVariadic() && declaredBefore(Callee))
      S.Replacement = slotName(Callee);
    return true;
  case CallKind::Indirect:
    return true;
  }
  return false;
}

/// Finds the statement that hosts the call and the form of the wrapping;
/// false if the call is nested in an expression.
bool FunctionInstrumenter::classifyHost(CallSite &S) {
  const Stmt *E = S.CE;
  const Stmt *P = Nav.parentStmt(E);
  while (P && (isa<ImplicitCastExpr>(P) || isa<ParenExpr>(P))) {
    E = P;
    P = Nav.parentStmt(E);
  }
  if (const auto *CC = dyn_cast_or_null<CStyleCastExpr>(P))
    if (CC->getType()->isVoidType()) {
      E = P;
      P = Nav.parentStmt(E);
    }
  if (P == nullptr) {
    // Initializer of a variable: the parent is the VarDecl.
    auto Ps = Ctx.getParents(*E);
    const VarDecl *VD = Ps.empty() ? nullptr : Ps[0].get<VarDecl>();
    if (!VD)
      return false;
    const DeclStmt *DS = Nav.declStmtOf(VD);
    if (!DS || !DS->isSingleDecl() || !Nav.inStatementPosition(DS) ||
        !LocalIdx.count(VD))
      return false;
    S.F = Form::Decl;
    S.Host = DS;
    S.DeclVar = VD;
    return true;
  }
  if (Nav.inStatementPosition(E)) {
    S.F = Form::Stmt;
    S.Host = E;
    return true;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(P)) {
    if (!BO->isAssignmentOp() || BO->getRHS() != E ||
        !Nav.inStatementPosition(BO) ||
        BO->getLHS()->HasSideEffects(Ctx, /*IncludePossibleEffects=*/true))
      return false;
    S.F = Form::Assign;
    S.Host = BO;
    return true;
  }
  if (isa<ReturnStmt>(P) && Nav.inStatementPosition(P)) {
    S.F = Form::Return;
    S.Host = P;
    return true;
  }
  return false;
}

void FunctionInstrumenter::collectLoops() {
  for (const Stmt *L : Scan.Loops) {
    const Stmt *B = nullptr;
    if (const auto *W = dyn_cast<WhileStmt>(L))
      B = W->getBody();
    else if (const auto *F = dyn_cast<ForStmt>(L))
      B = F->getBody();
    else if (const auto *D = dyn_cast<DoStmt>(L))
      B = D->getBody();
    if (B->getBeginLoc().isMacroID() || L->getBeginLoc().isMacroID()) {
      pinInstead(SM.getExpansionLoc(L->getBeginLoc()),
                 "loop inside a macro expansion cannot get an update point "
                 "yet");
      continue;
    }
    Loops.push_back({L, B});
  }
}

/// Numbers the points in source order (0 is the entry) and names them
/// <callee>#k or loop#k; fills the cp table and its metadata.
void FunctionInstrumenter::numberPoints() {
  for (CallSite &S : Sites)
    Points.push_back({SM.getExpansionLoc(S.CE->getBeginLoc()), &S, nullptr});
  for (LoopPoint &L : Loops)
    Points.push_back({SM.getExpansionLoc(L.Loop->getBeginLoc()), nullptr, &L});
  std::stable_sort(Points.begin(), Points.end(),
                   [&](const PointRef &A, const PointRef &B) {
                     return Nav.before(A.Loc, B.Loc);
                   });
  Cps.push_back({{"n", 0},
                 {"kind", "entry"},
                 {"name", "entry"},
                 {"line", Nav.line(Body->getLBracLoc())}});
  CpTable = "{0, HCU_CP_ENTRY, \"entry\"}, ";
  std::map<std::string, int> Ordinal;
  int Next = 1;
  for (PointRef &PR : Points) {
    int N = Next++;
    std::string Name;
    if (PR.Site) {
      PR.Site->N = N;
      Name = PR.Site->Name + "#" + std::to_string(++Ordinal[PR.Site->Name]);
      PR.Site->Name = Name;
      CpTable += "{" + std::to_string(N) + ", HCU_CP_CALL, \"" + Name + "\"}, ";
    } else {
      PR.Loop->N = N;
      Name = "loop#" + std::to_string(++Ordinal["loop"]);
      PR.Loop->Name = Name;
      CpTable += "{" + std::to_string(N) + ", HCU_CP_LOOP, \"" + Name + "\"}, ";
    }
    Cps.push_back({{"n", N},
                   {"kind", PR.Site ? "call" : "loop"},
                   {"name", Name},
                   {"line", Nav.line(PR.Loc)},
                   {"col", SM.getPresumedColumnNumber(PR.Loc)}});
  }
}

} // namespace hcu
