//===- Instrumenter.cpp - rewrites a translation unit into updatable C ----===//
//
// The shape of the generated code is specified in docs/design.md ("What the
// transform emits for a function"); this file follows it section by section.
//
// Edits are made with a clang::Rewriter in a fixed order so that edits at the
// same offset nest correctly: structural openers are appended (outer constructs
// are visited first), closers are prepended, and token replacements come last
// (a replacement keeps text inserted before it at the same offset).
//
// Line numbers of the user's code are preserved: text inserted inside a
// function never contains a newline, and multi-line blocks between functions
// end with a #line directive.
//
//===----------------------------------------------------------------------===//
#include "Instrumenter.h"
#include "TypeInfo.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

#include <map>
#include <set>

using namespace clang;
using json = nlohmann::json;

namespace hcu {
namespace {

/// libc functions that may block for a long time. Calls to them go through
/// libhcu's wrappers (hcu_wrap_<name>), which can be interrupted for an update
/// and replayed afterwards.
const llvm::StringSet<> &blockingFunctions() {
  static const llvm::StringSet<> Set = {
      "accept", "accept4",   "read",  "recv",      "recvfrom",
      "recvmsg", "poll",     "select", "nanosleep", "clock_nanosleep",
      "sleep",  "usleep"};
  return Set;
}

/// Functions whose effect on the stack frame records cannot follow.
const llvm::StringSet<> &refusedFunctions() {
  static const llvm::StringSet<> Set = {
      "setjmp",  "_setjmp",  "__sigsetjmp", "sigsetjmp",        "longjmp",
      "_longjmp", "siglongjmp", "alloca",   "__builtin_alloca", "vfork"};
  return Set;
}

bool isSystemFunction(const FunctionDecl *FD, const SourceManager &SM) {
  if (FD->getBuiltinID())
    return true;
  for (const FunctionDecl *R : FD->redecls())
    if (SM.isInSystemHeader(R->getLocation()))
      return true;
  return false;
}

/// A local variable of the function being instrumented.
struct Local {
  const VarDecl *VD = nullptr; // null for synthesized locals
  std::string Field;           // member name in the frame record / arena block
  std::string CName;           // how the code refers to it
  std::string Type;            // spelled type
  std::string Layout;          // layout signature
  bool Arena = false;
  bool IsArray = false;
  bool IsConst = false;
  SourceLocation DeclEnd;  // in scope after this...
  SourceLocation ScopeEnd; // ...and before this
};

enum class Form { Stmt, Assign, Decl, Return };

struct CallSite {
  const CallExpr *CE;
  int N = 0;
  Form F = Form::Stmt;
  const Stmt *Host = nullptr;     // the statement that is wrapped
  const VarDecl *DeclVar = nullptr; // Form::Decl
  std::string Replacement;        // new callee spelling, or empty
  std::string Name;               // stable name
};

struct LoopPoint {
  const Stmt *Loop;
  const Stmt *Body;
  int N = 0;
  std::string Name;
};

/// Collects what the instrumentation of one function needs.
class BodyScanner : public RecursiveASTVisitor<BodyScanner> {
public:
  std::vector<const VarDecl *> Vars;
  std::vector<const CallExpr *> Calls;
  std::vector<const Stmt *> Loops;
  std::vector<const ReturnStmt *> Returns;
  std::vector<const DeclRefExpr *> Refs;
  std::vector<const Stmt *> Unsupported; // setjmp-family, alloca, VLAs...

  bool VisitVarDecl(VarDecl *VD) {
    if (!isa<ParmVarDecl>(VD))
      Vars.push_back(VD);
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    Calls.push_back(CE);
    return true;
  }
  bool VisitWhileStmt(WhileStmt *S) { return addLoop(S); }
  bool VisitForStmt(ForStmt *S) { return addLoop(S); }
  bool VisitDoStmt(DoStmt *S) { return addLoop(S); }
  bool VisitReturnStmt(ReturnStmt *S) {
    Returns.push_back(S);
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    Refs.push_back(E);
    return true;
  }

private:
  bool addLoop(Stmt *S) {
    Loops.push_back(S);
    return true;
  }
};

class UnitRewriter {
public:
  UnitRewriter(ASTContext &Ctx, const TransformOptions &Opts)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), DE(Ctx.getDiagnostics()),
        Opts(Opts) {
    R.setSourceMgr(SM, Ctx.getLangOpts());
  }

  bool run(std::string &Code, json &Metadata);

private:
  ASTContext &Ctx;
  SourceManager &SM;
  DiagnosticsEngine &DE;
  const TransformOptions &Opts;
  Rewriter R;
  bool Failed = false;

  std::string FileName, Uid;
  std::set<const FunctionDecl *> Defined; // canonical decls instrumented here
  std::set<std::string> SlotsDeclared, WrappersDeclared;
  std::vector<std::string> DescInits; // hcu_descs[] initializers, in order
  std::string DescTables;             // var/cp tables, emitted at the end
  std::map<const FunctionDecl *, unsigned> DescIndex;
  std::vector<const FunctionDecl *> Order;
  std::string Pragmas;
  json Functions = json::array(), Globals = json::array();

  // ---- helpers ----------------------------------------------------------
  void error(SourceLocation Loc, const std::string &Msg) {
    unsigned ID = DE.getCustomDiagID(DiagnosticsEngine::Error, "%0");
    DE.Report(Loc, ID) << Msg;
    Failed = true;
  }
  bool before(SourceLocation A, SourceLocation B) const {
    return SM.isBeforeInTranslationUnit(A, B);
  }
  unsigned line(SourceLocation L) const {
    return SM.getPresumedLineNumber(SM.getExpansionLoc(L));
  }
  SourceLocation afterToken(SourceLocation L) const {
    return Lexer::getLocForEndOfToken(L, 0, SM, Ctx.getLangOpts());
  }
  /// Location just past the ';' that ends S (for statements that end in one).
  SourceLocation afterSemi(const Stmt *S) const;
  /// Location just past the last character of statement S.
  SourceLocation stmtEnd(const Stmt *S) const;
  std::string lineDirective(unsigned Line) const {
    return "#line " + std::to_string(Line) + " \"" + FileName + "\"\n";
  }
  const Stmt *parentStmt(const Stmt *S) const {
    auto Ps = Ctx.getParents(*S);
    return Ps.empty() ? nullptr : Ps[0].get<Stmt>();
  }
  bool inStatementPosition(const Stmt *S) const;
  SourceLocation scopeEndOf(const DeclStmt *DS) const;

