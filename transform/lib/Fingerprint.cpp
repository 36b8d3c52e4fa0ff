//===- Fingerprint.cpp - what hcu-patchgen compares between versions ------===//
#include "Fingerprint.h"
#include "Naming.h"
#include "TypeInfo.h"

#include "clang/AST/RecordLayout.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA1.h"

#include <set>

using namespace clang;
using json = nlohmann::json;

namespace hcu {
namespace {

std::string tagName(const TagDecl *TD) {
  std::string Kind = TD->getKindName().str();
  if (!TD->getName().empty())
    return Kind + " " + TD->getName().str();
  if (const TypedefNameDecl *TN = TD->getTypedefNameForAnonDecl())
    return Kind + " " + TN->getName().str();
  return "";
}

/// The tag a type is about, through pointers, arrays and typedefs.
const TagDecl *tagOf(QualType T) {
  for (;;) {
    if (T.isNull())
      return nullptr;
    T = T.getCanonicalType();
    if (const auto *PT = T->getAs<PointerType>())
      T = PT->getPointeeType();
    else if (const auto *AT = T->getAsArrayTypeUnsafe())
      T = AT->getElementType();
    else if (const auto *TT = T->getAs<TagType>())
      return TT->getDecl();
    else
      return nullptr;
  }
}

std::string hexHash(const std::string &Text) {
  auto H = llvm::SHA1::hash(
      llvm::ArrayRef<uint8_t>((const uint8_t *)Text.data(), Text.size()));
  return llvm::toHex(llvm::ArrayRef<uint8_t>(H.data(), 12), /*LowerCase=*/true);
}

/// The builtin macro (__LINE__, __FILE__, ...) that produced a token, or "".
/// Their values depend on where the code is, not on what it means.
llvm::StringRef builtinMacroOf(const SourceManager &SM, const LangOptions &LO,
                               SourceLocation Loc) {
  if (!Loc.isMacroID() ||
      !SM.isWrittenInScratchSpace(SM.getSpellingLoc(Loc)))
    return "";
  SourceLocation Name =
      SM.getSpellingLoc(SM.getImmediateExpansionRange(Loc).getBegin());
  unsigned Len = Lexer::MeasureTokenLength(Name, SM, LO);
  llvm::StringRef Id(SM.getCharacterData(Name), Len);
  static const char *Builtins[] = {"__LINE__",      "__FILE__",
                                   "__BASE_FILE__", "__FILE_NAME__",
                                   "__COUNTER__",   "__DATE__",
                                   "__TIME__",      "__TIMESTAMP__"};
  for (const char *B : Builtins)
    if (Id == B)
      return B;
  return "";
}

/// The preprocessed tokens of Range, as text; Self (a location) is written
/// as "<self>".
std::string tokenText(const syntax::TokenBuffer &TB, const SourceManager &SM,
                      const LangOptions &LO, SourceRange Range,
                      SourceLocation Self) {
  std::string Text;
  for (const syntax::Token &T : TB.expandedTokens(Range)) {
    llvm::StringRef Builtin = builtinMacroOf(SM, LO, T.location());
    if (T.location() == Self)
      Text += "<self>";
    else if (!Builtin.empty())
      Text += Builtin;
    else
      Text += T.text(SM).str();
    Text += '\x1f';
  }
  return Text;
}

/// Globals and tagged types a function body refers to.
class UseCollector : public RecursiveASTVisitor<UseCollector> {
public:
  UseCollector(llvm::StringRef UnitName) : UnitName(UnitName) {}
  std::set<std::string> Globals, Types;

