//===- FunctionInstrumenterEmit.cpp - the edits to one function -----------===//
//
// The emitting half of FunctionInstrumenter. run() calls these in the order
// the Rewriter needs (Instrumenter.cpp): loop points and call sites (outer
// constructs first), arena returns and declarations, prologue and epilogue,
// token replacements, then the blocks around the definition.
//
//===----------------------------------------------------------------------===//
#include "FunctionInstrumenter.h"
#include "Naming.h"
#include "TypeInfo.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using json = nlohmann::json;

namespace hcu {
namespace {

std::string copyIn(const std::string &Dst, const std::string &Src, bool Raw) {
  if (Raw)
    return "__builtin_memcpy((void *)&" + Dst + ", &" + Src + ", sizeof(" +
           Src + ")); ";
  return Dst + " = " + Src + "; ";
}

} // namespace

// ---- save / restore code ------------------------------------------------

/// Frame-record locals in scope at At (arena locals are saved with the arena).
std::vector<const FunctionInstrumenter::Local *>
FunctionInstrumenter::inScope(SourceLocation At) const {
  std::vector<const Local *> Out;
  for (const Local &L : Locals)
    if (!L.Arena && Nav.before(L.DeclEnd, At) && L.ScopeEnd.isValid() &&
        Nav.before(At, L.ScopeEnd))
      Out.push_back(&L);
  return Out;
}

std::string
FunctionInstrumenter::saveCode(int N, const std::vector<const Local *> &Vars,
                               bool FunctionScope) const {
  std::string S = "{ HCU_SAVE_BEGIN hcu_l = (" + LocalsT + " *)hcu_unwind_frame(&" + Desc +
                  ", " + std::to_string(N) + ", (void **)&hcu_f); ";
  for (const ParmVarDecl *P : FD->parameters())
    S += copyIn("hcu_f->" + P->getName().str(), P->getName().str(),
                needsMemcpy(P->getType()));
  for (const Local *L : Vars)
    S += copyIn("hcu_l->" + L->Field, L->CName, L->IsArray || L->IsConst);
  if (FunctionScope) {
    if (NeedRv)
      S += copyIn("hcu_l->hcu_rv", "hcu_rv", needsMemcpy(RetTy));
    if (HasArena)
      S += "hcu_l->hcu_a = hcu_a; hcu_l->hcu_mark = hcu_mark; ";
  }
  return S + RetZero + " HCU_SAVE_END }";
}

std::string FunctionInstrumenter::restoreCode(
    const std::vector<const Local *> &Vars) const {
  std::string S;
  for (const Local *L : Vars)
    S += copyIn(L->CName, "hcu_l->" + L->Field, L->IsArray || L->IsConst);
  if (NeedRv)
    S += copyIn("hcu_rv", "hcu_l->hcu_rv", needsMemcpy(RetTy));
  if (HasArena)
    S += "hcu_a = hcu_l->hcu_a; hcu_mark = hcu_l->hcu_mark; ";
  return S;
}

/// Where a call starts again when the thread is rebuilt only up to the
/// callee (a partial rebuild: this frame stays and calls the callee's new
/// version, which rebuilds its own frame).
std::string FunctionInstrumenter::againLabel(int N) const {
  return "hcu_again_" + std::to_string(N) + ": ; ";
}

/// The check after call site N: unwind this frame, call again (the frame is
/// below a partial rebuild), or go on.
std::string
FunctionInstrumenter::afterCheck(int N,
                                 const std::vector<const Local *> &Vars) const {
  return "if (HCU_PENDING() && hcu_after_call()) { if (hcu_call_again()) "
         "goto hcu_again_" +
         std::to_string(N) + "; " + saveCode(N, Vars, true) + " }";
}

// ---- structural edits -----------------------------------------------------

/// An update point at the top of each loop body.
void FunctionInstrumenter::emitLoopPoints() {
  for (const LoopPoint &L : Loops) {
    SourceLocation At = SM.getExpansionLoc(L.Body->getBeginLoc());
    std::string N = std::to_string(L.N);
    // A label needs a statement after it before C23: `;` when nothing is
    // restored.
    std::string Restore = restoreCode(inScope(At));
    std::string UP = "if (HCU_PENDING()) { if (hcu_update_point()) " +
                     saveCode(L.N, inScope(At), true) +
                     " } if (0) { hcu_resume_" + N + ": " +
                     (Restore.empty() ? std::string("; ") : Restore) + "} ";
    if (const auto *CS = dyn_cast<CompoundStmt>(L.Body)) {
      R.InsertTextAfter(Nav.afterToken(SM.getExpansionLoc(CS->getLBracLoc())),
                        " " + UP);
    } else {
      R.InsertTextAfter(At, "{ " + UP);
      R.InsertTextBefore(Nav.stmtEnd(L.Body), " }");
    }
  }
}

/// The locals saved at call site S, hosted at HB: those in scope and the one
/// a declaration initializes.
std::vector<const FunctionInstrumenter::Local *>
FunctionInstrumenter::savedAtSite(const CallSite &S, SourceLocation HB) {
  std::vector<const Local *> Vars = inScope(HB);
  // The declared variable itself (arena variables live in the arena block).
  if (S.F == Form::Decl && !Locals[LocalIdx[S.DeclVar]].Arena)
    Vars.push_back(&Locals[LocalIdx[S.DeclVar]]);
  // Shadowed names cannot be saved from inside the inner scope.
  std::set<std::string> Names;
  for (const Local *L : Vars)
    if (L->VD && !Names.insert(L->VD->getName().str()).second)
      Unit.error(HB, "local '" + L->VD->getName().str() +
                         "' is shadowed at this call; rename one of them so "
                         "both can be saved");
  return Vars;
}

void FunctionInstrumenter::emitCallSites() {
  for (const CallSite &S : Sites) {
    std::string N = std::to_string(S.N);
    SourceLocation HB = SM.getExpansionLoc(S.Host->getBeginLoc());
    std::vector<const Local *> Vars = savedAtSite(S, HB);
    std::string Resume = "if (0) { hcu_resume_" + N + ": " + restoreCode(Vars) +
                         "if (hcu_l->hcu_stack_frame_fields.kind == "
                         "HCU_RESUME_AFTER) goto hcu_after_" +
                         N + "; } " + againLabel(S.N);
    std::string After = " hcu_after_" + N + ": " + afterCheck(S.N, Vars);
    SourceLocation End = Nav.stmtEnd(S.Host);
    // A declaration of an arena local is rewritten into `(hcu_a->x) = call;`
    // (emitArenaDecl): it is wrapped like an assignment.
    if (S.F == Form::Decl && !Locals[LocalIdx[S.DeclVar]].Arena) {
      emitDeclSite(S, Vars);
    } else if (S.F == Form::Return) {
      const auto *RS = cast<ReturnStmt>(S.Host);
      bool VoidCall = S.CE->getType()->isVoidType();
      std::string Open =
          "{ " + Resume + (VoidRet || VoidCall ? "" : "hcu_rv = ");
      R.ReplaceText(SM.getExpansionLoc(RS->getReturnLoc()), 6, Open);
      R.InsertTextBefore(End, After + " " + Pop +
                                  (VoidRet ? "return;" : "return hcu_rv;") +
                                  " }");
    } else {
      // After a call to a noreturn function the check runs only when an
      // update unwinds through it; the compiler keeps knowing the rest is
      // unreachable (-Wreturn-type, optimizations).
      const FunctionDecl *C = S.CE->getDirectCallee();
      bool NoRet = C && C->isNoReturn() && !C->isVariadic();
      R.InsertTextAfter(HB, "{ " + Resume);
      R.InsertTextBefore(End, After +
                                  (NoRet ? " __builtin_unreachable(); }" : " }"));
    }
  }
}

/// `T x = g(a);` stays a declaration, so that x keeps its scope (and may be
/// const): `if (0) { resume (others); if AFTER goto I; } T x = g(a);
/// if (0) { I: restore x; } after: check`. Resuming before the declaration
/// runs its initializer, the call, again; jumping past it is legal C.
void FunctionInstrumenter::emitDeclSite(const CallSite &S,
                                        const std::vector<const Local *> &Vars) {
  std::string N = std::to_string(S.N);
  const Local &X = Locals[LocalIdx[S.DeclVar]];
  std::vector<const Local *> Others;
  for (const Local *L : Vars)
    if (L != &X)
      Others.push_back(L);
  R.InsertTextAfter(SM.getExpansionLoc(S.Host->getBeginLoc()),
                    "if (0) { hcu_resume_" + N + ": " + restoreCode(Others) +
                        "if (hcu_l->hcu_stack_frame_fields.kind == "
                        "HCU_RESUME_AFTER) goto hcu_afterinit_" +
                        N + "; } " + againLabel(S.N));
  R.InsertTextBefore(Nav.stmtEnd(S.Host),
                     " if (0) { hcu_afterinit_" + N + ": " +
                         copyIn(X.CName, "hcu_l->" + X.Field, true) + "} " +
                         afterCheck(S.N, Vars));
}

/// Returns that are not call sites pop the arena block.
void FunctionInstrumenter::emitArenaReturns() {
  if (Pop.empty())
    return;
  for (const ReturnStmt *RS : Scan.Returns) {
    bool IsSite = std::any_of(Sites.begin(), Sites.end(),
                              [&](const CallSite &S) { return S.Host == RS; });
    if (IsSite)
      continue;
    if (RS->getBeginLoc().isMacroID()) {
      Unit.error(SM.getExpansionLoc(RS->getBeginLoc()),
                 std::string("return inside a macro expansion in a function "
                             "with ") +
                     (Pinned ? "a pinned frame (" + PinWhy + ")"
                             : "address-taken locals") +
                     " is not supported yet");
      continue;
    }
    SourceLocation RL = SM.getExpansionLoc(RS->getReturnLoc());
    const Expr *E = RS->getRetValue();
    if (E && (VoidRet || E->getType()->isVoidType())) {
      // `return g();` in a void function: g runs before the pop.
      R.ReplaceText(RL, 6, "{ (void)(");
      R.InsertTextBefore(Nav.afterToken(Nav.expansionEnd(E->getEndLoc())),
                         "); " + Pop + "return");
    } else if (E) {
      // A block-local copy, initialized (the type may not be assignable).
      R.ReplaceText(RL, 6, "{ __typeof__(" + RetSpelled + ") hcu_ret = (");
      R.InsertTextBefore(Nav.afterToken(Nav.expansionEnd(E->getEndLoc())),
                         "); " + Pop + "return hcu_ret");
    } else {
      R.ReplaceText(RL, 6, "{ " + Pop + "return");
    }
    R.InsertTextBefore(Nav.afterSemi(RS), " }");
  }
}

void FunctionInstrumenter::emitArenaDecls() {
  for (const Local &L : Locals)
    if (L.Arena)
      emitArenaDecl(L);
}

/// `T x = init;` -> `(hcu_a->x) = init;`.
void FunctionInstrumenter::emitArenaDecl(const Local &L) {
  const DeclStmt *DS = Nav.declStmtOf(L.VD);
  SourceLocation DB = SM.getExpansionLoc(DS->getBeginLoc());
  const Expr *Init = L.VD->getInit();
  if (!Init || L.VD->getInitStyle() != VarDecl::CInit) {
    if (Init) {
      Unit.error(DB, "unsupported initializer for '" + L.Field + "'");
      return;
    }
    SourceLocation DE = Nav.afterToken(Nav.expansionEnd(DS->getEndLoc()));
    ArenaCut.emplace_back(SM.getFileOffset(DB), SM.getFileOffset(DE));
    SourceNav::replaceOriginal(R, CharSourceRange::getCharRange(DB, DE), ";");
    return;
  }
  SourceLocation IB = SM.getExpansionLoc(Init->getBeginLoc());
  SourceLocation IE = Nav.afterToken(Nav.expansionEnd(Init->getEndLoc()));
  ArenaCut.emplace_back(SM.getFileOffset(DB), SM.getFileOffset(IB));
  std::string A = "(hcu_a->" + L.Field + ")";
  const Expr *Plain = Init->IgnoreImplicit();
  CharSourceRange Head = CharSourceRange::getCharRange(DB, IB);
  if (L.IsArray) {
    bool StrLit = isa<StringLiteral>(Plain->IgnoreParens());
    SourceNav::replaceOriginal(R, Head, "__builtin_memcpy(" + A + ", (__typeof__(" + A + "))" +
                            (StrLit ? "{" : ""));
    R.InsertTextBefore(IE,
                       std::string(StrLit ? "}" : "") + ", sizeof(" + A + "))");
  } else if (L.IsConst) {
    // Not assignable (a const member): copy the initialized value in.
    bool List = isa<InitListExpr>(Plain);
    SourceNav::replaceOriginal(R, Head,
                               "do { __typeof__(" + A + ") hcu_i = " +
                                   std::string(List ? "" : "("));
    R.InsertTextBefore(IE, std::string(List ? "" : ")") +
                               "; __builtin_memcpy(&" + A +
                               ", &hcu_i, sizeof(" + A + ")); } while (0)");
  } else if (isa<InitListExpr>(Plain)) {
    SourceNav::replaceOriginal(R, Head, A + " = (__typeof__(" + A + "))");
  } else {
    SourceNav::replaceOriginal(R, Head, A + " = ");
  }
}

/// The prologue rebuilds the frame on resume (and jumps to the point), or
/// offers an update at entry; then pushes the arena block. The epilogue pops
/// it.
void FunctionInstrumenter::emitPrologue() {
  R.InsertTextAfter(prologueLoc(), prologueText());
  std::string Epi = Pop;
  if (IsMain)
    Epi += "return 0; ";
  if (!Epi.empty())
    R.InsertTextBefore(SM.getExpansionLoc(Body->getRBracLoc()), Epi);
}

std::string FunctionInstrumenter::prologueText() const {
  std::string Pro =
      " " + FormalsT + " *hcu_f = 0; " + LocalsT + " *hcu_l = 0; ";
  if (NeedRv)
    Pro += "__typeof__(" + RetSpelled + ") hcu_rv = {0}; ";
  if (HasArena)
    Pro += ArenaT + " *hcu_a; void *hcu_mark; ";
  Pro += "if (HCU_PENDING()) { hcu_l = (" + LocalsT + " *)hcu_rebuild_frame(&" +
         Desc + ", (void **)&hcu_f); if (hcu_l) { ";
  for (const ParmVarDecl *P : FD->parameters())
    Pro += copyIn(P->getName().str(), "hcu_f->" + P->getName().str(),
                  needsMemcpy(P->getType()));
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
      Pro += copyIn("hcu_a->" + P->getName().str(), P->getName().str(), needsMemcpy(P->getType()));
  }
  return Pro;
}

