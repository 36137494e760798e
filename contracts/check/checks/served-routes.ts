// Our own HTTP servers and their OpenAPI documents list the same routes: every OpenAPI document
// under contracts/openapi with `x-implemented-by: <folder>` is compared with the routes the code in
// that folder registers (`app.get('/orders/:orderId', …)`), both ways. An undocumented route is an
// API no client can rely on; a documented route the server lacks is a promise it breaks.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { Findings } from '../finding.ts';
import { DocumentSet } from '../json-shape.ts';
import { operationsOf } from '../openapi-document.ts';
import { shown } from '../sources.ts';
import { routeRegistrations, sourceFiles } from '../ts-scan.ts';

/** `/orders/:orderId` and `/orders/{orderId}` both become `/orders/{}`. */
export const routeKey = (method: string, route: string): string => `${method.toUpperCase()} ${route.replace(/:[A-Za-z0-9_]+/g, '{}').replace(/\{[^}]+\}/g, '{}')}`;

export const servedRoutes: ContractCheck = {
  name: 'served-routes',
  title: 'the routes our servers register are the routes their OpenAPI documents describe',
  async run({ sources }: CheckInputs) {
    const f = new Findings(this.name);
    const docs = new DocumentSet();
    const dir = path.join(sources.contractsDir, 'openapi');
    // the documents of each serving folder (a server may be described by several documents)
    const byFolder = new Map<string, string[]>();
    for (const name of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)).sort()) {
      const file = path.join(dir, name);
      const root = docs.load(file) as { 'x-implemented-by'?: unknown };
      if (typeof root['x-implemented-by'] !== 'string') continue;
      const folder = path.resolve(sources.root, root['x-implemented-by']);
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
    }
    for (const [codeDir, files] of byFolder) {
      const documented = new Map(files.flatMap((file) => operationsOf(docs.load(file)).map((o) => [routeKey(o.method, o.path), { ...o, file }] as const)));
      const registered = routeRegistrations(sourceFiles([codeDir]));
      const registeredKeys = new Set(registered.map((r) => routeKey(r.method, r.path)));
      const names = files.map((file) => shown(sources, file)).join(', ');
      for (const r of registered) {
        if (!documented.has(routeKey(r.method, r.path))) f.add(shown(sources, r.file), `${r.method} ${r.path} (line ${r.line})`, `route is not documented in ${names}`);
      }
      for (const [key, o] of documented) {
        if (!registeredKeys.has(key)) f.add(shown(sources, o.file), `${o.method} ${o.path}`, `documented, but ${shown(sources, codeDir)} registers no such route`);
      }
    }
    return f.result(this.title, `${[...byFolder.values()].flat().length} document(s) of ${byFolder.size} server(s)`);
  },
};
