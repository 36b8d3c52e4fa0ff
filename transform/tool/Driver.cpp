//===- Driver.cpp - hcu-cc: compile, link and build patches ---------------===//

#include "Driver.h"

#include "BuildId.h"
#include "HcuCCConfig.h"
#include "MappingCheck.h"
#include "MappingScan.h"
#include "MappingRules.h"
#include "Metadata.h"
#include "hcu-transform/Transform.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using nlohmann::json;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace hcu {
namespace {

int error(const llvm::Twine &Msg) {
  llvm::errs() << "hcu-cc: error: " << Msg << "\n";
  return 1;
}

int error(llvm::Error E) { return error(llvm::toString(std::move(E))); }

void note(const llvm::Twine &Msg) {
  llvm::errs() << "hcu-cc: note: " << Msg << "\n";
}

std::string getEnv(const char *Name) {
  std::optional<std::string> V = llvm::sys::Process::GetEnv(Name);
  return V ? *V : "";
}

int writeFile(const std::string &Path, llvm::StringRef Text) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, fs::OF_Text);
  if (EC)
    return error("cannot write " + Path + ": " + EC.message());
  OS << Text;
  OS.close();
  if (OS.has_error())
    return error("cannot write " + Path + ": " + OS.error().message());
  return 0;
}

/// x.c -> x.o (or x.s), in the current directory, as cc names it.
std::string defaultOutput(const std::string &Source, bool Assemble) {
  llvm::SmallString<128> Name(path::filename(Source));
  path::replace_extension(Name, Assemble ? "s" : "o");
  return std::string(Name);
}

/// A C string literal for Text.
std::string cString(llvm::StringRef Text) {
  std::string S = "\"";
  for (char C : Text) {
    if (C == '"' || C == '\\')
      S += '\\';
    S += C;
  }
  return S + "\"";
}

/// arm-linux-gnueabihf-gcc -> arm-linux-gnueabihf: the Clang front end must
/// see the cross compiler's target, or the headers' types come out wrong.
std::string targetOfCompiler(llvm::StringRef Compiler) {
  llvm::StringRef Name = path::filename(Compiler);
  for (llvm::StringRef Driver : {"-gcc", "-cc", "-clang"}) {
    size_t At = Name.rfind(Driver);
    if (At == llvm::StringRef::npos || At == 0)
      continue;
    llvm::StringRef Rest = Name.drop_front(At + Driver.size());
    if (!Rest.empty() && !Rest.consume_front("-"))
      continue; // "-gcc-12" is a versioned driver; "-gccfoo" is not
    llvm::StringRef Triple = Name.take_front(At);
    if (Triple.count('-') >= 2)
      return Triple.str();
  }
  return "";
}

bool isNewer(const std::string &A, const std::string &B) {
  fs::file_status SA, SB;
  if (fs::status(A, SA) || fs::status(B, SB))
    return false;
  return SA.getLastModificationTime() > SB.getLastModificationTime();
}

} // namespace

RuntimePaths RuntimePaths::fromEnvironment() {
  RuntimePaths P;
  std::string Inc = getEnv("HCU_INCLUDE_DIR");
  if (!Inc.empty())
    P.IncludeDirs = {Inc};
  else
    P.IncludeDirs = {HCU_RUNTIME_INCLUDE_DIR, HCU_MAPPINGS_INCLUDE_DIR};
  P.LibDir = getEnv("HCU_LIB_DIR");
  if (P.LibDir.empty())
    P.LibDir = HCU_LIB_DIR;
  return P;
}

std::vector<std::string> Driver::runtimeIncludeFlags() const {
  std::vector<std::string> F;
  for (const std::string &D : Paths.IncludeDirs)
    F.push_back("-I" + D);
  return F;
}

