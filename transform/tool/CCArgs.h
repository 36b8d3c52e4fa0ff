//===- CCArgs.h - hcu-cc's reading of a compiler command line -------------===//
//
// hcu-cc must accept anything `cc` accepts and forward what it does not
// understand untouched. So the command line is not parsed into options but
// split into items that keep their original spelling and order; each item is
// only classified (input, front-end flag, linker-only flag, ...) so that the
// driver can rebuild the commands it runs from it.
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TOOL_CCARGS_H
#define HCU_TOOL_CCARGS_H

#include <optional>
#include <string>
#include <vector>

namespace hcu {

/// One input on the command line (a positional argument).
struct CCInput {
  std::string Path;
  /// The `-x` language in effect for it ("" when none: by extension).
  std::string XLang;
  /// Instrumented: C source by -x or by its .c extension (not stdin).
  bool IsC = false;
};

/// One argument as written (one or two tokens: `-I dir` stays together).
struct CCItem {
  std::vector<std::string> Tokens;
  /// Index into CCArgs::Inputs when this item is an input, else -1.
  int Input = -1;
  /// Meaningful only when linking (-l, -Wl, -Xlinker, ...): left out of
  /// compile commands so that cc does not warn "linker input unused".
  bool LinkOnly = false;
};

/// What the driver must do, from the options that select a phase.
enum class CCPhase { Link, Compile, Assemble, Preprocess };

struct CCArgs {
  /// Every argument in order except the inputs' `-x`, `-o`, the phase
  /// options (-c, -S, -E) and hcu-cc's own options.
  std::vector<CCItem> Items;
  std::vector<CCInput> Inputs;
  std::optional<std::string> Output;
  CCPhase Phase = CCPhase::Link;

  bool Shared = false;                ///< -shared
  bool Relocatable = false;           ///< -r: a partial link, no libhcu
  bool CompilerVerbose = false;       ///< -v: also shows hcu-cc's commands
  bool HcuVerbose = false;            ///< --hcu-verbose or HCU_VERBOSE=1
  bool ShowVersion = false;           ///< --version
  bool DepsOnly = false;              ///< -M/-MM without -MD/-MMD: implies -E
  bool WritesDeps = false;            ///< -MD/-MMD
  std::optional<std::string> DepFile; ///< -MF
  bool DryRun = false;  ///< -###, -fsyntax-only: left to cc entirely
  bool HcuHelp = false; ///< --hcu-help

  std::optional<std::string> PatchFor; ///< --hcu-patch-for=BASE
  std::optional<std::string> Mapping;  ///< --hcu-mapping=MAP.c
  bool NoHeaderFunctions = false;      ///< --hcu-no-header-functions
  std::vector<std::string> LibraryHeaders; ///< --hcu-library-headers=DIR
  std::optional<std::string> Root;     ///< --hcu-root=DIR

  bool hasCInputs() const;
  /// Flags the Clang front end needs to see the source as cc does: include
  /// paths, macros, language standard, target. Everything else (warnings,
  /// code generation, gcc-only options) is left out.
  std::vector<std::string> frontEndFlags() const;
};

/// Splits Argv (without argv[0]). Never fails: unknown options are kept.
CCArgs parseCCArgs(const std::vector<std::string> &Argv);

/// Splits a command held in an environment variable ("ccache gcc -m32") on
/// white space.
std::vector<std::string> splitCommand(const std::string &Command);

} // namespace hcu

#endif
