//===- Transform.cpp - hcu-transform as a library -------------------------===//
//
// A file goes through rounds: each parses the current text; if normalization
// (Normalizer.h) changes something, the new text replaces the file for the
// next round; once nothing changes, the same AST is instrumented. Before
// round 0, a first parse may find functions in the project's headers: the
// rounds then start over from the text with those headers inlined
// (HeaderInliner.h).
//
//===----------------------------------------------------------------------===//
#include "hcu-transform/Transform.h"
#include "CondFreezer.h"
#include "Fingerprint.h"
#include "HeaderInliner.h"
#include "Instrumenter.h"
#include "Normalizer.h"

#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Syntax/Tokens.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <set>

using namespace clang;

namespace hcu {

namespace {

/// What one round produced.
struct RoundResult {
  int Round = 0;
  bool Failed = false;
  bool Normalized = false; // NewText holds the next round's input
  std::string NewText;
  std::string Code;
  nlohmann::json Metadata;
  nlohmann::json Fingerprint; // round 0 only: the unit as written
  bool FindHeaders = false;    // round 0: look for header functions to inline
  bool Reparse = false;        // round 0 again, of the text with headers inlined
  bool Inlined = false;        // NewText is the text with headers inlined
  std::set<std::string> Headers; // the inlined headers' #line names
};

class RoundConsumer : public ASTConsumer {
public:
  RoundConsumer(const TransformOptions &Opts, RoundResult &Res,
                std::unique_ptr<syntax::TokenCollector> Collector,
                bool QuietUntilParsed, std::shared_ptr<CondRecord> Conds,
                std::shared_ptr<IncludeRecord> Includes)
      : Opts(Opts), Res(Res), Collector(std::move(Collector)),
        QuietUntilParsed(QuietUntilParsed), Conds(std::move(Conds)),
        Includes(std::move(Includes)) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    // The transform's own warnings (-Whcu-pinned) are reported from here on.
    if (QuietUntilParsed)
      Ctx.getDiagnostics().setIgnoreAllWarnings(false);
    if (Ctx.getDiagnostics().hasErrorOccurred()) {
      Res.Failed = true;
      return;
    }
    if (Includes) {
      std::vector<std::string> Names;
      if (inlineProjectHeaders(Ctx, *Includes, Opts, Res.NewText, Names)) {
        Res.Inlined = true;
        Res.Headers.insert(Names.begin(), Names.end());
        return;
      }
    }
    syntax::TokenBuffer TB = std::move(*Collector).consume();
    if (Res.Round == 0 && !Opts.NormalizeOnly)
      Res.Fingerprint = fingerprintUnit(Ctx, TB, Opts);
    // Round 0 of a file with #if groups in function bodies only freezes them
    // (CondFreezer.h): the next round parses what the real compiler will.
    if (Conds && freezeConditionals(Ctx, *Conds, Res.NewText)) {
      Res.Normalized = true;
      return;
    }
    if (Res.Round < MaxRounds &&
        normalizeRound(Ctx, TB, Res.Round, Res.NewText)) {
      Res.Normalized = true;
      return;
    }
    if (Opts.NormalizeOnly) {
      SourceManager &SM = Ctx.getSourceManager();
      Res.Code = SM.getBufferData(SM.getMainFileID()).str();
      return;
    }
    Instrumenter I(Opts, Res.Headers, Res.Code, Res.Metadata, Res.Failed);
    I.HandleTranslationUnit(Ctx);
  }

  static constexpr int MaxRounds = 24;

private:
  const TransformOptions &Opts;
  RoundResult &Res;
  std::unique_ptr<syntax::TokenCollector> Collector;
  bool QuietUntilParsed;
  std::shared_ptr<CondRecord> Conds; // round 0 only
  std::shared_ptr<IncludeRecord> Includes; // round 0, first parse only
};

class RoundAction : public ASTFrontendAction {
public:
  RoundAction(const TransformOptions &Opts, RoundResult &Res)
      : Opts(Opts), Res(Res) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    auto Collector =
        std::make_unique<syntax::TokenCollector>(CI.getPreprocessor());
    // Round 0 told the user what Clang thinks of the source. Later rounds
    // parse the normalizer's rewrite of it: their warnings repeat those or
    // are about its temporaries (a comma's operand moved out of `(a, 0) !=
    // &x`), not about the user's code.
    bool Quiet = (Res.Round > 0 || Res.Reparse) &&
                 !CI.getDiagnostics().getIgnoreAllWarnings();
    if (Quiet)
      CI.getDiagnostics().setIgnoreAllWarnings(true);
    std::shared_ptr<CondRecord> Conds;
    if (Res.Round == 0)
      Conds = recordConditionals(CI.getPreprocessor());
    std::shared_ptr<IncludeRecord> Includes;
    if (Res.FindHeaders)
      Includes = recordIncludes(CI.getPreprocessor());
    return std::make_unique<RoundConsumer>(Opts, Res, std::move(Collector),
                                           Quiet, std::move(Conds),
                                           std::move(Includes));
  }

private:
  const TransformOptions &Opts;
  RoundResult &Res;
};