std::vector<std::string> Driver::transformFlags() const {
  std::vector<std::string> F = Args.frontEndFlags();
  bool HasTarget = llvm::any_of(F, [](llvm::StringRef A) {
    return A.starts_with("--target=") || A == "-target";
  });
  std::string Triple = targetOfCompiler(X.compiler()[0]);
  if (!HasTarget && !Triple.empty())
    F.push_back("--target=" + Triple);
  for (const std::string &I : runtimeIncludeFlags())
    F.push_back(I);
  for (std::string &Extra : splitCommand(getEnv("HCU_TRANSFORM_FLAGS")))
    F.push_back(std::move(Extra));
  return F;
}

std::vector<std::string> Driver::compileFlags() const {
  std::vector<std::string> F;
  for (const CCItem &It : Args.Items)
    if (It.Input < 0 && !It.LinkOnly)
      F.insert(F.end(), It.Tokens.begin(), It.Tokens.end());
  return F;
}

int Driver::loadBase() {
  std::string Meta = metadataPathFor(*Args.PatchFor);
  if (!fs::exists(Meta))
    return error("no metadata for " + *Args.PatchFor + " (expected " + Meta +
                 "); was it built with hcu-cc?");
  llvm::Expected<json> J = readJsonFile(Meta);
  if (!J)
    return error(J.takeError());
  if (llvm::Error E = checkBaseMetadata(*J, Meta))
    return error(std::move(E));
  BaseVersion = J->at("version").get<int>();
  Base = std::move(*J);
  return 0;
}

void Driver::fixDependencyFile(const CCInput &In, const std::string &Out,
                               const std::string &Instrumented,
                               const json &Headers) const {
  // cc saw Out.hcu.c; make users' dependency files name the real source,
  // and the project headers the transform inlined into it (cc never opened
  // them).
  std::string DepPath;
  if (Args.DepFile) {
    DepPath = *Args.DepFile;
  } else {
    llvm::SmallString<128> P(Out);
    path::replace_extension(P, "d");
    DepPath = std::string(P);
  }
  auto Buf = llvm::MemoryBuffer::getFile(DepPath, /*IsText=*/true);
  if (!Buf)
    return;
  std::string Text = (*Buf)->getBuffer().str();
  std::string Fixed;
  llvm::StringRef Rest = Text;
  std::string Inlined;
  for (const json &H : Headers) {
    Inlined += ' ';
    for (char C : H.is_string() ? H.get<std::string>() : "")
      Inlined += C == ' ' ? std::string("\\ ") : std::string(1, C);
  }
  for (size_t At; (At = Rest.find(Instrumented)) != llvm::StringRef::npos;) {
    Fixed += Rest.take_front(At).str() + In.Path + Inlined;
    Inlined.clear();
    Rest = Rest.drop_front(At + Instrumented.size());
  }
  Fixed += Rest.str();
  if (Fixed != Text)
    writeFile(DepPath, Fixed);
}

/// The unit's name: its path under the project root (--hcu-root, HCU_ROOT),
/// or its base name. A patch's file built without a root takes the name of
/// the base's unit with its base name, so v2/util.c patches the unit
/// net/util.c of a program built with a root, as long as only one unit of
/// the program is called util.c.
int Driver::unitNameFor(const CCInput &In, std::string &Name) const {
  std::string Root = Args.Root ? *Args.Root : getEnv("HCU_ROOT"), Why;
  if (!unitNameOf(In.Path, Root, Name, Why))
    return error(Why);
  if (!Base || !Root.empty())
    return 0;
  std::vector<std::string> Same;
  for (const json &U : Base->at("units")) {
    std::string B = baseUnitName(U);
    if (path::filename(B) == Name && llvm::find(Same, B) == Same.end())
      Same.push_back(B);
  }
  if (Same.size() > 1)
    return error(In.Path + " could be the unit " + Same[0] + " or " + Same[1] +
                 " of " + *Args.PatchFor +
                 "; build the patch with --hcu-root=DIR (or HCU_ROOT=DIR), "
                 "DIR being the directory its paths are relative to");
  if (Same.size() == 1)
    Name = Same[0];
  return 0;
}

