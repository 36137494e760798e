// Which process variables a FEEL expression reads, conservatively: the root name of every path
// (`submission.provisioningTaskId` reads `submission`), never field names, function names, names
// the expression binds itself (`every x in …`, `for x in …`, context keys, function parameters),
// nor names inside a filter (`list[reservationId != null]` resolves them against the list's items
// first). A name this cannot place is left out rather than reported: a false alarm in the gate
// costs more than the rare miss.

const KEYWORDS = new Set([
  'and', 'or', 'not', 'true', 'false', 'null', 'if', 'then', 'else', 'for', 'in', 'return', 'some', 'every',
  'satisfies', 'between', 'instance', 'of', 'function', 'external', 'item',
]);

/** Built-in functions whose names are several words (the only names FEEL lets contain spaces here). */
const MULTI_WORD_FUNCTIONS = [
  'date and time', 'years and months duration', 'string length', 'upper case', 'lower case', 'substring before',
  'substring after', 'starts with', 'ends with', 'string join', 'list contains', 'index of', 'distinct values',
  'insert before', 'get value', 'get entries', 'context put', 'context merge', 'day of week', 'day of year',
  'week of year', 'month of year', 'is defined', 'get or else', 'last day of month', 'is empty', 'duplicate values',
  'is blank', 'to base64', 'from base64', 'string format', 'time zone',
].map((f) => f.split(' '));

type Token = { readonly kind: 'name' | 'string' | 'number' | 'punct'; readonly text: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      tokens.push({ kind: 'string', text: src.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      const end = j < 0 ? src.length : j;
      tokens.push({ kind: 'name', text: src.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      tokens.push({ kind: 'number', text: m?.[0] ?? c });
      i += m?.[0].length ?? 1;
    } else if (/[A-Za-z_?$]/.test(c)) {
      const m = /^[A-Za-z_?$][A-Za-z0-9_?$]*/.exec(src.slice(i));
      tokens.push({ kind: 'name', text: m?.[0] ?? c });
      i += m?.[0].length ?? 1;
    } else if (src.startsWith('..', i)) {
      tokens.push({ kind: 'punct', text: '..' });
      i += 2;
    } else {
      const two = src.slice(i, i + 2);
      const op = ['!=', '<=', '>=', '**'].includes(two) ? two : c;
      tokens.push({ kind: 'punct', text: op });
      i += op.length;
    }
  }
  return tokens;
}

const isName = (t: Token | undefined, text?: string): boolean => t?.kind === 'name' && (text === undefined || t.text === text);
const isPunct = (t: Token | undefined, text: string): boolean => t?.kind === 'punct' && t.text === text;

/** Length of a multi-word built-in function name starting at i (followed by '('), else 0. */
function multiWordFunctionAt(tokens: readonly Token[], i: number): number {
  for (const words of MULTI_WORD_FUNCTIONS) {
    if (words.every((w, k) => isName(tokens[i + k], w)) && isPunct(tokens[i + words.length], '(')) return words.length;
  }
  return 0;
}

/** Root variable names an expression reads (`=` prefix optional; a value without it is static). */
export function variablesRead(expression: string | undefined, opts: { readonly isExpression?: boolean } = {}): string[] {
  if (expression === undefined) return [];
  const trimmed = expression.trim();
  const isExpression = opts.isExpression ?? trimmed.startsWith('=');
  if (!isExpression) return [];
  const tokens = tokenize(trimmed.replace(/^=/, ''));
  const read: string[] = [];
  const bound = new Set<string>();
  /** '(' | '[' (list) | 'filter' | '{' */
  const brackets: string[] = [];
  /** keys of the entries completed so far in each open context literal: later entries may refer to them */
  const contexts: { readonly keys: Set<string>; pending?: string | undefined }[] = [];
  let binding = false; // between for/some/every and return/satisfies: `x in` binds x
  let functionParams = false;

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (t.kind === 'punct') {
      if (t.text === '[') brackets.push(prev && (prev.kind === 'name' && !KEYWORDS.has(prev.text) ? true : isPunct(prev, ']') || isPunct(prev, ')')) ? 'filter' : '[');
      else if (t.text === '(' || t.text === '{') brackets.push(t.text);
      else if (t.text === ']' || t.text === ')' || t.text === '}') {
        brackets.pop();
        if (t.text === ')') functionParams = false;
      }
      if (t.text === '{') contexts.push({ keys: new Set() });
      if (t.text === '}') contexts.pop();
      const context = contexts.at(-1);
      if (t.text === ',' && brackets.at(-1) === '{' && context?.pending) context.keys.add(context.pending);
      continue;
    }
    if (t.kind !== 'name') continue;
    if (t.text === 'for' || t.text === 'some' || t.text === 'every') binding = true;
    if (t.text === 'return' || t.text === 'satisfies') binding = false;
    if (t.text === 'function' && isPunct(next, '(')) functionParams = true;
    const words = multiWordFunctionAt(tokens, i);
    if (words > 0) {
      i += words - 1;
      continue;
    }
    if (KEYWORDS.has(t.text)) continue;
    if (isPunct(prev, '.')) continue; // a field of something
    if (isPunct(next, '(')) continue; // a function
    if (brackets.at(-1) === '{' && isPunct(next, ':') && (isPunct(prev, '{') || isPunct(prev, ','))) {
      const context = contexts.at(-1);
      if (context) context.pending = t.text; // a key: in scope for the entries after this one
      continue;
    }
    if (contexts.some((c) => c.keys.has(t.text))) continue;
    if ((binding && isName(next, 'in')) || functionParams) {
      bound.add(t.text);
      continue;
    }
    if (brackets.includes('filter')) continue; // item fields first: cannot tell, do not guess
    read.push(t.text);
  }
  return [...new Set(read.filter((n) => !bound.has(n)))];
}
