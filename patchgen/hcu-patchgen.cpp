//===- hcu-patchgen.cpp - from two builds to a mapping and a patch --------===//
//
//   hcu-patchgen OLD NEW                      report, write mapping_v<N>.c
//   hcu-patchgen OLD NEW --json               the report as JSON
//   hcu-patchgen OLD NEW --build=v2.so [-- cc flags]
//
// OLD is the running program (or the last patch) and NEW the new version's
// program, both built with hcu-cc (their .hcu.json metadata is read).
//
//===----------------------------------------------------------------------===//
#include "Compare.h"
#include "MappingWriter.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using nlohmann::json;
namespace fs = llvm::sys::fs;

namespace {

cl::OptionCategory Cat("hcu-patchgen options");
cl::list<std::string> Positional(cl::Positional, cl::desc("OLD NEW [-- cc args]"),
                                 cl::cat(Cat));
cl::opt<std::string> Output("o",
                            cl::desc("the template mapping file to write "
                                     "(default: mapping_v<N>.c; - for stdout)"),
                            cl::value_desc("file"), cl::cat(Cat));
cl::opt<bool> Json("json", cl::desc("print the report as JSON"), cl::cat(Cat));
cl::opt<std::string>
    Build("build",
          cl::desc("build the patch from the mapping with hcu-cc; the "
                   "arguments after -- go to hcu-cc (flags, and the new "
                   "version's sources: by default the changed files)"),
          cl::value_desc("patch.so"), cl::cat(Cat));
cl::opt<std::string>
    Mapping("mapping",
            cl::desc("with --build: build from this (edited) mapping instead "
                     "of writing a new template"),
            cl::value_desc("file"), cl::cat(Cat));

int error(const Twine &Msg) {
  errs() << "hcu-patchgen: error: " << Msg << "\n";
  return 1;
}

/// prog or prog.hcu.json -> prog.hcu.json.
std::string metadataOf(StringRef Arg) {
  return Arg.ends_with(".hcu.json") ? Arg.str() : (Arg + ".hcu.json").str();
}

int load(StringRef Arg, hcu::Version &V) {
  V.Path = metadataOf(Arg);
  auto Buf = MemoryBuffer::getFile(V.Path, /*IsText=*/true);
  if (!Buf)
    return error("cannot read " + V.Path + ": " + Buf.getError().message() +
                 " (build " + Arg + " with hcu-cc first)");
  V.Meta = json::parse((*Buf)->getBuffer().begin(), (*Buf)->getBuffer().end(),
                       nullptr, /*allow_exceptions=*/false);
  if (V.Meta.is_discarded() || !V.Meta.is_object() ||
      V.Meta.value("format", "") != "hcu-metadata-1")
    return error(V.Path + " is not hcu metadata of a linked program or patch");
  std::string E;
  if (!V.index(E))
    return error(E);
  return 0;
}

int writeText(const std::string &Path, const std::string &Text) {
  if (Path == "-") {
    outs() << Text;
    return 0;
  }
  std::error_code EC;
  raw_fd_ostream OS(Path, EC, fs::OF_Text);
  if (EC)
    return error("cannot write " + Path + ": " + EC.message());
  OS << Text;
  return 0;
}

/// Every HCU-TODO left in the mapping, as file:line errors.
int checkNoTodo(const std::string &Path) {
  auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return error("cannot read " + Path + ": " + Buf.getError().message());
  SmallVector<StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  int Left = 0;
  for (size_t I = 0; I < Lines.size(); ++I) {
    size_t At = Lines[I].find(hcu::todoMarker());
    if (At == StringRef::npos || Lines[I].find("refuses") != StringRef::npos)
      continue;
    errs() << Path << ":" << I + 1 << ": error: unresolved "
           << Lines[I].drop_front(At).rtrim(" */") << "\n";
    ++Left;
  }
  if (Left)
    return error(Twine(Left) + " decision(s) left in " + Path +
                 "; edit the mapping and build with --mapping=" + Path);
  return 0;
}

int buildPatch(const char *Argv0, const std::string &OldArg,
               const std::string &MappingPath,
               const std::vector<std::string> &CcArgs,
               const hcu::Comparison &C, const std::string &Root) {
  if (int RC = checkNoTodo(MappingPath))
    return RC;
  std::string Self = sys::fs::getMainExecutable(Argv0, (void *)&error);
  SmallString<256> HcuCC(sys::path::parent_path(Self));
  sys::path::append(HcuCC, "hcu-cc");
  std::string Base = OldArg;
  if (StringRef(Base).ends_with(".hcu.json"))
    Base.resize(Base.size() - strlen(".hcu.json"));
  std::vector<std::string> Cmd = {std::string(HcuCC)};
  Cmd.insert(Cmd.end(), CcArgs.begin(), CcArgs.end());
  // The new units keep the names they had in NEW (net/util.c).
  bool HasRoot = llvm::any_of(
      CcArgs, [](StringRef A) { return A.starts_with("--hcu-root="); });
  if (!Root.empty() && !HasRoot)
    Cmd.push_back("--hcu-root=" + Root);
  Cmd.push_back("--hcu-patch-for=" + Base);
  Cmd.push_back("--hcu-mapping=" + MappingPath);
  Cmd.insert(Cmd.end(), {"-o", Build});
  bool HasSources = llvm::any_of(
      CcArgs, [](StringRef A) { return A.ends_with(".c"); });
  if (!HasSources && C.NewUnitFiles.empty())
    return error("nothing changed between " + OldArg +
                 " and the new version: there is no patch to build");
  if (!HasSources)
    Cmd.insert(Cmd.end(), C.NewUnitFiles.begin(), C.NewUnitFiles.end());
  std::vector<StringRef> Refs(Cmd.begin(), Cmd.end());
  std::string Err;
  int RC = sys::ExecuteAndWait(Cmd[0], Refs, std::nullopt, {}, 0, 0, &Err);
  if (RC < 0)
    return error("cannot run " + Cmd[0] + ": " + Err);
  if (RC != 0)
    return error("hcu-cc failed to build " + Build);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM Init(argc, argv);
  cl::HideUnrelatedOptions(Cat);
  cl::SetVersionPrinter([](raw_ostream &OS) { OS << "hcu-patchgen 0.1.0\n"; });
  cl::ParseCommandLineOptions(
      argc, argv,
      "compares two builds made with hcu-cc and writes a template mapping "
      "file for the update (and builds the patch with --build)\n");
  if (Positional.size() < 2)
    return error("usage: hcu-patchgen OLD NEW [-o mapping.c] [--json] "
                 "[--build=patch.so [--mapping=edited.c]] [-- cc args]");
  if (!Mapping.empty() && Build.empty())
    return error("--mapping is for --build: name the patch to build");
  hcu::Version Old, New;
  if (int RC = load(Positional[0], Old))
    return RC;
  if (int RC = load(Positional[1], New))
    return RC;
  hcu::Comparison C = hcu::compareVersions(Old, New);

  if (Json)
    outs() << hcu::comparisonJson(Old, New, C).dump(2) << "\n";
  else
    outs() << hcu::comparisonText(Old, New, C);
  outs().flush();

  std::string MappingPath = Mapping;
  if (MappingPath.empty()) {
    int Todos = 0;
    std::string Text = hcu::writeMapping(Old, New, C, Todos);
    MappingPath = Output.empty()
                      ? "mapping_v" + std::to_string(Old.version() + 1) + ".c"
                      : std::string(Output);
    if (int RC = writeText(MappingPath, Text))
      return RC;
    if (MappingPath != "-")
      errs() << "hcu-patchgen: wrote " << MappingPath << " (" << Todos
             << " decision(s) left for you, marked HCU-TODO)\n";
  }
  if (Build.empty())
    return 0;
  if (MappingPath == "-")
    return error("--build needs the mapping in a file (-o FILE)");
  std::vector<std::string> CcArgs(Positional.begin() + 2, Positional.end());
  return buildPatch(argv[0], Positional[0], MappingPath, CcArgs, C, New.Root);
}
