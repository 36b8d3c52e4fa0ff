//===- FunctionInstrumenterPinned.cpp - functions that stay put ----------===//
//
// Some frames cannot be saved into a record and rebuilt elsewhere: a variadic
// function's va_list points into its caller's argument area, a jmp_buf holds
// the stack pointer of the frame that called setjmp, alloca'd memory and VLAs
// live in the C frame, and a local whose type is declared inside the function
// has no type a record could name. Such a function is *pinned*: it keeps its
// slot and entry (so a patch can replace it for later calls) but gets no
// continuation point, and while it is active the thread does not unwind
// (hcu_pin_depth, hcu_rt.h): an update waits until it has returned.
//
// A variadic function's body takes the entry's va_list by pointer, so that
// the slot has a type C can call: `va_start(ap, last)` in the body becomes
// `__builtin_va_copy(ap, *hcu_vap)`.
//
// A longjmp may skip the returns that lower the depth and pop arena blocks,
// so each setjmp site, after it returns, restores the depth and arena top
// that its (pinned) function saved at entry.
//
//===----------------------------------------------------------------------===//
#include "CallKinds.h"
#include "FunctionInstrumenter.h"
#include "Naming.h"
#include "TypeInfo.h"

#include "clang/Lex/Lexer.h"

using namespace clang;

