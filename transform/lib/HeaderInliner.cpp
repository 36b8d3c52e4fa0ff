//===- HeaderInliner.cpp - the project's header functions join the unit ---===//
#include "HeaderInliner.h"
#include "CondFreezer.h"
#include "Naming.h"

#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/HeaderSearch.h"
#include "clang/Lex/PPCallbacks.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <map>

using namespace clang;

namespace hcu {

namespace {

/// One inclusion directive the preprocessor processed.
struct Directive {
  FileID In;        // the file it is written in
  unsigned HashOff; // offset of its '#' there
  bool Angled = false;
  bool Plain = true; // #include (not #include_next, #import)
  OptionalFileEntryRef File;
  FileID Entered; // the file it entered, if it did
};

} // namespace

struct IncludeRecord {
  const SourceManager *SM = nullptr;
  const HeaderSearch *HS = nullptr;
  std::vector<Directive> Directives;
  /// Files whose inclusions depend on where they are: #include_next,
  /// __has_include_next, and quote forms of __has_include and #embed.
  std::set<FileID> PlaceDependent;
};

namespace {

class IncludeRecorder : public PPCallbacks {
public:
  IncludeRecorder(std::shared_ptr<IncludeRecord> Rec) : Rec(std::move(Rec)) {}

  void InclusionDirective(SourceLocation HashLoc, const Token &IncludeTok,
                          StringRef, bool IsAngled, CharSourceRange,
                          OptionalFileEntryRef File, StringRef, StringRef,
                          const Module *, bool,
                          SrcMgr::CharacteristicKind) override {
    const SourceManager &SM = *Rec->SM;
    if (!HashLoc.isFileID())
      return;
    Directive D;
    std::tie(D.In, D.HashOff) = SM.getDecomposedLoc(HashLoc);
    D.Angled = IsAngled;
    tok::PPKeywordKind K = IncludeTok.getIdentifierInfo()
                               ? IncludeTok.getIdentifierInfo()->getPPKeywordID()
                               : tok::pp_not_keyword;
    D.Plain = K == tok::pp_include;
    if (K == tok::pp_include_next)
      Rec->PlaceDependent.insert(D.In);
    D.File = File;
    Rec->Directives.push_back(D);
    Pending = true;
  }

  void LexedFileChanged(FileID FID, LexedFileChangeReason Reason,
                        SrcMgr::CharacteristicKind, FileID PrevFID,
                        SourceLocation) override {
    if (Reason != LexedFileChangeReason::EnterFile || !Pending)
      return;
    Pending = false;
    Directive &D = Rec->Directives.back();
    if (D.In == PrevFID && FID != PrevFID)
      D.Entered = FID;
  }

  void FileSkipped(const FileEntryRef &, const Token &,
                   SrcMgr::CharacteristicKind) override {
    Pending = false;
  }

  void HasInclude(SourceLocation Loc, StringRef, bool IsAngled,
                  OptionalFileEntryRef, SrcMgr::CharacteristicKind) override {
    const SourceManager &SM = *Rec->SM;
    SourceLocation Spelled = SM.getSpellingLoc(Loc);
    const char *P = SM.getCharacterData(Spelled);
    bool Next = P && std::strncmp(P, "__has_include_next", 18) == 0;
    if (!IsAngled || Next)
      Rec->PlaceDependent.insert(SM.getFileID(SM.getExpansionLoc(Loc)));
  }

  void EmbedDirective(SourceLocation HashLoc, StringRef, bool IsAngled,
                      OptionalFileEntryRef,
                      const LexEmbedParametersResult &) override {
    if (!IsAngled)
      Rec->PlaceDependent.insert(Rec->SM->getFileID(HashLoc));
  }

private:
  std::shared_ptr<IncludeRecord> Rec;
  bool Pending = false; // the last directive may still enter its file
};

/// The instrumenter takes this function when it is in the main file; from
/// a header it takes fewer (keptAsWrittenInHeader).
bool takenFromHeader(const FunctionDecl *FD) {
  if (FD->hasAttr<ConstructorAttr>() || FD->hasAttr<DestructorAttr>())
    return false;
  if (FD->getStorageClass() == SC_Static)
    return FD->isReferenced();
  return !FD->isInlined();
}

std::string absolute(StringRef Name) {
  llvm::SmallString<256> P(Name);
  llvm::sys::fs::make_absolute(P);
  return std::string(P);
}

/// Builds the inlined text of the main file.
class Inliner {
public:
  Inliner(ASTContext &Ctx, const IncludeRecord &Rec,
          const TransformOptions &Opts)
      : SM(Ctx.getSourceManager()), Ctx(Ctx), Rec(Rec), Opts(Opts) {
    Main = SM.getMainFileID();
    for (const Directive &D : Rec.Directives)
      if (D.Entered.isValid())
        EnteredBy[D.Entered] = &D;
  }

