//===- Instrumenter.cpp - rewrites a translation unit into updatable C ----===//
//
// The shape of the generated code is specified in docs/design.md ("What the
// transform emits for a function"); FunctionInstrumenter follows it section by
// section for each function, and this file does the unit-level work: globals,
// the order of functions, the descriptor table at the end.
//
// Edits are made with a clang::Rewriter in a fixed order so that edits at the
// same offset nest correctly: structural openers are appended (outer constructs
// are visited first), closers are prepended, and token replacements come last
// (a replacement keeps text inserted before it at the same offset).
//
// Line numbers of the user's code are preserved: text inserted inside a
// function never contains a newline, and multi-line blocks between functions
// end with a #line directive.
//
//===----------------------------------------------------------------------===//
#include "Instrumenter.h"
#include "FunctionInstrumenter.h"
#include "HeaderInliner.h"
#include "Naming.h"
#include "TypeInfo.h"
#include "UnitState.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <map>
#include <set>

using namespace clang;
using json = nlohmann::json;

namespace hcu {
namespace {

class UnitRewriter {
public:
  UnitRewriter(ASTContext &Ctx, const TransformOptions &Opts,
               const std::set<std::string> &Headers)
      : U(Ctx, Opts), Ctx(Ctx), SM(Ctx.getSourceManager()), Opts(Opts),
        Headers(Headers) {}

  bool run(std::string &Code, json &Metadata);

private:
  UnitState U;
  ASTContext &Ctx;
  SourceManager &SM;
  const TransformOptions &Opts;
  const std::set<std::string> &Headers;

  std::vector<const FunctionDecl *> Order;
  std::set<unsigned> StaticsDropped; // `static int a, b;` has one keyword
  std::string Pragmas;
  std::map<std::string, std::string> Symbols; // renamed globals: name -> symbol
  json Globals = json::array();

