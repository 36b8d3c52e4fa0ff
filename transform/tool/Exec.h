//===- Exec.h - running the real compiler ---------------------------------===//
#ifndef HCU_TOOL_EXEC_H
#define HCU_TOOL_EXEC_H

#include <string>
#include <vector>

namespace hcu {

/// Runs programs without a shell and reports like a compiler driver.
class Exec {
public:
  /// Cmd is the real compiler ($HCU_CC split on spaces, default "cc").
  Exec(std::vector<std::string> Cmd, bool Verbose)
      : Compiler(std::move(Cmd)), Verbose(Verbose) {}

  /// Runs the real compiler with Args; returns its exit status (0 = ok).
  /// A compiler that cannot be started or that crashed is reported and
  /// counts as 1.
  int runCompiler(const std::vector<std::string> &Args) const;

  /// Runs Argv[0] (looked up in PATH) with Argv[1...].
  int run(const std::vector<std::string> &Argv) const;

  bool verbose() const { return Verbose; }
  const std::vector<std::string> &compiler() const { return Compiler; }

private:
  std::vector<std::string> Compiler;
  bool Verbose;
};

/// A command line as a user would type it (quoted where needed).
std::string formatCommand(const std::vector<std::string> &Argv);

} // namespace hcu

#endif
