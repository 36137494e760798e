// Request bodies are parsed leniently: broken JSON becomes an InvalidJson value instead of a
// framework error, so it reaches the system's own validation (400 in the system's own error
// shape) and fault rules still apply to such a request.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

export class InvalidJson {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

export function registerLenientJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  // any content type is read as JSON: a client that forgets the header gets a 400 on the body,
  // as from the real systems, not a 415 from our framework
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => {
    const raw = typeof text === 'string' ? text : text.toString('utf8');
    if (raw.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(raw) as unknown);
    } catch {
      done(null, new InvalidJson(raw));
    }
  });
}

export type BodyCheck<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly message: string };

/** Validates a parsed body; the message names every offending field (at most five). */
export function checkBody<S extends z.ZodType>(schema: S, body: unknown): BodyCheck<z.output<S>> {
  if (body instanceof InvalidJson) return { ok: false, message: 'request body is not valid JSON' };
  if (body === undefined) return { ok: false, message: 'request body is missing' };
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return { ok: false, message: issues.join('; ') };
}
