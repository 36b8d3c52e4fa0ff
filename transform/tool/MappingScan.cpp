//===- MappingScan.cpp - the optional tables of a mapping file -----------===//

#include "MappingScan.h"
#include "HcuCCConfig.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace hcu {
namespace {

constexpr llvm::StringLiteral TransformerPrefix = "HCU_stack_transformer__";

class ScanConsumer : public ASTConsumer {
public:
  explicit ScanConsumer(MappingTables &Out) : Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    SourceManager &SM = Ctx.getSourceManager();
    for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
      if (!SM.isInMainFile(SM.getExpansionLoc(D->getLocation())))
        continue;
      if (const auto *VD = dyn_cast<VarDecl>(D))
        scanVar(Ctx, VD);
      else if (const auto *FD = dyn_cast<FunctionDecl>(D))
        scanFunction(Ctx, FD);
    }
  }

private:
  MappingTables &Out;

  void scanVar(ASTContext &Ctx, const VarDecl *VD) {
    if (!VD->getIdentifier() ||
        VD->isThisDeclarationADefinition() == VarDecl::DeclarationOnly)
      return;
    const ArrayType *AT = Ctx.getAsArrayType(VD->getType());
    if (!AT)
      return;
    const auto *RT = AT->getElementType()->getAs<RecordType>();
    if (RT && RT->getDecl()->getName() == "hcu_mapping_algorithmic_equivalence")
      Out.Equivalences.push_back(VD->getName().str());
  }

  void scanFunction(ASTContext &Ctx, const FunctionDecl *FD) {
    if (!FD->getIdentifier() || !FD->isThisDeclarationADefinition() ||
        !FD->getName().starts_with(TransformerPrefix))
      return;
    std::string Fn = FD->getName().drop_front(TransformerPrefix.size()).str();
    bool Ok = FD->getReturnType()->isVoidType() && FD->getNumParams() == 3;
    for (unsigned I = 0; Ok && I < 3; ++I) {
      QualType T = FD->getParamDecl(I)->getType();
      Ok = T->isPointerType() && T->getPointeeType()->isVoidType() &&
           !T->getPointeeType().isConstQualified();
    }
    if (!Ok || Fn.empty()) {
      DiagnosticsEngine &DE = Ctx.getDiagnostics();
      DE.Report(FD->getLocation(),
                DE.getCustomDiagID(
                    DiagnosticsEngine::Error,
                    "stack transformer '%0' must be 'void %0(void "
                    "*transform_stack_to, void *transform_stack_from, void "
                    "*transform_params_to)'%1"))
          << FD->getName()
          << (Fn.empty() ? " and name a function after the prefix" : "");
      return;
    }
    Out.StackTransformers.push_back(Fn);
  }
};

class ScanAction : public ASTFrontendAction {
public:
  explicit ScanAction(MappingTables &Out) : Out(Out) {}

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 llvm::StringRef) override {
    return std::make_unique<ScanConsumer>(Out);
  }

private:
  MappingTables &Out;
};

} // namespace

bool scanMapping(const std::string &Path,
                 const std::vector<std::string> &FrontEndFlags,
                 MappingTables &Out) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf) {
    llvm::errs() << "hcu-cc: error: cannot read the mapping " << Path << ": "
                 << Buf.getError().message() << "\n";
    return false;
  }
  std::vector<std::string> Flags = FrontEndFlags;
  Flags.push_back("-resource-dir=" HCU_CLANG_RESOURCE_DIR);
  Flags.push_back("-Wno-unused-command-line-argument");
  // Warnings were shown by the mapping check already.
  Flags.push_back("-w");
  return tooling::runToolOnCodeWithArgs(std::make_unique<ScanAction>(Out),
                                        (*Buf)->getBuffer(), Flags, Path,
                                        "hcu-cc");
}

} // namespace hcu
