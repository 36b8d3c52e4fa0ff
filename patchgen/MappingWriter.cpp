//===- MappingWriter.cpp - the template mapping file ----------------------===//
//
// The mapping never includes the program's headers (they may not compile
// next to each other across versions): it declares each changed record twice,
// as <tag>_v<old> and <tag>_v<new>, from the metadata's field lists, with
// explicit padding so the offsets are the program's (checked by
// _Static_assert). Fields whose type cannot be spelled without the program's
// headers are declared as bytes of the same size.
//
//===----------------------------------------------------------------------===//
#include "MappingWriter.h"

#include <regex>
#include <set>
#include <sstream>

using nlohmann::json;

namespace hcu {
namespace {

std::string sanitize(const std::string &S) {
  // UpStare's spelling: "struct s" -> "struct__s".
  std::string R;
  for (char C : S)
    R += C == ' ' ? "__" : isalnum((unsigned char)C) ? std::string(1, C) : "_";
  return R;
}

/// "unsigned long", "const char": arithmetic types any C file can spell.
bool isPlain(const std::string &T) {
  static const std::regex Re("^((const|volatile|signed|unsigned|char|short|"
                             "int|long|float|double|_Bool) ?)+$");
  return std::regex_match(T, Re);
}

/// "char[32]" -> ("char", "[32]"); "int" -> ("int", "").
std::pair<std::string, std::string> splitArray(const std::string &T) {
  static const std::regex Re("^(.*[^\\] ]) ?((\\[[0-9]+\\])+)$");
  std::smatch M;
  if (std::regex_match(T, M, Re))
    return {M[1].str(), M[2].str()};
  return {T, ""};
}

/// "T#4[10]" -> ("T#4", 10); no array: ("...", -1). Layout signatures of
/// arrays end with the outermost bound.
std::pair<std::string, long> splitLayoutArray(const std::string &L) {
  if (L.empty() || L.back() != ']')
    return {L, -1};
  size_t Open = L.rfind('[');
  return {L.substr(0, Open), std::stol(L.substr(Open + 1))};
}

/// "struct s{...}#8" -> "struct s"; not a record: "".
std::string recordOfLayout(const std::string &L) {
  if (L.rfind("struct ", 0) != 0 && L.rfind("union ", 0) != 0)
    return "";
  size_t Brace = L.find('{');
  return Brace == std::string::npos ? "" : L.substr(0, Brace);
}

std::string tagOf(const std::string &TypeName) { // "struct s" -> "s"
  return TypeName.substr(TypeName.find(' ') + 1);
}

/// How a field is declared in the mapping and copied.
struct FieldDecl {
  std::string Decl;  // "int x;"
  bool Assign;       // copied with =, else memcpy
};

FieldDecl declareField(const json &F) {
  std::string Name = F.value("name", "");
  std::string T = F.value("type", "");
  auto [Base, Dims] = splitArray(T);
  if (isPlain(Base))
    return {Base + " " + Name + Dims + ";", Dims.empty()};
  if (!T.empty() && T.back() == '*' && T.find('(') == std::string::npos) {
    std::string Pointee = T.substr(0, T.find('*'));
    static const std::regex Named("^((const|volatile) )*(struct|union) "
                                  "[A-Za-z_][A-Za-z0-9_]* ?$");
    bool Spellable = std::regex_match(Pointee, Named) ||
                     isPlain(Pointee.substr(0, Pointee.find_last_not_of(' ') + 1));
    return {(Spellable ? T : std::string("void *")) + Name + ";", true};
  }
  return {"unsigned char " + Name + "[" +
              std::to_string(F.value("size", 0L)) + "]; /* " + T + " */",
          false};
}

class Writer {
public:
  Writer(const Version &Old, const Version &New, const Comparison &C)
      : Old(Old), New(New), C(C), OldV(Old.version()), NewV(OldV + 1) {}