  bool run(std::string &Out, std::vector<std::string> &Headers);

private:
  const SourceManager &SM;
  ASTContext &Ctx;
  const IncludeRecord &Rec;
  const TransformOptions &Opts;
  FileID Main;
  std::map<FileID, const Directive *> EnteredBy;
  std::set<FileID> Inline;
  std::set<const FileEntry *> Excluded; // #pragma once headers kept whole

  bool isProjectHeader(FileID F) const;
  bool addChain(FileID F);
  bool computeInline();
  std::string text(FileID F, std::vector<std::string> &Headers);
  std::string headerName(FileID F) const {
    return absolute(SM.getPresumedLoc(SM.getLocForStartOfFile(F)).getFilename());
  }
};

/// A file of the project: user code (not a system header, nor one after
/// `#pragma GCC system_header`), not under a library directory (/usr/),
/// whose own inclusions do not depend on where it is.
bool Inliner::isProjectHeader(FileID F) const {
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(F);
  if (!FE || Rec.PlaceDependent.count(F) ||
      Excluded.count(&FE->getFileEntry()))
    return false;
  if (SM.getFileCharacteristic(SM.getLocForStartOfFile(F)) != SrcMgr::C_User ||
      SM.getFileCharacteristic(SM.getLocForEndOfFile(F)) != SrcMgr::C_User)
    return false;
  std::string Abs = absolute(FE->getName());
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(FE->getName(), Real))
    Real = Abs;
  for (const std::string &Dir : Opts.LibraryHeaderDirs) {
    std::string Prefix = absolute(Dir);
    if (!Prefix.empty() && Prefix.back() != '/')
      Prefix += '/';
    if (StringRef(Abs).starts_with(Prefix) ||
        StringRef(Real).starts_with(Prefix))
      return false;
  }
  return true;
}

/// Marks F and the files that include it, up to the main file, for
/// inlining, if each is a project header entered by a plain #include.
bool Inliner::addChain(FileID F) {
  std::vector<FileID> Chain;
  for (FileID Cur = F; Cur != Main;) {
    auto It = EnteredBy.find(Cur);
    if (It == EnteredBy.end() || !It->second->Plain || !isProjectHeader(Cur))
      return false;
    Chain.push_back(Cur);
    Cur = It->second->In;
  }
  Inline.insert(Chain.begin(), Chain.end());
  return true;
}

bool Inliner::computeInline() {
  std::set<FileID> Defining;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody() || !takenFromHeader(FD))
      continue;
    FileID F = SM.getFileID(SM.getExpansionLoc(FD->getLocation()));
    if (F == Main ||
        F != SM.getFileID(SM.getExpansionLoc(FD->getBeginLoc())) ||
        F != SM.getFileID(SM.getExpansionLoc(FD->getEndLoc())))
      continue;
    Defining.insert(F);
  }
  for (;;) {
    Inline.clear();
    for (FileID F : Defining)
      addChain(F);
    // A `#pragma once` header inlined here must not be included again from
    // a file that stays a file: the compiler would enter it a second time.
    bool Again = false;
    for (const Directive &D : Rec.Directives) {
      if (!D.File || D.In == Main || Inline.count(D.In))
        continue;
      for (FileID F : Inline) {
        OptionalFileEntryRef FE = SM.getFileEntryRefForID(F);
        const HeaderFileInfo *HFI = Rec.HS->getExistingFileInfo(*FE);
        if (&FE->getFileEntry() == &D.File->getFileEntry() && HFI &&
            HFI->isPragmaOnce &&
            Excluded.insert(&FE->getFileEntry()).second)
          Again = true;
      }
    }
    if (!Again)
      return !Inline.empty();
  }
}

