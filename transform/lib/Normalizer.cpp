//===- Normalizer.cpp - makes every call of interest a statement ----------===//
//
// See Normalizer.h for what a round does. The expression side works on text:
// the residue of an expression is its own source text with the sub-ranges
// that were hoisted replaced by the temporaries holding their values, so
// everything that needs no change (macros, casts, designators, formatting)
// is kept as written.
//
//===----------------------------------------------------------------------===//
#include "Normalizer.h"
#include "CallKinds.h"
#include "DeclSplitter.h"
#include "LocalRenamer.h"
#include "MacroExpander.h"
#include "SourceNav.h"
#include "TypeInfo.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include "clang/Rewrite/Core/Rewriter.h"

#include <map>

using namespace clang;

namespace hcu {
namespace {

/// Whether a statement expression's body holds anything that must become a
/// continuation point (and so cannot stay inside the expression).
class PointFinder : public RecursiveASTVisitor<PointFinder> {
public:
  PointFinder(const SourceManager &SM) : SM(SM) {}
  bool Found = false;
  bool VisitCallExpr(CallExpr *CE) {
    Found |= isCallOfInterest(classifyCall(CE, SM));
    return !Found;
  }
  bool VisitWhileStmt(WhileStmt *) { return !(Found = true); }
  bool VisitForStmt(ForStmt *) { return !(Found = true); }
  bool VisitDoStmt(DoStmt *) { return !(Found = true); }

private:
  const SourceManager &SM;
};

class StmtNormalizer {
public:
  StmtNormalizer(ASTContext &Ctx, Rewriter &R, int Round)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), LO(Ctx.getLangOpts()), R(R),
        Nav(Ctx), Round(Round) {}

  void walk(const Stmt *S);
  bool changed() const { return Changed; }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  const LangOptions &LO;
  Rewriter &R;
  SourceNav Nav;
  int Round;
  bool Changed = false;
  unsigned NextTemp = 0, NextLabel = 0;
  std::map<const Stmt *, bool> WorkMemo;
  std::vector<std::pair<unsigned, unsigned>> Replaced; // offsets, this round

  // One statement's rewrite in progress.
  std::string Decls; // temporaries, declared before the statement
  bool Bad = false;  // something could not be mapped to text: leave it
  // While a declaration's initializer is hoisted: the uses of the variable
  // in it that are never evaluated (`T *p = f(sizeof *p);`), and what
  // replaces them, since the hoisted work comes before the declaration.
  std::vector<const DeclRefExpr *> SelfRefs;
  std::string SelfText;
  void findSelfRefs(const Stmt *S, const VarDecl *VD, bool Unevaluated);
  void setSelf(const VarDecl *VD);

  // ---- text ----
  CharSourceRange range(const Stmt *S) const {
    return Lexer::makeFileCharRange(
        CharSourceRange::getTokenRange(S->getSourceRange()), SM, LO);
  }
  std::string text(CharSourceRange CR) const {
    return Lexer::getSourceText(CR, SM, LO).str();
  }
  std::string text(const Stmt *S) {
    CharSourceRange CR = range(S);
    if (CR.isInvalid()) {
      Bad = true;
      return "";
    }
    if (!SelfRefs.empty())
      return substitute(S, {});
    return text(CR);
  }
  std::string substitute(const Stmt *S,
                         std::vector<std::pair<const Stmt *, std::string>> Subs);
  bool inReplaced(const Stmt *S) const;
  void replace(CharSourceRange CR, const std::string &Text);

  // ---- analysis ----
  bool work(const Stmt *S);
  bool interesting(const CallExpr *CE) const {
    return isCallOfInterest(classifyCall(CE, SM));
  }
  bool effects(const Expr *E) const {
    return E->HasSideEffects(Ctx, /*IncludePossibleEffects=*/true);
  }
  bool cleanCall(const Expr *E);
  static const Expr *strip(const Expr *E);

  // ---- expressions ----
  std::string temp(QualType T, const Expr *Orig);
  std::string hold(QualType T, const Expr *Orig, const std::string &Value,
                   std::string &Pre);
  std::string gen(const Expr *E, std::string &Pre);
  std::string genCall(const CallExpr *CE, std::string &Pre);
  std::string genLogical(const BinaryOperator *BO, std::string &Pre);
  std::string genConditional(const ConditionalOperator *CO, std::string &Pre);
  std::string genBinaryConditional(const BinaryConditionalOperator *BC,
                                   std::string &Pre);
  std::string assignTo(const std::string &T, QualType Ty,
                       std::string V, const Expr *E = nullptr);
  std::string genStmtExpr(const StmtExpr *SE, std::string &Pre);
  std::string genTop(const Expr *E, std::string &Pre, bool ForValue);
  std::string declText(const DeclStmt *DS, std::string &Pre);

