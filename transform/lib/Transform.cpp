//===- Transform.cpp - hcu-transform as a library -------------------------===//
#include "hcu-transform/Transform.h"
#include "Instrumenter.h"

#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/Path.h"

using namespace clang;

namespace hcu {

namespace {
class InstrumentAction : public ASTFrontendAction {
public:
  InstrumentAction(const TransformOptions &Opts, std::string &Code,
                   nlohmann::json &Meta, bool &Failed)
      : Opts(Opts), Code(Code), Meta(Meta), Failed(Failed) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 StringRef) override {
    return std::make_unique<Instrumenter>(Opts, Code, Meta, Failed);
  }

private:
  const TransformOptions &Opts;
  std::string &Code;
  nlohmann::json &Meta;
  bool &Failed;
};

class InstrumentFactory : public tooling::FrontendActionFactory {
public:
  InstrumentFactory(const TransformOptions &Opts, std::string &Code,
                    nlohmann::json &Meta, bool &Failed)
      : Opts(Opts), Code(Code), Meta(Meta), Failed(Failed) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<InstrumentAction>(Opts, Code, Meta, Failed);
  }

private:
  const TransformOptions &Opts;
  std::string &Code;
  nlohmann::json &Meta;
  bool &Failed;
};
} // namespace

std::string defaultUid(const std::string &File) {
  std::string Base = llvm::sys::path::filename(File).str();
  for (char &C : Base)
    if (!isalnum((unsigned char)C) && C != '_')
      C = '_';
  return Base;
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
  tooling::FixedCompilationDatabase DB(".", Args);
  tooling::ClangTool Tool(DB, {File});
  bool Failed = false;
  InstrumentFactory Factory(Opts, OutCode, OutMetadata, Failed);
  int RC = Tool.run(&Factory);
  return RC == 0 && !Failed;
}

} // namespace hcu