  std::string slotName(const FunctionDecl *FD) const {
    return "hcu_slot__" + FD->getName().str();
  }
  std::string slotAsm(const FunctionDecl *FD) const {
    if (FD->getStorageClass() == SC_Static)
      return " __asm__(\"hcu_slot__" + Uid + "__" + FD->getName().str() + "\")";
    return "";
  }
  std::string implName(const FunctionDecl *FD) const {
    return FD->getName().str() + "__hcu_v" + std::to_string(Opts.Version);
  }
  std::string keyOf(const NamedDecl *D, bool Static) const {
    return Static ? llvm::sys::path::filename(FileName).str() + "/" +
                        D->getName().str()
                  : D->getName().str();
  }

  void renameGlobals(TranslationUnitDecl *TU);
  void instrument(const FunctionDecl *FD);
};

SourceLocation UnitRewriter::afterSemi(const Stmt *S) const {
  SourceLocation End = SM.getExpansionLoc(S->getEndLoc());
  Token Tok;
  SourceLocation L = afterToken(End);
  // Skip to the next ';' token (comments and whitespace in between).
  if (!Lexer::getRawToken(L, Tok, SM, Ctx.getLangOpts(), true)) {
    SourceLocation T = Lexer::GetBeginningOfToken(L, SM, Ctx.getLangOpts());
    (void)T;
  }
  std::optional<Token> Next =
      Lexer::findNextToken(End, SM, Ctx.getLangOpts());
  if (Next && Next->is(tok::semi))
    return Next->getEndLoc();
  return L;
}

SourceLocation UnitRewriter::stmtEnd(const Stmt *S) const {
  if (const auto *CS = dyn_cast<CompoundStmt>(S))
    return afterToken(SM.getExpansionLoc(CS->getRBracLoc()));
  if (const auto *If = dyn_cast<IfStmt>(S))
    return stmtEnd(If->getElse() ? If->getElse() : If->getThen());
  if (const auto *W = dyn_cast<WhileStmt>(S))
    return stmtEnd(W->getBody());
  if (const auto *F = dyn_cast<ForStmt>(S))
    return stmtEnd(F->getBody());
  if (const auto *Sw = dyn_cast<SwitchStmt>(S))
    return stmtEnd(Sw->getBody());
  if (const auto *L = dyn_cast<LabelStmt>(S))
    return stmtEnd(L->getSubStmt());
  if (const auto *C = dyn_cast<SwitchCase>(S))
    return stmtEnd(C->getSubStmt());
  if (isa<DeclStmt>(S))
    return afterToken(SM.getExpansionLoc(S->getEndLoc())); // ends at ';'
  return afterSemi(S);
}

bool UnitRewriter::inStatementPosition(const Stmt *S) const {
  const Stmt *P = parentStmt(S);
  if (!P)
    return false;
  if (isa<CompoundStmt>(P))
    return true;
  if (const auto *If = dyn_cast<IfStmt>(P))
    return If->getThen() == S || If->getElse() == S;
  if (const auto *W = dyn_cast<WhileStmt>(P))
    return W->getBody() == S;
  if (const auto *F = dyn_cast<ForStmt>(P))
    return F->getBody() == S;
  if (const auto *D = dyn_cast<DoStmt>(P))
    return D->getBody() == S;
  if (const auto *L = dyn_cast<LabelStmt>(P))
    return L->getSubStmt() == S;
  if (const auto *C = dyn_cast<SwitchCase>(P))
    return C->getSubStmt() == S;
  return false;
}

SourceLocation UnitRewriter::scopeEndOf(const DeclStmt *DS) const {
  for (const Stmt *P = parentStmt(DS); P; P = parentStmt(P)) {
    if (const auto *CS = dyn_cast<CompoundStmt>(P))
      return SM.getExpansionLoc(CS->getRBracLoc());
    if (isa<ForStmt>(P))
      return stmtEnd(P);
  }
  return SourceLocation();
}

// ---- globals -------------------------------------------------------------

void UnitRewriter::renameGlobals(TranslationUnitDecl *TU) {
  const json *BaseGlobals = nullptr;
  json BaseByKey = json::object();
  // The base is a program's or patch's merged metadata ({"units": [...]}) or
  // a single unit's (as hcu-transform --metadata writes it).
  json Units = json::array();
  if (Opts.BaseMetadata.contains("units"))
    Units = Opts.BaseMetadata["units"];
  else if (Opts.BaseMetadata.contains("globals"))
    Units.push_back(Opts.BaseMetadata);
  if (Opts.PatchMode)
    for (const json &U : Units)
      for (const json &G : U.value("globals", json::array()))
        BaseByKey[G.value("key", "")] = G;
  (void)BaseGlobals;

  std::set<std::string> Seen;
  for (Decl *D : TU->decls()) {
    auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !VD->isFileVarDecl() || VD->getName().empty())
      continue;
    bool Static = VD->getStorageClass() == SC_Static;
    bool InMain = SM.isInMainFile(SM.getExpansionLoc(VD->getLocation()));
    if (!InMain && !Static)
      continue; // declarations of other files' globals: keyed there
    if (!InMain)
      continue; // a static in a header: left alone (documented)
    std::string Name = VD->getName().str();
    std::string Key = keyOf(VD, Static);
    std::string Layout = layoutSignature(VD->getType(), Ctx);
    std::string Default = Static ? "hcu_s__" + Uid + "__" + Name : Name;
    std::string Symbol = Default;
    bool Changed = false;
    if (BaseByKey.contains(Key)) {
      const json &B = BaseByKey[Key];
      if (B.value("layout", "") == Layout)
        Symbol = B.value("symbol", Default);
      else {
        Symbol = Default + "_v" + std::to_string(Opts.Version);
        Changed = true;
      }
    }
    // `static` goes: the storage must be reachable by its assembler name from
    // a patch. The name is unique to this file, so it stays private in practice.
    if (Static) {
      SourceLocation B = SM.getExpansionLoc(VD->getBeginLoc());
      SourceLocation E = SM.getExpansionLoc(VD->getLocation());
      Token Tok;
      for (SourceLocation L = B; before(L, E);) {
        if (Lexer::getRawToken(L, Tok, SM, Ctx.getLangOpts(), true))
          break;
        if (Tok.is(tok::raw_identifier) && Tok.getRawIdentifier() == "static") {
          R.ReplaceText(Tok.getLocation(), Tok.getLength(), "/*static*/");
          break;
        }
        L = Tok.getEndLoc();
        // Skip whitespace.
        while (before(L, E) && isWhitespace(*SM.getCharacterData(L)))
          L = L.getLocWithOffset(1);
      }
    }
    if (Seen.insert(Key).second) {
      if (Symbol != Name)
        Pragmas += "#pragma redefine_extname " + Name + " " + Symbol + "\n";
      Globals.push_back({{"name", Name},
                         {"key", Key},
                         {"static", Static},
                         {"type", spellType(VD->getType(), Ctx)},
                         {"layout", Layout},
                         {"symbol", Symbol},
                         {"changed", Changed},
                         {"line", line(VD->getLocation())}});
    }
  }
}