  // ---- statements ----
  void normalize(const Stmt *S);
  void wrap(const Stmt *S, const std::string &Pre);
  void normalizeExprStmt(const Expr *E);
  void normalizeDecl(const DeclStmt *DS);
  void normalizeReturn(const ReturnStmt *RS);
  void normalizeCond(const Stmt *S, const Expr *Cond);
  void normalizeWhile(const WhileStmt *WS);
  void normalizeDo(const DoStmt *DS);
  void normalizeFor(const ForStmt *FS);
  std::string continueLabel(const Stmt *Loop);
};

// ---- text -----------------------------------------------------------------

std::string StmtNormalizer::substitute(
    const Stmt *S, std::vector<std::pair<const Stmt *, std::string>> Subs) {
  CharSourceRange Whole = range(S);
  if (Whole.isInvalid()) {
    Bad = true;
    return "";
  }
  unsigned Pos = SM.getFileOffset(Whole.getBegin());
  unsigned End = SM.getFileOffset(Whole.getEnd());
  StringRef Buf = SM.getBufferData(SM.getFileID(Whole.getBegin()));
  // Self-references in the copied text (not in a child's own text).
  for (const DeclRefExpr *DR : SelfRefs) {
    CharSourceRange CR = range(DR);
    if (CR.isInvalid()) {
      Bad = true;
      return "";
    }
    unsigned B = SM.getFileOffset(CR.getBegin());
    if (B < Pos || B >= End)
      continue;
    bool InChild = false;
    for (const auto &Sub : Subs) {
      CharSourceRange SR = range(Sub.first);
      InChild |= SR.isValid() && SM.getFileOffset(SR.getBegin()) <= B &&
                 B < SM.getFileOffset(SR.getEnd());
    }
    if (!InChild)
      Subs.push_back({DR, SelfText});
  }
  std::sort(Subs.begin(), Subs.end(), [&](const auto &A, const auto &B) {
    return SM.isBeforeInTranslationUnit(A.first->getBeginLoc(),
                                        B.first->getBeginLoc());
  });
  std::string Out;
  for (const auto &[Child, Text] : Subs) {
    CharSourceRange CR = range(Child);
    if (CR.isInvalid()) {
      Bad = true;
      return "";
    }
    unsigned B = SM.getFileOffset(CR.getBegin());
    unsigned E = SM.getFileOffset(CR.getEnd());
    if (B < Pos || E > End) {
      Bad = true;
      return "";
    }
    Out += Buf.substr(Pos, B - Pos).str() + Text;
    Pos = E;
  }
  return Out + Buf.substr(Pos, End - Pos).str();
}

bool StmtNormalizer::inReplaced(const Stmt *S) const {
  CharSourceRange CR = range(S);
  if (CR.isInvalid())
    return false;
  unsigned B = SM.getFileOffset(CR.getBegin());
  for (const auto &[RB, RE] : Replaced)
    if (B >= RB && B < RE)
      return true;
  return false;
}

void StmtNormalizer::replace(CharSourceRange CR, const std::string &Text) {
  SourceNav::replaceOriginal(R, CR, Text);
  Replaced.push_back(
      {SM.getFileOffset(CR.getBegin()), SM.getFileOffset(CR.getEnd())});
  Changed = true;
}

// ---- analysis -------------------------------------------------------------

/// Whether S holds a call that must be hoisted, or a statement expression
/// that holds one (or a loop). Unevaluated operands never hold work.
bool StmtNormalizer::work(const Stmt *S) {
  if (!S)
    return false;
  auto It = WorkMemo.find(S);
  if (It != WorkMemo.end())
    return It->second;
  bool W = false;
  if (isa<UnaryExprOrTypeTraitExpr>(S)) {
    W = false; // sizeof and _Alignof: never evaluated (VLAs are refused)
  } else if (const auto *G = dyn_cast<GenericSelectionExpr>(S)) {
    W = !G->isResultDependent() && work(G->getResultExpr());
  } else if (const auto *C = dyn_cast<ChooseExpr>(S)) {
    W = work(C->getChosenSubExpr());
  } else if (const auto *SE = dyn_cast<StmtExpr>(S)) {
    PointFinder PF(SM);
    PF.TraverseStmt(const_cast<CompoundStmt *>(SE->getSubStmt()));
    W = PF.Found;
  } else {
    if (const auto *CE = dyn_cast<CallExpr>(S))
      W = interesting(CE);
    for (const Stmt *Child : S->children())
      W = work(Child) || W;
  }
  return WorkMemo[S] = W;
}

const Expr *StmtNormalizer::strip(const Expr *E) {
  for (;;) {
    E = E->IgnoreParenImpCasts();
    if (const auto *CC = dyn_cast<CStyleCastExpr>(E))
      if (CC->getType()->isVoidType()) {
        E = CC->getSubExpr();
        continue;
      }
    return E;
  }
}

/// A call of interest that is already clean: its callee and arguments hold
/// no work and have no side effects, so evaluating them again is harmless.
bool StmtNormalizer::cleanCall(const Expr *E) {
  const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenImpCasts());
  if (!CE || !interesting(CE) || work(CE->getCallee()) ||
      effects(CE->getCallee()))
    return false;
  for (const Expr *A : CE->arguments())
    if (work(A) || effects(A))
      return false;
  return true;
}

