// What the TypeScript sources say, read from their syntax trees (never by running them): which
// messages they publish with which variables, which BPMN error payloads they build, which problem
// types and HTTP routes the intake has, which enum tuples and names modules export. Syntax the scan
// cannot read to the end (a spread, a computed name) is reported as such, never guessed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface Located {
  readonly file: string;
  readonly line: number;
}

/** .ts files under the folders (no tests, test helpers or declaration files), in name order. */
export function sourceFiles(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'node_modules' && name !== 'testing' && !name.startsWith('.')) walk(full);
      } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
        out.push(full);
      }
    }
  };
  dirs.forEach(walk);
  return out;
}

const parsed = new Map<string, ts.SourceFile>();
function sourceOf(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) {
    sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    parsed.set(file, sf);
  }
  return sf;
}

/** Forget parsed files (tests rewrite copies between runs). */
export const forgetParsedSources = (): void => parsed.clear();

function visit(file: string, fn: (node: ts.Node, sf: ts.SourceFile) => void): void {
  const sf = sourceOf(file);
  const walk = (node: ts.Node): void => {
    fn(node, sf);
    ts.forEachChild(node, walk);
  };
  walk(sf);
}

const lineOf = (sf: ts.SourceFile, node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;

function property(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

/** Keys of an object literal; undefined when a spread or computed key hides some. */
function literalKeys(expr: ts.Expression | undefined): string[] | undefined {
  if (!expr || !ts.isObjectLiteralExpression(expr)) return undefined;
  const keys: string[] = [];
  for (const p of expr.properties) {
    if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) keys.push(p.name.text);
    else if (ts.isShorthandPropertyAssignment(p)) keys.push(p.name.text);
    else return undefined;
  }
  return keys;
}

/** String literals an expression can evaluate to (literals, template-free conditionals). */
function stringLiterals(expr: ts.Expression): string[] | undefined {
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
  if (ts.isConditionalExpression(expr)) {
    const a = stringLiterals(expr.whenTrue);
    const b = stringLiterals(expr.whenFalse);
    return a && b ? [...a, ...b] : undefined;
  }
  if (ts.isParenthesizedExpression(expr)) return stringLiterals(expr.expression);
  return undefined;
}

export interface MessagePublication extends Located {
  /** `MESSAGES.orderAccepted` → resolved through the given name table; a literal → itself */
  readonly message: string | undefined;
  /** the expression naming the message, as written */
  readonly nameExpression: string;
  /** undefined: the variables are not an object literal the scan can read */
  readonly variables: readonly string[] | undefined;
}

/**
 * Object literals `{ name: <message>, variables: { … }, correlationKey… }` handed to a publish
 * call: the shape MessagePublisher.publish takes (src/core/services.ts).
 */
export function messagePublications(files: readonly string[], messageNames: Readonly<Record<string, string>>): MessagePublication[] {
  const out: MessagePublication[] = [];
  for (const file of files) {
    visit(file, (node, sf) => {
      if (!ts.isCallExpression(node)) return;
      const callee = node.expression;
      if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'publish') return;
      const arg = node.arguments[0];
      if (!arg || !ts.isObjectLiteralExpression(arg)) return;
      const name = property(arg, 'name');
      if (!name || !property(arg, 'correlationKey')) return;
      let message: string | undefined;
      if (ts.isStringLiteral(name)) message = name.text;
      else if (ts.isPropertyAccessExpression(name) && ts.isIdentifier(name.expression) && name.expression.text === 'MESSAGES') message = messageNames[name.name.text];
      out.push({ file, line: lineOf(sf, node), message, nameExpression: name.getText(sf), variables: literalKeys(property(arg, 'variables')) });
    });
  }
  return out;
}

export interface BpmnErrorPayload extends Located {
  /** the error code when written as a literal (or BPMN_ERRORS.x resolved); undefined when computed */
  readonly errorCode: string | undefined;
  readonly variables: readonly string[] | undefined;
}

/** Object literals `{ kind: 'bpmn-error', errorCode, variables: { … } }` (EngineAction). */
export function bpmnErrorPayloads(files: readonly string[], errorCodes: Readonly<Record<string, string>>): BpmnErrorPayload[] {
  const out: BpmnErrorPayload[] = [];
  for (const file of files) {
    visit(file, (node, sf) => {
      if (!ts.isObjectLiteralExpression(node)) return;
      const kind = property(node, 'kind');
      if (!kind || !ts.isStringLiteral(kind) || kind.text !== 'bpmn-error') return;
      const code = property(node, 'errorCode');
      let errorCode: string | undefined;
      if (code && ts.isStringLiteral(code)) errorCode = code.text;
      else if (code && ts.isPropertyAccessExpression(code) && ts.isIdentifier(code.expression) && code.expression.text === 'BPMN_ERRORS') errorCode = errorCodes[code.name.text];
      out.push({ file, line: lineOf(sf, node), errorCode, variables: literalKeys(property(node, 'variables')) });
    });
  }
  return out;
}

