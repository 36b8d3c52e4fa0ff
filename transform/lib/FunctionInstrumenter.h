//===- FunctionInstrumenter.h - makes one function updatable ----*- C++ -*-===//
#ifndef HCU_TRANSFORM_FUNCTIONINSTRUMENTER_H
#define HCU_TRANSFORM_FUNCTIONINSTRUMENTER_H

#include "BodyScanner.h"
#include "UnitState.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hcu {

/// Instruments one function definition (docs/design.md, "What the transform
/// emits for a function"): analyses the body, then edits it through the unit's
/// Rewriter and adds its descriptor and metadata to the unit. Errors go to the
/// unit's diagnostics.
class FunctionInstrumenter {
public:
  FunctionInstrumenter(UnitState &Unit, const clang::FunctionDecl *FD);

  void run();

private:
  /// A local variable of the function.
  struct Local {
    const clang::VarDecl *VD = nullptr; // null for synthesized locals
    std::string Field;  // member name in the frame record / arena block
    std::string CName;  // how the code refers to it
    std::string Type;   // spelled type
    std::string Layout; // layout signature
    bool Arena = false;
    bool IsArray = false;
    bool IsConst = false; // not assignable: copied with memcpy
    clang::SourceLocation DeclEnd;  // in scope after this...
    clang::SourceLocation ScopeEnd; // ...and before this
  };

  /// How the statement around a call site is wrapped.
  enum class Form { Stmt, Assign, Decl, Return };

  struct CallSite {
    const clang::CallExpr *CE;
    int N = 0;
    Form F = Form::Stmt;
    const clang::Stmt *Host = nullptr;       // the statement that is wrapped
    const clang::VarDecl *DeclVar = nullptr; // Form::Decl
    std::string Replacement;                 // new callee spelling, or empty
    std::string Name;                        // stable name
  };

  struct LoopPoint {
    const clang::Stmt *Loop;
    const clang::Stmt *Body;
    int N = 0;
    std::string Name;
  };

  /// A continuation point other than the entry, in source order.
  struct PointRef {
    clang::SourceLocation Loc;
    CallSite *Site;
    LoopPoint *Loop;
  };

  // Pinned functions (FunctionInstrumenterPinned.cpp): no continuation
  // points; the thread does not unwind while one is active.
  std::string pinReason();
  void runPinned(const std::string &Why);
  bool fileRangeOfCall(const clang::CallExpr *CE, clang::SourceLocation &B,
                       clang::SourceLocation &E);
  void emitSetjmpSites();
  void emitVaStarts();
  void emitFormatAttrs();
  std::string variadicImplDecl() const;
  clang::SourceLocation findEllipsis() const;
  clang::SourceLocation prologueLoc() const;
  std::string variadicEntry() const;

  // Static locals (FunctionInstrumenterStatics.cpp): program-wide storage
  // under a key and symbol of their own.
  bool planStatics();
  std::string hoistWhy(const clang::DeclStmt *DS,
                       std::set<const clang::DeclStmt *> &Needs) const;
  bool wantsSharing(const clang::VarDecl *VD) const;
  std::string hoistedText(const clang::DeclStmt *DS) const;
  clang::SourceLocation staticKeyword(const clang::DeclStmt *DS) const;
  void emitStatics();
  void emitStaticUses();
  std::map<unsigned, std::pair<clang::SourceLocation, const clang::VarDecl *>>
  staticUses() const;

  // Analysis.
  void pinInstead(clang::SourceLocation Loc, const std::string &Msg);
  void checkShadowing();
  bool checkSignature();
  void findAddressTaken();
  bool collectLocals();
  bool addLocal(const clang::VarDecl *VD);
  bool isOnlyRead(const clang::VarDecl *VD) const;
  bool collectParams();
  void collectCallSites();
  std::optional<CallSite> makeCallSite(const clang::CallExpr *CE);
  bool resolveCallee(const clang::CallExpr *CE, CallSite &S,
                     std::string &CalleeName);
  bool classifyHost(CallSite &S);
  bool declaredBefore(const clang::FunctionDecl *C) const;
  void collectLoops();
  void numberPoints();

