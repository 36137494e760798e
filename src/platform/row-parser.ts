// Enforces the row schemas queries declare with `sql.type(schema)`. Slonik hands the schema to
// interceptors (queryContext.resultParser) but validates nothing itself: without this interceptor a
// row type is a cast. A row that does not match throws RowShapeError, which names the statement's
// tables and the schema's complaints but never a value of the row (values may hold secrets).
import type { Interceptor, QueryResultRow } from 'slonik';

export class RowShapeError extends Error {
  override readonly name = 'RowShapeError';
  /** the tables the statement names, e.g. "customer_order, order_orchestration_link" */
  readonly statement: string;
  /** each complaint as "path: message" (zod's messages name types and expectations, not values) */
  readonly issues: readonly string[];

  constructor(statement: string, issues: readonly string[]) {
    super(`a row of the statement on ${statement} does not match its schema: ${issues.join('; ')}`);
    this.statement = statement;
    this.issues = issues;
  }
}

interface StandardIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}
type StandardResult = { readonly value: unknown; readonly issues?: undefined } | { readonly issues: readonly StandardIssue[] };
interface StandardSchema {
  readonly '~standard': { readonly validate: (value: unknown) => StandardResult | Promise<StandardResult> };
  /** zod's internals: `unknown` is what sql.unsafe declares, which checks nothing */
  readonly _zod?: { readonly def?: { readonly type?: string } };
}

const MAX_ISSUES = 5;

/** The slonik interceptor; one per pool. */
export const rowParser: Interceptor = {
  name: 'row-parser',
  transformRow: (queryContext, query, row) => {
    const schema = queryContext.resultParser as StandardSchema | undefined;
    if (schema === undefined || schema._zod?.def?.type === 'unknown') return row;
    const result = schema['~standard'].validate(row);
    if (result instanceof Promise) throw new RowShapeError(statementTables(query.sql), ['(row): the schema validates asynchronously, which a row parser cannot wait for']);
    if (result.issues) throw new RowShapeError(statementTables(query.sql), describe(result.issues));
    return result.value as QueryResultRow;
  },
};

function describe(issues: readonly StandardIssue[]): string[] {
  const described = issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path?.length ? issue.path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.') : '(row)';
    return `${path}: ${issue.message}`;
  });
  if (issues.length > MAX_ISSUES) described.push(`(+${issues.length - MAX_ISSUES} more)`);
  return described;
}

const TABLE = /\b(?:from|into|update|join)\s+([a-z_][a-z0-9_]*)/gi;

/** The tables a statement names: SQL text only, its values are bound parameters. */
export function statementTables(sqlText: string): string {
  const tables = new Set<string>();
  for (const match of sqlText.matchAll(TABLE)) if (match[1]) tables.add(match[1].toLowerCase());
  return tables.size ? [...tables].join(', ') : sqlText.replace(/\s+/g, ' ').trim().slice(0, 60);
}