// ---- expressions ----------------------------------------------------------

std::string StmtNormalizer::temp(QualType T, const Expr *Orig) {
  std::string Name = "hcu_n" + std::to_string(Round) + "_" +
                     std::to_string(++NextTemp);
  T = T.getUnqualifiedType();
  std::string Why;
  // Types declared inside the function are fine here; unnamed ones are not.
  bool Unnamed = !isSpellableAtFileScope(T, Why) &&
                 Why.find("unnamed") != std::string::npos;
  if (Unnamed && Orig)
    Decls += "__typeof__(" + text(Orig) + ") " + Name + "; ";
  else
    Decls += "__typeof__(" + spellType(T, Ctx) + ") " + Name + "; ";
  return Name;
}

/// A temporary holding Value. One whose type cannot be assigned (a struct
/// with a const member) is declared where it is computed, with Value as its
/// initializer.
std::string StmtNormalizer::hold(QualType T, const Expr *Orig,
                                 const std::string &Value, std::string &Pre) {
  if (!needsMemcpy(T.getUnqualifiedType())) {
    std::string Name = temp(T, Orig);
    Pre += Name + " = " + Value + "; ";
    return Name;
  }
  std::string Saved = Decls;
  std::string Name = temp(T, Orig);
  std::string Decl = Decls.substr(Saved.size());
  Decls = Saved;
  Decl.pop_back(); // "; "
  Decl.pop_back();
  Pre += Decl + " = " + Value + "; ";
  return Name;
}

std::string StmtNormalizer::gen(const Expr *E, std::string &Pre) {
  if (!work(E))
    return text(E);
  if (const auto *CE = dyn_cast<CallExpr>(E); CE && interesting(CE)) {
    std::string Call = genCall(CE, Pre);
    if (CE->getType()->isVoidType()) {
      Pre += Call + "; ";
      return "((void)0)";
    }
    return hold(CE->getType(), CE, Call, Pre);
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->isLogicalOp() && work(BO->getRHS()))
      return genLogical(BO, Pre);
    if (BO->getOpcode() == BO_Comma) {
      std::string L = gen(BO->getLHS(), Pre);
      Pre += "(void)(" + L + "); ";
      return gen(BO->getRHS(), Pre);
    }
  }
  if (const auto *CO = dyn_cast<ConditionalOperator>(E))
    if (work(CO->getTrueExpr()) || work(CO->getFalseExpr()))
      return genConditional(CO, Pre);
  if (const auto *SE = dyn_cast<StmtExpr>(E))
    return genStmtExpr(SE, Pre);
  if (const auto *BC = dyn_cast<BinaryConditionalOperator>(E))
    return genBinaryConditional(BC, Pre);
  if (isa<OpaqueValueExpr>(E)) {
    Bad = true; // only inside `x ?: y`, handled above
    return "";
  }
  // Everything else evaluates all its operands: substitute them in place.
  const Stmt *Shape = E;
  if (const auto *ILE = dyn_cast<InitListExpr>(E))
    if (ILE->getSyntacticForm())
      Shape = ILE->getSyntacticForm();
  std::vector<std::pair<const Stmt *, std::string>> Subs;
  for (const Stmt *Child : Shape->children())
    if (const auto *CE = dyn_cast_or_null<Expr>(Child); CE && work(CE))
      Subs.push_back({CE, gen(CE, Pre)});
  return substitute(Shape, Subs);
}

