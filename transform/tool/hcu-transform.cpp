//===- hcu-transform.cpp - instrument one C file for dynamic updates ------===//
//
// Thin main over the hcuTransform library: parses options, runs the
// transform, writes the instrumented C and its metadata.
//
//===----------------------------------------------------------------------===//
#include "hcu-transform/Transform.h"
#include "CCArgs.h"

#include "clang/Tooling/CompilationDatabase.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
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
static cl::opt<bool> NoHeaderFunctions(
    "no-header-functions",
    cl::desc("instrument the main file's functions only, not those defined "
             "in the project's headers"),
    cl::cat(Category));
static cl::list<std::string> LibraryHeaders(
    "library-headers",
    cl::desc("headers under this directory are a library's (as under "
             "/usr/): their functions are not instrumented"),
    cl::value_desc("dir"), cl::cat(Category));
static cl::opt<std::string> Uid("hcu-uid", cl::desc("unique id of this file in the program (default: from its unit name)"),
                                cl::cat(Category));
static cl::opt<std::string> Root("hcu-root",
                                 cl::desc("name the unit by its path under this directory (net/util.c) instead of its base name"),
                                 cl::value_desc("dir"), cl::cat(Category));

static cl::opt<std::string> BuildPath(
    "p",
    cl::desc("build directory holding compile_commands.json: the file's "
             "flags come from its entry there (gcc-only options left out), "
             "flags after -- are added"),
    cl::value_desc("dir"), cl::cat(Category));

/// The front-end flags of File's entry in Dir/compile_commands.json, read the
/// way hcu-cc reads a cc command line; enters the entry's directory, where
/// its relative paths (-I include) mean something. Input and Output are made
/// absolute first.
static bool flagsFromDatabase(std::string &File, std::string &Out,
                              std::vector<std::string> &Flags) {
  std::string Err;
  auto DB = clang::tooling::CompilationDatabase::loadFromDirectory(BuildPath, Err);
  if (!DB) {
    errs() << "hcu-transform: error: " << Err << "\n";
    return false;
  }
  SmallString<256> Abs(File);
  sys::fs::make_absolute(Abs);
  sys::path::remove_dots(Abs, true);
  std::vector<clang::tooling::CompileCommand> Cmds = DB->getCompileCommands(Abs);
  if (Cmds.empty() || Cmds[0].CommandLine.empty()) {
    errs() << "hcu-transform: error: " << BuildPath
           << "/compile_commands.json has no entry for '" << File << "'\n";
    return false;
  }
  std::vector<std::string> Cmd(Cmds[0].CommandLine.begin() + 1,
                               Cmds[0].CommandLine.end());
  std::vector<std::string> FE = hcu::parseCCArgs(Cmd).frontEndFlags();
  Flags.insert(Flags.begin(), FE.begin(), FE.end());
  if (!Out.empty()) {
    SmallString<256> O(Out);
    sys::fs::make_absolute(O);
    Out = std::string(O);
  }
  File = std::string(Abs);
  if (std::error_code EC = sys::fs::set_current_path(Cmds[0].Directory)) {
    errs() << "hcu-transform: error: cannot enter '" << Cmds[0].Directory
           << "': " << EC.message() << "\n";
    return false;
  }
  return true;
}

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
  Opts.HeaderFunctions = !NoHeaderFunctions;
  for (const std::string &D : LibraryHeaders)
    Opts.LibraryHeaderDirs.push_back(D);
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
  std::string File = Input, Out = Output, MetaOut = MetadataOut;
  if (!MetaOut.empty()) {
    SmallString<256> M(MetaOut);
    sys::fs::make_absolute(M);
    MetaOut = std::string(M);
  }
  std::string Why;
  if (!hcu::unitNameOf(File, Root, Opts.UnitName, Why)) {
    errs() << "hcu-transform: error: " << Why << "\n";
    return 1;
  }
  if (!BuildPath.empty() && !flagsFromDatabase(File, Out, Args))
    return 1;
  std::string Code;
  nlohmann::json Meta;
  if (!hcu::transformFile(File, Args, Opts, Code, Meta))
    return 1;
  if (Out.empty())
    outs() << Code;
  else if (!writeFile(Out, Code))
    return 1;
  if (!MetaOut.empty() && !writeFile(MetaOut, Meta.dump(2) + "\n"))
    return 1;
  return 0;
}
