//===- CondFreezer.cpp - keeps bodies' #if branches as the transform saw them ===//
#include "CondFreezer.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "clang/Lex/PPCallbacks.h"

#include <algorithm>
#include <map>
#include <vector>

using namespace clang;

namespace hcu {

struct CondRecord {
  // Directive line starts (file offsets) of each group, keyed by its #if.
  std::map<unsigned, std::vector<unsigned>> Groups;
  // Skipped ranges [begin, end): they start on a directive line.
  std::vector<std::pair<unsigned, unsigned>> Skipped;
  bool Unsure = false; // a directive whose group is unknown (#elifdef)
};

namespace {

/// The offset of the start of Loc's line.
unsigned lineStart(const SourceManager &SM, SourceLocation Loc) {
  StringRef Buf = SM.getBufferData(SM.getFileID(Loc));
  unsigned Off = SM.getFileOffset(Loc);
  while (Off > 0 && Buf[Off - 1] != '\n')
    --Off;
  return Off;
}

class Recorder : public PPCallbacks {
public:
  Recorder(const SourceManager &SM, std::shared_ptr<CondRecord> Rec)
      : SM(SM), Rec(std::move(Rec)) {}

  void If(SourceLocation Loc, SourceRange, ConditionValueKind) override {
    add(Loc, Loc);
  }
  void Ifdef(SourceLocation Loc, const Token &, const MacroDefinition &) override {
    add(Loc, Loc);
  }
  void Ifndef(SourceLocation Loc, const Token &, const MacroDefinition &) override {
    add(Loc, Loc);
  }
  void Elif(SourceLocation Loc, SourceRange, ConditionValueKind,
            SourceLocation IfLoc) override {
    add(Loc, IfLoc);
  }
  void Elifdef(SourceLocation Loc, const Token &, const MacroDefinition &) override {
    unsure(Loc);
  }
  void Elifdef(SourceLocation Loc, SourceRange, SourceLocation IfLoc) override {
    add(Loc, IfLoc);
  }
  void Elifndef(SourceLocation Loc, const Token &, const MacroDefinition &) override {
    unsure(Loc);
  }
  void Elifndef(SourceLocation Loc, SourceRange, SourceLocation IfLoc) override {
    add(Loc, IfLoc);
  }
  void Else(SourceLocation Loc, SourceLocation IfLoc) override { add(Loc, IfLoc); }
  void Endif(SourceLocation Loc, SourceLocation IfLoc) override { add(Loc, IfLoc); }
  void SourceRangeSkipped(SourceRange Range, SourceLocation) override {
    if (!inMain(Range.getBegin()))
      return;
    Rec->Skipped.push_back(
        {lineStart(SM, Range.getBegin()), SM.getFileOffset(Range.getEnd())});
  }

private:
  bool inMain(SourceLocation L) const {
    return L.isValid() && L.isFileID() && SM.isInMainFile(L);
  }
  void add(SourceLocation Loc, SourceLocation IfLoc) {
    if (inMain(Loc) && inMain(IfLoc))
      Rec->Groups[lineStart(SM, IfLoc)].push_back(lineStart(SM, Loc));
  }
  void unsure(SourceLocation Loc) { Rec->Unsure |= inMain(Loc); }

  const SourceManager &SM;
  std::shared_ptr<CondRecord> Rec;
};

} // namespace

unsigned directiveEnd(StringRef Buf, unsigned Off) {
  bool InComment = false;
  for (unsigned I = Off; I < Buf.size(); ++I) {
    if (InComment) {
      if (Buf[I] == '*' && I + 1 < Buf.size() && Buf[I + 1] == '/')
        InComment = false, ++I;
    } else if (Buf[I] == '/' && I + 1 < Buf.size() && Buf[I + 1] == '*') {
      InComment = true, ++I;
    } else if (Buf[I] == '/' && I + 1 < Buf.size() && Buf[I + 1] == '/') {
      while (I < Buf.size() && Buf[I] != '\n')
        ++I;
      return I;
    } else if (Buf[I] == '\\' && I + 1 < Buf.size() && Buf[I + 1] == '\n') {
      ++I;
    } else if (Buf[I] == '\n') {
      return I;
    }
  }
  return Buf.size();
}

std::shared_ptr<CondRecord> recordConditionals(Preprocessor &PP) {
  auto Rec = std::make_shared<CondRecord>();
  PP.addPPCallbacks(std::make_unique<Recorder>(PP.getSourceManager(), Rec));
  return Rec;
}

bool freezeConditionals(ASTContext &Ctx, const CondRecord &Rec,
                        std::string &Out) {
  if (Rec.Groups.empty() || Rec.Unsure)
    return false;
  const SourceManager &SM = Ctx.getSourceManager();
  // The bodies of the main file's function definitions.
  std::vector<std::pair<unsigned, unsigned>> Bodies;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody())
      continue;
    SourceLocation B = SM.getExpansionLoc(FD->getBody()->getBeginLoc());
    SourceLocation E = SM.getExpansionLoc(FD->getBody()->getEndLoc());
    if (SM.isInMainFile(B) && SM.isInMainFile(E))
      Bodies.push_back({SM.getFileOffset(B), SM.getFileOffset(E)});
  }
  auto bodyOf = [&](unsigned Off) -> int {
    for (size_t I = 0; I < Bodies.size(); ++I)
      if (Bodies[I].first < Off && Off < Bodies[I].second)
        return int(I);
    return -1;
  };
  StringRef Buf = SM.getBufferData(SM.getMainFileID());
  std::vector<std::pair<unsigned, unsigned>> Blank;
  std::map<unsigned, bool> FrozenLine; // directive line -> its group frozen
  for (const auto &[If, Lines] : Rec.Groups) {
    int Body = bodyOf(If);
    bool Inside = Body >= 0 && std::all_of(Lines.begin(), Lines.end(),
                                           [&](unsigned L) {
                                             return bodyOf(L) == Body;
                                           });
    for (unsigned L : Lines) {
      FrozenLine[L] = Inside;
      if (Inside)
        Blank.push_back({L, directiveEnd(Buf, L)});
    }
  }
  for (const auto &[B, E] : Rec.Skipped) {
    auto It = FrozenLine.find(B);
    if (It != FrozenLine.end() && It->second)
      Blank.push_back({B, E});
  }
  if (Blank.empty())
    return false;
  // Whole lines go: removing all but their newlines moves no column.
  std::vector<bool> Drop(Buf.size(), false);
  for (const auto &[B, E] : Blank)
    for (unsigned I = B; I < E && I < Buf.size(); ++I)
      Drop[I] = Buf[I] != '\n';
  Out.clear();
  Out.reserve(Buf.size());
  for (unsigned I = 0; I < Buf.size(); ++I)
    if (!Drop[I])
      Out += Buf[I];
  return true;
}

} // namespace hcu