/// Two units of one program must not share a name: their statics' symbols
/// and keys would collide (the linker would only say "multiple definition").
int Driver::checkUnitNames(const std::vector<json> &Units) const {
  std::map<std::string, std::string> FileOfUid;
  for (const json &U : Units) {
    std::string Uid = unitUid(U), File = U.value("file", "");
    auto [It, New] = FileOfUid.emplace(Uid, File);
    if (New || Uid.empty())
      continue;
    return error(It->second + " and " + File + " are both the unit '" +
                 U.value("name", Uid) +
                 "' of this program; name units by their path: build every "
                 "file with --hcu-root=DIR (or HCU_ROOT=DIR), DIR being the "
                 "project's top source directory");
  }
  return 0;
}

int Driver::compileOne(const CCInput &In, const std::string &Out, bool Assemble,
                       json *Unit) {
  std::string Instrumented = instrumentedPathFor(Out);
  std::string Meta = metadataPathFor(Out);
  // Never leave a sidecar that describes another build of Out.
  fs::remove(Meta);
  fs::remove(Instrumented);

  TransformOptions Opts;
  Opts.Version = version();
  Opts.HeaderFunctions = !Args.NoHeaderFunctions;
  for (const std::string &D : Args.LibraryHeaders)
    Opts.LibraryHeaderDirs.push_back(D);
  // hcu's own headers (hcu_rt.h's inline functions) are a library's.
  for (const std::string &D : Paths.IncludeDirs)
    Opts.LibraryHeaderDirs.push_back(D);
  if (int RC = unitNameFor(In, Opts.UnitName))
    return RC;
  if (Base) {
    Opts.PatchMode = true;
    Opts.BaseMetadata = *Base;
  }
  std::vector<std::string> TFlags = transformFlags();
  if (X.verbose())
    llvm::errs() << "hcu-transform " << formatCommand(TFlags) << " " << In.Path
                 << " -> " << Instrumented << "\n";
  std::string Code;
  json UnitMeta;
  if (!transformFile(In.Path, TFlags, Opts, Code, UnitMeta))
    return 1;
  if (!UnitMeta.is_object())
    return error("the transform returned no metadata for " + In.Path);
  if (unitUid(UnitMeta).empty())
    UnitMeta["uid"] = defaultUid(Opts.UnitName);
  if (!UnitMeta.contains("version"))
    UnitMeta["version"] = Opts.Version;
  if (int RC = writeFile(Instrumented, Code))
    return RC;

  llvm::StringRef SrcDir = path::parent_path(In.Path);
  std::vector<std::string> Cmd = compileFlags();
  if (Base)
    Cmd.push_back("-fPIC");
  // The instrumented file lives beside the object, not the source: keep
  // `#include "x.h"` finding the source's neighbours.
  Cmd.push_back("-iquote");
  Cmd.push_back(SrcDir.empty() ? "." : SrcDir.str());
  for (const std::string &I : runtimeIncludeFlags())
    Cmd.push_back(I);
  Cmd.insert(Cmd.end(), {Assemble ? "-S" : "-c", Instrumented, "-o", Out});
  if (int RC = X.runCompiler(Cmd))
    return RC;
  if (Args.WritesDeps)
    fixDependencyFile(In, Out, Instrumented,
                      UnitMeta.value("headers", json::array()));
  if (llvm::Error E = writeJsonFile(Meta, UnitMeta))
    return error(std::move(E));
  if (Unit)
    *Unit = std::move(UnitMeta);
  return 0;
}