// ---- functions -----------------------------------------------------------

void UnitRewriter::instrument(const FunctionDecl *FD) {
  const CompoundStmt *Body = dyn_cast<CompoundStmt>(FD->getBody());
  std::string Fn = FD->getName().str();
  std::string V = std::to_string(Opts.Version);
  std::string FormalsT = "struct hcu_function_formal_" + Fn + "_v" + V + "_s";
  std::string LocalsT = "struct hcu_stack_local_" + Fn + "_v" + V + "_s";
  std::string ArenaT = "struct hcu_addr_" + Fn + "_v" + V + "_s";
  std::string Desc = "hcu_descs[" + std::to_string(DescIndex[FD]) + "]";
  bool IsMain = FD->isMain();
  bool IsStatic = FD->getStorageClass() == SC_Static;
  QualType RetTy = FD->getReturnType();
  bool VoidRet = RetTy->isVoidType();
  SourceLocation FnLoc = SM.getExpansionLoc(FD->getLocation());

  if (FD->isVariadic()) {
    error(FnLoc, "variadic function '" + Fn +
                     "' cannot be instrumented yet; build this file with the "
                     "plain compiler or make it non-variadic");
    return;
  }
  if (FD->getLocation().isMacroID()) {
    error(FnLoc, "the name of function '" + Fn +
                     "' comes from a macro expansion; hcu cannot rename it");
    return;
  }
  std::string Why;
  if (!VoidRet && !isSpellableAtFileScope(RetTy, Why)) {
    error(FnLoc, "return type of '" + Fn + "' cannot be named: " + Why);
    return;
  }

  BodyScanner Scan;
  Scan.TraverseStmt(const_cast<CompoundStmt *>(Body));

  // -- address-taken locals and parameters -------------------------------
  std::set<const VarDecl *> AddrTaken;
  auto baseVar = [](const Expr *E) -> const VarDecl * {
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
  };
  for (const DeclRefExpr *DR : Scan.Refs) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    if (!VD || !VD->isLocalVarDeclOrParm() || VD->isStaticLocal())
      continue;
    // Walk up to the outermost lvalue around the reference.
    const Stmt *Cur = DR;
    for (;;) {
      const Stmt *P = parentStmt(Cur);
      if (!P)
        break;
      if (const auto *UO = dyn_cast<UnaryOperator>(P)) {
        if (UO->getOpcode() == UO_AddrOf && baseVar(UO->getSubExpr()) == VD)
          AddrTaken.insert(VD);
        break;
      }
      if (const auto *IC = dyn_cast<ImplicitCastExpr>(P)) {
        if (IC->getCastKind() == CK_ArrayToPointerDecay) {
          const Stmt *PP = parentStmt(IC);
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

  // -- locals --------------------------------------------------------------
  std::vector<Local> Locals;
  std::map<const VarDecl *, size_t> LocalIdx;
  std::map<std::string, int> NameCount;
  bool Bad = false;
  for (const VarDecl *VD : Scan.Vars) {
    SourceLocation Loc = SM.getExpansionLoc(VD->getLocation());
    if (VD->isStaticLocal()) {
      if (Opts.PatchMode) {
        error(Loc, "static local '" + VD->getName().str() + "' in '" + Fn +
                       "': static locals in patches are not supported yet "
                       "(their value would not carry over); move it to file "
                       "scope");
        Bad = true;
      }
      continue;
    }
    if (VD->hasExternalStorage())
      continue;
    if (VD->getType()->isVariablyModifiedType()) {
      error(Loc, "variable-length array '" + VD->getName().str() +
                     "' cannot be saved across an update; use a fixed size "
                     "or malloc");
      Bad = true;
      continue;
    }
    if (!isSpellableAtFileScope(VD->getType(), Why)) {
      error(Loc, "local '" + VD->getName().str() +
                     "' cannot be saved in a frame record: " + Why +
                     "; declare the type at file scope");
      Bad = true;
      continue;
    }
    const auto *DS = dyn_cast_or_null<DeclStmt>([&]() -> const Stmt * {
      auto Ps = Ctx.getParents(*VD);
      return Ps.empty() ? nullptr : Ps[0].get<Stmt>();
    }());
    if (!DS) {
      error(Loc, "unsupported declaration of local '" + VD->getName().str() +
                     "'");
      Bad = true;
      continue;
    }
    Local L;
    L.VD = VD;
    int &C = NameCount[VD->getName().str()];
    L.Field = VD->getName().str() + (C ? "__" + std::to_string(C + 1) : "");
    ++C;
    L.Arena = AddrTaken.count(VD);
    L.CName = L.Arena ? "(hcu_a->" + L.Field + ")" : VD->getName().str();
    L.Type = spellType(VD->getType().getUnqualifiedType(), Ctx);
    L.Layout = layoutSignature(VD->getType().getUnqualifiedType(), Ctx);
    L.IsArray = VD->getType()->isArrayType();
    L.IsConst = VD->getType().isConstQualified();
    L.DeclEnd = SM.getExpansionLoc(DS->getEndLoc());
    L.ScopeEnd = scopeEndOf(DS);
    if (L.Arena && !DS->isSingleDecl()) {
      error(Loc, "'" + VD->getName().str() +
                     "' has its address taken and shares its declaration with "
                     "other variables; declare it on its own");
      Bad = true;
      continue;
    }
    if (L.Arena && isa<ForStmt>(parentStmt(DS))) {
      error(Loc, "'" + VD->getName().str() +
                     "' has its address taken; declare it outside the for");
      Bad = true;
      continue;
    }
    LocalIdx[VD] = Locals.size();
    Locals.push_back(L);
  }
  std::vector<const ParmVarDecl *> ArenaParams;
  for (const ParmVarDecl *P : FD->parameters()) {
    if (P->getName().empty()) {
      error(SM.getExpansionLoc(P->getLocation()),
            "unnamed parameter in the definition of '" + Fn + "'");
      Bad = true;
    }
    if (!isSpellableAtFileScope(P->getType(), Why)) {
      error(SM.getExpansionLoc(P->getLocation()),
            "parameter '" + P->getName().str() + "' cannot be saved: " + Why);
      Bad = true;
    }
    if (AddrTaken.count(P))
      ArenaParams.push_back(P);
  }
  if (Bad)
    return;

  bool HasArena = !ArenaParams.empty() ||
                  std::any_of(Locals.begin(), Locals.end(),
                              [](const Local &L) { return L.Arena; });

  // -- continuation points ----------------------------------------------
  std::vector<CallSite> Sites;
  for (const CallExpr *CE : Scan.Calls) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    CallSite S{CE};
    std::string CalleeName;
    if (Callee) {
      CalleeName = Callee->getName().str();
      if (refusedFunctions().count(CalleeName)) {
        error(SM.getExpansionLoc(CE->getBeginLoc()),
              "'" + CalleeName +
                  "' cannot be made safe across an update yet (a jump or "
                  "allocation the frame records cannot follow); build this "
                  "file with the plain compiler");
        continue;
      }
      bool Sys = isSystemFunction(Callee, SM);
      if (Sys && blockingFunctions().count(CalleeName))
        S.Replacement = "hcu_wrap_" + CalleeName;
      else if (Sys)
        continue; // cannot be on the stack during an update
      else if (Defined.count(Callee->getCanonicalDecl()))
        S.Replacement = slotName(Callee);
    } else {
      if (CE->getCallee()->getType()->isBlockPointerType())
        continue;
      CalleeName = "(*)";
    }
    SourceLocation CLoc = CE->getBeginLoc();
    if (CLoc.isMacroID() || CE->getEndLoc().isMacroID()) {
      error(SM.getExpansionLoc(CLoc),
            "call to '" + CalleeName +
                "' inside a macro expansion cannot be a continuation point "
                "yet; expand the macro by hand or call it outside the macro");
      continue;
    }
    // Find the host statement and the form.
    const Stmt *E = CE;
    const Stmt *P = parentStmt(E);
    while (P && (isa<ImplicitCastExpr>(P) || isa<ParenExpr>(P))) {
      E = P;
      P = parentStmt(E);
    }
    if (const auto *CC = dyn_cast_or_null<CStyleCastExpr>(P))
      if (CC->getType()->isVoidType()) {
        E = P;
        P = parentStmt(E);
      }
    bool OK = false;
    if (P == nullptr) {
      // Initializer of a variable: the parent is the VarDecl.
      auto Ps = Ctx.getParents(*E);
      if (!Ps.empty())
        if (const auto *VD = Ps[0].get<VarDecl>()) {
          auto DPs = Ctx.getParents(*VD);
          const DeclStmt *DS =
              DPs.empty() ? nullptr : DPs[0].get<DeclStmt>();
          if (DS && DS->isSingleDecl() && inStatementPosition(DS) &&
              LocalIdx.count(VD) && !VD->getType().isConstQualified()) {
            S.F = Form::Decl;
            S.Host = DS;
            S.DeclVar = VD;
            OK = true;
          }
        }
    } else if (inStatementPosition(E)) {
      S.F = Form::Stmt;
      S.Host = E;
      OK = true;
    } else if (const auto *BO = dyn_cast<BinaryOperator>(P)) {
      if (BO->isAssignmentOp() && BO->getRHS() == E &&
          inStatementPosition(BO) &&
          !BO->getLHS()->HasSideEffects(Ctx, /*IncludePossibleEffects=*/true)) {
        S.F = Form::Assign;
        S.Host = BO;
        OK = true;
      }
    } else if (isa<ReturnStmt>(P) && inStatementPosition(P)) {
      S.F = Form::Return;
      S.Host = P;
      OK = true;
    }
    if (!OK) {
      error(SM.getExpansionLoc(CLoc),
            "call to '" + CalleeName +
                "' is nested in an expression or a condition; hcu needs it "
                "as a statement of its own here (`x = " +
                CalleeName + "(...);`)");
      continue;
    }
    for (const Expr *A : CE->arguments())
      if (A->HasSideEffects(Ctx, /*IncludePossibleEffects=*/false)) {
        error(SM.getExpansionLoc(A->getBeginLoc()),
              "argument of call to '" + CalleeName +
                  "' has side effects; the call may be re-executed when its "
                  "frame is rebuilt, so compute the argument beforehand");
        OK = false;
      }
    if (!OK)
      continue;
    S.Name = CalleeName; // ordinal added below
    Sites.push_back(S);
  }
  std::vector<LoopPoint> Loops;
  for (const Stmt *L : Scan.Loops) {
    const Stmt *B = nullptr;
    if (const auto *W = dyn_cast<WhileStmt>(L))
      B = W->getBody();
    else if (const auto *F = dyn_cast<ForStmt>(L))
      B = F->getBody();
    else if (const auto *D = dyn_cast<DoStmt>(L))
      B = D->getBody();
    if (B->getBeginLoc().isMacroID() || L->getBeginLoc().isMacroID()) {
      error(SM.getExpansionLoc(L->getBeginLoc()),
            "loop inside a macro expansion cannot get an update point yet");
      continue;
    }
    Loops.push_back({L, B});
  }
  if (Failed)
    return;

  // Number points in source order: 0 is the entry.
  struct PointRef {
    SourceLocation Loc;
    CallSite *Site;
    LoopPoint *Loop;
  };
  std::vector<PointRef> Points;
  for (CallSite &S : Sites)
    Points.push_back({SM.getExpansionLoc(S.CE->getBeginLoc()), &S, nullptr});
  for (LoopPoint &L : Loops)
    Points.push_back({SM.getExpansionLoc(L.Loop->getBeginLoc()), nullptr, &L});
  std::stable_sort(Points.begin(), Points.end(),
                   [&](const PointRef &A, const PointRef &B) {
                     return before(A.Loc, B.Loc);
                   });
  json Cps = json::array();
  Cps.push_back({{"n", 0}, {"kind", "entry"}, {"name", "entry"},
                 {"line", line(Body->getLBracLoc())}});
  std::string CpTable = "{0, HCU_CP_ENTRY, \"entry\"}, ";
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
                   {"line", line(PR.Loc)},
                   {"col", SM.getPresumedColumnNumber(PR.Loc)}});
  }

  bool NeedRv = !VoidRet && (HasArena || std::any_of(Sites.begin(), Sites.end(),
                                                     [](const CallSite &S) {
                                                       return S.F == Form::Return;
                                                     }));

  // -- save / restore code -----------------------------------------------
  auto inScope = [&](SourceLocation At) {
    std::vector<const Local *> Out;
    for (const Local &L : Locals)
      if (!L.Arena && before(L.DeclEnd, At) && L.ScopeEnd.isValid() &&
          before(At, L.ScopeEnd))
        Out.push_back(&L);
    return Out;
  };
  auto copyIn = [](const std::string &Dst, const std::string &Src, bool Raw) {
    if (Raw)
      return "__builtin_memcpy((void *)&" + Dst + ", &" + Src + ", sizeof(" +
             Src + ")); ";
    return Dst + " = " + Src + "; ";
  };
  std::string RetZero =
      VoidRet ? "return;"
              : "{ __typeof__(" + spellType(RetTy, Ctx) +
                    ") hcu_z; hcu_zero(&hcu_z, sizeof hcu_z); return hcu_z; }";
  auto saveCode = [&](int N, const std::vector<const Local *> &Vars,
                      bool FunctionScope) {
    std::string S = "{ hcu_l = (" + LocalsT + " *)hcu_unwind_frame(&" + Desc +
                    ", " + std::to_string(N) + ", (void **)&hcu_f); ";
    for (const ParmVarDecl *P : FD->parameters())
      S += copyIn("hcu_f->" + P->getName().str(), P->getName().str(),
                  P->getType()->isArrayType());
    for (const Local *L : Vars)
      S += copyIn("hcu_l->" + L->Field, L->CName, L->IsArray);
    if (FunctionScope) {
      if (NeedRv)
        S += "hcu_l->hcu_rv = hcu_rv; ";
      if (HasArena)
        S += "hcu_l->hcu_a = hcu_a; hcu_l->hcu_mark = hcu_mark; ";
    }
    return S + RetZero + " }";
  };
  auto restoreCode = [&](const std::vector<const Local *> &Vars) {
    std::string S;
    for (const Local *L : Vars)
      S += copyIn(L->CName, "hcu_l->" + L->Field, L->IsArray || L->IsConst);
    if (NeedRv)
      S += "hcu_rv = hcu_l->hcu_rv; ";
    if (HasArena)
      S += "hcu_a = hcu_l->hcu_a; hcu_mark = hcu_l->hcu_mark; ";
    return S;
  };
  std::string Pop = HasArena ? "hcu_arena_pop(hcu_mark); " : "";

  // -- structural edits (outer constructs first) --------------------------
  // Loops: an update point at the top of the body.
  for (const LoopPoint &L : Loops) {
    SourceLocation At = SM.getExpansionLoc(L.Body->getBeginLoc());
    std::string N = std::to_string(L.N);
    std::string UP = "if (HCU_PENDING()) { if (hcu_update_point()) " +
                     saveCode(L.N, inScope(At), true) + " } if (0) { hcu_resume_" +
                     N + ": " + restoreCode(inScope(At)) + "} ";
    if (const auto *CS = dyn_cast<CompoundStmt>(L.Body)) {
      R.InsertTextAfter(afterToken(SM.getExpansionLoc(CS->getLBracLoc())),
                        " " + UP);
    } else {
      R.InsertTextAfter(At, "{ " + UP);
      R.InsertTextBefore(stmtEnd(L.Body), " }");
    }
  }
  // Call sites.
  for (const CallSite &S : Sites) {
    std::string N = std::to_string(S.N);
    SourceLocation HB = SM.getExpansionLoc(S.Host->getBeginLoc());
    std::vector<const Local *> Vars = inScope(HB);
    if (S.F == Form::Decl)
      Vars.push_back(&Locals[LocalIdx[S.DeclVar]]);
    // Shadowed names cannot be saved from inside the inner scope.
    std::set<std::string> Names;
    for (const Local *L : Vars)
      if (L->VD && !Names.insert(L->VD->getName().str()).second)
        error(HB, "local '" + L->VD->getName().str() +
                      "' is shadowed at this call; rename one of them so "
                      "both can be saved");
    std::string Resume = "if (0) { hcu_resume_" + N + ": " + restoreCode(Vars) +
                         "if (hcu_l->hcu_stack_frame_fields.kind == "
                         "HCU_RESUME_AFTER) goto hcu_after_" +
                         N + "; } ";
    std::string After = " hcu_after_" + N +
                        ": if (HCU_PENDING() && hcu_after_call()) " +
                        saveCode(S.N, Vars, true);
    SourceLocation End = stmtEnd(S.Host);
    switch (S.F) {
    case Form::Stmt:
    case Form::Assign: {
      const auto *DS = dyn_cast<DeclStmt>(S.Host);
      (void)DS;
      R.InsertTextAfter(HB, "{ " + Resume);
      R.InsertTextBefore(End, After + " }");
      break;
    }
    case Form::Decl: {
      const Local &L = Locals[LocalIdx[S.DeclVar]];
      if (L.Arena) {
        // Rewritten below into `(hcu_a->x) = call;`: wrap like an assignment.
        R.InsertTextAfter(HB, "{ " + Resume);
        R.InsertTextBefore(End, After + " }");
        break;
      }
      // `T x = g(a);` -> `T x; { resume; x = g(a); after }`
      SourceLocation Init = SM.getExpansionLoc(S.DeclVar->getInit()->getBeginLoc());
      SourceLocation Eq = SM.getExpansionLoc(S.DeclVar->getLocation());
      // Find the '=' between the declarator and the initializer.
      Token Tok;
      SourceLocation EqLoc;
      for (SourceLocation C = afterToken(Eq); before(C, Init);) {
        if (Lexer::getRawToken(C, Tok, SM, Ctx.getLangOpts(), true)) {
          C = C.getLocWithOffset(1);
          continue;
        }
        if (Tok.is(tok::equal))
          EqLoc = Tok.getLocation();
        C = Tok.getEndLoc();
      }
      if (EqLoc.isInvalid()) {
        error(HB, "cannot find the '=' of this declaration");
        break;
      }
      R.InsertTextAfter(EqLoc, "; { " + Resume + L.CName + " ");
      R.InsertTextBefore(End, After + " }");
      break;
    }
    case Form::Return: {
      const auto *RS = cast<ReturnStmt>(S.Host);
      bool VoidCall = S.CE->getType()->isVoidType();
      std::string Open = "{ " + Resume + (VoidRet || VoidCall ? "" : "hcu_rv = ");
      R.ReplaceText(SM.getExpansionLoc(RS->getReturnLoc()), 6, Open);
      R.InsertTextBefore(End, After + " " + Pop +
                                  (VoidRet ? "return;" : "return hcu_rv;") +
                                  " }");
      break;
    }
    }
  }
  // Returns that are not call sites pop the arena block.
  if (HasArena)
    for (const ReturnStmt *RS : Scan.Returns) {
      bool IsSite = std::any_of(Sites.begin(), Sites.end(), [&](const CallSite &S) {
        return S.Host == RS;
      });
      if (IsSite)
        continue;
      if (RS->getBeginLoc().isMacroID()) {
        error(SM.getExpansionLoc(RS->getBeginLoc()),
              "return inside a macro expansion in a function with "
              "address-taken locals is not supported yet");
        continue;
      }
      SourceLocation RL = SM.getExpansionLoc(RS->getReturnLoc());
      if (const Expr *E = RS->getRetValue()) {
        R.ReplaceText(RL, 6, "{ hcu_rv = (");
        R.InsertTextBefore(afterToken(SM.getExpansionLoc(E->getEndLoc())),
                           "); " + Pop + "return hcu_rv");
        R.InsertTextBefore(afterSemi(RS), " }");
      } else {
        R.ReplaceText(RL, 6, "{ " + Pop + "return");
        R.InsertTextBefore(afterSemi(RS), " }");
      }
    }

  // Arena declarations: `T x = init;` -> `(hcu_a->x) = init;`.
  for (const Local &L : Locals) {
    if (!L.Arena)
      continue;
    auto DPs = Ctx.getParents(*L.VD);
    const DeclStmt *DS = DPs[0].get<DeclStmt>();
    SourceLocation DB = SM.getExpansionLoc(DS->getBeginLoc());
    const Expr *Init = L.VD->getInit();
    if (!Init || L.VD->getInitStyle() != VarDecl::CInit) {
      if (Init) {
        error(DB, "unsupported initializer for '" + L.Field + "'");
        continue;
      }
      R.ReplaceText(SourceRange(DB, SM.getExpansionLoc(DS->getEndLoc())), ";");
      continue;
    }
    SourceLocation IB = SM.getExpansionLoc(Init->getBeginLoc());
    SourceLocation IE = afterToken(SM.getExpansionLoc(Init->getEndLoc()));
    std::string A = "(hcu_a->" + L.Field + ")";
    const Expr *Plain = Init->IgnoreImplicit();
    bool IsList = isa<InitListExpr>(Plain);
    CharSourceRange Head = CharSourceRange::getCharRange(DB, IB);
    if (L.IsArray) {
      bool StrLit = isa<StringLiteral>(Plain->IgnoreParens());
      R.ReplaceText(Head, "__builtin_memcpy(" + A + ", (__typeof__(" + A +
                              "))" + (StrLit ? "{" : ""));
      R.InsertTextBefore(IE, std::string(StrLit ? "}" : "") + ", sizeof(" +
                                 A + "))");
    } else if (IsList) {
      R.ReplaceText(Head, A + " = (__typeof__(" + A + "))");
    } else {
      R.ReplaceText(Head, A + " = ");
    }
  }

  // -- prologue / epilogue ------------------------------------------------
  std::string Pro = " " + FormalsT + " *hcu_f = 0; " + LocalsT + " *hcu_l = 0; ";
  if (NeedRv)
    Pro += "__typeof__(" + spellType(RetTy, Ctx) + ") hcu_rv = {0}; ";
  if (HasArena)
    Pro += ArenaT + " *hcu_a; void *hcu_mark; ";
  Pro += "if (HCU_PENDING()) { hcu_l = (" + LocalsT +
         " *)hcu_rebuild_frame(&" + Desc + ", (void **)&hcu_f); if (hcu_l) { ";
  for (const ParmVarDecl *P : FD->parameters())
    Pro += copyIn(P->getName().str(), "hcu_f->" + P->getName().str(),
                  P->getType().isConstQualified());
  Pro += "switch (hcu_l->hcu_stack_frame_fields.cp) { ";
  for (const PointRef &PR : Points) {
    int N = PR.Site ? PR.Site->N : PR.Loop->N;
    Pro += "case " + std::to_string(N) + ": goto hcu_resume_" +
           std::to_string(N) + "; ";
  }
  Pro += "default: break; } } else if (hcu_update_point()) " +
         saveCode(0, {}, false) + " } ";
  if (HasArena) {
    Pro += "hcu_mark = hcu_arena_top; hcu_a = (" + ArenaT +
           " *)hcu_arena_push(sizeof(" + ArenaT + ")); ";
    for (const ParmVarDecl *P : ArenaParams)
      Pro += copyIn("hcu_a->" + P->getName().str(), P->getName().str(), false);
  }
  R.InsertTextAfter(afterToken(SM.getExpansionLoc(Body->getLBracLoc())), Pro);
  std::string Epi = Pop;
  if (IsMain)
    Epi += "return 0; ";
  if (!Epi.empty())
    R.InsertTextBefore(SM.getExpansionLoc(Body->getRBracLoc()), Epi);

  // -- token replacements -------------------------------------------------
  for (const CallSite &S : Sites)
    if (!S.Replacement.empty()) {
      const Expr *Callee = S.CE->getCallee()->IgnoreParenImpCasts();
      R.ReplaceText(SM.getExpansionLoc(Callee->getBeginLoc()),
                    cast<DeclRefExpr>(Callee)->getDecl()->getName().size(),
                    S.Replacement);
    }
  std::set<const VarDecl *> ArenaVars;
  for (const Local &L : Locals)
    if (L.Arena)
      ArenaVars.insert(L.VD);
  for (const ParmVarDecl *P : ArenaParams)
    ArenaVars.insert(P);
  for (const DeclRefExpr *DR : Scan.Refs) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    if (!VD || !ArenaVars.count(VD))
      continue;
    SourceLocation L = DR->getLocation();
    if (L.isMacroID()) {
      if (!SM.isMacroArgExpansion(L)) {
        error(SM.getExpansionLoc(L),
              "'" + VD->getName().str() +
                  "' has its address taken and is used inside a macro body; "
                  "hcu cannot redirect this use yet");
        continue;
      }
      L = SM.getSpellingLoc(L);
    }
    std::string Field = isa<ParmVarDecl>(VD) ? VD->getName().str()
                                             : Locals[LocalIdx[VD]].Field;
    R.ReplaceText(L, VD->getName().size(), "(hcu_a->" + Field + ")");
  }

  // -- around the definition ---------------------------------------------
  SourceLocation FB = SM.getExpansionLoc(FD->getBeginLoc());
  SourceLocation BodyB = SM.getExpansionLoc(Body->getLBracLoc());
  std::string Header = Lexer::getSourceText(CharSourceRange::getCharRange(FB, BodyB),
                                            SM, Ctx.getLangOpts())
                           .str();
  // Pre-block: frame record types, slot and impl declarations.
  std::string Pre;
  std::string Formals, LocalsDecl, ArenaDecl;
  json JFormals = json::array(), JLocals = json::array();
  std::string FTable, LTable;
  for (const ParmVarDecl *P : FD->parameters()) {
    std::string T = spellType(P->getType().getUnqualifiedType(), Ctx);
    Formals += "  __typeof__(" + T + ") " + P->getName().str() + ";\n";
    std::string Lay = layoutSignature(P->getType().getUnqualifiedType(), Ctx);
    JFormals.push_back({{"name", P->getName().str()}, {"type", T}, {"layout", Lay}});
    FTable += "{\"" + P->getName().str() + "\", " + json(Lay).dump() +
              ", __builtin_offsetof(" + FormalsT + ", " + P->getName().str() +
              "), sizeof(((" + FormalsT + " *)0)->" + P->getName().str() +
              ")}, ";
  }
  auto addLocalField = [&](const std::string &Field, const std::string &T,
                           const std::string &Lay, bool Arena) {
    JLocals.push_back({{"name", Field}, {"type", T}, {"layout", Lay}, {"arena", Arena}});
    if (Arena) {
      ArenaDecl += "  __typeof__(" + T + ") " + Field + ";\n";
      return;
    }
    LocalsDecl += "  __typeof__(" + T + ") " + Field + ";\n";
    LTable += "{\"" + Field + "\", " + json(Lay).dump() +
              ", __builtin_offsetof(" + LocalsT + ", " + Field + "), sizeof(((" +
              LocalsT + " *)0)->" + Field + ")}, ";
  };
  std::string ArenaLayout;
  for (const Local &L : Locals) {
    addLocalField(L.Field, L.Type, L.Layout, L.Arena);
    if (L.Arena)
      ArenaLayout += L.Field + ":" + L.Layout + ";";
  }
  for (const ParmVarDecl *P : ArenaParams) {
    std::string T = spellType(P->getType().getUnqualifiedType(), Ctx);
    std::string Lay = layoutSignature(P->getType().getUnqualifiedType(), Ctx);
    addLocalField(P->getName().str(), T, Lay, true);
    ArenaLayout += P->getName().str() + ":" + Lay + ";";
  }
  if (NeedRv)
    addLocalField("hcu_rv", spellType(RetTy, Ctx), layoutSignature(RetTy, Ctx), false);
  if (HasArena) {
    addLocalField("hcu_a", "void *", "void*#8", false);
    addLocalField("hcu_mark", "void *", "void*#8", false);
    // The typed pointer is stored through void *; the record field is void *.
    LocalsDecl.replace(LocalsDecl.find("__typeof__(void *) hcu_a;"),
                       std::string("__typeof__(void *) hcu_a;").size(),
                       "void *hcu_a;");
  }
  if (Formals.empty())
    Formals = "  char hcu_unused;\n";
  Pre += "/* hcu: " + Fn + ", version " + V + " */\n";
  // __typeof__(f) below needs f declared; the definition may be the first.
  if (!FD->getPreviousDecl())
    Pre += FD->hasWrittenPrototype()
               ? Header + ";\n"
               : "__typeof__(" + spellType(RetTy, Ctx) + ") " + Fn + "();\n";
  Pre += FormalsT + " {\n" + Formals + "};\n";
  Pre += LocalsT + " {\n" + LocalsDecl +
         "  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;\n};\n";
  if (HasArena)
    Pre += ArenaT + " {\n" + ArenaDecl + "};\n";
  Pre += "static __typeof__(" + Fn + ") " + implName(FD) + ";\n";
  if (SlotsDeclared.insert(Fn).second)
    Pre += "extern __typeof__(" + Fn + ") *" + slotName(FD) + slotAsm(FD) + ";\n";
  // Slots of functions defined later in the file that this body calls.
  for (const CallSite &S : Sites)
    if (const FunctionDecl *C = S.CE->getDirectCallee())
      if (Defined.count(C->getCanonicalDecl()) &&
          SlotsDeclared.insert(C->getName().str()).second)
        Pre += "extern __typeof__(" + C->getName().str() + ") *" +
               slotName(C) + slotAsm(C) + ";\n";
  for (const CallSite &S : Sites)
    if (S.Replacement.rfind("hcu_wrap_", 0) == 0 &&
        WrappersDeclared.insert(S.Replacement).second)
      Pre += "extern __typeof__(" + S.CE->getDirectCallee()->getName().str() +
             ") " + S.Replacement + ";\n";
  Pre += lineDirective(line(FB));
  if (SM.getPresumedColumnNumber(FB) != 1)
    Pre = "\n" + Pre;
  R.InsertTextBefore(FB, Pre);
  if (!IsStatic)
    R.InsertTextAfter(FB, "static ");
  R.ReplaceText(FnLoc, Fn.size(), implName(FD));

  // Post-block: slot definition, entry, descriptor tables.
  std::string Params;
  for (const ParmVarDecl *P : FD->parameters())
    Params += (Params.empty() ? "" : ", ") + P->getName().str();
  std::string Post = "\n" + std::string("__typeof__(") + Fn + ") *" + slotName(FD) +
                     slotAsm(FD) + " = " + implName(FD) + ";\n";
  if (IsMain) {
    Post += Header + "{\n  int hcu_r;\n  for (;;) {\n    hcu_r = " + slotName(FD) +
            "(" + Params +
            ");\n    if (!hcu_thread_unwound())\n      return hcu_r;\n"
            "    hcu_thread_quiesced();\n  }\n}\n";
  } else {
    Post += Header + "{ " + (VoidRet ? "" : "return ") + slotName(FD) + "(" +
            Params + "); }\n";
  }
  std::string Sfx = std::to_string(DescIndex[FD]);
  DescTables += "static const struct hcu_var_desc hcu_formals_" + Sfx + "[] = { " +
                FTable + "{0, 0, 0, 0} };\n";
  DescTables += "static const struct hcu_var_desc hcu_locals_" + Sfx + "[] = { " +
                LTable + "{0, 0, 0, 0} };\n";
  DescTables += "static const struct hcu_cp_desc hcu_cps_" + Sfx + "[] = { " +
                CpTable + "{0, 0, 0} };\n";
  int NFormals = (int)FD->getNumParams();
  int NLocals = (int)std::count(LTable.begin(), LTable.end(), '{') -
                (int)std::count(LTable.begin(), LTable.end(), '{') +
                (int)std::count_if(JLocals.begin(), JLocals.end(), [](const json &J) {
                  return !J.value("arena", false);
                });
  std::string Key = keyOf(FD, IsStatic);
  DescInits.push_back(
      "{\"" + Fn + "\", \"" + Key + "\", (void **)&" + slotName(FD) +
      ", (void *)" + implName(FD) + ", " +
      (IsMain ? "HCU_FN_THREAD_ENTRY" : "0") +
      (IsStatic ? " | HCU_FN_STATIC" : "") + ", sizeof(" + FormalsT +
      "), sizeof(" + LocalsT + "), __builtin_offsetof(" + LocalsT +
      ", hcu_stack_frame_fields), hcu_formals_" + Sfx + ", " +
      std::to_string(NFormals) + ", hcu_locals_" + Sfx + ", " +
      std::to_string(NLocals) + ", hcu_cps_" + Sfx + ", " +
      std::to_string(Points.size() + 1) + ", " + json(ArenaLayout).dump() + "}");
  Post += lineDirective(line(Body->getRBracLoc()));
  R.InsertTextAfter(afterToken(SM.getExpansionLoc(Body->getRBracLoc())), Post);

  Functions.push_back({{"name", Fn},
                       {"key", Key},
                       {"static", IsStatic},
                       {"thread_entry", IsMain},
                       {"impl", implName(FD)},
                       {"line", line(FnLoc)},
                       {"signature", layoutSignature(FD->getType(), Ctx)},
                       {"formals", JFormals},
                       {"locals", JLocals},
                       {"continuation_points", Cps}});
}

