//===- hcu-transform.cpp - instrument one C file for dynamic updates ------===//
//
// Thin main over the hcuTransform library: parses options, runs the
// transform, writes the instrumented C and its metadata.
//
//===----------------------------------------------------------------------===//
#include "hcu-transform/Transform.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <fstream>

using namespace llvm;

static cl::OptionCategory Category("hcu-transform options");
static cl::opt<std::string> Input(cl::Positional, cl::desc("<file.c>"),
                                  cl::Required, cl::cat(Category));
static cl::opt<std::string> Output("o", cl::desc("instrumented C output (default: stdout)"),
                                   cl::value_desc("file"), cl::cat(Category));
static cl::opt<std::string> MetadataOut("metadata", cl::desc("write the unit's metadata (JSON) here"),
                                        cl::value_desc("file"), cl::cat(Category));
static cl::opt<int> Version("hcu-version", cl::desc("version number of this code (default 1)"),
                            cl::init(1), cl::cat(Category));
static cl::opt<std::string> Base("hcu-base", cl::desc("patch mode: metadata of the version the patch applies to"),
                                 cl::value_desc("file.hcu.json"), cl::cat(Category));
static cl::opt<bool> NormalizeOnly("normalize-only",
                                   cl::desc("print the normalized C (calls of interest as statements) without instrumenting it"),
                                   cl::cat(Category));
static cl::opt<std::string> Uid("hcu-uid", cl::desc("unique id of this file in the program (default: its base name)"),
                                cl::cat(Category));

static bool writeFile(const std::string &Path, const std::string &Text) {
  std::error_code EC;
  raw_fd_ostream OS(Path, EC, sys::fs::OF_Text);
  if (EC) {
    errs() << "hcu-transform: error: cannot write '" << Path << "': " << EC.message() << "\n";
    return false;
  }
  OS << Text;
  return true;
}

int main(int argc, char **argv) {
  // Everything after "--" is for the compiler front end, not for us.
  std::vector<std::string> Args;
  int OwnArgc = argc;
  for (int I = 1; I < argc; ++I)
    if (StringRef(argv[I]) == "--") {
      OwnArgc = I;
      Args.assign(argv + I + 1, argv + argc);
      break;
    }
  cl::HideUnrelatedOptions(Category);
  cl::ParseCommandLineOptions(OwnArgc, argv,
                              "hcu-transform: rewrite a C file into updatable C\n\n"
                              "  hcu-transform [options] file.c -- [compiler flags]\n");
  hcu::TransformOptions Opts;
  Opts.Version = Version;
  Opts.Uid = Uid;
  Opts.NormalizeOnly = NormalizeOnly;
  if (!Base.empty()) {
    auto Buf = MemoryBuffer::getFile(Base);
    if (!Buf) {
      errs() << "hcu-transform: error: cannot read '" << Base << "': "
             << Buf.getError().message() << "\n";
      return 1;
    }
    Opts.BaseMetadata = nlohmann::json::parse((*Buf)->getBuffer().str(), nullptr, false);
    if (Opts.BaseMetadata.is_discarded()) {
      errs() << "hcu-transform: error: '" << Base << "' is not valid JSON\n";
      return 1;
    }
    Opts.PatchMode = true;
  }
  std::string Code;
  nlohmann::json Meta;
  if (!hcu::transformFile(Input, Args, Opts, Code, Meta))
    return 1;
  if (Output.empty())
    outs() << Code;
  else if (!writeFile(Output, Code))
    return 1;
  if (!MetadataOut.empty() && !writeFile(MetadataOut, Meta.dump(2) + "\n"))
    return 1;
  return 0;
}
