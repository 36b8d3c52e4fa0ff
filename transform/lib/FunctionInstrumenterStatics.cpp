//===- FunctionInstrumenterStatics.cpp - static locals, program-wide ------===//
//
// A static local whose value can change (the function writes it, or takes
// its address) must keep that value across an update, so it gets storage a
// patch can bind to, like a file-scope static (docs/design.md, "Static
// locals"): its declaration moves to file scope just before the function,
// without `static`, its name replaced by a program-wide symbol
// (hcu_sl__<uid>__<function>__<name>), and every use in the body names that
// symbol, which no inner declaration can shadow. Its key is
// file.c/function#name. A patch binds to the base's symbol when the layout
// is the same, and gets new storage (<symbol>_v<N>) otherwise.
//
// A static local that is const, or that the function only reads, holds its
// initial value forever: it stays where it is, and every version has its own
// copy with its own initial value (a changed table takes effect at once).
//
// The declaration's text is copied, so it must mean the same at file scope:
// no type, enumerator, variable or macro of the function in it, no
// __func__. What cannot move stays in place; in a patch, that is an error
// for a static local whose value would be lost.
//
//===----------------------------------------------------------------------===//
#include "FunctionInstrumenter.h"
#include "Naming.h"
#include "TypeInfo.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using json = nlohmann::json;

namespace hcu {
namespace {

/// What a static local's declaration refers to that file scope cannot see.
class LocalRefs : public RecursiveASTVisitor<LocalRefs> {
public:
  LocalRefs(const SourceManager &SM, const FunctionDecl *Fn,
            SourceLocation FnBegin, SourceLocation DeclBegin)
      : SM(SM), Fn(Fn), FnBegin(FnBegin), DeclBegin(DeclBegin) {}

  std::string Why;
  std::set<const VarDecl *> Statics; // static locals of the function it names

  bool VisitDeclRefExpr(DeclRefExpr *E) {
    const ValueDecl *D = E->getDecl();
    if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->isStaticLocal())
      Statics.insert(VD);
    else if (D->getParentFunctionOrMethod() || !declaredBefore(D))
      fail("it refers to '" + D->getName().str() +
           "', declared in the function");
    return true;
  }
  /// Whether a file-scope declaration of D comes before the function (a
  /// block-scope `extern` or function declaration does not count; the
  /// function itself is declared by its pre-block).
  bool declaredBefore(const ValueDecl *D) const {
    if (!isa<FunctionDecl>(D) && !isa<VarDecl>(D))
      return true;
    if (D->getCanonicalDecl() == Fn->getCanonicalDecl())
      return true;
    for (const Decl *R : D->redecls())
      if (!R->isLocalExternDecl() && !R->isImplicit() &&
          SM.isBeforeInTranslationUnit(SM.getExpansionLoc(R->getLocation()),
                                       FnBegin))
        return true;
    return false;
  }
  bool VisitTagTypeLoc(TagTypeLoc TL) {
    if (TL.getDecl()->getParentFunctionOrMethod())
      fail("its type uses '" + TL.getDecl()->getKindName().str() + " " +
           TL.getDecl()->getName().str() + "', declared in the function");
    return true;
  }
  bool VisitTypedefTypeLoc(TypedefTypeLoc TL) {
    if (TL.getTypedefNameDecl()->getParentFunctionOrMethod())
      fail("its type uses '" + TL.getTypedefNameDecl()->getName().str() +
           "', declared in the function");
    return true;
  }
  bool VisitPredefinedExpr(PredefinedExpr *) {
    fail("its initializer uses __func__");
    return true;
  }
  bool VisitAddrLabelExpr(AddrLabelExpr *) {
    fail("its initializer takes the address of a label");
    return true;
  }
  bool VisitStmt(Stmt *S) {
    macroDefinedInFunction(S->getBeginLoc());
    return true;
  }
  bool VisitTypeLoc(TypeLoc TL) {
    macroDefinedInFunction(TL.getBeginLoc());
    return true;
  }

private:
  const SourceManager &SM;
  const FunctionDecl *Fn;
  SourceLocation FnBegin, DeclBegin;

  void fail(const std::string &W) {
    if (Why.empty())
      Why = W;
  }
  /// A token spelled in a #define between the function's start and the
  /// declaration would not be defined (or mean the same) before the function.
  void macroDefinedInFunction(SourceLocation L) {
    if (!L.isMacroID())
      return;
    SourceLocation Sp = SM.getSpellingLoc(L);
    if (SM.isInMainFile(Sp) && SM.isBeforeInTranslationUnit(FnBegin, Sp) &&
        SM.isBeforeInTranslationUnit(Sp, DeclBegin))
      fail("its declaration uses a macro defined inside the function");
  }
};

bool isConstObject(const VarDecl *VD, const ASTContext &Ctx) {
  return Ctx.getBaseElementType(VD->getType()).isConstQualified();
}

} // namespace