/// The text of a call of interest whose operands have been hoisted as
/// needed: arguments with side effects go to temporaries (a rebuilt frame
/// evaluates the call again), nested calls are hoisted before it.
std::string StmtNormalizer::genCall(const CallExpr *CE, std::string &Pre) {
  std::vector<std::pair<const Stmt *, std::string>> Subs;
  const Expr *Callee = CE->getCallee();
  if (work(Callee) || effects(Callee)) {
    std::string C = gen(Callee, Pre);
    if (effects(Callee)) {
      std::string T = temp(Callee->getType(), Callee);
      Pre += T + " = " + C + "; ";
      C = T;
    }
    Subs.push_back({Callee, C});
  }
  for (const Expr *A : CE->arguments()) {
    if (!work(A) && !effects(A))
      continue;
    std::string V = gen(A, Pre);
    if (effects(A))
      V = hold(A->getType(), A, V, Pre);
    Subs.push_back({A, V});
  }
  return substitute(CE, Subs);
}

std::string StmtNormalizer::genLogical(const BinaryOperator *BO,
                                       std::string &Pre) {
  std::string T = temp(Ctx.IntTy, nullptr);
  std::string L = gen(BO->getLHS(), Pre);
  std::string RPre;
  std::string Rv = gen(BO->getRHS(), RPre);
  if (BO->getOpcode() == BO_LAnd)
    Pre += T + " = 0; if (" + L + ") { " + RPre + T + " = !!(" + Rv + "); } ";
  else
    Pre += T + " = 1; if (!(" + L + ")) { " + RPre + T + " = !!(" + Rv +
           "); } ";
  return T;
}

std::string StmtNormalizer::genConditional(const ConditionalOperator *CO,
                                           std::string &Pre) {
  std::string C = gen(CO->getCond(), Pre);
  std::string TPre, FPre;
  std::string Tv = gen(CO->getTrueExpr(), TPre);
  std::string Fv = gen(CO->getFalseExpr(), FPre);
  if (CO->getType()->isVoidType()) {
    Pre += "if (" + C + ") { " + TPre + "(void)(" + Tv + "); } else { " +
           FPre + "(void)(" + Fv + "); } ";
    return "((void)0)";
  }
  std::string T = temp(CO->getType(), CO);
  Pre += "if (" + C + ") { " + TPre +
         assignTo(T, CO->getType(), Tv, CO->getTrueExpr()) + " } else { " +
         FPre + assignTo(T, CO->getType(), Fv, CO->getFalseExpr()) + " } ";
  return T;
}

/// `T = V;`, or a copy when T's type cannot be assigned (a const member).
/// E is what V is the text of: a comma expression left as written
/// (`c ? (*p = b), 1 : f()`, SQLite's putVarint32) is parenthesized, or
/// `T = x, 1` would assign x.
std::string StmtNormalizer::assignTo(const std::string &T, QualType Ty,
                                     std::string V, const Expr *E) {
  if (const auto *BO = dyn_cast_or_null<BinaryOperator>(
          E ? E->IgnoreImpCasts() : nullptr);
      BO && BO->getOpcode() == BO_Comma)
    V = "(" + V + ")";
  if (!needsMemcpy(Ty.getUnqualifiedType()))
    return T + " = " + V + ";";
  return "{ __typeof__(" + T + ") hcu_v = " + V +
         "; __builtin_memcpy((void *)&" + T + ", &hcu_v, sizeof " + T + "); }";
}

/// GNU `x ?: y`: x is evaluated once, y only when x is zero.
std::string StmtNormalizer::genBinaryConditional(
    const BinaryConditionalOperator *BC, std::string &Pre) {
  const Expr *Common = BC->getCommon();
  std::string C = gen(Common, Pre);
  QualType CT = Common->getType();
  if (CT->isArrayType() || CT->isFunctionType()) {
    Bad = true; // decays; `a ?: b` on an array is always a
    return "";
  }
  std::string Held = hold(CT, Common, C, Pre);
  std::string FPre;
  std::string Fv = gen(BC->getFalseExpr(), FPre);
  if (BC->getType()->isVoidType()) {
    Pre += "if (!(" + Held + ")) { " + FPre + "(void)(" + Fv + "); } ";
    return "((void)0)";
  }
  std::string T = temp(BC->getType(), BC);
  Pre += "if (" + Held + ") { " + assignTo(T, BC->getType(), Held) +
         " } else { " + FPre + assignTo(T, BC->getType(), Fv, BC->getFalseExpr()) +
         " } ";
  return T;
}