bool UnitRewriter::run(std::string &Code, json &Metadata) {
  FileID Main = SM.getMainFileID();
  FileName = SM.getFileEntryRefForID(Main)->getName().str();
  Uid = Opts.Uid.empty() ? defaultUid(FileName) : Opts.Uid;
  TranslationUnitDecl *TU = Ctx.getTranslationUnitDecl();

  // Functions to instrument: defined in the main file, in source order.
  for (Decl *D : TU->decls()) {
    auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody())
      continue;
    if (!SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
      continue;
    if (FD->hasAttr<ConstructorAttr>() || FD->hasAttr<DestructorAttr>())
      continue; // run by the loader, never updated in place
    DescIndex[FD] = Order.size();
    Order.push_back(FD);
    Defined.insert(FD->getCanonicalDecl());
  }
  renameGlobals(TU);
  for (const FunctionDecl *FD : Order)
    instrument(FD);
  if (Failed)
    return false;

  std::string Prefix = Pragmas + "#include \"hcu/hcu_rt.h\"\n";
  if (!Order.empty())
    Prefix += "static const struct hcu_func_desc hcu_descs[" +
              std::to_string(Order.size()) + "];\n";
  Prefix += lineDirective(1);
  R.InsertTextBefore(SM.getLocForStartOfFile(Main), Prefix);

  std::string Tail = "\n/* hcu: descriptors of this unit */\n" + DescTables;
  if (!Order.empty()) {
    Tail += "static const struct hcu_func_desc hcu_descs[" +
            std::to_string(Order.size()) + "] = {\n";
    for (const std::string &I : DescInits)
      Tail += "  " + I + ",\n";
    Tail += "};\n";
  }
  Tail += "static struct hcu_unit_desc hcu_unit = { HCU_ABI_VERSION, " +
          std::to_string(Opts.Version) + ", " + json(FileName).dump() + ", \"" +
          Uid + "\", " + (Order.empty() ? "0" : "hcu_descs") + ", " +
          std::to_string(Order.size()) + ", 0 };\n";
  Tail += "__attribute__((constructor)) static void hcu_unit_register(void) "
          "{ hcu_register_unit(&hcu_unit); }\n";
  R.InsertTextAfter(SM.getLocForEndOfFile(Main), Tail);

  const RewriteBuffer *Buf = R.getRewriteBufferFor(Main);
  Code = Buf ? std::string(Buf->begin(), Buf->end())
             : SM.getBufferData(Main).str();
  Metadata = {{"file", FileName},
              {"uid", Uid},
              {"version", Opts.Version},
              {"patch_mode", Opts.PatchMode},
              {"functions", Functions},
              {"globals", Globals}};
  return true;
}

} // namespace

void Instrumenter::HandleTranslationUnit(ASTContext &Ctx) {
  if (Ctx.getDiagnostics().hasErrorOccurred()) {
    Failed = true;
    return;
  }
  UnitRewriter U(Ctx, Opts);
  if (!U.run(Code, Metadata))
    Failed = true;
}

} // namespace hcu
