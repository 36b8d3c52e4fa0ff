//===- MappingScan.cpp - the optional tables of a mapping file -----------===//

#include "MappingScan.h"
#include "HcuCCConfig.h"
#include "TypeInfo.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <regex>

using namespace clang;
using nlohmann::json;

namespace hcu {
namespace {

constexpr llvm::StringLiteral TransformerPrefix = "HCU_stack_transformer__";

/// Layouts compared without tag names: the mapping declares the old layout
/// of a changed struct under another tag.
std::string untagged(const std::string &Layout) {
  static const std::regex Tag("(struct|union|enum) [A-Za-z_0-9]+");
  return std::regex_replace(Layout, Tag, "$1");
}

class ScanConsumer : public ASTConsumer {
public:
  ScanConsumer(const FrameMetadata &Meta, MappingTables &Out)
      : Meta(Meta), Out(Out) {}

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
      else if (const auto *RD = dyn_cast<RecordDecl>(D))
        scanRecord(Ctx, RD);
    }
  }

private:
  const FrameMetadata &Meta;
  MappingTables &Out;

  void error(ASTContext &Ctx, SourceLocation L, const std::string &Msg) {
    DiagnosticsEngine &DE = Ctx.getDiagnostics();
    DE.Report(L, DE.getCustomDiagID(DiagnosticsEngine::Error, "%0")) << Msg;
  }

  /// Function Fn's metadata in a unit of version V; Versions collects the
  /// versions it was found in otherwise.
  const json *findFunction(const std::string &Fn, int V,
                           std::vector<int> &Versions) const {
    auto InUnit = [&](const json &U) -> const json * {
      int UV = U.value("version", 1);
      auto Fns = U.find("functions"); // iterate the stored array, not a copy
      if (Fns == U.end() || !Fns->is_array())
        return nullptr;
      for (const json &F : *Fns)
        if (F.is_object() && F.value("name", "") == Fn) {
          if (UV == V)
            return &F;
          Versions.push_back(UV);
        }
      return nullptr;
    };
    if (Meta.PatchUnits)
      for (const json &U : *Meta.PatchUnits)
        if (const json *F = InUnit(U))
          return F;
    if (Meta.Base && Meta.Base->contains("units"))
      for (const json &U : Meta.Base->at("units"))
        if (const json *F = InUnit(U))
          return F;
    return nullptr;
  }

  /// hcu_stack_local_<fn>_v<N>_s / hcu_function_formal_<fn>_v<N>_s must have
  /// the members of the record the transform made, in order: the runtime
  /// hands the transformer that memory.
  void scanRecord(ASTContext &Ctx, const RecordDecl *RD) {
    static const std::regex Name(
        "hcu_(stack_local|function_formal)_(.+)_v([0-9]+)_s");
    std::smatch M;
    std::string Tag = RD->getName().str();
    if (!RD->isThisDeclarationADefinition() || !Meta.Base ||
        !std::regex_match(Tag, M, Name))
      return;
    bool Locals = M[1] == "stack_local";
    std::string Fn = M[2];
    int V = std::stoi(M[3]);
    std::vector<int> Versions;
    const json *F = findFunction(Fn, V, Versions);
    if (!F) {
      std::string Where = "neither the running program nor the patch has a "
                          "function '" + Fn + "'";
      if (!Versions.empty())
        Where = "'" + Fn + "' is not version " + std::to_string(V) +
                " code in the running program or the patch (it is version " +
                std::to_string(Versions.front()) + ")";
      error(Ctx, RD->getLocation(), "struct " + Tag + ": " + Where);
      return;
    }
    // The expected members: name and layout.
    std::vector<std::pair<std::string, std::string>> Want;
    for (const json &X : F->value(Locals ? "locals" : "formals", json::array()))
      if (X.is_object() && !X.value("arena", false))
        Want.push_back({X.value("name", ""), X.value("layout", "")});
    if (Locals)
      Want.push_back({"hcu_stack_frame_fields", ""});
    else if (Want.empty())
      Want.push_back({"hcu_unused", "char#1"});
    std::string Hint = " (hcu-transform prints the struct before " + Fn +
                       "'s definition; copy it)";
    size_t I = 0;
    for (const FieldDecl *FD : RD->fields()) {
      if (I == Want.size()) {
        error(Ctx, FD->getLocation(),
              "struct " + Tag + " has more members than " + Fn + "'s " +
                  (Locals ? "locals" : "formals") + " record in version " +
                  std::to_string(V) + Hint);
        return;
      }
      const auto &[WName, WLayout] = Want[I++];
      std::string Got = layoutSignature(FD->getType(), Ctx);
      bool Internal = WName == "hcu_a" || WName == "hcu_mark";
      bool Ok = FD->getName() == WName &&
                (WName == "hcu_stack_frame_fields"
                     ? Got.rfind("struct hcu_stack_frame_fields_s", 0) == 0
                 : Internal ? FD->getType()->isPointerType()
                            : untagged(Got) == untagged(WLayout));
      if (!Ok) {
        error(Ctx, FD->getLocation(),
              "member " + std::to_string(I) + " of struct " + Tag + " is '" +
                  FD->getName().str() + "' (" + Got + "); " + Fn +
                  "'s record in version " + std::to_string(V) + " has '" +
                  WName + "'" +
                  (WLayout.empty() ? "" : " (" + WLayout + ")") + " there" +
                  Hint);
        return;
      }
    }
    if (I != Want.size())
      error(Ctx, RD->getLocation(),
            "struct " + Tag + " ends before '" + Want[I].first + "'; " + Fn +
                "'s record in version " + std::to_string(V) + " has " +
                std::to_string(Want.size()) + " members" + Hint);
  }

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
  ScanAction(const FrameMetadata &Meta, MappingTables &Out)
      : Meta(Meta), Out(Out) {}

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 llvm::StringRef) override {
    return std::make_unique<ScanConsumer>(Meta, Out);
  }

private:
  const FrameMetadata &Meta;
  MappingTables &Out;
};

} // namespace

bool scanMapping(const std::string &Path,
                 const std::vector<std::string> &FrontEndFlags,
                 const FrameMetadata &Meta, MappingTables &Out) {
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
  return tooling::runToolOnCodeWithArgs(std::make_unique<ScanAction>(Meta, Out),
                                        (*Buf)->getBuffer(), Flags, Path,
                                        "hcu-cc");
}

} // namespace hcu