// ---- token replacements ---------------------------------------------------

void FunctionInstrumenter::emitTokenReplacements() {
  auto renameCallee = [&](const CallExpr *CE, const std::string &To) {
    const Expr *Callee = CE->getCallee()->IgnoreParenImpCasts();
    SourceLocation L = Callee->getBeginLoc();
    if (L.isMacroID()) {
      Unit.error(SM.getExpansionLoc(L),
                 "call to '" + CE->getDirectCallee()->getName().str() +
                     "' inside a macro expansion cannot be redirected to "
                     "libhcu's wrapper yet");
      return;
    }
    R.ReplaceText(L, cast<DeclRefExpr>(Callee)->getDecl()->getName().size(), To);
  };
  for (const CallSite &S : Sites)
    if (!S.Replacement.empty())
      renameCallee(S.CE, S.Replacement);
  for (const CallExpr *CE : WrappedCalls)
    renameCallee(CE, "hcu_wrap_" + CE->getDirectCallee()->getName().str());
  emitArenaUses();
  emitStaticUses();
}

/// Every use of an arena variable becomes `(hcu_a->x)`.
void FunctionInstrumenter::emitArenaUses() {
  std::set<const VarDecl *> ArenaVars;
  for (const Local &L : Locals)
    if (L.Arena)
      ArenaVars.insert(L.VD);
  for (const ParmVarDecl *P : ArenaParams)
    ArenaVars.insert(P);
  std::set<unsigned> Done; // a macro argument may be expanded twice
  for (const DeclRefExpr *DR : Scan.Refs) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    if (!VD || !ArenaVars.count(VD))
      continue;
    SourceLocation L = DR->getLocation();
    if (L.isMacroID()) {
      if (!SM.isMacroArgExpansion(L)) {
        Unit.error(SM.getExpansionLoc(L),
                   "'" + VD->getName().str() +
                       "' has its address taken and is used inside a macro "
                       "body; hcu cannot redirect this use yet");
        continue;
      }
      L = SM.getSpellingLoc(L);
    }
    unsigned Off = SM.getFileOffset(L);
    if (std::any_of(ArenaCut.begin(), ArenaCut.end(), [&](const auto &C) {
          return C.first <= Off && Off < C.second;
        }))
      continue; // in a declarator that is gone (`int b[sizeof a];`)
    if (!Done.insert(Off).second)
      continue;
    std::string Field =
        isa<ParmVarDecl>(VD) ? VD->getName().str() : Locals[LocalIdx[VD]].Field;
    R.ReplaceText(L, VD->getName().size(), "(hcu_a->" + Field + ")");
  }
}

