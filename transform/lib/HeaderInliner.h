//===- HeaderInliner.h - the project's header functions join the unit -*- C++ -*-===//
//
// Only the main file's functions are instrumented. So that a function
// defined in one of the project's own headers (a `static inline` helper in
// util.h) is updatable too, the first parse of a file records which
// #include directive entered which file; if a project header defines a
// function the instrumenter would take, that header's text, and that of the
// project headers that include it, replaces their #include directives in the
// main file's text, between #line directives that keep every location
// (diagnostics, __FILE__, __LINE__, debug info) pointing into the header.
// The rounds then go on with that text. The rules (what a project header is,
// which headers are kept out) are in docs/design.md, "Functions defined in
// headers".
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TRANSFORM_HEADERINLINER_H
#define HCU_TRANSFORM_HEADERINLINER_H

#include "hcu-transform/Transform.h"

#include "clang/AST/ASTContext.h"
#include "clang/Lex/Preprocessor.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hcu {

/// What the preprocessor did with each #include of a parse.
struct IncludeRecord;

/// Starts recording the inclusion directives PP processes.
std::shared_ptr<IncludeRecord> recordIncludes(clang::Preprocessor &PP);

/// If project headers define functions the instrumenter takes, sets Out to
/// the main file's text with them inlined and Headers to the names their
/// #line directives give them, and returns true. Otherwise returns false
/// (the file is transformed as it is).
bool inlineProjectHeaders(clang::ASTContext &Ctx, const IncludeRecord &Rec,
                          const TransformOptions &Opts, std::string &Out,
                          std::vector<std::string> &Headers);

/// Whether FD, written in an inlined header (its presumed file is one of
/// Headers), stays as written: a non-static inline definition (every unit
/// that includes the header would define its slot), or a static function
/// this unit does not refer to.
bool keptAsWrittenInHeader(const clang::FunctionDecl *FD,
                           const clang::SourceManager &SM,
                           const std::set<std::string> &Headers);

} // namespace hcu

#endif
