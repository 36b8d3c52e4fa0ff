//===- MappingCheck.cpp - does a mapping file fit the patch? --------------===//
//
// The patch descriptor refers to the mapping's two arrays by name, so a
// mapping written for another version would fail to compile with an
// "undeclared identifier" in generated code. Checking first lets the error
// point at the mapping file and say what to write instead.
//
//===----------------------------------------------------------------------===//

#include "MappingCheck.h"
#include "MappingRules.h"
#include "HcuCCConfig.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace hcu {
namespace {

struct RequiredArray {
  const char *Prefix;   // the name without its version number
  const char *Record;   // the element type's struct tag
  const char *TypeName; // the typedef a user writes
};

const RequiredArray Required[] = {
    {"mapping_updates_v", "hcu_mapping_update_description",
     "hcu_mapping_update_description_t"},
    {"mapping_function_updates_v", "hcu_mapping_function_update_description",
     "hcu_mapping_function_update_description_t"},
};

class MappingConsumer : public ASTConsumer {
public:
  MappingConsumer(int BaseVersion, int NewVersion, const MappingInputs &In,
                  MappingFacts &Facts)
      : BaseVersion(BaseVersion), NewVersion(NewVersion), In(In),
        Facts(Facts) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    // After a syntax error a missing array is most likely a consequence.
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    for (const RequiredArray &R : Required)
      checkOne(Ctx, R);
    if (In.Old && In.New)
      checkMappingRules(Ctx, *In.Old, *In.New, NewVersion, Facts);
  }

private:
  int BaseVersion, NewVersion;
  const MappingInputs &In;
  MappingFacts &Facts;

  /// The struct tag of Ty's element type when Ty is an array, else "".
  static std::string elementRecord(ASTContext &Ctx, QualType Ty) {
    const ArrayType *AT = Ctx.getAsArrayType(Ty);
    if (!AT)
      return "";
    if (const auto *RT = AT->getElementType()->getAs<RecordType>())
      return RT->getDecl()->getName().str();
    return "";
  }

  void checkOne(ASTContext &Ctx, const RequiredArray &R) {
    DiagnosticsEngine &DE = Ctx.getDiagnostics();
    SourceManager &SM = Ctx.getSourceManager();
    std::string Want = R.Prefix + std::to_string(NewVersion);
    const VarDecl *Exact = nullptr, *Other = nullptr;
    for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
      const auto *VD = dyn_cast<VarDecl>(D);
      if (!VD || !VD->getIdentifier() ||
          VD->isThisDeclarationADefinition() == VarDecl::DeclarationOnly)
        continue;
      llvm::StringRef Name = VD->getName();
      unsigned long long V;
      if (!Name.starts_with(R.Prefix) ||
          llvm::getAsUnsignedInteger(Name.drop_front(strlen(R.Prefix)), 10, V))
        continue;
      if (Name == Want)
        Exact = VD;
      else if (!Other)
        Other = VD;
    }
    if (Exact) {
      if (elementRecord(Ctx, Exact->getType()) != R.Record)
        DE.Report(Exact->getLocation(),
                  DE.getCustomDiagID(DiagnosticsEngine::Error,
                                     "'%0' must be an array of %1"))
            << Want << R.TypeName;
      return;
    }
    if (Other) {
      DE.Report(Other->getLocation(),
                DE.getCustomDiagID(
                    DiagnosticsEngine::Error,
                    "'%0' does not match this patch: it builds version %1 "
                    "(on top of version %2), so the mapping must define "
                    "'%3' (%4[])"))
          << Other->getName() << NewVersion << BaseVersion << Want
          << R.TypeName;
      return;
    }
    DE.Report(SM.getLocForStartOfFile(SM.getMainFileID()),
              DE.getCustomDiagID(DiagnosticsEngine::Error,
                                 "the mapping must define %0 (%1[])"))
        << Want << R.TypeName;
  }
};

class MappingAction : public ASTFrontendAction {
public:
  MappingAction(int BaseVersion, int NewVersion, const MappingInputs &In,
                MappingFacts &Facts)
      : BaseVersion(BaseVersion), NewVersion(NewVersion), In(In),
        Facts(Facts) {}

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 llvm::StringRef) override {
    return std::make_unique<MappingConsumer>(BaseVersion, NewVersion, In,
                                             Facts);
  }

private:
  int BaseVersion, NewVersion;
  const MappingInputs &In;
  MappingFacts &Facts;
};

} // namespace

bool checkMapping(const std::string &Path,
                  const std::vector<std::string> &FrontEndFlags,
                  int BaseVersion, int NewVersion, const MappingInputs &In,
                  MappingFacts &Facts) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf) {
    llvm::errs() << "hcu-cc: error: cannot read the mapping " << Path << ": "
                 << Buf.getError().message() << "\n";
    return false;
  }
  std::vector<std::string> Flags = FrontEndFlags;
  // Builtin headers (stddef.h) come from Clang's resource directory.
  Flags.push_back("-resource-dir=" HCU_CLANG_RESOURCE_DIR);
  Flags.push_back("-Wno-unused-command-line-argument");
  return tooling::runToolOnCodeWithArgs(
      std::make_unique<MappingAction>(BaseVersion, NewVersion, In, Facts),
      (*Buf)->getBuffer(), Flags, Path, "hcu-cc");
}

} // namespace hcu
