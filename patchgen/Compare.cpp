//===- Compare.cpp - what changed between two builds' metadata ------------===//
#include "Compare.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <sstream>

using nlohmann::json;

namespace hcu {

bool Version::index(std::string &Error) {
  for (const json &U : Meta.value("units", json::array())) {
    std::string File = U.value("file", ""), Name = U.value("name", "");
    llvm::StringRef Dir = File;
    if (Name.find('/') != std::string::npos && Dir.consume_back("/" + Name))
      Root = Dir.str();
    for (const json &F : U.value("functions", json::array())) {
      std::string Key = F.value("key", "");
      if (!F.contains("hash")) {
        Error = Path + ": function " + Key +
                " has no hash; rebuild this version with the current hcu-cc";
        return false;
      }
      Functions[Key] = F;
      UnitFileOfFunction[Key] = File;
    }
    for (const json &G : U.value("globals", json::array())) {
      std::string Key = G.value("key", "");
      Globals[Key] = G;
      UnitFileOfGlobal[Key] = File;
    }
    for (const json &T : U.value("types", json::array()))
      Types.emplace(T.value("name", ""), T); // first definition wins
  }
  return true;
}

namespace {

std::vector<std::string> cpNames(const json &F) {
  std::vector<std::string> N;
  for (const json &Cp : F.value("continuation_points", json::array()))
    N.push_back(Cp.value("name", ""));
  return N;
}

bool contains(const std::vector<std::string> &V, const std::string &S) {
  return std::find(V.begin(), V.end(), S) != V.end();
}

TypeChange compareType(const json &Old, const json &New) {
  TypeChange TC;
  TC.Name = Old.value("name", "");
  std::map<std::string, json> OldFields, NewFields;
  for (const json &F : Old.value("fields", json::array()))
    OldFields[F.value("name", "")] = F;
  for (const json &F : New.value("fields", json::array()))
    NewFields[F.value("name", "")] = F;
  for (const json &F : Old.value("fields", json::array())) {
    std::string N = F.value("name", "");
    auto It = NewFields.find(N);
    if (It == NewFields.end()) {
      TC.Fields.push_back({N, "removed", F.value("type", ""), ""});
      continue;
    }
    std::string OL = F.value("layout", ""), NL = It->second.value("layout", "");
    if (OL != NL)
      TC.Fields.push_back({N, "retyped", F.value("type", ""),
                           It->second.value("type", "")});
  }
  for (const json &F : New.value("fields", json::array()))
    if (!OldFields.count(F.value("name", "")))
      TC.Fields.push_back(
          {F.value("name", ""), "added", "", F.value("type", "")});
  if (Old.contains("enumerators") &&
      Old["enumerators"] != New.value("enumerators", json::array()))
    TC.Fields.push_back({"(enumerators)", "retyped", "", ""});
  TC.OnlyLayout = TC.Fields.empty();
  return TC;
}

void sortUnique(std::vector<std::string> &V) {
  std::sort(V.begin(), V.end());
  V.erase(std::unique(V.begin(), V.end()), V.end());
}

} // namespace

Comparison compareVersions(const Version &Old, const Version &New) {
  Comparison C;
  // Types: by name, by layout (the layout covers nested types' layouts).
  std::set<std::string> ChangedTypes;
  for (const auto &[Name, T] : Old.Types) {
    auto It = New.Types.find(Name);
    if (It == New.Types.end()) {
      C.TypesRemoved.push_back(Name);
      continue;
    }
    if (T.value("layout", "") != It->second.value("layout", "") ||
        T.value("enumerators", json()) != It->second.value("enumerators", json())) {
      C.TypesChanged.push_back(compareType(T, It->second));
      ChangedTypes.insert(Name);
    }
  }
  for (const auto &[Name, T] : New.Types)
    if (!Old.Types.count(Name))
      C.TypesAdded.push_back(Name);

  // Globals and statics, by key.
  std::set<std::string> Retyped;
  for (const auto &[Key, G] : Old.Globals) {
    auto It = New.Globals.find(Key);
    if (It == New.Globals.end()) {
      C.GlobalsRemoved.push_back(Key);
      continue;
    }
    if (G.value("layout", "") != It->second.value("layout", "")) {
      C.GlobalsRetyped.push_back(Key);
      Retyped.insert(Key);
      C.NewUnitFiles.insert(New.UnitFileOfGlobal.at(Key));
    } else if (G.value("init_hash", "") != It->second.value("init_hash", "")) {
      C.GlobalsReinitialized.push_back(Key);
    }
  }
  for (const auto &[Key, G] : New.Globals)
    if (!Old.Globals.count(Key)) {
      C.GlobalsAdded.push_back(Key);
      C.NewUnitFiles.insert(New.UnitFileOfGlobal.at(Key));
    }

  // Functions: same key and hash = unchanged; a removed and an added function
  // with the same hash (the name is not part of it) = a rename.
  std::vector<std::string> Removed, Added;
  for (const auto &[Key, F] : Old.Functions)
    if (!New.Functions.count(Key))
      Removed.push_back(Key);
  for (const auto &[Key, F] : New.Functions)
    if (!Old.Functions.count(Key))
      Added.push_back(Key);
  for (const std::string &R : Removed) {
    std::string Hash = Old.Functions.at(R).value("hash", "");
    auto It = std::find_if(Added.begin(), Added.end(), [&](const std::string &A) {
      return New.Functions.at(A).value("hash", "") == Hash &&
             New.Functions.at(A).value("static", false) ==
                 Old.Functions.at(R).value("static", false);
    });
    if (It == Added.end()) {
      C.FunctionsRemoved.push_back(R);
      continue;
    }
    C.Updates.push_back({R, *It, "renamed",
                         Old.Functions.at(R).value("thread_entry", false)});
    Added.erase(It);
  }
  C.FunctionsAdded = Added;
  for (const std::string &A : Added)
    C.NewUnitFiles.insert(New.UnitFileOfFunction.at(A));

  for (const auto &[Key, F] : Old.Functions) {
    auto It = New.Functions.find(Key);
    if (It == New.Functions.end())
      continue;
    const json &NF = It->second;
    std::string Why;
    if (F.value("hash", "") != NF.value("hash", "")) {
      Why = "changed";
    } else {
      for (const json &G : NF.value("globals", json::array()))
        if (Retyped.count(G.get<std::string>())) {
          Why = "uses retyped global " + G.get<std::string>();
          break;
        }
      if (Why.empty())
        for (const json &T : NF.value("types", json::array()))
          if (ChangedTypes.count(T.get<std::string>())) {
            Why = "uses changed type " + T.get<std::string>();
            break;
          }
    }
    if (Why.empty())
      continue;
    C.Updates.push_back({Key, Key, Why, F.value("thread_entry", false)});
  }
  for (const FunctionUpdate &U : C.Updates) {
    C.NewUnitFiles.insert(New.UnitFileOfFunction.at(U.NewKey));
    CpChange Cp;
    Cp.Function = U.OldKey;
    std::vector<std::string> O = cpNames(Old.Functions.at(U.OldKey));
    std::vector<std::string> N = cpNames(New.Functions.at(U.NewKey));
    for (const std::string &S : O)
      (contains(N, S) ? Cp.Kept : Cp.Removed).push_back(S);
    for (const std::string &S : N)
      if (!contains(O, S))
        Cp.Added.push_back(S);
    C.Cps.push_back(std::move(Cp));
  }
  sortUnique(C.FunctionsRemoved);
  return C;
}

json comparisonJson(const Version &Old, const Version &New,
                    const Comparison &C) {
  json Updates = json::array();
  for (const FunctionUpdate &U : C.Updates)
    Updates.push_back({{"old", U.OldKey},
                       {"new", U.NewKey},
                       {"why", U.Why},
                       {"thread_entry", U.ThreadEntry}});
  json Types = json::array();
  for (const TypeChange &T : C.TypesChanged) {
    json Fields = json::array();
    for (const FieldChange &F : T.Fields)
      Fields.push_back({{"name", F.Name},
                        {"change", F.What},
                        {"old_type", F.OldType},
                        {"new_type", F.NewType}});
    Types.push_back({{"name", T.Name}, {"fields", Fields}});
  }
  json Retyped = json::array();
  for (const std::string &K : C.GlobalsRetyped)
    Retyped.push_back({{"key", K},
                       {"old_type", Old.Globals.at(K).value("type", "")},
                       {"new_type", New.Globals.at(K).value("type", "")}});
  json Cps = json::array();
  for (const CpChange &Cp : C.Cps)
    Cps.push_back({{"function", Cp.Function},
                   {"kept", Cp.Kept},
                   {"removed", Cp.Removed},
                   {"added", Cp.Added}});
  return {{"format", "hcu-patchgen-1"},
          {"old", {{"metadata", Old.Path}, {"version", Old.version()}}},
          {"new", {{"metadata", New.Path}}},
          {"patch_version", Old.version() + 1},
          {"function_updates", Updates},
          {"functions_added", C.FunctionsAdded},
          {"functions_removed", C.FunctionsRemoved},
          {"globals_added", C.GlobalsAdded},
          {"globals_removed", C.GlobalsRemoved},
          {"globals_retyped", Retyped},
          {"globals_reinitialized", C.GlobalsReinitialized},
          {"types_changed", Types},
          {"types_added", C.TypesAdded},
          {"types_removed", C.TypesRemoved},
          {"continuation_points", Cps},
          {"patch_sources", C.NewUnitFiles}};
}

std::string comparisonText(const Version &Old, const Version &New,
                           const Comparison &C) {
  std::ostringstream OS;
  for (const FunctionUpdate &U : C.Updates) {
    if (U.Why == "renamed")
      OS << "function renamed: " << U.OldKey << " -> " << U.NewKey << "\n";
    else if (U.Why == "changed")
      OS << "function changed: " << U.OldKey << "\n";
    else
      OS << "function affected: " << U.OldKey << " (" << U.Why << ")\n";
  }
  for (const std::string &F : C.FunctionsAdded)
    OS << "function added: " << F << "\n";
  for (const std::string &F : C.FunctionsRemoved)
    OS << "function removed: " << F << "\n";
  for (const TypeChange &T : C.TypesChanged) {
    OS << "type changed: " << T.Name;
    if (T.OnlyLayout)
      OS << " (layout of a member's type)";
    OS << "\n";
    for (const FieldChange &F : T.Fields) {
      OS << "  field " << F.What << ": " << F.Name;
      if (F.What == "retyped")
        OS << " (" << F.OldType << " -> " << F.NewType << ")";
      OS << "\n";
    }
  }
  for (const std::string &T : C.TypesAdded)
    OS << "type added: " << T << "\n";
  for (const std::string &T : C.TypesRemoved)
    OS << "type removed: " << T << "\n";
  for (const std::string &K : C.GlobalsRetyped)
    OS << "global retyped: " << K << " ("
       << Old.Globals.at(K).value("type", "") << " -> "
       << New.Globals.at(K).value("type", "") << ")\n";
  for (const std::string &K : C.GlobalsAdded)
    OS << "global added: " << K << "\n";
  for (const std::string &K : C.GlobalsRemoved)
    OS << "global removed: " << K << "\n";
  for (const std::string &K : C.GlobalsReinitialized)
    OS << "global initializer changed: " << K << "\n";
  for (const CpChange &Cp : C.Cps) {
    if (Cp.Removed.empty() && Cp.Added.empty())
      continue;
    OS << "continuation points of " << Cp.Function << ":";
    for (const std::string &S : Cp.Removed)
      OS << " -" << S;
    for (const std::string &S : Cp.Added)
      OS << " +" << S;
    OS << "\n";
  }
  if (OS.str().empty())
    OS << "no changes\n";
  return OS.str();
}

} // namespace hcu
