//===- Exec.cpp - running the real compiler -------------------------------===//

#include "Exec.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace hcu {

std::string formatCommand(const std::vector<std::string> &Argv) {
  std::string S;
  for (const std::string &A : Argv) {
    if (!S.empty())
      S += ' ';
    bool Plain = !A.empty() &&
                 A.find_first_of(" \t\n'\"\\$`*?;&|<>()#") == std::string::npos;
    if (Plain) {
      S += A;
      continue;
    }
    S += '\'';
    for (char C : A)
      S += C == '\'' ? std::string("'\\''") : std::string(1, C);
    S += '\'';
  }
  return S;
}

int Exec::runCompiler(const std::vector<std::string> &Args) const {
  std::vector<std::string> Argv = Compiler;
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  return run(Argv);
}

int Exec::run(const std::vector<std::string> &Argv) const {
  if (Verbose)
    llvm::errs() << formatCommand(Argv) << "\n";
  llvm::StringRef Name = Argv[0];
  std::string Program = Name.str();
  if (!Name.contains('/')) {
    llvm::ErrorOr<std::string> Found = llvm::sys::findProgramByName(Name);
    if (!Found) {
      llvm::errs() << "hcu-cc: error: cannot find the compiler '" << Name
                   << "' in PATH (set HCU_CC to the compiler to use)\n";
      return 1;
    }
    Program = *Found;
  }
  llvm::SmallVector<llvm::StringRef, 16> Refs(Argv.begin(), Argv.end());
  std::string ErrMsg;
  bool Failed = false;
  int RC = llvm::sys::ExecuteAndWait(Program, Refs, /*Env=*/std::nullopt,
                                     /*Redirects=*/{}, /*SecondsToWait=*/0,
                                     /*MemoryLimit=*/0, &ErrMsg, &Failed);
  if (Failed) {
    llvm::errs() << "hcu-cc: error: cannot run " << Program << ": " << ErrMsg
                 << "\n";
    return 1;
  }
  if (RC < 0) {
    llvm::errs() << "hcu-cc: error: " << Program << " crashed"
                 << (ErrMsg.empty() ? "" : ": ") << ErrMsg << "\n";
    return 1;
  }
  return RC;
}

} // namespace hcu
