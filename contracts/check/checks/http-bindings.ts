// The zod schemas at the HTTP boundary against the OpenAPI documents (seed 004 §11): the adapters'
// DTOs against the external systems' documents (response fields and required-ness, the request
// fields the mappers send) and the intake's order schema against contracts/openapi/intake.yaml.
// The zod side is converted with z.toJSONSchema and both sides compared structurally
// (shape-compare.ts), in the direction contracts/http-bindings.yaml gives each schema.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { importModule, isZod, jsonSchemaOf } from '../code-module.ts';
import { Findings } from '../finding.ts';
import { DocumentSet, shapeOf } from '../json-shape.ts';
import { describePlace, schemaAt } from '../openapi-document.ts';
import { loadHttpBindings, registryFiles, splitCodeRef } from '../registry.ts';
import { compareShapes, type ShapeIssue } from '../shape-compare.ts';
import { shown, type ContractSources } from '../sources.ts';
import { sourceFiles } from '../ts-scan.ts';

/** Repository modules matching a glob such as `src/adapters/*\/dto.ts` (`*` = one path segment). */
function modulesMatching(sources: ContractSources, glob: string): string[] {
  const segments = glob.split('/');
  const fixed = segments.slice(0, Math.max(0, segments.findIndex((s) => s.includes('*')))).join('/');
  const re = new RegExp(`^${segments.map((s) => s.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')).join('/')}$`);
  return sourceFiles([path.join(sources.root, fixed)])
    .map((file) => shown(sources, file))
    .filter((m) => re.test(m));
}

export const httpBindings: ContractCheck = {
  name: 'http-bindings',
  title: 'zod DTOs and the intake schema agree with the OpenAPI documents',
  async run({ sources }: CheckInputs) {
    const f = new Findings(this.name);
    const registryFile = shown(sources, registryFiles(sources).httpBindings);
    const { bindings, everyExportBound } = loadHttpBindings(sources);
    const docs = new DocumentSet();

    for (const b of bindings) {
      const { module, exportName = '' } = splitCodeRef(b.schema);
      const docFile = path.resolve(sources.contractsDir, b.openapi);
      const docName = shown(sources, docFile);
      if (!existsSync(docFile)) {
        f.add(registryFile, b.schema, `${b.openapi} does not exist`);
        continue;
      }
      const schema = existsSync(path.resolve(sources.root, module)) ? (await importModule(sources.root, module))[exportName] : undefined;
      if (!isZod(schema)) {
        f.add(registryFile, b.schema, `${module} exports no zod schema ${exportName}`);
        continue;
      }
      const json = jsonSchemaOf(schema, b.direction === 'sends' ? 'output' : 'input');
      const code = shapeOf(docs, { node: json, file: path.resolve(sources.root, module), root: json });
      const perPlace: { place: string; issues: ShapeIssue[] }[] = [];
      for (const place of b.at) {
        const where = describePlace(path.basename(docFile), place);
        const located = schemaAt(docs, docFile, place);
        if (typeof located === 'string') {
          f.add(docName, where, `${located} (bound to ${b.schema} in ${registryFile})`);
          continue;
        }
        const doc = shapeOf(docs, located);
        perPlace.push({ place: where, issues: compareShapes(code, doc, b.direction, { code: `zod ${exportName} (${module})`, document: where }) });
      }
      // an optional field the code reads is fine when any of its places documents it
      const undocumentedEverywhere = (i: ShapeIssue) => perPlace.every((p) => p.issues.some((x) => x.undocumentedOptional && x.path === i.path));
      for (const { place, issues } of perPlace) {
        for (const i of issues) {
          if (i.undocumentedOptional && !undocumentedEverywhere(i)) continue;
          if (i.undocumentedOptional && perPlace[0]?.place !== place) continue; // said once, not per place
          f.add(docName, `${place}: ${i.path || '(message)'}`, i.message);
        }
      }
    }

    // a DTO nobody bound is a DTO nobody checks
    const bound = new Set(bindings.map((b) => b.schema));
    for (const glob of everyExportBound) {
      for (const module of modulesMatching(sources, glob)) {
        const mod = await importModule(sources.root, module);
        for (const [name, value] of Object.entries(mod)) {
          if (isZod(value) && !bound.has(`${module}#${name}`)) f.add(module, name, `zod schema ${name} is bound to no OpenAPI document in ${registryFile}`);
        }
      }
    }
    return f.result(this.title, `${bindings.length} binding(s)`);
  },
};