  void addType(QualType T) {
    if (const TagDecl *TD = tagOf(T)) {
      std::string N = tagName(TD);
      if (!N.empty())
        Types.insert(N);
    }
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    if (auto *VD = dyn_cast<VarDecl>(E->getDecl()))
      if (VD->isFileVarDecl())
        Globals.insert(keyOf(VD, VD->getStorageClass() == SC_Static, UnitName));
    return true;
  }
  bool VisitExpr(Expr *E) {
    addType(E->getType());
    return true;
  }
  bool VisitMemberExpr(MemberExpr *E) {
    addType(E->getBase()->getType());
    return true;
  }
  bool VisitUnaryExprOrTypeTraitExpr(UnaryExprOrTypeTraitExpr *E) {
    if (E->isArgumentType())
      addType(E->getArgumentType());
    return true;
  }
  bool VisitValueDecl(ValueDecl *D) {
    addType(D->getType());
    return true;
  }

private:
  llvm::StringRef UnitName;
};

json describeTag(const TagDecl *TD, const ASTContext &Ctx,
                 const SourceManager &SM) {
  json T = {{"name", tagName(TD)},
            {"kind", TD->getKindName().str()},
            {"layout", layoutSignature(Ctx.getTypeDeclType(TD), Ctx)},
            {"file", SM.getFilename(SM.getExpansionLoc(TD->getLocation()))},
            {"line", SM.getExpansionLineNumber(TD->getLocation())}};
  if (const auto *RD = dyn_cast<RecordDecl>(TD)) {
    const ASTRecordLayout &L = Ctx.getASTRecordLayout(RD);
    T["size"] = L.getSize().getQuantity();
    T["align"] = L.getAlignment().getQuantity();
    json Fields = json::array();
    unsigned I = 0;
    for (const FieldDecl *FD : RD->fields()) {
      QualType FT = FD->getType();
      json F = {{"name", FD->getName().str()},
                {"type", spellType(FT, Ctx)},
                {"layout", layoutSignature(FT, Ctx)},
                {"offset_bits", L.getFieldOffset(I++)},
                {"size", FT->isIncompleteType()
                             ? 0
                             : Ctx.getTypeSizeInChars(FT).getQuantity()}};
      if (FD->isBitField())
        F["bits"] = FD->getBitWidthValue(Ctx);
      Fields.push_back(std::move(F));
    }
    T["fields"] = std::move(Fields);
  } else if (const auto *ED = dyn_cast<EnumDecl>(TD)) {
    json Es = json::array();
    for (const EnumConstantDecl *E : ED->enumerators())
      Es.push_back({{"name", E->getName().str()},
                    {"value", E->getInitVal().getSExtValue()}});
    T["enumerators"] = std::move(Es);
  }
  return T;
}

} // namespace

json fingerprintUnit(ASTContext &Ctx, const syntax::TokenBuffer &TB,
                     const TransformOptions &Opts) {
  SourceManager &SM = Ctx.getSourceManager();
  std::string UnitName = unitName(
      Opts, SM.getFileEntryRefForID(SM.getMainFileID())->getName());
  json Functions = json::object(), Globals = json::object();
  json Types = json::array();
  std::set<std::string> TypesSeen;
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    SourceLocation Loc = SM.getExpansionLoc(D->getLocation());
    if (auto *FD = dyn_cast<FunctionDecl>(D)) {
      if (!FD->doesThisDeclarationHaveABody() || !SM.isInMainFile(Loc))
        continue;
      UseCollector C(UnitName);
      C.TraverseDecl(FD);
      Functions[FD->getName().str()] = {
          {"hash", hexHash(tokenText(TB, SM, Ctx.getLangOpts(), FD->getSourceRange(),
                                     FD->getLocation()))},
          {"globals", C.Globals},
          {"types", C.Types}};
    } else if (auto *VD = dyn_cast<VarDecl>(D)) {
      if (!VD->isFileVarDecl() || !SM.isInMainFile(Loc) || !VD->getInit())
        continue;
      Globals[VD->getName().str()] = {
          {"init_hash",
           hexHash(tokenText(TB, SM, Ctx.getLangOpts(),
                               VD->getInit()->getSourceRange(), {}))}};
    } else if (auto *TD = dyn_cast<TagDecl>(D)) {
      if (!TD->isCompleteDefinition() || SM.isInSystemHeader(Loc) ||
          tagName(TD).empty() || !TypesSeen.insert(tagName(TD)).second)
        continue;
      if (isa<RecordDecl>(TD) && cast<RecordDecl>(TD)->isInvalidDecl())
        continue;
      Types.push_back(describeTag(TD, Ctx, SM));
    }
  }
  return {{"functions", Functions}, {"globals", Globals}, {"types", Types}};
}

void mergeFingerprint(json &Metadata, const json &FP) {
  if (!Metadata.is_object() || !FP.is_object())
    return;
  for (json &F : Metadata["functions"]) {
    std::string Name = F.value("name", "");
    if (FP["functions"].contains(Name))
      for (auto &[K, V] : FP["functions"][Name].items())
        F[K] = V;
  }
  for (json &G : Metadata["globals"]) {
    std::string Name = G.value("name", "");
    if (FP["globals"].contains(Name))
      for (auto &[K, V] : FP["globals"][Name].items())
        G[K] = V;
  }
  Metadata["types"] = FP["types"];
}

} // namespace hcu
