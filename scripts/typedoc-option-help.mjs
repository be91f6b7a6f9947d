// TypeDoc plugin (typedoc.json): an entry of a model's option table (`clusters: describe(…,
// 'number of centroids')`, `backend: backendOption()`) is documented by its help text, the line
// the CLI's --help shows, so the API reference needs no second copy of it in a comment.
import ts from 'typescript';
import { Comment, Converter } from 'typedoc';

/** The help string of describe(param, 'help') in `expr`, following one call to a function
 * whose body returns such a describe (backendOption()); undefined when there is none. */
function helpOf(expr, checker, depth = 0) {
  if (!expr || !ts.isCallExpression(expr)) return undefined;
  const help = expr.arguments[1];
  if (ts.isIdentifier(expr.expression) && expr.expression.text === 'describe')
    return help && ts.isStringLiteralLike(help) ? help.text : undefined;
  if (depth > 0) return undefined;
  const callee = checker.getSymbolAtLocation(expr.expression);
  const target =
    callee && callee.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(callee) : callee;
  const body = target?.declarations?.find(ts.isFunctionDeclaration)?.body;
  const ret = body?.statements.find(ts.isReturnStatement);
  return helpOf(ret?.expression, checker, depth + 1);
}

export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (reflection.hasComment()) return;
    const decl = context.getSymbolFromReflection(reflection)?.declarations?.[0];
    if (!decl || !ts.isPropertyAssignment(decl)) return;
    const help = helpOf(decl.initializer, context.checker);
    if (help) reflection.comment = new Comment([{ kind: 'text', text: help }]);
  });
}