/// `({ s1; s2; e; })` becomes the block `{ s1; s2; t = (e); }` before the
/// statement, and t its value. The block's own statements are normalized in
/// the next round.
std::string StmtNormalizer::genStmtExpr(const StmtExpr *SE, std::string &Pre) {
  const CompoundStmt *CS = SE->getSubStmt();
  CharSourceRange Whole = range(CS);
  if (Whole.isInvalid()) {
    Bad = true;
    return "";
  }
  std::string Value = "((void)0)";
  std::vector<std::pair<const Stmt *, std::string>> Subs;
  if (!SE->getType()->isVoidType() && !CS->body_empty())
    if (const auto *Last = dyn_cast<Expr>(CS->body_back())) {
      Value = temp(SE->getType(), SE);
      Subs.push_back({Last, Value + " = (" + text(Last) + ")"});
    }
  Pre += substitute(CS, Subs) + " ";
  return Value;
}

/// An expression statement's or return value's text: a call of interest on
/// top stays a call (a continuation point with clean operands). A statement's
/// other residue is cast to void: it may be a bare temporary.
std::string StmtNormalizer::genTop(const Expr *E, std::string &Pre,
                                   bool ForValue) {
  const Expr *Top = strip(E);
  if (const auto *CE = dyn_cast<CallExpr>(Top); CE && interesting(CE))
    return genCall(CE, Pre);
  if (const auto *BO = dyn_cast<BinaryOperator>(Top))
    if (BO->isAssignmentOp())
      if (const auto *CE = dyn_cast<CallExpr>(BO->getRHS()->IgnoreParenImpCasts());
          CE && interesting(CE) && !effects(BO->getLHS())) {
        std::string L = gen(BO->getLHS(), Pre);
        return L + " " + BO->getOpcodeStr().str() + " " + genCall(CE, Pre);
      }
  std::string V = gen(E, Pre);
  return ForValue ? V : "(void)(" + V + ")";
}

/// The declarations of DS, one per variable, each preceded by the hoisted
/// work of its initializer (a later initializer may use an earlier variable).
std::string StmtNormalizer::declText(const DeclStmt *DS, std::string &Pre) {
  if (DS->isSingleDecl()) {
    const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl());
    if (!VD || !VD->getInit())
      return text(DS);
    setSelf(VD);
    std::string Init = gen(VD->getInit(), Pre);
    return substitute(DS, {{VD->getInit(), Init}});
  }
  std::string Out;
  PrintingPolicy P(LO);
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD) {
      Bad = true;
      return "";
    }
    std::string One;
    llvm::raw_string_ostream OS(One);
    if (VD->getStorageClass() == SC_Register)
      OS << "register ";
    else if (VD->getStorageClass() == SC_Extern)
      OS << "extern ";
    else if (VD->getStorageClass() == SC_Static)
      OS << "static ";
    VD->getType().print(OS, P, VD->getName());
    OS.flush();
    if (const Expr *I = VD->getInit()) {
      std::string IPre;
      setSelf(VD);
      std::string V = gen(I, IPre);
      One += " = " + V;
      Out += IPre;
    }
    Out += One + "; ";
  }
  return Out;
}

void StmtNormalizer::findSelfRefs(const Stmt *S, const VarDecl *VD,
                                  bool Unevaluated) {
  if (!S)
    return;
  if (const auto *DR = dyn_cast<DeclRefExpr>(S); DR && DR->getDecl() == VD) {
    if (Unevaluated)
      SelfRefs.push_back(DR);
    return; // an evaluated use (`&x`) stays in the declaration's own text
  }
  Unevaluated |= isa<UnaryExprOrTypeTraitExpr>(S);
  for (const Stmt *C : S->children())
    findSelfRefs(C, VD, Unevaluated);
}

