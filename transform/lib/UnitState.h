//===- UnitState.h - what the rewriting of one unit shares ------*- C++ -*-===//
#ifndef HCU_TRANSFORM_UNITSTATE_H
#define HCU_TRANSFORM_UNITSTATE_H

#include "SourceNav.h"
#include "hcu-transform/Transform.h"

#include "clang/AST/ASTContext.h"
#include "clang/Rewrite/Core/Rewriter.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace hcu {

/// The state shared by the unit-level passes and the instrumentation of each
/// function: the one Rewriter every edit goes through (its edit order matters,
/// see Instrumenter.cpp) and the tables the unit's tail is built from.
struct UnitState {
  UnitState(clang::ASTContext &Ctx, const TransformOptions &Opts)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Opts(Opts), Nav(Ctx) {
    R.setSourceMgr(SM, Ctx.getLangOpts());
  }

  /// Reports Msg at Loc as an error; the unit then produces no output.
  void error(clang::SourceLocation Loc, const std::string &Msg) {
    clang::DiagnosticsEngine &DE = Ctx.getDiagnostics();
    unsigned ID = DE.getCustomDiagID(clang::DiagnosticsEngine::Error, "%0");
    DE.Report(Loc, ID) << Msg;
    Failed = true;
  }

  clang::ASTContext &Ctx;
  clang::SourceManager &SM;
  const TransformOptions &Opts;
  SourceNav Nav;
  clang::Rewriter R;
  bool Failed = false;

  std::string FileName, UnitName, Uid;
  std::set<const clang::FunctionDecl *>
      Defined; // canonical decls instrumented here
  std::map<const clang::FunctionDecl *, unsigned> DescIndex;
  std::set<std::string> SlotsDeclared, WrappersDeclared;
  std::set<unsigned> SetjmpsRewritten; // file offsets (a macro may hold one)
  std::vector<std::string> DescInits; // hcu_descs[] initializers, in order
  std::string DescTables;             // var/cp tables, emitted at the end
  nlohmann::json Functions = nlohmann::json::array();
};

} // namespace hcu

#endif
