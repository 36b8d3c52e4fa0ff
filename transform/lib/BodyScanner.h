//===- BodyScanner.h - what a function body contains ------------*- C++ -*-===//
#ifndef HCU_TRANSFORM_BODYSCANNER_H
#define HCU_TRANSFORM_BODYSCANNER_H

#include "clang/AST/RecursiveASTVisitor.h"

#include <vector>

namespace hcu {

/// Collects, in traversal order, what the instrumentation of one function
/// needs from its body.
class BodyScanner : public clang::RecursiveASTVisitor<BodyScanner> {
public:
  std::vector<const clang::VarDecl *> Vars; // not parameters
  std::vector<const clang::CallExpr *> Calls;
  std::vector<const clang::Stmt *> Loops;
  std::vector<const clang::ReturnStmt *> Returns;
  std::vector<const clang::DeclRefExpr *> Refs;

  bool VisitVarDecl(clang::VarDecl *VD) {
    if (!clang::isa<clang::ParmVarDecl>(VD))
      Vars.push_back(VD);
    return true;
  }
  bool VisitCallExpr(clang::CallExpr *CE) {
    Calls.push_back(CE);
    return true;
  }
  bool VisitWhileStmt(clang::WhileStmt *S) { return addLoop(S); }
  bool VisitForStmt(clang::ForStmt *S) { return addLoop(S); }
  bool VisitDoStmt(clang::DoStmt *S) { return addLoop(S); }
  bool VisitReturnStmt(clang::ReturnStmt *S) {
    Returns.push_back(S);
    return true;
  }
  bool FunctionName = false; // __func__ and the like
  bool VisitPredefinedExpr(clang::PredefinedExpr *) {
    return FunctionName = true;
  }
  bool LabelAddress = false; // `&&label` or `goto *p`: GNU computed goto
  bool VisitAddrLabelExpr(clang::AddrLabelExpr *) { return LabelAddress = true; }
  bool VisitIndirectGotoStmt(clang::IndirectGotoStmt *) {
    return LabelAddress = true;
  }
  bool VisitDeclRefExpr(clang::DeclRefExpr *E) {
    Refs.push_back(E);
    return true;
  }

private:
  bool addLoop(clang::Stmt *S) {
    Loops.push_back(S);
    return true;
  }
};

} // namespace hcu

#endif
