//===- CondFreezer.h - keeps bodies' #if branches as the transform saw them -===//
//
// The instrumented file keeps its preprocessor directives, and the real
// compiler (gcc) evaluates them again, with its own predefined macros
// (__GNUC__ is 12 there, 4 for the Clang front end). A `#if __GNUC__ >= 5`
// inside a function body would then pick a branch the transform never saw,
// and the continuation points it numbered would not exist. So, before the
// first normalization round, every conditional group that lies wholly inside
// a function body of the main file is frozen: its directives and the
// branches the front end skipped are removed (newlines are kept, so lines do
// not move), leaving the branch that was parsed.
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TRANSFORM_CONDFREEZER_H
#define HCU_TRANSFORM_CONDFREEZER_H

#include "clang/AST/ASTContext.h"
#include "clang/Lex/Preprocessor.h"

#include <memory>
#include <string>

namespace hcu {

/// What the preprocessor saw of the main file's conditionals.
struct CondRecord;

/// Starts recording the conditional directives of PP's main file.
std::shared_ptr<CondRecord> recordConditionals(clang::Preprocessor &PP);

/// Returns true and sets Out to the main file's text with the conditional
/// groups inside function bodies frozen, if there are any.
bool freezeConditionals(clang::ASTContext &Ctx, const CondRecord &Rec,
                        std::string &Out);

/// The end (offset of its newline) of the directive that starts at Off in
/// Buf: its line, continuation lines, and a block comment that goes on past
/// the line.
unsigned directiveEnd(llvm::StringRef Buf, unsigned Off);

} // namespace hcu

#endif