class RoundFactory : public tooling::FrontendActionFactory {
public:
  RoundFactory(const TransformOptions &Opts, RoundResult &Res)
      : Opts(Opts), Res(Res) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<RoundAction>(Opts, Res);
  }

private:
  const TransformOptions &Opts;
  RoundResult &Res;
};

} // namespace

std::string defaultUid(const std::string &UnitName) {
  std::string Uid;
  for (char C : UnitName)
    if (C == '/')
      Uid += "__";
    else
      Uid += isalnum((unsigned char)C) || C == '_' ? C : '_';
  return Uid;
}

bool unitNameOf(const std::string &File, const std::string &Root,
                std::string &Name, std::string &Error) {
  namespace path = llvm::sys::path;
  if (Root.empty()) {
    Name = path::filename(File).str();
    return true;
  }
  auto Clean = [](llvm::StringRef P) {
    llvm::SmallString<256> A(P);
    llvm::sys::fs::make_absolute(A);
    path::remove_dots(A, /*remove_dot_dot=*/true);
    return std::string(A);
  };
  std::string F = Clean(File), R = Clean(Root);
  llvm::StringRef Rel = F;
  if (!Rel.consume_front(R) || !(R.back() == '/' || Rel.consume_front("/")) ||
      Rel.empty()) {
    Error = File + " is not inside the project root " + Root +
            " (--hcu-root or HCU_ROOT): its unit could not be named by its "
            "path in the project";
    return false;
  }
  Name = Rel.str();
  return true;
}

bool transformFile(const std::string &File,
                   const std::vector<std::string> &CompilerArgs,
                   const TransformOptions &Opts, std::string &OutCode,
                   nlohmann::json &OutMetadata) {
  std::vector<std::string> Args = CompilerArgs;
  // Builtin headers (stddef.h, stdarg.h) come from Clang's resource dir, which
  // libTooling would otherwise look for next to our own executable.
  Args.push_back("-resource-dir=" HCU_CLANG_RESOURCE_DIR);
  Args.push_back("-Wno-unused-command-line-argument");
  // Old C that gcc accepts with a warning, and Clang 16+ rejects by default.
  // The real compiler (HCU_CC) still judges the program; the transform only
  // has to parse it.
  for (const char *W : {"implicit-int", "implicit-function-declaration",
                        "int-conversion", "incompatible-pointer-types",
                        "return-type", "return-mismatch"})
    Args.push_back(std::string("-Wno-error=") + W);
  tooling::FixedCompilationDatabase DB(".", Args);
  // Later rounds replace the file's contents under its own (absolute) name,
  // so its includes and diagnostics still refer to where it is.
  llvm::SmallString<256> Abs(File);
  llvm::sys::fs::make_absolute(Abs);
  std::string Text;
  bool Mapped = false; // Text replaces the file
  bool FindHeaders = Opts.HeaderFunctions;
  std::set<std::string> Headers;
  nlohmann::json Fingerprint;
  for (int Round = 0;; ++Round) {
    tooling::ClangTool Tool(DB, {std::string(Abs)});
    if (Mapped)
      Tool.mapVirtualFile(Abs, Text);
    RoundResult Res;
    Res.Round = Round;
    Res.FindHeaders = FindHeaders;
    Res.Reparse = !Headers.empty();
    Res.Headers = Headers;
    RoundFactory Factory(Opts, Res);
    if (Tool.run(&Factory) != 0 || Res.Failed)
      return false;
    FindHeaders = false;
    if (Res.Inlined) {
      // Round 0 again, of the text with the headers inlined.
      Text = std::move(Res.NewText);
      Mapped = true;
      Headers = std::move(Res.Headers);
      Round = -1;
      continue;
    }
    if (Round == 0)
      Fingerprint = std::move(Res.Fingerprint);
    if (!Res.Normalized) {
      OutCode = std::move(Res.Code);
      OutMetadata = std::move(Res.Metadata);
      mergeFingerprint(OutMetadata, Fingerprint);
      // Build systems must learn that the object depends on them (hcu-cc
      // adds them to the dependency file: the compiler never opens them).
      if (!Headers.empty() && OutMetadata.is_object())
        OutMetadata["headers"] = Headers;
      return true;
    }
    Text = std::move(Res.NewText);
    Mapped = true;
  }
}

} // namespace hcu