int Driver::compileOnly() {
  bool Assemble = Args.Phase == CCPhase::Assemble;
  if (Args.Output && Args.Inputs.size() > 1)
    return error("cannot specify '-o' with '-c' or '-S' with multiple files");
  if (Args.PatchFor)
    if (int RC = loadBase())
      return RC;
  std::vector<std::string> Others;
  for (const CCInput &In : Args.Inputs) {
    if (!In.IsC) {
      if (!In.XLang.empty())
        Others.insert(Others.end(), {"-x", In.XLang});
      Others.push_back(In.Path);
      if (!In.XLang.empty())
        Others.insert(Others.end(), {"-x", "none"});
      continue;
    }
    std::string Out =
        Args.Output ? *Args.Output : defaultOutput(In.Path, Assemble);
    if (int RC = compileOne(In, Out, Assemble, nullptr))
      return RC;
  }
  if (Others.empty())
    return 0;
  // Assembly, C++ and the like: cc compiles them as it would have.
  std::vector<std::string> Cmd = compileFlags();
  Cmd.push_back(Assemble ? "-S" : "-c");
  Cmd.insert(Cmd.end(), Others.begin(), Others.end());
  if (Args.Output)
    Cmd.insert(Cmd.end(), {"-o", *Args.Output});
  return X.runCompiler(Cmd);
}

int Driver::compileAllInto(const std::string &Dir,
                           std::vector<std::string> &Objects,
                           std::vector<json> &Units) {
  Objects.assign(Args.Inputs.size(), "");
  if (!Args.hasCInputs())
    return 0;
  if (std::error_code EC = fs::create_directories(Dir))
    return error("cannot create " + Dir + ": " + EC.message());
  llvm::StringSet<> Taken;
  for (size_t I = 0; I < Args.Inputs.size(); ++I) {
    const CCInput &In = Args.Inputs[I];
    if (!In.IsC)
      continue;
    // Two sources with one base name (src/a.c, lib/a.c) get a.o and a-2.o.
    std::string Stem = path::stem(In.Path).str();
    std::string Name = Stem + ".o";
    for (int N = 2; Taken.contains(Name); ++N)
      Name = Stem + "-" + std::to_string(N) + ".o";
    Taken.insert(Name);
    llvm::SmallString<128> Obj(Dir);
    path::append(Obj, Name);
    Objects[I] = std::string(Obj);
    json Unit;
    if (int RC = compileOne(In, Objects[I], /*Assemble=*/false, &Unit))
      return RC;
    Units.push_back(std::move(Unit));
  }
  return 0;
}

std::vector<std::string>
Driver::linkArgs(const std::vector<std::string> &Objects) const {
  std::vector<std::string> Cmd;
  for (const CCItem &It : Args.Items) {
    if (It.Input < 0) {
      Cmd.insert(Cmd.end(), It.Tokens.begin(), It.Tokens.end());
      continue;
    }
    const CCInput &In = Args.Inputs[It.Input];
    if (In.IsC) {
      Cmd.push_back(Objects[It.Input]);
    } else if (!In.XLang.empty()) {
      Cmd.insert(Cmd.end(), {"-x", In.XLang, In.Path, "-x", "none"});
    } else {
      Cmd.push_back(In.Path);
    }
  }
  return Cmd;
}

int Driver::collectInputUnits(std::vector<json> &Units) const {
  for (const CCInput &In : Args.Inputs) {
    if (In.IsC)
      continue;
    llvm::StringRef Ext = path::extension(In.Path);
    if (Ext == ".a") {
      if (X.verbose())
        note("the metadata of objects inside " + In.Path +
             " is not merged; link instrumented objects directly");
      continue;
    }
    std::string Meta = metadataPathFor(In.Path);
    if (!fs::exists(Meta))
      continue; // not built by hcu-cc: uninstrumented code is fine
    if (isNewer(In.Path, Meta)) {
      llvm::errs() << "hcu-cc: warning: " << Meta << " is older than "
                   << In.Path << "; ignoring it (was " << In.Path
                   << " rebuilt without hcu-cc?)\n";
      continue;
    }
    llvm::Expected<json> J = readJsonFile(Meta);
    if (!J)
      return error(J.takeError());
    if (Base && J->value("version", 1) != version())
      return error(In.Path +
                   " was not compiled for this patch (its code is "
                   "version " +
                   std::to_string(J->value("version", 1)) +
                   ", the patch builds version " + std::to_string(version()) +
                   "); compile it with --hcu-patch-for=" + *Args.PatchFor);
    Units.push_back(std::move(*J));
  }
  return 0;
}

