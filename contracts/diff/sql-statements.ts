// A migration file read as statements: only its Up part (node-pg-migrate's `-- Down Migration`
// marks the rest), comments removed, split on semicolons outside quotes and $$ bodies.

export function upPart(text: string): string {
  const i = text.search(/^--\s*Down Migration/im);
  return i >= 0 ? text.slice(0, i) : text;
}

export function statements(text: string): string[] {
  const src = upPart(text);
  const out: string[] = [];
  let current = '';
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    if (rest.startsWith('--')) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
      continue;
    }
    const dollar = /^\$[A-Za-z_]*\$/.exec(rest);
    if (dollar) {
      const end = src.indexOf(dollar[0], i + dollar[0].length);
      const stop = end < 0 ? src.length : end + dollar[0].length;
      current += src.slice(i, stop);
      i = stop;
      continue;
    }
    const c = src[i] ?? '';
    if (c === "'") {
      let j = i + 1;
      while (j < src.length && !(src[j] === "'" && src[j + 1] !== "'")) j += src[j] === "'" ? 2 : 1;
      current += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ';') {
      if (current.trim()) out.push(current.trim().replace(/\s+/g, ' '));
      current = '';
    } else current += c;
    i++;
  }
  if (current.trim()) out.push(current.trim().replace(/\s+/g, ' '));
  return out;
}

/** Splits on commas outside parentheses and quotes (the clauses of an ALTER TABLE). */
export function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const c of text) {
    if (c === "'") quoted = !quoted;
    if (!quoted && c === '(') depth++;
    if (!quoted && c === ')') depth--;
    if (!quoted && depth === 0 && c === ',') {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** `constraint <name> check (<column> in ('A', 'B'))` anywhere in a statement → name, column, values. */
export function enumChecks(statement: string): { name: string; column: string; values: string[] }[] {
  const out: { name: string; column: string; values: string[] }[] = [];
  for (const m of statement.matchAll(/constraint\s+(\w+)\s+check\s*\(\s*(?:\w+\s+is\s+null\s+or\s+)?(\w+)\s+in\s*\(([^)]*)\)/gi)) {
    out.push({ name: (m[1] ?? '').toLowerCase(), column: m[2] ?? '', values: [...(m[3] ?? '').matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1] ?? '') });
  }
  return out;
}