/// Prepares the hoisting of VD's initializer (see SelfRefs).
void StmtNormalizer::setSelf(const VarDecl *VD) {
  SelfRefs.clear();
  if (!VD || !VD->getInit())
    return;
  findSelfRefs(VD->getInit(), VD, false);
  std::string Why;
  if (!SelfRefs.empty() && !isSpellableAtFileScope(VD->getType(), Why) &&
      Why.find("unnamed") != std::string::npos)
    Bad = true;
  SelfText = "(*(__typeof__(" + spellType(VD->getType(), Ctx) + ") *)0)";
}

// ---- statements -----------------------------------------------------------

/// Puts `{ temporaries; hoisted work;` before S and `}` after it.
static bool hasCompoundLiteral(const Stmt *S) {
  if (!S)
    return false;
  if (isa<CompoundLiteralExpr>(S))
    return true;
  for (const Stmt *C : S->children())
    if (hasCompoundLiteral(C))
      return true;
  return false;
}

void StmtNormalizer::wrap(const Stmt *S, const std::string &Pre) {
  SourceLocation B = SM.getExpansionLoc(S->getBeginLoc());
  // A compound literal lives until the end of its block: braces would end
  // it early (`p = &(int[]){f()}[0];`). Directly in a block, the
  // temporaries (unique names) can go without them.
  if (isa_and_nonnull<CompoundStmt>(Nav.parentStmt(S)) &&
      hasCompoundLiteral(S)) {
    R.InsertTextAfter(B, Decls + Pre);
    Changed = true;
    return;
  }
  R.InsertTextAfter(B, "{ " + Decls + Pre);
  R.InsertTextBefore(Nav.stmtEnd(S), " }");
  Changed = true;
}

void StmtNormalizer::normalizeExprStmt(const Expr *E) {
  const Expr *Top = strip(E);
  if (cleanCall(Top))
    return;
  if (const auto *BO = dyn_cast<BinaryOperator>(Top))
    if (BO->isAssignmentOp() && cleanCall(BO->getRHS()) &&
        !effects(BO->getLHS()) && !work(BO->getLHS()))
      return;
  if (!work(E))
    return;
  std::string Pre;
  std::string Text = genTop(E, Pre, /*ForValue=*/false);
  CharSourceRange CR = range(E);
  if (Bad || CR.isInvalid())
    return;
  wrap(E, Pre);
  replace(CR, Text);
}

void StmtNormalizer::normalizeDecl(const DeclStmt *DS) {
  bool Any = false;
  for (const Decl *D : DS->decls())
    if (const auto *VD = dyn_cast<VarDecl>(D))
      Any |= work(VD->getInit());
  if (!Any)
    return;
  std::string Pre, Text;
  // `T x = f(a);` is a continuation point as it is (the instrumenter keeps
  // the declaration); only impure arguments need hoisting.
  const auto *VD = DS->isSingleDecl() ? dyn_cast<VarDecl>(DS->getSingleDecl())
                                      : nullptr;
  const auto *CE = VD && VD->getInit() && VD->getInitStyle() == VarDecl::CInit
                       ? dyn_cast<CallExpr>(VD->getInit()->IgnoreParenImpCasts())
                       : nullptr;
  if (CE && interesting(CE) && !work(CE->getCallee())) {
    if (cleanCall(CE))
      return;
    setSelf(VD);
    Text = substitute(DS, {{CE, genCall(CE, Pre)}});
  } else {
    Text = declText(DS, Pre);
  }
  SelfRefs.clear();
  CharSourceRange CR = range(DS);
  if (Bad || CR.isInvalid())
    return;
  // The variables must stay visible after the statement: no braces.
  replace(CR, Decls + Pre + Text);
}

void StmtNormalizer::normalizeReturn(const ReturnStmt *RS) {
  const Expr *V = RS->getRetValue();
  if (!V || !work(V))
    return;
  // `return f(a);` saves f's value in hcu_rv across the call: fine unless the
  // type cannot be assigned; then the value is held by an initialized
  // temporary.
  QualType RetTy = V->getType().getUnqualifiedType();
  bool Hold = needsMemcpy(RetTy);
  if (cleanCall(V) && !Hold)
    return;
  std::string Pre;
  std::string Text = genTop(V, Pre, /*ForValue=*/true);
  if (Hold && isa<CallExpr>(strip(V)))
    Text = hold(RetTy, V, Text, Pre);
  CharSourceRange CR = range(V);
  if (Bad || CR.isInvalid())
    return;
  wrap(RS, Pre);
  replace(CR, Text);
}