// ---- around the definition ------------------------------------------------

/// The members of the frame records and arena block, their descriptor tables
/// and metadata.
void FunctionInstrumenter::buildRecordFields() {
  for (const ParmVarDecl *P : FD->parameters()) {
    if (Pinned)
      break; // never in a record
    std::string Name = P->getName().str();
    std::string T = spellType(P->getType().getUnqualifiedType(), Ctx);
    Formals += "  __typeof__(" + T + ") " + Name + ";\n";
    std::string Lay = layoutSignature(P->getType().getUnqualifiedType(), Ctx);
    JFormals.push_back({{"name", Name}, {"type", T}, {"layout", Lay}});
    FTable += "{\"" + Name + "\", " + json(Lay).dump() +
              ", __builtin_offsetof(" + FormalsT + ", " + Name +
              "), sizeof(((" + FormalsT + " *)0)->" + Name + ")}, ";
  }
  if (Formals.empty())
    Formals = "  char hcu_unused;\n";
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
    addLocalField("hcu_rv", RetSpelled, layoutSignature(RetTy, Ctx),
                  false);
  if (HasArena) {
    addLocalField("hcu_a", "void *", "void*#8", false);
    addLocalField("hcu_mark", "void *", "void*#8", false);
    // The typed pointer is stored through void *; the record field is void *.
    LocalsDecl.replace(LocalsDecl.find("__typeof__(void *) hcu_a;"),
                       std::string("__typeof__(void *) hcu_a;").size(),
                       "void *hcu_a;");
  }
}