/// Whether VD's value can differ from its initial value (so a patch must
/// share it), or the running program already shares it.
bool FunctionInstrumenter::wantsSharing(const VarDecl *VD) const {
  if (isConstObject(VD, Ctx))
    return false;
  if (!isOnlyRead(VD))
    return true;
  return Unit.BaseGlobals.contains(staticLocalKey(VD, Unit.UnitName));
}

/// The `static` token of DS, written before its first name; invalid if it
/// is not there (it comes from a macro).
SourceLocation FunctionInstrumenter::staticKeyword(const DeclStmt *DS) const {
  return Nav.findWord(DS->getBeginLoc(), (*DS->decl_begin())->getLocation(),
                      "static");
}

/// Why DS cannot move to file scope, or "". Needs gets the declarations of
/// the other static locals its text names.
std::string
FunctionInstrumenter::hoistWhy(const DeclStmt *DS,
                               std::set<const DeclStmt *> &Needs) const {
  SourceLocation DB = DS->getBeginLoc(), DE = DS->getEndLoc();
  if (DB.isMacroID())
    return "its declaration starts with a macro, which may hold its "
           "'static'";
  if (DE.isMacroID())
    return "its declaration ends inside a macro expansion";
  if (!isa_and_nonnull<CompoundStmt>(Nav.parentStmt(DS)))
    return "its declaration is not a statement of a block";
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !VD->isStaticLocal())
      return "its declaration also declares a type";
    if (VD->getLocation().isMacroID())
      return "its name comes from a macro expansion";
    if (VD->hasAttr<AsmLabelAttr>())
      return "it has an asm label";
    LocalRefs LR(SM, FD, SM.getExpansionLoc(FD->getBeginLoc()), DB);
    LR.TraverseDecl(const_cast<VarDecl *>(VD));
    if (!LR.Why.empty())
      return LR.Why;
    for (const VarDecl *S : LR.Statics)
      if (const DeclStmt *O = Nav.declStmtOf(S); O && O != DS)
        Needs.insert(O);
  }
  // `static` must be a token of the file, so that it can be dropped.
  if (staticKeyword(DS).isInvalid())
    return "its 'static' comes from a macro";
  // Every use must be renamed where it is written in the body: none may
  // come from a macro's own body.
  SourceLocation BodyB = SM.getExpansionLoc(Body->getLBracLoc());
  SourceLocation BodyE = SM.getExpansionLoc(Body->getRBracLoc());
  for (const DeclRefExpr *DR : Scan.Refs) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    SourceLocation L = DR->getLocation();
    if (!VD || Nav.declStmtOf(VD) != DS || !L.isMacroID())
      continue;
    SourceLocation Sp = SM.getSpellingLoc(L);
    if (!SM.isMacroArgExpansion(L) || !SM.isInMainFile(Sp) ||
        !Nav.before(BodyB, Sp) || !Nav.before(Sp, BodyE))
      return "it is used inside the body of a macro";
  }
  return "";
}

/// Decides which static locals move to file scope and their symbols; false
/// after an error (a patch would lose a value).
bool FunctionInstrumenter::planStatics() {
  // Declarations of static locals, in source order.
  std::vector<const DeclStmt *> Decls;
  std::set<const DeclStmt *> Wanted;
  for (const VarDecl *VD : Scan.Vars) {
    if (!VD->isStaticLocal())
      continue;
    const DeclStmt *DS = Nav.declStmtOf(VD);
    if (!DS)
      continue;
    if (std::find(Decls.begin(), Decls.end(), DS) == Decls.end())
      Decls.push_back(DS);
    if (wantsSharing(VD))
      Wanted.insert(DS);
  }
  if (Wanted.empty())
    return true;
  // What a moved declaration names moves too; what cannot move keeps those
  // that name it in place.
  std::map<const DeclStmt *, std::string> Why;
  std::map<const DeclStmt *, std::set<const DeclStmt *>> Needs;
  for (bool Again = true; Again;) {
    Again = false;
    for (const DeclStmt *DS : Decls) {
      if (!Wanted.count(DS) || Why.count(DS))
        continue;
      if (!Needs.count(DS)) {
        std::string W = hoistWhy(DS, Needs[DS]);
        if (!W.empty()) {
          Why[DS] = W;
          Again = true;
          continue;
        }
      }
      for (const DeclStmt *N : Needs[DS]) {
        Again |= Wanted.insert(N).second;
        if (Why.count(N)) {
          const auto *NV = cast<VarDecl>(*N->decl_begin());
          Why[DS] = "its initializer names static local '" +
                    NV->getName().str() + "', which cannot move (" + Why[N] +
                    ")";
          Again = true;
          break;
        }
      }
    }
  }
  bool OK = true;
  for (const DeclStmt *DS : Decls) {
    if (!Wanted.count(DS))
      continue;
    for (const Decl *D : DS->decls()) {
      const auto *VD = cast<VarDecl>(D);
      std::string Name = VD->getName().str();
      SourceLocation Loc = SM.getExpansionLoc(VD->getLocation());
      if (Why.count(DS)) {
        if (Unit.Opts.PatchMode && wantsSharing(VD)) {
          Unit.error(Loc, "static local '" + Name + "' in '" + Fn +
                              "' cannot get program-wide storage (" +
                              Why[DS] +
                              "), so its value would not carry over to the "
                              "patch; move it to file scope");
          OK = false;
        }
        continue;
      }
      std::string Key = staticLocalKey(VD, Unit.UnitName);
      std::string Layout = layoutSignature(VD->getType(), Ctx);
      bool Changed = false;
      std::string Sym = Unit.bindStorage(
          Key, Layout, staticLocalSymbol(VD, Unit.Uid), Changed);
      if (Changed && VD->getTLSKind() != VarDecl::TLS_None) {
        Unit.error(Loc, "thread-local static local '" + Name + "' in '" + Fn +
                            "' changed its layout; a datatype transformer "
                            "could only convert the copy of one thread");
        OK = false;
      }
      StaticSym[VD] = Sym;
      Unit.StaticLocals.push_back({{"name", Name},
                                   {"key", Key},
                                   {"static", true},
                                   {"function", Fn},
                                   {"type", spellType(VD->getType(), Ctx)},
                                   {"layout", Layout},
                                   {"symbol", Sym},
                                   {"changed", Changed},
                                   {"line", Nav.line(VD->getLocation())}});
    }
    if (!Why.count(DS)) {
      HoistedDecls.push_back(DS);
      StaticCut.emplace_back(SM.getFileOffset(DS->getBeginLoc()),
                             SM.getFileOffset(Nav.stmtEnd(DS)));
    }
  }
  return OK;
}