  void collectFunctions(TranslationUnitDecl *TU);
  json baseGlobalsByKey() const;
  void renameGlobals(TranslationUnitDecl *TU);
  void renameGlobal(const VarDecl *VD, std::set<std::string> &Seen);
  void dropStatic(const VarDecl *VD);
  void retargetAliases(TranslationUnitDecl *TU);
  std::string prefix() const;
  std::string tail() const;
};

/// Functions to instrument: defined in the main file (with the project
/// headers inlined into it), in source order.
void UnitRewriter::collectFunctions(TranslationUnitDecl *TU) {
  for (Decl *D : TU->decls()) {
    auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody())
      continue;
    if (!SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
      continue;
    if (FD->hasAttr<ConstructorAttr>() || FD->hasAttr<DestructorAttr>())
      continue; // run by the loader, never updated in place
    if (keptAsWrittenInHeader(FD, SM, Headers))
      continue;
    U.DescIndex[FD] = Order.size();
    Order.push_back(FD);
    U.Defined.insert(FD->getCanonicalDecl());
  }
}

// ---- globals -------------------------------------------------------------

/// In patch mode, the base's globals by key; otherwise empty.
json UnitRewriter::baseGlobalsByKey() const {
  json BaseByKey = json::object();
  // The base is a program's or patch's merged metadata ({"units": [...]}) or
  // a single unit's (as hcu-transform --metadata writes it).
  json Units = json::array();
  if (Opts.BaseMetadata.contains("units"))
    Units = Opts.BaseMetadata["units"];
  else if (Opts.BaseMetadata.contains("globals"))
    Units.push_back(Opts.BaseMetadata);
  if (Opts.PatchMode)
    for (const json &Unit : Units)
      for (const json &G : Unit.value("globals", json::array()))
        BaseByKey[G.value("key", "")] = G;
  return BaseByKey;
}

void UnitRewriter::renameGlobals(TranslationUnitDecl *TU) {
  U.BaseGlobals = baseGlobalsByKey();
  std::set<std::string> Seen;
  for (Decl *D : TU->decls()) {
    auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !VD->isFileVarDecl() || VD->getName().empty())
      continue;
    // Globals of other files are keyed there; a static in a header is left
    // alone (documented).
    if (!SM.isInMainFile(SM.getExpansionLoc(VD->getLocation())))
      continue;
    renameGlobal(VD, Seen);
  }
  retargetAliases(TU);
}

/// `extern int b __attribute__((alias("a")));` names a's assembler symbol,
/// which redefine_extname does not follow: the string becomes the new one.
void UnitRewriter::retargetAliases(TranslationUnitDecl *TU) {
  for (Decl *D : TU->decls()) {
    const AliasAttr *A = D->getAttr<AliasAttr>();
    if (!A || !Symbols.count(A->getAliasee().str()))
      continue;
    SourceLocation L = A->getLocation(), E = A->getRange().getEnd();
    if (L.isMacroID() || E.isMacroID()) {
      U.error(SM.getExpansionLoc(L),
              "cannot retarget alias(\"" + A->getAliasee().str() + "\") to '" +
                  Symbols[A->getAliasee().str()] +
                  "' (the renamed static): the attribute comes from a macro");
      continue;
    }
    Token Tok;
    while (!U.Nav.before(E, L) &&
           !Lexer::getRawToken(L, Tok, SM, Ctx.getLangOpts(), true)) {
      if (Tok.is(tok::string_literal)) {
        U.R.ReplaceText(Tok.getLocation(), Tok.getLength(),
                        json(Symbols[A->getAliasee().str()]).dump());
        break;
      }
      L = Tok.getEndLoc();
      while (!U.Nav.before(E, L) && isWhitespace(*SM.getCharacterData(L)))
        L = L.getLocWithOffset(1);
    }
  }
}

/// Binds VD to the base's storage when its layout is unchanged, or to new
/// storage (<name>_v<N>); records it once per key.
void UnitRewriter::renameGlobal(const VarDecl *VD,
                                std::set<std::string> &Seen) {
  bool Static = VD->getStorageClass() == SC_Static;
  std::string Name = VD->getName().str();
  std::string Key = keyOf(VD, Static, U.UnitName);
  std::string Layout = layoutSignature(VD->getType(), Ctx);
  std::string Default = Static ? "hcu_s__" + U.Uid + "__" + Name : Name;
  bool Changed = false;
  std::string Symbol = U.bindStorage(Key, Layout, Default, Changed);
  if (Static)
    dropStatic(VD);
  if (!Seen.insert(Key).second)
    return;
  if (Symbol != Name)
    Symbols[Name] = Symbol;
  if (Symbol != Name)
    Pragmas += "#pragma redefine_extname " + Name + " " + Symbol + "\n";
  Globals.push_back({{"name", Name},
                     {"key", Key},
                     {"static", Static},
                     {"type", spellType(VD->getType(), Ctx)},
                     {"layout", Layout},
                     {"symbol", Symbol},
                     {"changed", Changed},
                     {"line", U.Nav.line(VD->getLocation())}});
}

/// `static` goes: the storage must be reachable by its assembler name from
/// a patch. The name is unique to this file, so it stays private in practice.
void UnitRewriter::dropStatic(const VarDecl *VD) {
  SourceLocation L = U.Nav.findWord(SM.getExpansionLoc(VD->getBeginLoc()),
                                   SM.getExpansionLoc(VD->getLocation()),
                                   "static");
  if (L.isValid() && StaticsDropped.insert(SM.getFileOffset(L)).second)
    U.R.ReplaceText(L, 6, "/*static*/");
}

// ---- the unit ------------------------------------------------------------

/// Pragmas renaming globals, the runtime header, and the forward declaration
/// of the descriptor table.
std::string UnitRewriter::prefix() const {
  std::string Prefix = Pragmas + "#include \"hcu/hcu_rt.h\"\n";
  if (!Order.empty())
    Prefix += "static const struct hcu_func_desc hcu_descs[" +
              std::to_string(Order.size()) + "];\n";
  return Prefix + lineDirective(1, U.FileName);
}

/// The descriptor tables and the registration of the unit with libhcu.
std::string UnitRewriter::tail() const {
  std::string Tail = "\n/* hcu: descriptors of this unit */\n" + U.DescTables;
  if (!Order.empty()) {
    Tail += "static const struct hcu_func_desc hcu_descs[" +
            std::to_string(Order.size()) + "] = {\n";
    for (const std::string &I : U.DescInits)
      Tail += "  " + I + ",\n";
    Tail += "};\n";
  }
  Tail += "static struct hcu_unit_desc hcu_unit = { HCU_ABI_VERSION, " +
          std::to_string(Opts.Version) + ", " + json(U.FileName).dump() +
          ", \"" + U.Uid + "\", " + (Order.empty() ? "0" : "hcu_descs") + ", " +
          std::to_string(Order.size()) + ", 0 };\n";
  Tail += "__attribute__((constructor)) static void hcu_unit_register(void) "
          "{ hcu_register_unit(&hcu_unit); }\n";
  return Tail;
}

bool UnitRewriter::run(std::string &Code, json &Metadata) {
  FileID Main = SM.getMainFileID();
  U.FileName = SM.getFileEntryRefForID(Main)->getName().str();
  U.UnitName = unitName(Opts, U.FileName);
  U.Uid = Opts.Uid.empty() ? defaultUid(U.UnitName) : Opts.Uid;
  TranslationUnitDecl *TU = Ctx.getTranslationUnitDecl();

  collectFunctions(TU);
  renameGlobals(TU);
  for (const FunctionDecl *FD : Order)
    FunctionInstrumenter(U, FD).run();
  if (U.Failed)
    return false;

  U.R.InsertTextBefore(SM.getLocForStartOfFile(Main), prefix());
  U.R.InsertTextAfter(SM.getLocForEndOfFile(Main), tail());

  const RewriteBuffer *Buf = U.R.getRewriteBufferFor(Main);
  Code = Buf ? std::string(Buf->begin(), Buf->end())
             : SM.getBufferData(Main).str();
  for (const json &S : U.StaticLocals)
    Globals.push_back(S);
  Metadata = {{"file", U.FileName},       {"name", U.UnitName},
              {"uid", U.Uid},
              {"version", Opts.Version},  {"patch_mode", Opts.PatchMode},
              {"functions", U.Functions}, {"globals", Globals}};
  return true;
}

} // namespace

void Instrumenter::HandleTranslationUnit(ASTContext &Ctx) {
  if (Ctx.getDiagnostics().hasErrorOccurred()) {
    Failed = true;
    return;
  }
  UnitRewriter U(Ctx, Opts, Headers);
  if (!U.run(Code, Metadata))
    Failed = true;
}

} // namespace hcu
