// Compares the shape of a schema in the code (zod, as JSON schema) with the shape a contract
// document gives the same message, in the direction the code uses it:
//   reads   the code parses what the document describes: it must accept every value the document
//           allows and require nothing the document leaves optional; it may ignore fields
//   sends   the code produces what the document must accept: no undocumented field, every
//           required field always present, values within the document's enums
//   serves  both at once: the document describes exactly what the server accepts
import { describeTypes, type JsonType, type Shape } from './json-shape.ts';

export type Direction = 'reads' | 'sends' | 'serves';

export interface ShapeIssue {
  /** field path inside the message, e.g. `items[].quantity`; '' for the message itself */
  readonly path: string;
  /** an optional field of the code the document does not have: for `reads` with several places,
   * a problem only when no place has it */
  readonly undocumentedOptional: boolean;
  readonly message: string;
}

export interface Sides {
  /** e.g. `zod reservationDto` */
  readonly code: string;
  /** e.g. `inventory.yaml createReservation 201` */
  readonly document: string;
}

const accepts = (wide: ReadonlySet<JsonType>, t: JsonType): boolean => wide.has(t) || (t === 'integer' && wide.has('number'));
const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const list = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');

/** Types `from` allows that `to` does not accept. */
function typesNotAccepted(from: Shape, to: Shape): string | undefined {
  if (to.types === 'any') return undefined;
  if (from.types === 'any') return 'any value';
  const missing = [...from.types].filter((t) => !accepts(to.types as ReadonlySet<JsonType>, t));
  return missing.length ? missing.join(' | ') : undefined;
}

/** Values `from` allows that `to` does not (undefined when all fit). */
function valuesNotAccepted(from: Shape, to: Shape): string | undefined {
  if (!to.values) return undefined;
  if (!from.values) return `any ${describeTypes(from)}`;
  const key = (v: unknown) => JSON.stringify(v);
  const allowed = new Set(to.values.map(key));
  const extra = from.values.filter((v) => !allowed.has(key(v)));
  return extra.length ? list(extra) : undefined;
}

export function compareShapes(code: Shape, doc: Shape, direction: Direction, sides: Sides, path = ''): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  const at = path || '(message)';
  const issue = (message: string, undocumentedOptional = false) => issues.push({ path, undocumentedOptional, message });

  // what the document allows must be accepted by a reader; what the code produces must be
  // accepted by the document
  if (direction !== 'sends') {
    const t = typesNotAccepted(doc, code);
    if (t) issue(`${sides.document} allows ${t} at ${at}, ${sides.code} accepts only ${describeTypes(code)}`);
    const v = t ? undefined : valuesNotAccepted(doc, code);
    if (v) issue(`${sides.document} allows ${v} at ${at}, ${sides.code} accepts only ${list(code.values ?? [])}`);
  }
  if (direction !== 'reads') {
    const t = typesNotAccepted(code, doc);
    if (t) issue(`${sides.code} ${direction === 'sends' ? 'may send' : 'accepts'} ${t} at ${at}, ${sides.document} allows only ${describeTypes(doc)}`);
    const v = t ? undefined : valuesNotAccepted(code, doc);
    if (v) issue(`${sides.code} ${direction === 'sends' ? 'may send' : 'accepts'} ${v} at ${at}, ${sides.document} allows only ${list(doc.values ?? [])}`);
  }

  if (code.properties && doc.properties) {
    const codeRequired = code.required ?? new Set<string>();
    const docRequired = doc.required ?? new Set<string>();
    for (const [key, codeField] of code.properties) {
      const docField = doc.properties.get(key) ?? doc.additional;
      const field = join(path, key);
      if (!docField) {
        const required = codeRequired.has(key);
        const what = direction === 'reads' ? (required ? 'requires' : 'reads') : direction === 'sends' ? 'sends' : 'accepts';
        issues.push({ path: field, undocumentedOptional: direction === 'reads' && !required, message: `${sides.code} ${what} field ${field}, ${sides.document} has no such field` });
        continue;
      }
      const inCode = codeRequired.has(key);
      const inDoc = docRequired.has(key);
      if (direction === 'reads' && inCode && !inDoc) issues.push({ path: field, undocumentedOptional: false, message: `${sides.code} requires ${field}, ${sides.document} marks it optional` });
      if (direction === 'sends' && inDoc && !inCode) issues.push({ path: field, undocumentedOptional: false, message: `${sides.document} requires ${field}, ${sides.code} may leave it out` });
      if (direction === 'serves' && inCode !== inDoc) {
        issues.push({ path: field, undocumentedOptional: false, message: `${sides.code} ${inCode ? 'requires' : 'has optional'} ${field}, ${sides.document} ${inDoc ? 'requires' : 'marks'} it${inDoc ? '' : ' optional'}` });
      }
      issues.push(...compareShapes(codeField, docField, direction, sides, field));
    }
    for (const key of doc.properties.keys()) {
      if (code.properties.has(key) || code.additional) continue;
      const field = join(path, key);
      if (direction === 'sends' && (doc.required ?? new Set()).has(key)) issues.push({ path: field, undocumentedOptional: false, message: `${sides.document} requires ${field}, ${sides.code} never sends it` });
      if (direction === 'serves') issues.push({ path: field, undocumentedOptional: false, message: `${sides.document} documents ${field}, ${sides.code} does not accept it (it would be dropped)` });
    }
  }
  if (code.additional && doc.additional) issues.push(...compareShapes(code.additional, doc.additional, direction, sides, join(path, '*')));
  if (code.items && doc.items) issues.push(...compareShapes(code.items, doc.items, direction, sides, `${path}[]`));
  return issues;
}