export interface ProblemUse extends Located {
  readonly problemType: string;
  /** the literal status of the same problem object, when there is one */
  readonly status: number | undefined;
}

/** `problemType('<code>')` calls, with the status of the problem object they sit in. */
export function problemTypeUses(files: readonly string[]): ProblemUse[] {
  const out: ProblemUse[] = [];
  for (const file of files) {
    visit(file, (node, sf) => {
      if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'problemType') return;
      const arg = node.arguments[0];
      const codes = arg ? stringLiterals(arg) : undefined;
      const parent = node.parent;
      const obj = ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent) ? parent.parent : undefined;
      const statusExpr = obj ? property(obj, 'status') : undefined;
      const status = statusExpr && ts.isNumericLiteral(statusExpr) ? Number(statusExpr.text) : undefined;
      for (const code of codes ?? []) out.push({ file, line: lineOf(sf, node), problemType: code, status });
    });
  }
  return out;
}

export interface RouteRegistration extends Located {
  readonly method: string;
  /** as registered (fastify style, `/orders/:orderId`) */
  readonly path: string;
}

/** `app.get('/path', …)`, `app.post(…)` … of a fastify instance named `app`. */
export function routeRegistrations(files: readonly string[]): RouteRegistration[] {
  const out: RouteRegistration[] = [];
  const methods = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
  for (const file of files) {
    visit(file, (node, sf) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
      const { expression: target, name } = node.expression;
      if (!ts.isIdentifier(target) || target.text !== 'app' || !methods.has(name.text)) return;
      const first = node.arguments[0];
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) out.push({ file, line: lineOf(sf, node), method: name.text.toUpperCase(), path: first.text });
    });
  }
  return out;
}

export interface ExportedTuple extends Located {
  readonly name: string;
  readonly values: readonly string[];
}

/** `export const SOME_VALUES = ['A', 'B'] as const`: the project's way of writing an enum. */
export function exportedStringTuples(files: readonly string[]): ExportedTuple[] {
  const out: ExportedTuple[] = [];
  for (const file of files) {
    const sf = sourceOf(file);
    for (const stmt of sf.statements) {
      if (!ts.isVariableStatement(stmt) || !stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const decl of stmt.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || !/^[A-Z][A-Z0-9_]*$/.test(decl.name.text) || !decl.initializer) continue;
        const init = ts.isAsExpression(decl.initializer) ? decl.initializer.expression : decl.initializer;
        if (!ts.isArrayLiteralExpression(init) || init.elements.length === 0) continue;
        const values = init.elements.map((e) => (ts.isStringLiteral(e) ? e.text : undefined));
        if (values.every((v): v is string => v !== undefined && /^[A-Z][A-Z0-9_]*$/.test(v))) out.push({ file, line: lineOf(sf, stmt), name: decl.name.text, values });
      }
    }
  }
  return out;
}

/** Every name a module exports (values and types alike). */
export function exportedNames(file: string): Set<string> {
  const names = new Set<string>();
  const sf = sourceOf(file);
  const exported = (n: ts.Node): boolean => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const stmt of sf.statements) {
    if (ts.isVariableStatement(stmt) && exported(stmt)) {
      for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    } else if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt) || ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) && exported(stmt) && stmt.name) {
      names.add(stmt.name.text);
    } else if (ts.isExportDeclaration(stmt) && stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
      for (const e of stmt.exportClause.elements) names.add(e.name.text);
    }
  }
  return names;
}

export interface ConstObject extends Located {
  readonly entries: Readonly<Record<string, string>>;
}

/** `export const <name> = { key: 'value', … } as const` in any of the files (e.g. MESSAGES). */
export function exportedStringObject(files: readonly string[], name: string): ConstObject | undefined {
  for (const file of files) {
    const sf = sourceOf(file);
    for (const stmt of sf.statements) {
      if (!ts.isVariableStatement(stmt) || !stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const decl of stmt.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || decl.name.text !== name || !decl.initializer) continue;
        const init = ts.isAsExpression(decl.initializer) ? decl.initializer.expression : decl.initializer;
        if (!ts.isObjectLiteralExpression(init)) continue;
        const entries: Record<string, string> = {};
        for (const p of init.properties) {
          if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && ts.isStringLiteral(p.initializer)) entries[p.name.text] = p.initializer.text;
        }
        return { file, line: lineOf(sf, stmt), entries };
      }
    }
  }
  return undefined;
}