int Driver::link() {
  std::string Out = Args.Output.value_or("a.out");
  std::vector<std::string> Objects;
  std::vector<json> Units;
  if (int RC = compileAllInto(Out + ".hcu.d", Objects, Units))
    return RC;
  bool Program = !Args.Shared && !Args.Relocatable;
  if (Program)
    if (int RC = collectInputUnits(Units))
      return RC;
  if (int RC = checkUnitNames(Units))
    return RC;
  std::vector<std::string> Cmd = linkArgs(Objects);
  Cmd.insert(Cmd.end(), {"-o", Out});
  std::string Meta = metadataPathFor(Out);
  if (Program) {
    llvm::SmallString<128> Lib(Paths.LibDir);
    path::append(Lib, "libhcu.a");
    if (!fs::exists(Lib))
      return error("the hcu runtime " + Lib +
                   " does not exist; build the 'hcu' target, or set "
                   "HCU_LIB_DIR to the directory of a libhcu.a built for "
                   "this target");
    // The whole runtime, exported: a patch may use runtime entry points
    // that this version of the program never called.
    Cmd.insert(Cmd.end(), {"-Wl,--export-dynamic", "-Wl,--build-id=sha1",
                           "-Wl,--whole-archive", std::string(Lib),
                           "-Wl,--no-whole-archive", "-ldl", "-lpthread"});
    fs::remove(Meta);
  }
  if (int RC = X.runCompiler(Cmd))
    return RC;
  if (!Program)
    return 0;
  llvm::Expected<std::string> Id = readBuildId(Out);
  if (!Id)
    return error("cannot read the build id of " + Out + ": " +
                 llvm::toString(Id.takeError()));
  if (llvm::Error E = writeJsonFile(Meta, programMetadata(*Id, Units)))
    return error(std::move(E));
  return 0;
}

