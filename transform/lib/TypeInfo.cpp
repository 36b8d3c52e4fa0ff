//===- TypeInfo.cpp - type spelling and layout signatures -----------------===//
#include "TypeInfo.h"

#include "clang/AST/RecordLayout.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace hcu {

static std::string tagName(const TagDecl *TD) {
  std::string Kind = TD->getKindName().str();
  if (!TD->getName().empty())
    return Kind + " " + TD->getName().str();
  if (const TypedefNameDecl *TN = TD->getTypedefNameForAnonDecl())
    return Kind + " " + TN->getName().str();
  return Kind + " <anonymous>";
}

static std::string sig(QualType T, const ASTContext &Ctx, bool Expand,
                       llvm::SmallPtrSetImpl<const RecordDecl *> &Open) {
  T = T.getCanonicalType();
  std::string Quals;
  if (T.isConstQualified())
    Quals += "const ";
  if (T.isVolatileQualified())
    Quals += "volatile ";
  const Type *Ty = T.getTypePtr();
  if (const auto *PT = Ty->getAs<PointerType>())
    return Quals + sig(PT->getPointeeType(), Ctx, false, Open) + "*";
  if (const auto *AT = Ctx.getAsConstantArrayType(T))
    return Quals + sig(AT->getElementType(), Ctx, Expand, Open) + "[" +
           std::to_string(AT->getSize().getZExtValue()) + "]";
  if (const auto *AT = Ctx.getAsIncompleteArrayType(T))
    return Quals + sig(AT->getElementType(), Ctx, Expand, Open) + "[]";
  if (const auto *ET = Ty->getAs<EnumType>())
    return Quals + tagName(ET->getDecl()) + ":" +
           sig(ET->getDecl()->getIntegerType(), Ctx, false, Open);
  if (const auto *RT = Ty->getAs<RecordType>()) {
    const RecordDecl *RD = RT->getDecl()->getDefinition();
    std::string Name = tagName(RT->getDecl());
    if (!Expand || !RD || !Open.insert(RD).second)
      return Quals + Name;
    const ASTRecordLayout &L = Ctx.getASTRecordLayout(RD);
    std::string S = Quals + Name + "{";
    unsigned I = 0;
    for (const FieldDecl *FD : RD->fields()) {
      S += FD->getName().str() + ":" + sig(FD->getType(), Ctx, true, Open);
      if (FD->isBitField())
        S += ":" + std::to_string(FD->getBitWidthValue(Ctx));
      S += "@" + std::to_string(L.getFieldOffset(I++)) + ";";
    }
    S += "}#" + std::to_string(L.getSize().getQuantity());
    Open.erase(RD);
    return S;
  }
  if (const auto *FT = Ty->getAs<FunctionType>()) {
    std::string S = "fn(";
    if (const auto *FPT = dyn_cast<FunctionProtoType>(FT))
      for (QualType P : FPT->getParamTypes())
        S += sig(P, Ctx, false, Open) + ",";
    return S + ")->" + sig(FT->getReturnType(), Ctx, false, Open);
  }
  // Builtins and everything else: the canonical spelling plus the size.
  std::string S = Quals + T.getUnqualifiedType().getAsString();
  if (!Ty->isIncompleteType() && !Ty->isFunctionType())
    S += "#" + std::to_string(Ctx.getTypeSizeInChars(T).getQuantity());
  return S;
}

std::string layoutSignature(QualType T, const ASTContext &Ctx) {
  llvm::SmallPtrSet<const RecordDecl *, 8> Open;
  return sig(T, Ctx, true, Open);
}

std::string spellType(QualType T, const ASTContext &Ctx) {
  PrintingPolicy P(Ctx.getLangOpts());
  P.SuppressTagKeyword = false;
  P.Bool = false;
  std::string S = T.getAsString(P);
  // A va_list parameter decays to a pointer to the target's builtin
  // `struct __va_list_tag`; written out, that name would declare a new,
  // unrelated struct in gcc. Name the builtin through __builtin_va_list.
  static const std::string Tag = "struct __va_list_tag";
  for (size_t I = S.find(Tag); I != std::string::npos; I = S.find(Tag, I))
    S.replace(I, Tag.size(), "__typeof__((*(__builtin_va_list *)0)[0])");
  // Clang prints `__typeof__(x)` as `typeof(x)`, a keyword only in GNU
  // modes and C23: -std=c89/c99/c11 reject it.
  for (size_t I = S.find("typeof("); I != std::string::npos;
       I = S.find("typeof(", I + 1))
    if (I == 0 || !(isalnum((unsigned char)S[I - 1]) || S[I - 1] == '_'))
      S.replace(I, 6, "__typeof__");
  return S;
}

bool isSpellableAtFileScope(QualType T, std::string &Why) {
  for (;;) {
    if (const auto *TT = T->getAs<TypedefType>()) {
      // A typedef name is spellable when the typedef itself is at file scope.
      if (TT->getDecl()->getDeclContext()->isFunctionOrMethod()) {
        Why = "typedef '" + TT->getDecl()->getName().str() +
              "' is declared inside the function";
        return false;
      }
      return true;
    }
    if (const auto *TagT = T->getAs<TagType>()) {
      const TagDecl *TD = TagT->getDecl();
      if (TD->getDeclContext()->isFunctionOrMethod()) {
        Why = "'" + tagName(TD) + "' is declared inside the function";
        return false;
      }
      if (TD->getName().empty() && !TD->getTypedefNameForAnonDecl()) {
        Why = "its type is an unnamed " + TD->getKindName().str();
        return false;
      }
      return true;
    }
    if (const auto *PT = T->getAs<PointerType>()) {
      T = PT->getPointeeType();
      continue;
    }
    if (const auto *AT = T->getAsArrayTypeUnsafe()) {
      T = AT->getElementType();
      continue;
    }
    if (const auto *FT = T->getAs<FunctionProtoType>()) {
      for (QualType P : FT->getParamTypes())
        if (!isSpellableAtFileScope(P, Why))
          return false;
      T = FT->getReturnType();
      continue;
    }
    return true;
  }
}

bool needsMemcpy(QualType T) {
  if (T.isConstQualified() || T->isArrayType())
    return true;
  if (const auto *RT = T->getAs<RecordType>())
    if (const RecordDecl *RD = RT->getDecl()->getDefinition())
      for (const FieldDecl *F : RD->fields())
        if (needsMemcpy(F->getType()))
          return true;
  return false;
}

} // namespace hcu
