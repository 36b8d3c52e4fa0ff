//===- hcu-cc.cpp - the drop-in compiler wrapper and patch builder --------===//
//
//   make CC=hcu-cc
//   hcu-cc --hcu-patch-for=prog --hcu-mapping=mapping.c -o v2.so v2/*.c
//
// Every .c file goes through the transform; the instrumented C is compiled by
// the real compiler ($HCU_CC, default cc) with the user's flags, and programs
// are linked with libhcu. A drop-in wrapper cannot declare its options with
// llvm::cl (it must accept whatever cc accepts), hence CCArgs.
//
//===----------------------------------------------------------------------===//

#include "CCArgs.h"
#include "Driver.h"
#include "Exec.h"
#include "HcuCCConfig.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace hcu;

namespace {

bool envVerbose() {
  std::optional<std::string> V = llvm::sys::Process::GetEnv("HCU_VERBOSE");
  return V && !V->empty() && *V != "0";
}

std::vector<std::string> realCompiler() {
  std::optional<std::string> V = llvm::sys::Process::GetEnv("HCU_CC");
  std::vector<std::string> Cmd = splitCommand(V ? *V : "");
  if (Cmd.empty())
    Cmd.push_back("cc");
  return Cmd;
}

/// The user's arguments without hcu-cc's own options.
std::vector<std::string> forwarded(const std::vector<std::string> &Argv) {
  std::vector<std::string> Out;
  for (const std::string &A : Argv)
    if (!llvm::StringRef(A).starts_with("--hcu-"))
      Out.push_back(A);
  return Out;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM Init(argc, argv);
  std::vector<std::string> Argv(argv + 1, argv + argc);
  CCArgs Args = parseCCArgs(Argv);
  bool Verbose = Args.HcuVerbose || Args.CompilerVerbose || envVerbose();
  Exec X(realCompiler(), Verbose);

  if (Args.HcuHelp) {
    printHcuHelp();
    return 0;
  }
  if (Args.ShowVersion)
    llvm::outs() << "hcu-cc (hcu) " HCU_VERSION_STRING ", compiling with "
                 << formatCommand(X.compiler()) << "\n";
  llvm::outs().flush();

  if (Args.Mapping && !Args.PatchFor) {
    llvm::errs() << "hcu-cc: error: --hcu-mapping needs --hcu-patch-for=BASE "
                    "(the program or patch this patch applies to)\n";
    return 1;
  }
  bool Patch = Args.PatchFor.has_value();
  bool Compiles =
      Args.Phase == CCPhase::Compile || Args.Phase == CCPhase::Assemble;

  // Nothing to instrument or to link with the runtime: cc does it all.
  bool PassThrough = Args.DryRun || Args.Phase == CCPhase::Preprocess ||
                     Args.DepsOnly || Args.Inputs.empty() ||
                     (Compiles && !Args.hasCInputs());
  if (PassThrough)
    return X.runCompiler(forwarded(Argv));

  Driver D(std::move(Args), std::move(X), RuntimePaths::fromEnvironment());
  if (Compiles)
    return D.compileOnly();
  if (Patch)
    return D.buildPatch();
  return D.link();
}