int Driver::writePatchDescriptor(const std::string &Dir,
                                 const std::string &Object,
                                 const MappingFacts &Facts,
                                 const std::vector<json> &Units) {
  llvm::SmallString<256> Map(*Args.Mapping);
  fs::make_absolute(Map);
  path::remove_dots(Map, /*remove_dot_dot=*/true);
  std::string V = std::to_string(version());
  std::string Threads = "mapping_updates_v" + V;
  std::string Functions = "mapping_function_updates_v" + V;
  MappingTables Tables;
  FrameMetadata Frames;
  Frames.Base = &*Base;
  Frames.PatchUnits = &Units;
  if (!scanMapping(*Args.Mapping, transformFlags(), Frames, Tables))
    return 1;
  std::string Src;
  llvm::raw_string_ostream OS(Src);
  OS << "/* Generated by hcu-cc: the descriptor of a patch from version "
     << BaseVersion << " to " << V << ". */\n";
  // HCU_CP(function, point) by the __COUNTER__ value it had when the mapping
  // was checked (counted from the mapping's start): the point's number. Any
  // other value cannot have been checked, so it does not compile.
  OS << "#define HCU_CP_AT(function, point, n) "
        "HCU_CP_VALUE((n) - hcu_cp_base)\n"
     << "#define HCU_CP_VALUE(i) (";
  std::string Known = "0";
  for (const auto &[N, P] : Facts.NamedPoints) {
    OS << "(i) == " << N << " ? " << P << " : ";
    Known += " || (i) == " + std::to_string(N);
  }
  OS << "-2 + 0 * (int)sizeof(char[(" << Known << ") ? 1 : -1]))\n"
     << "#include \"hcu/hcu_patch.h\"\n"
     << "enum { hcu_cp_base = __COUNTER__ + 1 };\n"
     << "#include " << cString(Map) << "\n\n";
  // The mapping's equivalence arrays and stack transformers, by name.
  OS << "static const struct hcu_patch_equivalences hcu_patch_equivalences[] "
        "= {\n";
  for (const std::string &E : Tables.Equivalences)
    OS << "    {" << cString(E) << ", " << E << ", (int)(sizeof " << E
       << " / sizeof " << E << "[0])},\n";
  OS << "    {0, 0, 0}};\n"
     << "static const struct hcu_patch_stack_transformer "
        "hcu_patch_stack_transformers[] = {\n";
  for (const std::string &F : Tables.StackTransformers)
    OS << "    {" << cString(F) << ", HCU_stack_transformer__" << F << "},\n";
  OS << "    {0, 0}};\n\n";
  std::string Constraints = "hcu_safety_constraints_v" + V;
  if (Facts.HasConstraints) {
    OS << "static const int hcu_constraint_lines[] = {";
    for (unsigned L : Facts.ConstraintLines)
      OS << L << ", ";
    OS << "};\n\n";
  }
  OS
     << "__attribute__((visibility(\"default\")))\n"
     << "const struct hcu_patch_info hcu_patch_info = {\n"
     << "    HCU_PATCH_ABI_VERSION,\n"
     << "    " << BaseVersion << ",\n"
     << "    " << V << ",\n"
     << "    " << cString(targetBuildId(*Base)) << ",\n"
     << "    " << cString(*Args.Mapping) << ",\n"
     << "    " << Threads << ",\n"
     << "    (int)(sizeof " << Threads << " / sizeof " << Threads << "[0]),\n"
     << "    " << Functions << ",\n"
     << "    (int)(sizeof " << Functions << " / sizeof " << Functions
     << "[0]),\n"
     << "    HCU_datatype_transformations_function,\n";
  if (Facts.HasConstraints)
    OS << "    " << Constraints << ",\n"
       << "    (int)(sizeof " << Constraints << " / sizeof " << Constraints
       << "[0]),\n"
       << "    hcu_constraint_lines,\n";
  else
    OS << "    0,\n    0,\n    0,\n";
  OS << "    hcu_patch_equivalences,\n"
     << "    " << Tables.Equivalences.size() << ",\n"
     << "    hcu_patch_stack_transformers,\n"
     << "    " << Tables.StackTransformers.size() << ",\n"
     << "};\n";
  // Outside hcu_patch_info so that its ABI stays; read by hcuapply revert.
  OS << "\n__attribute__((visibility(\"default\")))\n"
     << "int (*const hcu_patch_reverse_transformations)(void) =\n"
     << "    HCU_datatype_reverse_transformations_function;\n";
  OS.flush();
  llvm::SmallString<128> Source(Dir);
  path::append(Source, "patch_info.c");
  if (int RC = writeFile(std::string(Source), Src))
    return RC;
  // Hidden: the mapping's symbols must never bind to another patch's.
  std::vector<std::string> Cmd = compileFlags();
  Cmd.insert(Cmd.end(), {"-fPIC", "-fvisibility=hidden"});
  for (const std::string &I : runtimeIncludeFlags())
    Cmd.push_back(I);
  Cmd.insert(Cmd.end(), {"-c", std::string(Source), "-o", Object});
  return X.runCompiler(Cmd);
}