void FunctionInstrumenter::addLocalField(const std::string &Field,
                                         const std::string &T,
                                         const std::string &Lay, bool Arena) {
  JLocals.push_back(
      {{"name", Field}, {"type", T}, {"layout", Lay}, {"arena", Arena}});
  if (Arena) {
    ArenaDecl += "  __typeof__(" + T + ") " + Field + ";\n";
    return;
  }
  LocalsDecl += "  __typeof__(" + T + ") " + Field + ";\n";
  LTable += "{\"" + Field + "\", " + json(Lay).dump() +
            ", __builtin_offsetof(" + LocalsT + ", " + Field + "), sizeof(((" +
            LocalsT + " *)0)->" + Field + ")}, ";
  ++NLocals;
}

/// Before the definition: frame record types, slot and impl declarations.
/// The definition itself becomes the static impl.
void FunctionInstrumenter::emitPreBlock() {
  SourceLocation FB = SM.getExpansionLoc(FD->getBeginLoc());
  SourceLocation BodyB = SM.getExpansionLoc(Body->getLBracLoc());
  Header = Lexer::getSourceText(CharSourceRange::getCharRange(FB, BodyB), SM,
                                Ctx.getLangOpts())
               .str();
  std::string Pre = "/* hcu: " + Fn + ", version " + V + " */\n";
  // __typeof__(f) below needs f declared at file scope; the definition may
  // be the first declaration (a call's implicit one is in a block, and so
  // is `float f(), x;` inside another function: neither is visible here).
  bool Declared = false;
  for (const FunctionDecl *D : FD->redecls())
    Declared |= D != FD && !D->isImplicit() && !D->isLocalExternDecl() &&
                Nav.before(SM.getExpansionLoc(D->getLocation()), FB);
  if (!Declared)
    Pre += FD->hasWrittenPrototype()
               ? Header + ";\n"
               : std::string(IsStatic ? "static " : "") + "__typeof__(" +
                     spellType(RetTy, Ctx) + ") " + Fn + "();\n";
  Pre += FormalsT + " {\n" + Formals + "};\n";
  Pre += LocalsT + " {\n" + LocalsDecl +
         "  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;\n};\n";
  if (HasArena)
    Pre += ArenaT + " {\n" + ArenaDecl + "};\n";
  if (Variadic)
    Pre += variadicImplDecl();
  else
    Pre += "static __typeof__(" + fnTypeExpr(FD) + ") " +
           implName(FD, Unit.Opts.Version) + ";\n";
  Pre += slotAndWrapperDecls();
  // The body is renamed: __func__ must still say the function's own name.
  if (Scan.FunctionName)
    for (const char *M : {"__func__", "__FUNCTION__", "__PRETTY_FUNCTION__"})
      Pre += std::string("#define ") + M + " \"" + Fn + "\"\n";
  Pre += noReturnOff();
  Pre += Nav.lineDirectiveAt(FB);
  if (SM.getPresumedColumnNumber(FB) != 1)
    Pre = "\n" + Pre;
  R.InsertTextBefore(FB, Pre);
  std::string On = noReturnOn();
  if (!On.empty())
    R.InsertTextBefore(Nav.afterToken(BodyB),
                       On + Nav.lineDirectiveAt(BodyB));
  if (!IsStatic) {
    // `extern inline f(...)` becomes `static inline f__hcu_vN(...)`.
    SourceLocation Extern;
    Token Tok;
    for (SourceLocation L = FB; Nav.before(L, FnLoc) && Extern.isInvalid();) {
      if (Lexer::getRawToken(L, Tok, SM, Ctx.getLangOpts(), true))
        break;
      if (Tok.is(tok::raw_identifier) && Tok.getRawIdentifier() == "extern")
        Extern = Tok.getLocation();
      L = Tok.getEndLoc();
    }
    if (Extern.isValid())
      R.ReplaceText(Extern, 6, "static");
    else if (FD->getStorageClass() != SC_Extern)
      R.InsertTextAfter(FB, "static ");
    // else `extern` comes from a macro (`#define API extern`): the body keeps
    // it, and is internal all the same, `extern` after the static declaration
    // above taking its linkage from it (C11 6.2.2p4).

  }
  // The body becomes static: a weak attribute written on the definition
  // stays with the entry only (`static` and `weak` do not mix).
  for (const Attr *A : FD->attrs()) {
    SourceLocation L = A->getLocation();
    if (isa<WeakAttr>(A) && L.isFileID() && Nav.before(FB, L) &&
        Nav.before(L, BodyB))
      R.ReplaceText(L, Lexer::MeasureTokenLength(L, SM, Ctx.getLangOpts()),
                    "unused");
  }
  // The name as written: a macro that expands to it is replaced whole.
  R.ReplaceText(FnLoc, Lexer::MeasureTokenLength(FnLoc, SM, Ctx.getLangOpts()),
                implName(FD, Unit.Opts.Version));
}