/// if / switch: the condition's work goes before the statement.
void StmtNormalizer::normalizeCond(const Stmt *S, const Expr *Cond) {
  if (!work(Cond))
    return;
  std::string Pre;
  std::string Text = gen(Cond, Pre);
  CharSourceRange CR = range(Cond);
  if (Bad || CR.isInvalid())
    return;
  wrap(S, Pre);
  replace(CR, Text);
}

/// `while (c) body` -> `{ for (;;) { work; if (!(c')) break; body } }`.
void StmtNormalizer::normalizeWhile(const WhileStmt *WS) {
  if (!work(WS->getCond()))
    return;
  std::string Pre;
  std::string Text = gen(WS->getCond(), Pre);
  CharSourceRange Head = CharSourceRange::getTokenRange(
      SM.getExpansionLoc(WS->getWhileLoc()), SM.getExpansionLoc(WS->getRParenLoc()));
  if (Bad)
    return;
  replace(Head, "{ " + Decls + "for (;;) { " + Pre + "if (!(" + Text + ")) break; ");
  R.InsertTextBefore(Nav.stmtEnd(WS), " } }");
}

/// A label at the end of Loop's body that its `continue`s now jump to, since
/// the loop's condition or increment moved into the body.
std::string StmtNormalizer::continueLabel(const Stmt *Loop) {
  std::string L = "hcu_cont" + std::to_string(Round) + "_" +
                  std::to_string(++NextLabel);
  class Finder : public RecursiveASTVisitor<Finder> {
  public:
    std::vector<const ContinueStmt *> Found;
    int Depth = 0;
    bool TraverseWhileStmt(WhileStmt *S) { return nested(S); }
    bool TraverseForStmt(ForStmt *S) { return nested(S); }
    bool TraverseDoStmt(DoStmt *S) { return nested(S); }
    bool VisitContinueStmt(ContinueStmt *S) {
      if (Depth == 0)
        Found.push_back(S);
      return true;
    }
    bool nested(Stmt *S) {
      ++Depth;
      for (Stmt *C : S->children())
        TraverseStmt(C);
      --Depth;
      return true;
    }
  } F;
  const Stmt *Body = isa<DoStmt>(Loop) ? cast<DoStmt>(Loop)->getBody()
                                        : cast<ForStmt>(Loop)->getBody();
  F.TraverseStmt(const_cast<Stmt *>(Body));
  for (const ContinueStmt *C : F.Found)
    R.ReplaceText(SM.getExpansionLoc(C->getContinueLoc()), 8, "goto " + L);
  // No label when nothing jumps to it (-Wunused-label).
  return F.Found.empty() ? "" : L + ": ; ";
}

/// `do body while (c);` -> `{ do { body L: ; work; } while (c'); }`.
void StmtNormalizer::normalizeDo(const DoStmt *DS) {
  if (!work(DS->getCond()))
    return;
  std::string Pre;
  std::string Text = gen(DS->getCond(), Pre);
  if (Bad)
    return;
  std::string L = continueLabel(DS);
  R.ReplaceText(SM.getExpansionLoc(DS->getDoLoc()), 2, "{ " + Decls + "do {");
  replace(CharSourceRange::getTokenRange(SM.getExpansionLoc(DS->getWhileLoc()),
                                         SM.getExpansionLoc(DS->getRParenLoc())),
          " " + L + Pre + "} while (" + Text + ")");
  R.InsertTextBefore(Nav.stmtEnd(DS), " }");
}

/// `for (i; c; n) body` -> `{ i'; for (;;) { work(c); if (!(c')) break; body
/// L: ; work(n); n'; } }`.
void StmtNormalizer::normalizeFor(const ForStmt *FS) {
  const Stmt *Init = FS->getInit();
  const Expr *Cond = FS->getCond(), *Inc = FS->getInc();
  bool InitWork = Init && (isa<DeclStmt>(Init)
                               ? [&] {
                                   for (const Decl *D :
                                        cast<DeclStmt>(Init)->decls())
                                     if (const auto *VD = dyn_cast<VarDecl>(D))
                                       if (work(VD->getInit()))
                                         return true;
                                   return false;
                                 }()
                               : work(Init));
  if (!InitWork && !work(Cond) && !work(Inc))
    return;
  std::string InitText, CondPre, CondText, IncPre, IncText;
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(Init)) {
    std::string Pre;
    std::string D = declText(DS, Pre);
    InitText = Pre + D;
    if (!InitText.empty() && InitText.back() != ' ' && InitText.back() != ';')
      InitText += ";";
    if (InitText.back() != ' ')
      InitText += " ";
  } else if (const auto *E = dyn_cast_or_null<Expr>(Init)) {
    std::string Pre;
    std::string V = gen(E, Pre);
    InitText = Pre + "(void)(" + V + "); ";
  }
  if (Cond)
    CondText = gen(Cond, CondPre);
  if (Inc)
    IncText = gen(Inc, IncPre);
  if (Bad)
    return;
  std::string L = continueLabel(FS);
  std::string Head = "{ " + Decls + InitText + "for (;;) { " + CondPre;
  if (Cond)
    Head += "if (!(" + CondText + ")) break; ";
  replace(CharSourceRange::getTokenRange(SM.getExpansionLoc(FS->getForLoc()),
                                         SM.getExpansionLoc(FS->getRParenLoc())),
          Head);
  std::string Tail = " " + L + IncPre;
  if (Inc)
    Tail += "(void)(" + IncText + "); ";
  R.InsertTextBefore(Nav.stmtEnd(FS), Tail + "} }");
}