/// F's text with its inlined inclusions replaced by their files' text;
/// in a header, the quote inclusions left as directives name their file by
/// its absolute path (the text no longer is in the header's directory), and
/// `#pragma once` goes (it would apply to the main file).
std::string Inliner::text(FileID F, std::vector<std::string> &Headers) {
  StringRef Buf = SM.getBufferData(F);
  std::set<const FileEntry *> InlinedFiles;
  for (FileID I : Inline)
    InlinedFiles.insert(&SM.getFileEntryRefForID(I)->getFileEntry());
  std::map<unsigned, std::pair<unsigned, std::string>> Edits; // off -> end, text
  auto newlines = [&](unsigned B, unsigned E) {
    return std::string(Buf.substr(B, E - B).count('\n'), '\n');
  };
  std::set<unsigned> Reported;
  for (const Directive &D : Rec.Directives) {
    if (D.In != F)
      continue;
    Reported.insert(D.HashOff);
    unsigned End = directiveEnd(Buf, D.HashOff);
    if (D.Entered.isValid() && Inline.count(D.Entered)) {
      PresumedLoc P = SM.getPresumedLoc(SM.getComposedLoc(F, D.HashOff));
      std::string Name = headerName(D.Entered);
      Headers.push_back(Name);
      std::string Body = text(D.Entered, Headers);
      if (StringRef(Body).starts_with("\xEF\xBB\xBF"))
        Body.erase(0, 3); // a byte order mark only starts a file
      if (!Body.empty() && Body.back() != '\n')
        Body += '\n';
      unsigned After = P.getLine() + Buf.substr(D.HashOff, End - D.HashOff)
                                         .count('\n') + 1;
      Edits[D.HashOff] = {End, lineDirective(1, Name) + Body +
                                   "#line " + std::to_string(After) + " " +
                                   cString(P.getFilename())};
    } else if (D.Entered.isInvalid() && D.File &&
               InlinedFiles.count(&D.File->getFileEntry())) {
      // Skipped by its guard or #pragma once: its text is already here.
      Edits[D.HashOff] = {End, newlines(D.HashOff, End)};
    } else if (F != Main && !D.Angled && D.File) {
      Edits[D.HashOff] = {End, "#include " +
                                   cString(absolute(D.File->getName())) +
                                   newlines(D.HashOff, End)};
    }
  }
  if (F != Main) {
    // Directive lines the front end did not process (inside #if groups it
    // skipped, which the real compiler may take).
    StringRef Dir = llvm::sys::path::parent_path(
        absolute(SM.getFileEntryRefForID(F)->getName()));
    for (size_t Off = 0; Off < Buf.size();) {
      size_t Eol = Buf.find('\n', Off);
      if (Eol == StringRef::npos)
        Eol = Buf.size();
      StringRef Line = Buf.slice(Off, Eol);
      StringRef T = Line.ltrim();
      unsigned Hash = Off + (Line.size() - T.size());
      if (T.consume_front("#") && !Reported.count(Hash)) {
        T = T.ltrim();
        if (T.starts_with("pragma") &&
            T.drop_front(6).ltrim().starts_with("once")) {
          Edits[Hash] = {unsigned(Eol), ""};
        } else if (T.consume_front("include") && T.ltrim().starts_with("\"")) {
          StringRef Name = T.ltrim().drop_front().split('"').first;
          llvm::SmallString<256> P(Dir);
          llvm::sys::path::append(P, Name);
          if (!llvm::sys::path::is_absolute(Name) && llvm::sys::fs::exists(P))
            Edits[Hash] = {unsigned(Eol), "#include " + cString(P)};
        }
      }
      Off = Eol + 1;
    }
  }
  std::string Out;
  unsigned At = 0;
  for (const auto &[B, E] : Edits) {
    if (B < At)
      continue; // inside an edited directive
    Out += Buf.slice(At, B).str() + E.second;
    At = E.first;
  }
  return Out + Buf.substr(At).str();
}

bool Inliner::run(std::string &Out, std::vector<std::string> &Headers) {
  if (!computeInline())
    return false;
  Out = text(Main, Headers);
  return true;
}

} // namespace

std::shared_ptr<IncludeRecord> recordIncludes(Preprocessor &PP) {
  auto Rec = std::make_shared<IncludeRecord>();
  Rec->SM = &PP.getSourceManager();
  Rec->HS = &PP.getHeaderSearchInfo();
  PP.addPPCallbacks(std::make_unique<IncludeRecorder>(Rec));
  return Rec;
}

bool inlineProjectHeaders(ASTContext &Ctx, const IncludeRecord &Rec,
                          const TransformOptions &Opts, std::string &Out,
                          std::vector<std::string> &Headers) {
  return Inliner(Ctx, Rec, Opts).run(Out, Headers);
}

bool keptAsWrittenInHeader(const FunctionDecl *FD, const SourceManager &SM,
                           const std::set<std::string> &Headers) {
  if (Headers.empty())
    return false;
  PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(FD->getLocation()));
  return P.isValid() && Headers.count(P.getFilename()) &&
         !takenFromHeader(FD);
}

} // namespace hcu
