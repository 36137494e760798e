// Enum values agree between the enum map and the code, the OpenAPI documents and the forms (seed
// 004 §6). The database side is sql-enums.ts. Every enum tuple the code exports must be in the
// map: an enum nobody registered is an enum nobody owns (§6.1).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { enumValuesOf, importModule, member } from '../code-module.ts';
import { Findings } from '../finding.ts';
import { loadForms } from '../forms.ts';
import { DocumentSet } from '../json-shape.ts';
import { loadEnumMap, registryFiles, splitCodeRef, splitDocumentRef } from '../registry.ts';
import { shown } from '../sources.ts';
import { exportedStringTuples, sourceFiles } from '../ts-scan.ts';

/** "X only in A; Y only in B" for two value lists, or undefined when they hold the same values. */
export function valueDrift(a: readonly string[], aName: string, b: readonly string[], bName: string): string | undefined {
  const onlyA = a.filter((v) => !b.includes(v));
  const onlyB = b.filter((v) => !a.includes(v));
  if (!onlyA.length && !onlyB.length) return undefined;
  return [onlyA.length ? `${onlyA.join(', ')} only in ${aName}` : '', onlyB.length ? `${onlyB.join(', ')} only in ${bName}` : ''].filter(Boolean).join('; ');
}

export const enums: ContractCheck = {
  name: 'enums',
  title: 'enum values agree between the enum map, TypeScript, OpenAPI and forms',
  async run({ sources }: CheckInputs) {
    const f = new Findings(this.name);
    const mapFile = shown(sources, registryFiles(sources).enumMap);
    const map = loadEnumMap(sources).enums;
    const docs = new DocumentSet();
    const forms = loadForms(sources.bpmnDir);
    /** the values the map's TypeScript refs resolve to: a re-exported tuple is the same object */
    const registered = new Set<unknown>();

    for (const [name, e] of Object.entries(map)) {
      const mapSide = `${mapFile} ${name}`;
      for (const ref of e.typescript) {
        const { module, exportName, path: fields } = splitCodeRef(ref);
        if (!existsSync(path.resolve(sources.root, module))) {
          f.add(mapFile, `${name}.typescript`, `${module} does not exist`);
          continue;
        }
        const exported = (await importModule(sources.root, module))[exportName ?? ''];
        registered.add(exported);
        const values = enumValuesOf(member(exported, fields));
        if (!values) {
          f.add(module, `${exportName}${fields.map((x) => `.${x}`).join('')}`, `is not an enum tuple or zod enum (named by ${mapSide})`);
          continue;
        }
        const drift = valueDrift(values, `TypeScript ${[exportName, ...fields].join('.')}`, e.values, mapSide);
        if (drift) f.add(module, [exportName, ...fields].join('.'), drift);
      }
      for (const ref of e.openapi) {
        const { file, pointer } = splitDocumentRef(ref);
        const docFile = path.resolve(sources.contractsDir, file);
        let node: unknown;
        try {
          node = docs.deref({ node: DocumentSet.at(docs.load(docFile), pointer), file: docFile, root: docs.load(docFile) }).node;
        } catch (err) {
          f.add(mapFile, `${name}.openapi`, `${ref}: ${(err as Error).message}`);
          continue;
        }
        const values = (node as { enum?: unknown[] } | undefined)?.enum;
        if (!Array.isArray(values)) {
          f.add(shown(sources, docFile), pointer, `has no enum (named by ${mapSide})`);
          continue;
        }
        const drift = valueDrift(values.map(String), `OpenAPI ${file}${pointer}`, e.values, mapSide);
        if (drift) f.add(shown(sources, docFile), pointer, drift);
      }
      for (const ref of e.forms) {
        const form = forms.get(ref.form);
        const field = form?.fields.find((x) => x.key === ref.field && x.values);
        if (!form || !field) {
          f.add(mapFile, `${name}.forms`, `form ${ref.form} has no field ${ref.field} with values`);
          continue;
        }
        const drift = valueDrift(field.values ?? [], `form ${ref.form} field ${ref.field}`, e.values, mapSide);
        if (drift) f.add(shown(sources, form.file), field.id, drift);
      }
    }

    // every enum tuple of the code is owned by an entry of the map
    for (const t of exportedStringTuples(sourceFiles(sources.codeDirs))) {
      const value = (await importModule(sources.root, t.file))[t.name];
      if (!registered.has(value)) f.add(shown(sources, t.file), t.name, `exports enum ${t.name} [${t.values.join(', ')}], which no entry of ${mapFile} names: give it an owner and list where it appears`);
    }
    return f.result(this.title, `${Object.keys(map).length} enum(s)`);
  },
};