int Driver::buildPatch() {
  if (!Args.Mapping)
    return error("--hcu-patch-for needs --hcu-mapping=MAPPING.c (the update "
                 "description of the patch)");
  if (!Args.Output)
    return error("a patch needs an output file: -o PATCH.so");
  if (Args.Relocatable)
    return error("-r cannot be used with --hcu-patch-for");
  if (int RC = loadBase())
    return RC;
  const std::string &Out = *Args.Output;
  if (!fs::exists(*Args.Mapping))
    return error("cannot find the mapping " + *Args.Mapping);
  // The mapping's shape first, before anything is compiled; what it names
  // once the patch's own functions are known.
  MappingFacts Facts;
  if (!checkMapping(*Args.Mapping, transformFlags(), BaseVersion, version(),
                    MappingInputs{}, Facts))
    return 1;

  std::string Dir = Out + ".hcu.d";
  std::vector<std::string> Objects;
  std::vector<json> Units;
  if (int RC = compileAllInto(Dir, Objects, Units))
    return RC;
  if (int RC = collectInputUnits(Units))
    return RC;
  if (int RC = checkUnitNames(Units))
    return RC;
  FunctionIndex Old = FunctionIndex::fromUnits(Base->at("units"));
  FunctionIndex New = FunctionIndex::fromUnits(json(Units));
  Facts = MappingFacts();
  if (!checkMapping(*Args.Mapping, transformFlags(), BaseVersion, version(),
                    MappingInputs{&Old, &New}, Facts))
    return 1;
  if (std::error_code EC = fs::create_directories(Dir))
    return error("cannot create " + Dir + ": " + EC.message());
  llvm::SmallString<128> Info(Dir);
  path::append(Info, "patch_info.o");
  if (int RC = writePatchDescriptor(Dir, std::string(Info), Facts, Units))
    return RC;

  std::string Meta = metadataPathFor(Out);
  fs::remove(Meta);
  // No libhcu: the patch uses the running program's copy.
  std::vector<std::string> Cmd = linkArgs(Objects);
  Cmd.insert(Cmd.end(), {std::string(Info), "-shared", "-fPIC", "-o", Out,
                         "-Wl,--build-id=sha1"});
  if (int RC = X.runCompiler(Cmd))
    return RC;
  llvm::Expected<std::string> Id = readBuildId(Out);
  if (!Id)
    return error("cannot read the build id of " + Out + ": " +
                 llvm::toString(Id.takeError()));
  if (llvm::Error E =
          writeJsonFile(Meta, patchMetadata(*Base, *Id, version(), Units)))
    return error(std::move(E));
  return 0;
}

void printHcuHelp() {
  llvm::outs()
      << "hcu-cc " HCU_VERSION_STRING
         ": a C compiler wrapper that builds updatable programs\n\n"
         "usage: hcu-cc [cc options] files...\n"
         "       hcu-cc [cc options] --hcu-patch-for=BASE "
         "--hcu-mapping=MAPPING.c -o PATCH.so files...\n\n"
         "Every option that is not hcu-cc's own goes to the real compiler.\n\n"
         "options:\n"
         "  --hcu-patch-for=BASE   build a patch for BASE (a program or a "
         "patch\n"
         "                         built with hcu-cc; reads BASE.hcu.json)\n"
         "  --hcu-mapping=FILE     the patch's update description (mapping "
         "file)\n"
         "  --hcu-no-header-functions\n"
         "                         instrument the functions of the main "
         "files only, not\n"
         "                         those defined in the project's headers\n"
         "  --hcu-library-headers=DIR\n"
         "                         headers under DIR are a library's (as "
         "under /usr/):\n"
         "                         their functions are not instrumented\n"
         "  --hcu-root=DIR         name each unit by its path under DIR "
         "(net/util.c)\n"
         "                         instead of its base name; needed when two "
         "files\n"
         "                         of a program share a name\n"
         "  --hcu-verbose          print every command run (also -v)\n"
         "  --hcu-help             this text\n\n"
         "environment:\n"
         "  HCU_CC               the real compiler (default: cc)\n"
         "  HCU_INCLUDE_DIR      the runtime's headers (hcu/hcu_rt.h, "
         "hcu_mappings.h)\n"
         "  HCU_LIB_DIR          the directory of libhcu.a (built for the "
         "target)\n"
         "  HCU_TRANSFORM_FLAGS  extra flags for the Clang front end of "
         "the transform\n"
         "                       (e.g. --sysroot=... for a cross "
         "compiler)\n"
         "  HCU_ROOT=DIR         like --hcu-root=DIR\n"
         "  HCU_VERBOSE=1        like --hcu-verbose\n\n"
         "Beside each output it writes OUT.hcu.json (metadata) and, for "
         "objects,\n"
         "OUT.hcu.c (the instrumented source); compile-and-link builds keep "
         "their\n"
         "objects in OUT.hcu.d/.\n";
}

} // namespace hcu