  // Code shared by the edits.
  std::vector<const Local *> inScope(clang::SourceLocation At) const;
  std::string saveCode(int N, const std::vector<const Local *> &Vars,
                       bool FunctionScope) const;
  std::string restoreCode(const std::vector<const Local *> &Vars) const;
  std::string againLabel(int N) const;
  std::string afterCheck(int N, const std::vector<const Local *> &Vars) const;

  // Edits, in the order the Rewriter needs them (see Instrumenter.cpp).
  void emitLoopPoints();
  void emitCallSites();
  std::vector<const Local *> savedAtSite(const CallSite &S,
                                         clang::SourceLocation HB);
  void emitDeclSite(const CallSite &S, const std::vector<const Local *> &Vars);
  void emitArenaReturns();
  void emitArenaDecls();
  void emitArenaDecl(const Local &L);
  void emitPrologue();
  std::string prologueText() const;
  void emitTokenReplacements();
  void emitArenaUses();
  void buildRecordFields();
  void addLocalField(const std::string &Field, const std::string &T,
                     const std::string &Lay, bool Arena);
  void emitPreBlock();
  std::string slotAndWrapperDecls();
  /// What `__typeof__(...)` of F's body, slot and impl is written with:
  /// F's name, or for a noreturn function its type without noreturn.
  std::string fnTypeExpr(const clang::FunctionDecl *F) const;
  /// Preprocessor lines that drop noreturn from this definition's own
  /// specifiers (before it) and restore the macros (after its `{`).
  std::string noReturnOff() const;
  std::string noReturnOn() const;
  void emitPostBlock();
  std::string descriptorInit() const;
  void addMetadata();

  UnitState &Unit;
  clang::ASTContext &Ctx;
  clang::SourceManager &SM;
  const SourceNav &Nav;
  clang::Rewriter &R;

  const clang::FunctionDecl *FD;
  const clang::CompoundStmt *Body;
  std::string Fn, V;
  std::string FormalsT, LocalsT, ArenaT; // record types
  std::string Desc;                      // this function's hcu_descs[] entry
  bool IsMain, IsStatic, VoidRet;
  clang::QualType RetTy;   // unqualified: a `const` on it means nothing
  std::string RetSpelled;
  clang::SourceLocation FnLoc;

  BodyScanner Scan;
  bool Pinned = false, Variadic = false;
  std::string PinWhy, Fallback;
  clang::SourceLocation Ellipsis;
  std::vector<const clang::CallExpr *> SetjmpCalls, VaStarts;
  std::set<const clang::VarDecl *> AddrTaken;
  std::set<const clang::DeclStmt *> QuietDecls;
  void quietUninitialized(const clang::DeclStmt *DS);
  std::vector<Local> Locals;
  std::map<const clang::VarDecl *, size_t> LocalIdx;
  std::map<std::string, int> NameCount;
  std::vector<const clang::ParmVarDecl *> ArenaParams;
  bool HasArena = false, NeedRv = false;
  // File offsets [begin, end) of the declaration text emitArenaDecl removed
  // (`T x[sizeof y]` of `T x[sizeof y] = ...`): no use in it is rewritten.
  std::vector<std::pair<unsigned, unsigned>> ArenaCut;
  std::map<const clang::VarDecl *, std::string> StaticSym; // hoisted
  std::vector<const clang::DeclStmt *> HoistedDecls;
  std::vector<std::pair<unsigned, unsigned>> StaticCut; // their old text
  std::vector<CallSite> Sites;
  std::vector<const clang::CallExpr *> WrappedCalls; // HCU_WRAPPED callees
  std::vector<LoopPoint> Loops;
  std::vector<PointRef> Points;
  nlohmann::json Cps = nlohmann::json::array();
  std::string CpTable;
  std::string RetZero, Pop; // `return 0`-like exit; arena pop, if any

  // Frame records: declarations, descriptor tables, metadata.
  std::string Formals, LocalsDecl, ArenaDecl, FTable, LTable, ArenaLayout;
  nlohmann::json JFormals = nlohmann::json::array();
  nlohmann::json JLocals = nlohmann::json::array();
  int NLocals = 0;    // entries of LTable
  std::string Header; // the definition's text up to the body
};

} // namespace hcu

#endif
