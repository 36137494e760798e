// One fuzzed HTTP request and what its answer must be: never a 5xx except a designed 503 (a problem
// document with Retry-After), every 4xx an RFC 9457 problem document (application/problem+json with
// type, title, status equal to the HTTP status, detail), never a stack trace. The request goes out
// through node:http with a keep-alive agent, so headers arrive as generated (fetch would refuse or
// rewrite some).
import http from 'node:http';
import type { Tally } from './tally.ts';

export interface FuzzRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer | undefined;
}

export interface FuzzAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly json: unknown;
  readonly latencyMs: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Sends the request; undefined when node:http itself refuses it (a header it cannot send) — not an input the server saw. */
export async function send(baseUrl: string, req: FuzzRequest, timeoutMs = 30_000): Promise<FuzzAnswer | { readonly error: string }> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    let request: http.ClientRequest;
    try {
      request = http.request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers, agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => resolve({ error: `response: ${err.message}` }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, latencyMs: performance.now() - started });
        });
      });
    } catch (err) {
      resolve({ error: `not sendable: ${(err as Error).message}` });
      return;
    }
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (err) => resolve({ error: err.message }));
    if (req.body !== undefined) request.write(req.body);
    request.end();
  });
}

const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+|node_modules\/|\/src\/[\w/-]+\.ts/;

/** The rules every answer of the intake keeps; returns the broken ones (empty: fine). */
export function answerProblems(answer: FuzzAnswer): string[] {
  const problems: string[] = [];
  const { status } = answer;
  const designed503 = status === 503 && answer.headers['retry-after'] !== undefined;
  if (status >= 500 && !designed503) problems.push(`HTTP ${status}${status === 503 ? ' without Retry-After' : ''}`);
  if (STACK_TRACE.test(answer.text)) problems.push('the answer carries a stack trace or a source path');
  if (status >= 400) {
    const type = String(answer.headers['content-type'] ?? '');
    if (!type.startsWith('application/problem+json')) problems.push(`HTTP ${status} with content-type "${type}", not application/problem+json`);
    const p = answer.json as Record<string, unknown> | undefined;
    if (!p || typeof p !== 'object') problems.push(`HTTP ${status} without a JSON problem document`);
    else {
      for (const field of ['type', 'title', 'detail'] as const) if (typeof p[field] !== 'string' || p[field] === '') problems.push(`problem document without ${field}`);
      if (p.status !== status) problems.push(`problem document status ${String(p.status)} ≠ HTTP ${status}`);
    }
    if (status === 429 && answer.headers['retry-after'] === undefined) problems.push('429 without Retry-After');
  }
  return problems;
}

/**
 * Sends one input of a family and records it; `accepts` says whether a 2xx is right for this input
 * (a bad input answered 2xx is a violation). Returns false when a rule broke (fast-check's property).
 */
export async function checkRequest(baseUrl: string, tally: Tally, req: FuzzRequest, input: unknown, accepts: (answer: FuzzAnswer) => boolean | string = () => false, observe?: (answer: FuzzAnswer) => void, no503?: string): Promise<boolean> {
  const answer = await send(baseUrl, req);
  if (!('error' in answer)) observe?.(answer);
  if ('error' in answer) {
    if (answer.error.startsWith('not sendable')) return true; // the client refused to send it: nothing reached the server
    tally.record('no answer');
    tally.violate('an answer to every request', answer.error, input);
    return false;
  }
  tally.record(answer.status, answer.latencyMs);
  const problems = answerProblems(answer);
  if (answer.status === 503 && no503) problems.push(`HTTP 503: ${no503}`);
  if (answer.status < 300) {
    const verdict = accepts(answer);
    if (verdict !== true) problems.push(`HTTP ${answer.status} for a bad input${typeof verdict === 'string' ? ` (${verdict})` : ''}`);
  }
  // one violation per input: its first broken rule names it, the detail lists them all
  if (problems.length) tally.violate(ruleOf(problems[0] ?? ''), `${problems.join('; ')}; answer: ${answer.text.slice(0, 300)}`, input);
  return problems.length === 0;
}

/** A broken rule without the figures that vary from input to input (for grouping counterexamples). */
const ruleOf = (problem: string) => problem.replace(/\d{3}/g, 'NNN').replace(/"[^"]*"/g, '…');