/// Declarations, once per unit, of this function's slot, of the slots of
/// functions defined later in the file that this body calls, and of the
/// wrappers it calls.
std::string FunctionInstrumenter::slotAndWrapperDecls() {
  std::string Out;
  auto declareSlot = [&](const FunctionDecl *F) {
    // A variadic function's slot has its body's type (va_list by pointer).
    std::string T = F == FD && Variadic ? implName(FD, Unit.Opts.Version)
                                        : fnTypeExpr(F);
    if (Unit.SlotsDeclared.insert(F->getName().str()).second)
      Out += "extern __typeof__(" + T + ") *" + slotName(F) +
             slotAsm(F, Unit.Uid) + ";\n";
  };
  declareSlot(FD);
  for (const CallSite &S : Sites)
    if (const FunctionDecl *C = S.CE->getDirectCallee())
      if (S.Replacement == slotName(C))
        declareSlot(C);
  auto declareWrapper = [&](const CallExpr *CE) {
    std::string Name = CE->getDirectCallee()->getName().str();
    if (Unit.WrappersDeclared.insert("hcu_wrap_" + Name).second)
      Out += "extern __typeof__(" + Name + ") hcu_wrap_" + Name + ";\n";
  };
  for (const CallSite &S : Sites)
    if (S.Replacement.rfind("hcu_wrap_", 0) == 0)
      declareWrapper(S.CE);
  for (const CallExpr *CE : WrappedCalls)
    declareWrapper(CE);
  return Out;
}