namespace hcu {

/// Why this function must be pinned, or "" if it need not be.
std::string FunctionInstrumenter::pinReason() {
  std::string Why;
  for (const CallExpr *CE : Scan.Calls) {
    if (classifyCall(CE, SM) != CallKind::Pinning || isUnevaluated(CE, Ctx))
      continue;
    std::string Name = CE->getDirectCallee()->getName().str();
    if (isSetjmpName(Name))
      SetjmpCalls.push_back(CE);
    if (Why.empty())
      Why = "it calls '" + Name + "'";
  }
  if (FD->isVariadic())
    return "it is variadic";
  if (Scan.LabelAddress)
    return "it takes the address of a label (computed goto)";
  if (!Why.empty())
    return Why;
  for (const VarDecl *VD : Scan.Vars) {
    if (VD->isStaticLocal() || VD->hasExternalStorage())
      continue;
    if (VD->getType()->isVariablyModifiedType())
      return "'" + VD->getName().str() + "' is a variable-length array";
    std::string TypeWhy;
    if (!isSpellableAtFileScope(VD->getType(), TypeWhy))
      return "local '" + VD->getName().str() + "' has a type no record can "
             "name (" + TypeWhy + ")";
  }
  for (const ParmVarDecl *P : FD->parameters()) {
    std::string TypeWhy;
    if (P->getType()->isVariablyModifiedType() ||
        !isSpellableAtFileScope(P->getType(), TypeWhy))
      return "parameter '" + P->getName().str() + "' has a type no record "
             "can name";
  }
  return "";
}

void FunctionInstrumenter::runPinned(const std::string &Why) {
  Pinned = true;
  PinWhy = Why;
  Variadic = FD->isVariadic();
  if (Variadic && FD->param_empty()) {
    Unit.error(FnLoc, "variadic function '" + Fn +
                          "' has no named parameter; hcu needs one for "
                          "va_start");
    return;
  }
  if (Variadic)
    Ellipsis = findEllipsis();
  if (Variadic && Ellipsis.isInvalid()) {
    Unit.error(FnLoc, "the '...' of variadic function '" + Fn +
                          "' comes from a macro expansion; hcu cannot rewrite "
                          "it");
    return;
  }
  for (const CallExpr *CE : Scan.Calls) {
    if (isUnevaluated(CE, Ctx))
      continue;
    CallKind K = classifyCall(CE, SM);
    // Wrappers keep their bookkeeping (held mutexes, threads); a pinned
    // thread is never asked to unwind, so a blocking wrapper just waits.
    if (K == CallKind::Wrapped || K == CallKind::Blocking)
      WrappedCalls.push_back(CE);
    if (const FunctionDecl *C = CE->getDirectCallee())
      if (Variadic && (C->getName() == "__builtin_va_start" ||
                       C->getName() == "__builtin_c23_va_start"))
        VaStarts.push_back(CE);
  }
  if (Unit.Failed)
    return;
  Pop = "hcu_pin_depth--; ";
  emitArenaReturns();
  emitSetjmpSites();
  emitVaStarts();
  std::string Pro = SetjmpCalls.empty()
                        ? " hcu_pin_depth++; "
                        : " char *const hcu_jtop = hcu_arena_top; const int "
                          "hcu_jdepth = ++hcu_pin_depth; ";
  if (Variadic && VaStarts.empty())
    Pro += "(void)hcu_vap; "; // -Wunused-parameter
  R.InsertTextAfter(prologueLoc(), Pro);
  R.InsertTextBefore(SM.getExpansionLoc(Body->getRBracLoc()),
                     Pop + (IsMain ? "return 0; " : ""));
  CpTable = "{0, HCU_CP_ENTRY, \"entry\"}, ";
  emitTokenReplacements();
  emitStatics();
  buildRecordFields();
  emitPreBlock();
  if (Variadic) {
    R.ReplaceText(Ellipsis, 3,
                  "__builtin_va_list *hcu_vap");
    emitFormatAttrs();
  }
  emitPostBlock();
  addMetadata();
}

/// Where the prologue goes: after the `{`, and after GNU `__label__`
/// declarations, which must come first in their block.
SourceLocation FunctionInstrumenter::prologueLoc() const {
  SourceLocation At = Nav.afterToken(SM.getExpansionLoc(Body->getLBracLoc()));
  for (const Stmt *S : Body->body()) {
    const auto *DS = dyn_cast<DeclStmt>(S);
    if (!DS || !std::all_of(DS->decl_begin(), DS->decl_end(),
                            [](const Decl *D) { return isa<LabelDecl>(D); }))
      break;
    At = Nav.stmtEnd(DS);
  }
  return At;
}

/// The `...` of this definition's parameter list, or an invalid location
/// if it is not written in the file (FunctionDecl::getEllipsisLoc comes from
/// the type, which every function of the same type shares).
SourceLocation FunctionInstrumenter::findEllipsis() const {
  FunctionTypeLoc FTL = FD->getFunctionTypeLoc();
  if (!FTL || FD->param_empty())
    return SourceLocation();
  SourceLocation RP = FTL.getRParenLoc();
  SourceLocation L = FD->parameters().back()->getEndLoc();
  if (RP.isMacroID() || L.isMacroID())
    return SourceLocation();
  L = Nav.afterToken(L);
  Token Tok;
  while (Nav.before(L, RP)) {
    if (Lexer::getRawToken(L, Tok, SM, Ctx.getLangOpts(), true))
      return SourceLocation();
    if (Tok.is(tok::ellipsis))
      return Tok.getLocation();
    L = Tok.getEndLoc();
  }
  return SourceLocation();
}

/// The file range of the call CE as written: a call that a system macro
/// produced (glibc's `setjmp(env)` is `_setjmp(env)`) is the macro's
/// invocation, which may itself be spelled in a macro of the main file.
bool FunctionInstrumenter::fileRangeOfCall(const CallExpr *CE,
                                           SourceLocation &B,
                                           SourceLocation &E) {
  B = CE->getBeginLoc();
  E = CE->getEndLoc();
  if (B.isMacroID() && SM.isInSystemMacro(B)) {
    CharSourceRange X = SM.getImmediateExpansionRange(B);
    B = X.getBegin();
    E = X.getEnd();
  }
  B = SM.getSpellingLoc(B);
  E = SM.getSpellingLoc(E);
  return SM.isInMainFile(B) && SM.getFileID(B) == SM.getFileID(E) &&
         !Nav.before(E, B);
}

/// `setjmp(env)` -> `({ int hcu_sj = setjmp(env); <restore>; hcu_sj; })`:
/// after a longjmp, the depth and arena top are this function's again.
void FunctionInstrumenter::emitSetjmpSites() {
  for (const CallExpr *CE : SetjmpCalls) {
    SourceLocation B, E;
    if (!fileRangeOfCall(CE, B, E)) {
      Unit.error(SM.getExpansionLoc(CE->getBeginLoc()),
                 "cannot find where this call of '" +
                     CE->getDirectCallee()->getName().str() +
                     "' is written; call setjmp directly or through a macro "
                     "of this file");
      continue;
    }
    if (!Unit.SetjmpsRewritten.insert(SM.getFileOffset(B)).second)
      continue; // the same macro body, expanded again
    CharSourceRange CR = CharSourceRange::getTokenRange(B, E);
    std::string Text = Lexer::getSourceText(CR, SM, Ctx.getLangOpts()).str();
    SourceNav::replaceOriginal(
        R, CR,
        "({ int hcu_sj = " + Text +
            "; hcu_pin_depth = hcu_jdepth; hcu_arena_top = hcu_jtop; hcu_sj; "
            "})");
  }
}

/// `va_start(ap, last)` -> `__builtin_va_copy(ap, *hcu_vap)`.
void FunctionInstrumenter::emitVaStarts() {
  for (const CallExpr *CE : VaStarts) {
    SourceLocation B, E;
    const Expr *Ap = CE->getArg(0)->IgnoreImpCasts();
    CharSourceRange ApR = CharSourceRange::getTokenRange(
        SM.getSpellingLoc(Ap->getBeginLoc()), SM.getSpellingLoc(Ap->getEndLoc()));
    std::string ApText =
        Lexer::getSourceText(ApR, SM, Ctx.getLangOpts()).str();
    if (!fileRangeOfCall(CE, B, E) || ApText.empty()) {
      Unit.error(SM.getExpansionLoc(CE->getBeginLoc()),
                 "cannot rewrite this va_start of variadic function '" + Fn +
                     "'; call va_start directly in the function");
      continue;
    }
    SourceNav::replaceOriginal(R, CharSourceRange::getTokenRange(B, E),
                               "__builtin_va_copy(" + ApText + ", *hcu_vap)");
  }
}

/// The body of a variadic function takes a va_list pointer instead of
/// `...`: `format(printf, 1, 2)` on its header becomes `format(printf, 1,
/// 0)`, gcc's form for a function that gets its arguments as a va_list.
void FunctionInstrumenter::emitFormatAttrs() {
  SourceLocation FB = SM.getExpansionLoc(FD->getBeginLoc());
  for (const FormatAttr *A : FD->specific_attrs<FormatAttr>()) {
    SourceLocation L = A->getLocation();
    if (A->isInherited() || L.isMacroID() || Nav.before(L, FB) ||
        !Nav.before(L, FnLoc))
      continue; // not written on this header, or spelled by a macro
    Token Tok;
    int Depth = 0, Commas = 0;
    while (!Lexer::getRawToken(L, Tok, SM, Ctx.getLangOpts(), true)) {
      if (Tok.is(tok::l_paren))
        ++Depth;
      else if (Tok.is(tok::r_paren) && --Depth <= 0)
        break;
      else if (Tok.is(tok::comma) && Depth == 1)
        ++Commas;
      else if (Commas == 2 && Depth == 1) {
        R.ReplaceText(Tok.getLocation(), Tok.getLength(), "0");
        break;
      }
      L = Tok.getEndLoc();
      while (isWhitespace(*SM.getCharacterData(L)))
        L = L.getLocWithOffset(1);
    }
  }
}

/// `static T f__hcu_vN(<named parameters>, __builtin_va_list *hcu_vap);`
std::string FunctionInstrumenter::variadicImplDecl() const {
  std::string D = "static __typeof__(" + RetSpelled + ") " +
                  implName(FD, Unit.Opts.Version) + "(";
  // An array parameter (`va_list ap`, `int a[4]`) is declared as written:
  // gcc's -Warray-parameter tells a pointer from an array here.
  for (const ParmVarDecl *P : FD->parameters()) {
    QualType T = P->getOriginalType();
    if (!T->isConstantArrayType() && !T->isIncompleteArrayType())
      T = P->getType();
    D += "__typeof__(" + spellType(T, Ctx) + ") " + P->getName().str() + ", ";
  }
  return D + "__builtin_va_list *hcu_vap);\n";
}

/// The entry of a variadic function starts the va_list and hands it to the
/// current version by pointer.
std::string FunctionInstrumenter::variadicEntry() const {
  std::string Args;
  for (const ParmVarDecl *P : FD->parameters())
    Args += P->getName().str() + ", ";
  std::string Call = slotName(FD) + "(" + Args + "&hcu_va)";
  std::string Last = FD->parameters().back()->getName().str();
  std::string E = "{ __builtin_va_list hcu_va; __builtin_va_start(hcu_va, " +
                  Last + "); ";
  if (VoidRet)
    return E + Call + "; __builtin_va_end(hcu_va); }\n";
  return E + "__typeof__(" + RetSpelled + ") hcu_r = " + Call +
         "; __builtin_va_end(hcu_va); return hcu_r; }\n";
}

} // namespace hcu
