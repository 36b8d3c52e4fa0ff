//===- CCArgs.cpp - hcu-cc's reading of a compiler command line -----------===//

#include "CCArgs.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using llvm::StringRef;

namespace hcu {
namespace {

/// Options whose value may be the next token when not joined (`-I dir`).
bool takesJoinedOrSeparate(StringRef A) {
  static const llvm::StringSet<> Set = {"-o", "-I", "-D",  "-U",  "-L",
                                        "-l", "-x", "-MF", "-MT", "-MQ",
                                        "-u", "-T", "-z",  "-B",  "-A"};
  return Set.contains(A);
}

/// Options whose value is always the next token.
bool takesSeparate(StringRef A) {
  static const llvm::StringSet<> Set = {
      "-include",   "-imacros", "-isystem",     "-iquote",
      "-idirafter", "-iprefix", "-iwithprefix", "-iwithprefixbefore",
      "-isysroot",  "-Xlinker", "-Xassembler",  "-Xpreprocessor",
      "-Xclang",    "--param",  "-aux-info",    "--sysroot",
      "-target",    "-arch",    "-imultilib",   "-dumpbase",
      "-dumpdir",   "-auxbase", "-MJ"};
  return Set.contains(A);
}

bool isLinkOnly(StringRef A) {
  static const llvm::StringSet<> Exact = {"-Xlinker",
                                          "-T",
                                          "-u",
                                          "-z",
                                          "-static",
                                          "-shared",
                                          "-rdynamic",
                                          "-pie",
                                          "-no-pie",
                                          "-static-pie",
                                          "-nostdlib",
                                          "-nostartfiles",
                                          "-nodefaultlibs",
                                          "-s",
                                          "-static-libgcc",
                                          "-shared-libgcc",
                                          "-r"};
  return Exact.contains(A) || A.starts_with("-l") || A.starts_with("-L") ||
         A.starts_with("-Wl,");
}

/// Joined front-end flags kept as they are.
bool isFrontEndPrefix(StringRef A) {
  for (StringRef P : {"-I", "-D", "-U", "-std=", "--std=", "--target=",
                      "--sysroot=", "-isystem", "-iquote", "-idirafter", "-O"})
    if (A.starts_with(P))
      return true;
  static const llvm::StringSet<> Exact = {"-ansi",
                                          "-m32",
                                          "-m64",
                                          "-mx32",
                                          "-nostdinc",
                                          "-undef",
                                          "-pthread",
                                          "-w",
                                          "-fgnu89-inline",
                                          "-fno-gnu89-inline",
                                          "-fsigned-char",
                                          "-fno-signed-char",
                                          "-funsigned-char",
                                          "-fno-unsigned-char",
                                          "-fshort-enums",
                                          "-fshort-wchar",
                                          "-fms-extensions",
                                          "-fno-ms-extensions",
                                          "-fopenmp",
                                          "-fPIC",
                                          "-fpic",
                                          "-fPIE",
                                          "-fpie",
                                          "-fgnu-keywords",
                                          "-fno-gnu-keywords",
                                          "-fdollars-in-identifiers",
                                          "-fno-dollars-in-identifiers"};
  return Exact.contains(A);
}

/// Separate-value front-end options (`-include f`).
bool isFrontEndSeparate(StringRef A) {
  static const llvm::StringSet<> Set = {
      "-I",        "-D",           "-U",
      "-include",  "-imacros",     "-isystem",
      "-iquote",   "-idirafter",   "-isysroot",
      "--sysroot", "-target",      "-Xpreprocessor",
      "-iprefix",  "-iwithprefix", "-iwithprefixbefore"};
  return Set.contains(A);
}

} // namespace

std::vector<std::string> splitCommand(const std::string &Command) {
  std::vector<std::string> Words;
  llvm::SmallVector<StringRef, 4> Parts;
  StringRef(Command).split(Parts, ' ', -1, false);
  for (StringRef P : Parts) {
    P = P.trim();
    if (!P.empty())
      Words.push_back(P.str());
  }
  return Words;
}

bool CCArgs::hasCInputs() const {
  for (const CCInput &I : Inputs)
    if (I.IsC)
      return true;
  return false;
}

std::vector<std::string> CCArgs::frontEndFlags() const {
  std::vector<std::string> Flags;
  for (const CCItem &It : Items) {
    if (It.Input >= 0 || It.Tokens.empty())
      continue;
    StringRef A = It.Tokens[0];
    if (It.Tokens.size() == 2) {
      if (isFrontEndSeparate(A))
        Flags.insert(Flags.end(), It.Tokens.begin(), It.Tokens.end());
      continue;
    }
    if (A.starts_with("-Wp,")) {
      // -Wp,-D_FORTIFY_SOURCE=2: the preprocessor's macros and paths matter.
      llvm::SmallVector<StringRef, 4> Parts;
      A.drop_front(4).split(Parts, ',');
      for (StringRef P : Parts)
        if (P.starts_with("-D") || P.starts_with("-U") || P.starts_with("-I"))
          Flags.push_back(P.str());
      continue;
    }
    if (isFrontEndPrefix(A))
      Flags.push_back(A.str());
  }
  return Flags;
}

CCArgs parseCCArgs(const std::vector<std::string> &Argv) {
  CCArgs R;
  std::string XLang;
  bool SawMD = false, SawM = false;
  bool StopE = false, StopS = false, StopC = false;
  for (size_t I = 0; I < Argv.size(); ++I) {
    StringRef A = Argv[I];
    auto next = [&]() -> std::optional<std::string> {
      if (I + 1 < Argv.size())
        return Argv[++I];
      return std::nullopt;
    };

    // Inputs.
    if (A == "-" || !A.starts_with("-") || A.empty()) {
      CCInput In;
      In.Path = A.str();
      In.XLang = XLang;
      StringRef Ext = llvm::sys::path::extension(A);
      In.IsC = A != "-" && (XLang == "c" || (XLang.empty() && Ext == ".c"));
      R.Items.push_back({{A.str()}, static_cast<int>(R.Inputs.size()), false});
      R.Inputs.push_back(std::move(In));
      continue;
    }

    // hcu-cc's own options.
    if (A.consume_front("--hcu-patch-for=")) {
      R.PatchFor = A.str();
      continue;
    }
    if (A.consume_front("--hcu-root=")) {
      R.Root = A.str();
      continue;
    }
    if (A.consume_front("--hcu-mapping=")) {
      R.Mapping = A.str();
      continue;
    }
    if (A == "--hcu-no-header-functions") {
      R.NoHeaderFunctions = true;
      continue;
    }
    if (A.consume_front("--hcu-library-headers=")) {
      R.LibraryHeaders.push_back(A.str());
      continue;
    }
    if (A == "--hcu-verbose") {
      R.HcuVerbose = true;
      continue;
    }
    if (A == "--hcu-help") {
      R.HcuHelp = true;
      continue;
    }

    // Options that change what the driver does.
    if (A == "-c" || A == "-S" || A == "-E") {
      (A == "-c" ? StopC : A == "-S" ? StopS : StopE) = true;
      continue;
    }
    if (A == "-o" || A.starts_with("-o")) {
      if (A == "-o") {
        if (auto V = next())
          R.Output = *V;
      } else {
        R.Output = A.drop_front(2).str();
      }
      continue;
    }
    if (A == "-x" || (A.starts_with("-x") && A.size() > 2)) {
      std::optional<std::string> V =
          A == "-x" ? next()
                    : std::optional<std::string>(A.drop_front(2).str());
      XLang = V && *V != "none" ? *V : "";
      continue;
    }
    if (A == "-shared")
      R.Shared = true;
    if (A == "-r")
      R.Relocatable = true;
    if (A == "-v")
      R.CompilerVerbose = true;
    if (A == "--version")
      R.ShowVersion = true;
    if (A == "-###" || A == "-fsyntax-only")
      R.DryRun = true;
    if (A == "-M" || A == "-MM")
      SawM = true;
    if (A == "-MD" || A == "-MMD")
      SawMD = true;

    CCItem It;
    It.Tokens.push_back(A.str());
    It.LinkOnly = isLinkOnly(A);
    bool Separate = takesSeparate(A) || takesJoinedOrSeparate(A);
    if (Separate) {
      if (auto V = next())
        It.Tokens.push_back(*V);
    }
    if (A == "-MF" || (A.starts_with("-MF") && A.size() > 3))
      R.DepFile = It.Tokens.size() == 2 ? It.Tokens[1] : A.drop_front(3).str();
    R.Items.push_back(std::move(It));
  }

  R.Phase = StopE   ? CCPhase::Preprocess
            : StopS ? CCPhase::Assemble
            : StopC ? CCPhase::Compile
                    : CCPhase::Link;
  R.DepsOnly = SawM && !SawMD;
  R.WritesDeps = SawMD;
  return R;
}

} // namespace hcu