/// After the definition: the slot, the entry that calls through it, and the
/// descriptor tables (kept for the unit's tail).
void FunctionInstrumenter::emitPostBlock() {
  std::string Params;
  for (const ParmVarDecl *P : FD->parameters())
    Params += (Params.empty() ? "" : ", ") + P->getName().str();
  std::string Impl = implName(FD, Unit.Opts.Version);
  std::string Post = "\n";
  if (Scan.FunctionName)
    Post += "#undef __func__\n#undef __FUNCTION__\n#undef __PRETTY_FUNCTION__\n";
  Post += "__typeof__(" + (Variadic ? Impl : fnTypeExpr(FD)) + ") *" +
                     slotName(FD) + slotAsm(FD, Unit.Uid) + " = " + Impl +
                     ";\n";
  if (Variadic) {
    Post += Header + variadicEntry();
  } else if (IsMain) {
    Post += Header +
            "{\n  int hcu_r;\n  for (;;) {\n    hcu_r = " + slotName(FD) + "(" +
            Params +
            ");\n    if (!hcu_thread_unwound())\n      return hcu_r;\n"
            "    hcu_thread_quiesced();\n  }\n}\n";
  } else if (FD->isNoReturn()) {
    // The entry of a noreturn function (reached through a pointer, or from
    // code hcu did not build) cannot return into its caller when an update
    // unwinds the body: it pins the thread instead (docs/design.md,
    // "Pinned functions"). Calls through the slot are not affected.
    Post += Header + "{ if (__builtin_expect(hcu_self == 0, 0)) " +
            "(void)hcu_foreign_enter(&hcu_descs[" +
            std::to_string(Unit.DescIndex[FD]) + "]); hcu_pin_depth++; " +
            slotName(FD) + "(" + Params + "); __builtin_unreachable(); }\n";
  } else {
    // A thread libhcu did not start (hcu_self is 0), e.g. a library's
    // calling back: for the call's duration it is registered and this
    // entry is its outermost frame, like a thread's start routine.
    std::string Call = slotName(FD) + "(" + Params + ")";
    Post += Header + "{ if (__builtin_expect(hcu_self == 0, 0) && " +
            "hcu_foreign_enter(&hcu_descs[" +
            std::to_string(Unit.DescIndex[FD]) + "])) for (;;) { " +
            (VoidRet ? Call + "; if (!hcu_foreign_again()) return; } "
                     : "__typeof__(" + RetSpelled + ") hcu_r = " + Call +
                           "; if (!hcu_foreign_again()) return hcu_r; } ") +
            (VoidRet ? "" : "return ") + Call + "; }\n";
  }
  std::string Sfx = std::to_string(Unit.DescIndex[FD]);
  Unit.DescTables += "static const struct hcu_var_desc hcu_formals_" + Sfx +
                     "[] = { " + FTable + "{0, 0, 0, 0} };\n";
  Unit.DescTables += "static const struct hcu_var_desc hcu_locals_" + Sfx +
                     "[] = { " + LTable + "{0, 0, 0, 0} };\n";
  Unit.DescTables += "static const struct hcu_cp_desc hcu_cps_" + Sfx +
                     "[] = { " + CpTable + "{0, 0, 0} };\n";
  Unit.DescInits.push_back(descriptorInit());
  Post += Nav.lineDirectiveAt(Body->getRBracLoc());
  R.InsertTextAfter(Nav.afterToken(SM.getExpansionLoc(Body->getRBracLoc())),
                    Post);
}