void StmtNormalizer::normalize(const Stmt *S) {
  Decls.clear();
  Bad = false;
  if (const auto *E = dyn_cast<Expr>(S))
    normalizeExprStmt(E);
  else if (const auto *DS = dyn_cast<DeclStmt>(S))
    normalizeDecl(DS);
  else if (const auto *RS = dyn_cast<ReturnStmt>(S))
    normalizeReturn(RS);
  else if (const auto *If = dyn_cast<IfStmt>(S))
    normalizeCond(If, If->getCond());
  else if (const auto *Sw = dyn_cast<SwitchStmt>(S))
    normalizeCond(Sw, Sw->getCond());
  else if (const auto *W = dyn_cast<WhileStmt>(S))
    normalizeWhile(W);
  else if (const auto *D = dyn_cast<DoStmt>(S))
    normalizeDo(D);
  else if (const auto *F = dyn_cast<ForStmt>(S))
    normalizeFor(F);
}

/// Pre-order over statements: a statement is edited unless an edit of this
/// round already covers it; then its sub-statements are visited.
void StmtNormalizer::walk(const Stmt *S) {
  if (!S || S->getBeginLoc().isMacroID() || inReplaced(S))
    return;
  normalize(S);
  auto sub = [&](const Stmt *C) { walk(C); };
  if (const auto *CS = dyn_cast<CompoundStmt>(S))
    for (const Stmt *C : CS->body())
      sub(C);
  else if (const auto *If = dyn_cast<IfStmt>(S)) {
    sub(If->getThen());
    sub(If->getElse());
  } else if (const auto *W = dyn_cast<WhileStmt>(S))
    sub(W->getBody());
  else if (const auto *D = dyn_cast<DoStmt>(S))
    sub(D->getBody());
  else if (const auto *F = dyn_cast<ForStmt>(S))
    sub(F->getBody());
  else if (const auto *Sw = dyn_cast<SwitchStmt>(S))
    sub(Sw->getBody());
  else if (const auto *L = dyn_cast<LabelStmt>(S))
    sub(L->getSubStmt());
  else if (const auto *C = dyn_cast<SwitchCase>(S))
    sub(C->getSubStmt());
}

} // namespace

bool normalizeRound(ASTContext &Ctx, const syntax::TokenBuffer &TB, int Round,
                    std::string &Out) {
  SourceManager &SM = Ctx.getSourceManager();
  Rewriter R(SM, Ctx.getLangOpts());
  bool Changed = expandHazardousMacros(Ctx, TB, R);
  if (!Changed)
    Changed = renameRepeatedLocals(Ctx, R);
  if (!Changed)
    Changed = splitSharedDeclarations(Ctx, R);
  if (!Changed) {
    StmtNormalizer N(Ctx, R, Round);
    for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
      if (auto *FD = dyn_cast<FunctionDecl>(D))
        if (FD->doesThisDeclarationHaveABody() &&
            SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())) &&
            !FD->hasAttr<ConstructorAttr>() && !FD->hasAttr<DestructorAttr>())
          N.walk(FD->getBody());
    Changed = N.changed();
  }
  if (!Changed)
    return false;
  const RewriteBuffer *Buf = R.getRewriteBufferFor(SM.getMainFileID());
  if (!Buf)
    return false;
  Out.assign(Buf->begin(), Buf->end());
  return true;
}

} // namespace hcu