  std::string run(int &TodoCount);

private:
  const Version &Old, &New;
  const Comparison &C;
  int OldV, NewV;
  std::ostringstream Top, Types, Body, Calls;
  std::set<std::string> Declared, Emitted;
  int Todos = 0;

  void todo(std::ostream &OS, const std::string &Indent,
            const std::string &What) {
    OS << Indent << "/* HCU-TODO: " << What << " */\n";
    ++Todos;
  }
  std::string functionName(const std::string &Key, const Version &V) const;
  void functionUpdates();
  bool declareRecord(const std::string &Name, const Version &V, int Ver);
  std::string recordTransformer(const std::string &Name);
  void globalTransformer(const std::string &Key);
  void typesWithoutGlobals();
  void continuationPoints();
  void removals();
};

/// The name a mapping uses for a function: the plain name, or file.c/name
/// when another function of that version has the same plain name.
std::string Writer::functionName(const std::string &Key,
                                 const Version &V) const {
  const json &F = V.Functions.at(Key);
  std::string Name = F.value("name", Key);
  int Same = 0;
  for (const auto &[K, G] : V.Functions)
    Same += G.value("name", "") == Name;
  return Same > 1 ? Key : Name;
}

void Writer::functionUpdates() {
  std::string Threads = Old.Functions.count("main") ? "{\"main\", \"main\"}" : "";
  Top << "hcu_mapping_update_description_t mapping_updates_v" << NewV
      << "[] = {" << Threads << "};\n\n";
  Top << "hcu_mapping_function_update_description_t "
         "mapping_function_updates_v"
      << NewV << "[] = {\n";
  for (const FunctionUpdate &U : C.Updates)
    Top << "    {\"" << functionName(U.OldKey, Old) << "\", \""
        << functionName(U.NewKey, New) << "\", " << (U.ThreadEntry ? 1 : 0)
        << "}, /* " << U.Why << " */\n";
  Top << "};\n";
}

/// Declares `struct <tag>_v<Ver>` with V's layout of Name; false if it
/// cannot (bit-fields, unions, unknown type).
bool Writer::declareRecord(const std::string &Name, const Version &V,
                           int Ver) {
  std::string Tag = tagOf(Name) + "_v" + std::to_string(Ver);
  if (Declared.count(Tag))
    return true;
  auto It = V.Types.find(Name);
  if (It == V.Types.end() || It->second.value("kind", "") != "struct")
    return false;
  const json &T = It->second;
  std::ostringstream S, Checks;
  S << "struct " << Tag << " { /* " << Name << " in version " << Ver << " */\n";
  long End = 0;
  int Pad = 0;
  for (const json &F : T.value("fields", json::array())) {
    if (F.contains("bits"))
      return false;
    long Off = F.value("offset_bits", 0L) / 8;
    if (Off > End)
      S << "  unsigned char hcu_pad" << Pad++ << "[" << Off - End << "];\n";
    S << "  " << declareField(F).Decl << "\n";
    End = Off + F.value("size", 0L);
    Checks << "_Static_assert(__builtin_offsetof(struct " << Tag << ", "
           << F.value("name", "") << ") == " << Off << ", \"offset of "
           << F.value("name", "") << " in " << Name << ", version " << Ver
           << "\");\n";
  }
  long Size = T.value("size", 0L);
  if (Size > End)
    S << "  unsigned char hcu_pad" << Pad++ << "[" << Size - End << "];\n";
  S << "};\n" << Checks.str();
  S << "_Static_assert(sizeof(struct " << Tag << ") == " << Size
    << ", \"size of " << Name << ", version " << Ver << "\");\n\n";
  Types << S.str();
  Declared.insert(Tag);
  return true;
}

/// Emits the element transformer of record Name; returns its name, or ""
/// when the record cannot be declared (a TODO says so).
std::string Writer::recordTransformer(const std::string &Name) {
  std::string Fn = "HCU_datatype_transformation__" + sanitize(Name) + "_to_" +
                   sanitize(Name);
  if (Emitted.count(Fn))
    return Fn;
  if (!declareRecord(Name, Old, OldV) || !declareRecord(Name, New, NewV))
    return "";
  Emitted.insert(Fn);
  std::string OT = "struct " + tagOf(Name) + "_v" + std::to_string(OldV);
  std::string NT = "struct " + tagOf(Name) + "_v" + std::to_string(NewV);
  std::map<std::string, json> OldFields;
  for (const json &F : Old.Types.at(Name).value("fields", json::array()))
    OldFields[F.value("name", "")] = F;
  std::set<std::string> Kept;
  Body << "/* " << Name << ": fields copied by name. */\n"
       << "void " << Fn << "(" << OT << " *old, " << NT << " *new_) {\n";
  for (const json &F : New.Types.at(Name).value("fields", json::array())) {
    std::string N = F.value("name", "");
    auto It = OldFields.find(N);
    if (It == OldFields.end()) {
      Body << "  /* HCU-NOTE: new field " << N << " (" << F.value("type", "")
           << ") keeps its initial value in the new version's definition "
              "(0 unless it has an initializer). */\n";
      continue;
    }
    Kept.insert(N);
    const json &OF = It->second;
    std::string OL = OF.value("layout", ""), NL = F.value("layout", "");
    FieldDecl ND = declareField(F), OD = declareField(OF);
    if (OL == NL) {
      if (ND.Assign && OD.Assign)
        Body << "  new_->" << N << " = old->" << N << ";\n";
      else
        Body << "  memcpy(&new_->" << N << ", &old->" << N
             << ", sizeof new_->" << N << ");\n";
      continue;
    }
    auto [OE, OCount] = splitLayoutArray(OL);
    auto [NE, NCount] = splitLayoutArray(NL);
    if (OCount >= 0 && NCount > OCount && OE == NE) {
      Body << "  memcpy(&new_->" << N << ", &old->" << N << ", sizeof old->"
           << N << ");\n"
           << "  /* HCU-NOTE: " << N << " grows from " << OCount << " to "
           << NCount << " elements; elements " << OCount << ".." << NCount - 1
           << " keep their initial values in the new version. */\n";
      continue;
    }
    if (OD.Assign && ND.Assign && splitArray(OF.value("type", "")).second.empty() &&
        isPlain(OF.value("type", "")) && isPlain(F.value("type", ""))) {
      Body << "  new_->" << N << " = old->" << N << "; /* HCU-NOTE: "
           << OF.value("type", "") << " -> " << F.value("type", "")
           << ", converted by C's assignment */\n";
      continue;
    }
    todo(Body, "  ",
         "field " + N + " changed type (" + OF.value("type", "") + " -> " +
             F.value("type", "") + "): set new_->" + N + " from old->" + N +
             " yourself, then delete this line.");
  }
  for (const auto &[N, OF] : OldFields)
    if (!Kept.count(N))
      Body << "  /* HCU-NOTE: field " << N << " (" << OF.value("type", "")
           << ") is gone in the new version; its value is dropped. */\n";
  Body << "}\n\n";
  return Fn;
}

void Writer::globalTransformer(const std::string &Key) {
  const json &OG = Old.Globals.at(Key), &NG = New.Globals.at(Key);
  std::string OldSym = OG.value("symbol", Key);
  // The patch's storage is <symbol>_v<N> (docs/design.md).
  std::string NewSym =
      NG.value("symbol", Key) + "_v" + std::to_string(NewV);
  std::string Name = OG.value("name", Key);
  std::string CName = OG.value("static", false) ? sanitize(Key) : Name;
  std::string OT = OG.value("type", ""), NT = NG.value("type", "");
  auto [OE, OCount] = splitLayoutArray(OG.value("layout", ""));
  auto [NE, NCount] = splitLayoutArray(NG.value("layout", ""));
  std::string ORec = recordOfLayout(OE), NRec = recordOfLayout(NE);
  auto IsArray = [](const std::string &L) { return !L.empty() && L.back() == ']'; };
  bool Nested = IsArray(OE) || IsArray(NE);
  Body << "/* " << Key << ": " << OT << " -> " << NT << " */\n";
  if (Nested || (OCount < 0) != (NCount < 0) || ORec != NRec) {
    todo(Body, "",
         "global " + Key + " changed from " + OT + " to " + NT +
             ": declare `extern ... " + CName + " __asm__(\"" + OldSym +
             "\")` (old) and `" + CName + "_v" + std::to_string(NewV) +
             " __asm__(\"" + NewSym +
             "\")` (new), fill the new one in "
             "HCU_datatype_transformations_function, then delete this line.");
    Body << "\n";
    return;
  }
  std::string OldDecl, NewDecl, Elem;
  std::string ODims = OCount < 0 ? "" : "[" + std::to_string(OCount) + "]";
  std::string NDims = NCount < 0 ? "" : "[" + std::to_string(NCount) + "]";
  std::string OElemT, NElemT;
  if (!ORec.empty()) {
    Elem = recordTransformer(ORec);
    if (Elem.empty()) {
      todo(Body, "",
           "global " + Key + ": " + ORec +
               " cannot be declared here (a union, a bit-field or an "
               "unknown type); write its transformer yourself, then delete "
               "this line.");
      Body << "\n";
      return;
    }
    OElemT = "struct " + tagOf(ORec) + "_v" + std::to_string(OldV);
    NElemT = "struct " + tagOf(ORec) + "_v" + std::to_string(NewV);
  } else {
    OElemT = splitArray(OT).first;
    NElemT = splitArray(NT).first;
    if (!isPlain(OElemT) || !isPlain(NElemT)) {
      todo(Body, "",
           "global " + Key + " (" + OT + " -> " + NT +
               "): its type cannot be spelled here; declare the old and new "
               "storage and copy it yourself, then delete this line.");
      Body << "\n";
      return;
    }
  }
  std::string NewC = CName + "_v" + std::to_string(NewV);
  Body << "extern " << OElemT << " " << CName << ODims << " __asm__(\""
       << OldSym << "\"); /* old storage */\n"
       << "extern " << NElemT << " " << NewC << NDims << " __asm__(\""
       << NewSym << "\"); /* new storage */\n\n";
  if (OCount < 0) {
    if (!Elem.empty())
      Calls << "  " << Elem << "(&" << CName << ", &" << NewC << ");\n";
    else
      Calls << "  " << NewC << " = " << CName << "; /* HCU-NOTE: " << OT
            << " -> " << NT << ", converted by C's assignment */\n";
    return;
  }
  long N = std::min(OCount, NCount);
  if (!Elem.empty())
    Calls << "  for (long i = 0; i < " << N << "; i++)\n    " << Elem << "(&"
          << CName << "[i], &" << NewC << "[i]);\n";
  else if (OE == NE)
    Calls << "  memcpy(" << NewC << ", " << CName << ", sizeof " << NewC
          << "[0] * " << N << ");\n";
  else
    Calls << "  for (long i = 0; i < " << N << "; i++)\n    " << NewC
          << "[i] = " << CName << "[i];\n";
  if (NCount > OCount)
    Calls << "  /* HCU-NOTE: " << Key << " grows from " << OCount << " to "
          << NCount << " elements; elements " << OCount << ".." << NCount - 1
          << " keep their initial values in the new version. */\n";
  else if (NCount < OCount)
    todo(Calls, "  ",
         Key + " shrinks from " + std::to_string(OCount) + " to " +
             std::to_string(NCount) + " elements: elements " +
             std::to_string(NCount) + ".." + std::to_string(OCount - 1) +
             " of the running program are dropped; decide what happens to "
             "them, then delete this line.");
}

/// A changed type that no retyped global holds may still have objects on
/// the heap or in other frames, which hcu does not transform.
void Writer::typesWithoutGlobals() {
  std::set<std::string> Held;
  for (const std::string &K : C.GlobalsRetyped)
    Held.insert(recordOfLayout(
        splitLayoutArray(New.Globals.at(K).value("layout", "")).first));
  for (const TypeChange &T : C.TypesChanged) {
    if (Held.count(T.Name))
      continue;
    std::string Users;
    for (const FunctionUpdate &U : C.Updates)
      if (U.Why == "uses changed type " + T.Name)
        Users += (Users.empty() ? "" : ", ") + U.OldKey;
    todo(Body, "",
         T.Name + " changed layout and no global of that type was retyped; "
                  "objects of it on the heap or on a stack are not "
                  "transformed by hcu. The functions that use it are in the "
                  "updates" +
             (Users.empty() ? std::string() : " (" + Users + ")") +
             ". Make sure no such object exists while the update runs (or "
             "convert them in HCU_datatype_transformations_function), then "
             "delete this line.");
  }
}

void Writer::continuationPoints() {
  for (const CpChange &Cp : C.Cps) {
    if (Cp.Removed.empty() && Cp.Added.empty())
      continue;
    Body << "/* Continuation points of " << Cp.Function << ":";
    if (!Cp.Kept.empty()) {
      Body << " kept by name:";
      for (const std::string &S : Cp.Kept)
        Body << " " << S;
      Body << ";";
    }
    if (!Cp.Added.empty()) {
      Body << " new:";
      for (const std::string &S : Cp.Added)
        Body << " " << S;
      Body << ";";
    }
    Body << "\n * HCU-NOTE: a frame of " << Cp.Function
         << " stopped at";
    for (const std::string &S : Cp.Removed)
      Body << " " << S;
    Body << (Cp.Removed.empty()
                 ? " any point continues at the same point in the new code."
                 : " has no point of that name in the new version: an update "
                   "that finds it there fails cleanly and can be retried.")
         << " */\n\n";
  }
}

void Writer::removals() {
  for (const std::string &K : C.FunctionsRemoved)
    Body << "/* HCU-NOTE: " << K
         << " is gone in the new version; a frame of it on a stack during "
            "the update keeps running its old code until it returns. */\n";
  for (const std::string &K : C.GlobalsRemoved)
    Body << "/* HCU-NOTE: global " << K
         << " is gone in the new version; its storage stays, unused. */\n";
  for (const std::string &K : C.GlobalsAdded)
    Body << "/* HCU-NOTE: new global " << K
         << " starts with the new version's initial value. */\n";
  for (const std::string &K : C.GlobalsReinitialized)
    Body << "/* HCU-NOTE: the initializer of " << K
         << " changed; the running value is kept (assign it in "
            "HCU_datatype_transformations_function to take the new one). */\n";
  if (!C.FunctionsRemoved.empty() || !C.GlobalsRemoved.empty() ||
      !C.GlobalsAdded.empty() || !C.GlobalsReinitialized.empty())
    Body << "\n";
}

std::string Writer::run(int &TodoCount) {
  functionUpdates();
  for (const std::string &K : C.GlobalsRetyped)
    globalTransformer(K);
  typesWithoutGlobals();
  continuationPoints();
  removals();
  std::ostringstream Out;
  Out << "/* Update description for version " << OldV << " -> " << NewV
      << " (UpStare's mapping format),\n"
      << " * generated by hcu-patchgen from " << Old.Path << "\n"
      << " * and " << New.Path << ".\n"
      << " * HCU-TODO marks what you must decide (hcu-patchgen --build "
         "refuses the\n"
      << " * file while one is left); HCU-NOTE says what was generated and "
         "why. */\n"
      << "#include \"hcu_mappings.h\"\n#include <stdio.h>\n#include <string.h>\n\n"
      << Top.str() << "\n"
      << Types.str() << Body.str();
  Out << "int HCU_datatype_transformations_function(void) {\n"
      << Calls.str() << "  return 0;\n}\n";
  TodoCount = Todos;
  return Out.str();
}

} // namespace

std::string writeMapping(const Version &Old, const Version &New,
                         const Comparison &C, int &Todos) {
  return Writer(Old, New, C).run(Todos);
}

} // namespace hcu