/// This function's hcu_descs[] initializer.
std::string FunctionInstrumenter::descriptorInit() const {
  std::string Sfx = std::to_string(Unit.DescIndex.at(FD));
  std::string Impl = implName(FD, Unit.Opts.Version);
  // A C99 `inline` definition (GNU89: `extern inline`) defines no symbol:
  // f may be defined in another file, or nowhere if every call is inlined
  // (GCC torture stdarg-4). Its entry is then not known here.
  bool InlineOnly = !IsStatic && FD->isInlined() &&
                    !FD->isInlineDefinitionExternallyVisible();
  return "{\"" + Fn + "\", \"" + keyOf(FD, IsStatic, Unit.UnitName) +
         "\", (void **)&" + slotName(FD) + ", (void *)" + Impl + ", " +
         (IsMain ? "HCU_FN_THREAD_ENTRY" : "0") +
         (IsStatic ? " | HCU_FN_STATIC" : "") + ", sizeof(" + FormalsT +
         "), sizeof(" + LocalsT + "), __builtin_offsetof(" + LocalsT +
         ", hcu_stack_frame_fields), hcu_formals_" + Sfx + ", " +
         std::to_string(Pinned ? 0 : FD->getNumParams()) + ", hcu_locals_" +
         Sfx + ", " +
         std::to_string(NLocals) + ", hcu_cps_" + Sfx + ", " +
         std::to_string(Points.size() + 1) + ", " + json(ArenaLayout).dump() +
         ", " + (InlineOnly ? "0" : "(void *)" + Fn) + "}";
}