/// DS as a file-scope definition: `static` dropped, names replaced by the
/// symbols (also in initializers that name another moved static local).
std::string FunctionInstrumenter::hoistedText(const DeclStmt *DS) const {
  SourceLocation DB = DS->getBeginLoc();
  SourceLocation DE = Nav.stmtEnd(DS);
  unsigned Base = SM.getFileOffset(DB), End = SM.getFileOffset(DE);
  std::map<unsigned, std::pair<unsigned, std::string>> Edits; // off -> len, to
  for (const Decl *D : DS->decls()) {
    const auto *VD = cast<VarDecl>(D);
    Edits[SM.getFileOffset(VD->getLocation())] = {VD->getName().size(),
                                                  StaticSym.at(VD)};
  }
  for (const auto &[Off, Use] : staticUses())
    if (Base <= Off && Off < End)
      Edits[Off] = {Use.second->getName().size(), StaticSym.at(Use.second)};
  Edits[SM.getFileOffset(staticKeyword(DS))] = {6, ""};
  std::string Text =
      SM.getBufferData(SM.getMainFileID()).substr(Base, End - Base).str();
  for (auto It = Edits.rbegin(); It != Edits.rend(); ++It)
    Text.replace(It->first - Base, It->second.first, It->second.second);
  return Nav.lineDirectiveAt(DB) + Text + "\n";
}

/// Moves the planned declarations before the function. Called before
/// emitPreBlock, whose text then comes first (both insert before the
/// definition).
void FunctionInstrumenter::emitStatics() {
  if (HoistedDecls.empty())
    return;
  SourceLocation FB = SM.getExpansionLoc(FD->getBeginLoc());
  std::string Text = "/* hcu: static locals of " + Fn + " */\n";
  for (const DeclStmt *DS : HoistedDecls) {
    Text += hoistedText(DS);
    SourceLocation DB = DS->getBeginLoc(), DE = Nav.stmtEnd(DS);
    SourceNav::replaceOriginal(R, CharSourceRange::getCharRange(DB, DE), "");
  }
  R.InsertTextBefore(FB, Text + Nav.lineDirectiveAt(FB));
}

/// Where each use of a moved static local is spelled in the file, by
/// offset (a macro argument expanded twice is one use).
std::map<unsigned, std::pair<SourceLocation, const VarDecl *>>
FunctionInstrumenter::staticUses() const {
  std::map<unsigned, std::pair<SourceLocation, const VarDecl *>> Uses;
  for (const DeclRefExpr *DR : Scan.Refs) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    if (!VD || !StaticSym.count(VD))
      continue;
    SourceLocation L = SM.getSpellingLoc(DR->getLocation());
    if (SM.isInMainFile(L))
      Uses[SM.getFileOffset(L)] = {L, VD};
  }
  return Uses;
}

/// Every use of a moved static local names its symbol.
void FunctionInstrumenter::emitStaticUses() {
  for (const auto &[Off, Use] : staticUses()) {
    if (std::any_of(StaticCut.begin(), StaticCut.end(), [&](const auto &C) {
          return C.first <= Off && Off < C.second;
        }))
      continue; // in a declaration that moved
    R.ReplaceText(Use.first, Use.second->getName().size(),
                  StaticSym.at(Use.second));
  }
}

} // namespace hcu
