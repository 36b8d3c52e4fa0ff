//===- Instrumenter.h - rewrites a translation unit into updatable C -*- C++ -*-===//
#ifndef HCU_TRANSFORM_INSTRUMENTER_H
#define HCU_TRANSFORM_INSTRUMENTER_H

#include "hcu-transform/Transform.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Rewrite/Core/Rewriter.h"

#include <set>

namespace hcu {

/// Instruments every function defined in the main file (docs/design.md) and
/// renames globals for patch binding. Results land in Code/Metadata; errors go
/// through the DiagnosticsEngine, and Failed is set.
class Instrumenter : public clang::ASTConsumer {
public:
  /// Headers: the #line names of the project headers inlined into the
  /// main file (HeaderInliner.h).
  Instrumenter(const TransformOptions &Opts,
               const std::set<std::string> &Headers, std::string &Code,
               nlohmann::json &Metadata, bool &Failed)
      : Opts(Opts), Headers(Headers), Code(Code), Metadata(Metadata),
        Failed(Failed) {}

  void HandleTranslationUnit(clang::ASTContext &Ctx) override;

private:
  const TransformOptions &Opts;
  const std::set<std::string> &Headers;
  std::string &Code;
  nlohmann::json &Metadata;
  bool &Failed;
};

} // namespace hcu

#endif
