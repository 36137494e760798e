// /console/: the built page (dist/console, console/build.ts). A path naming a built file gets that
// file; any other path under /console/ gets index.html, so the page's own routes
// (/console/orders/ORD-1) can be bookmarked and reloaded. The file names carry no hash, so the page
// is revalidated on every load (no-cache + ETag) rather than cached blindly.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemType, sendProblem } from '../problem.ts';
import type { ConsoleSettings } from './console-settings.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The page holds a bearer token: only its own scripts run (no inline script, no eval), it talks only
 * to its own origin, and no other site may frame it. The diagram library sets inline styles, hence
 * style-src 'unsafe-inline'.
 */
const PAGE_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

interface Asset {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
}

export function staticAssetRoutes(app: FastifyInstance, settings: ConsoleSettings): void {
  const root = path.resolve(settings.assetsDir);
  app.get('/console', (_request, reply) => reply.redirect('/console/', 301));
  app.get('/console/*', (request, reply) => serve(request, reply, root));
}

async function serve(request: FastifyRequest, reply: FastifyReply, root: string): Promise<FastifyReply> {
  const wanted = decoded((request.url.split('?', 1)[0] ?? '').slice('/console/'.length));
  // the API has its own routes: an unknown API path is a 404, not the page
  if (wanted === 'api' || wanted.startsWith('api/')) {
    return sendProblem(reply, { type: problemType('not-found'), title: 'Not found', status: 404, detail: `${request.method} /console/${wanted} is not a route of the console API` });
  }
  const file = path.resolve(root, wanted);
  const insideRoot = file.startsWith(root + path.sep);
  const asset = (insideRoot && path.extname(file) !== '' ? await load(file) : undefined) ?? (await load(path.join(root, 'index.html')));
  if (asset === undefined) {
    return sendProblem(reply, {
      type: problemType('console-not-built'),
      title: 'The console is not built',
      status: 503,
      detail: `no ${path.join(root, 'index.html')}: run npm run build (it bundles console/web into dist/console)`,
    });
  }
  const headers = { 'content-type': asset.contentType, etag: asset.etag, 'cache-control': 'no-cache', ...PAGE_SECURITY_HEADERS };
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).headers(headers).send();
  return reply.headers(headers).send(asset.body);
}

/** a malformed escape names no file: the page answers it */
function decoded(urlPath: string): string {
  try {
    return decodeURIComponent(urlPath);
  } catch {
    return '';
  }
}

async function load(file: string): Promise<Asset | undefined> {
  const found = await stat(file).catch(() => undefined);
  if (!found?.isFile()) return undefined;
  const body = await readFile(file);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' };
}