void FunctionInstrumenter::addMetadata() {
  Unit.Functions.push_back({{"name", Fn},
                            {"key", keyOf(FD, IsStatic, Unit.UnitName)},
                            {"static", IsStatic},
                            {"thread_entry", IsMain},
                            {"impl", implName(FD, Unit.Opts.Version)},
                            {"line", Nav.line(FnLoc)},
                            {"signature", layoutSignature(FD->getType(), Ctx)},
                            {"formals", JFormals},
                            {"locals", JLocals},
                            {"continuation_points", Cps}});
  if (Pinned)
    Unit.Functions.back()["pinned"] = PinWhy;
}


// ---- noreturn functions ---------------------------------------------------
// An update unwinds a frame by returning from it, so the body of a noreturn
// function, its slot and the calls through the slot must not be noreturn:
// callers would drop the check after the call, and the return would be
// undefined. Only the stable entry, what other code sees, stays noreturn.

std::string FunctionInstrumenter::fnTypeExpr(const FunctionDecl *F) const {
  if (!F->isNoReturn() || F->isVariadic())
    return F->getName().str();
  QualType T = F->getType();
  if (const auto *FT = T->getAs<FunctionType>())
    T = QualType(Ctx.adjustFunctionType(FT, FT->getExtInfo().withNoReturn(false)),
                 0);
  return spellType(T, Ctx);
}

std::string FunctionInstrumenter::noReturnOff() const {
  if (!FD->isNoReturn() || Variadic)
    return "";
  return "#pragma push_macro(\"noreturn\")\n#pragma push_macro(\"__noreturn__\")\n"
         "#pragma push_macro(\"_Noreturn\")\n"
         "#ifdef noreturn\n#undef noreturn\n#define noreturn\n#else\n"
         "#define noreturn __cold__\n#endif\n"
         "#undef __noreturn__\n#define __noreturn__ __cold__\n"
         "#undef _Noreturn\n#define _Noreturn\n";
}

std::string FunctionInstrumenter::noReturnOn() const {
  if (!FD->isNoReturn() || Variadic)
    return "";
  return "\n#pragma pop_macro(\"_Noreturn\")\n#pragma pop_macro(\"__noreturn__\")\n"
         "#pragma pop_macro(\"noreturn\")\n";
}

} // namespace hcu
