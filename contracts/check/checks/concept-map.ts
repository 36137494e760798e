// The concept map (seed 004 §3) stays true: every representation it names exists - the OpenAPI
// node, the TypeScript export, the database column (in the migrated database), the process
// variable (written somewhere in a model), the event field (in some AsyncAPI message, once there
// are any). A rename anywhere then shows up here, with the concept that lost one of its names.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { Findings } from '../finding.ts';
import { loadForms } from '../forms.ts';
import { DocumentSet, fieldPaths, shapeOf } from '../json-shape.ts';
import { loadConceptMap, loadErrorMap, loadProcessVariables, registryFiles, splitCodeRef, splitDocumentRef } from '../registry.ts';
import { shown } from '../sources.ts';
import { exportedNames } from '../ts-scan.ts';
import { asyncApiMessages } from './asyncapi-events.ts';
import { writtenVariables } from './process-variables.ts';

export const conceptMap: ContractCheck = {
  name: 'concept-map',
  title: 'every representation the concept map names exists (OpenAPI, TypeScript, PostgreSQL, BPMN)',
  async run({ sources, models, workers, database }: CheckInputs) {
    const f = new Findings(this.name);
    const mapFile = shown(sources, registryFiles(sources).conceptMap);
    const concepts = loadConceptMap(sources).concepts;
    const docs = new DocumentSet();
    const columns = database ? await database.columns() : undefined;
    const messages = loadProcessVariables(sources).messages;
    const registries = { messages, errors: loadErrorMap(sources).errors, forms: loadForms(sources.bpmnDir), workers: new Map(workers.map((w) => [w.type, w])) };
    const variables = new Set<string>(Object.values(messages).flatMap((m) => Object.keys(m.variables)));
    for (const model of models) for (const p of model.processes) for (const v of writtenVariables(model, p.id, registries)) variables.add(v);
    const asyncapiDir = path.join(sources.contractsDir, 'asyncapi');
    const eventDocuments = existsSync(asyncapiDir) ? readdirSync(asyncapiDir).filter((x) => /\.ya?ml$/.test(x)).map((x) => path.join(asyncapiDir, x)) : [];
    const eventFields = new Set<string>();
    for (const doc of eventDocuments) for (const m of asyncApiMessages(docs, doc)) if (m.payload) for (const p of fieldPaths(shapeOf(docs, m.payload))) eventFields.add(p);

    for (const [name, c] of Object.entries(concepts)) {
      const r = c.representations;
      for (const ref of r.openapi) {
        const { file, pointer } = splitDocumentRef(ref);
        const abs = path.resolve(sources.contractsDir, file);
        if (!existsSync(abs)) f.add(mapFile, `${name}.openapi`, `${file} does not exist`);
        else if (DocumentSet.at(docs.load(abs), pointer) === undefined) f.add(mapFile, `${name}.openapi`, `${file} has nothing at ${pointer}`);
      }
      for (const ref of r.typescript) {
        const { module, exportName } = splitCodeRef(ref);
        const abs = path.resolve(sources.root, module);
        if (!existsSync(abs)) f.add(mapFile, `${name}.typescript`, `${module} does not exist`);
        else if (exportName && !exportedNames(abs).has(exportName)) f.add(mapFile, `${name}.typescript`, `${module} does not export ${exportName}`);
      }
      if (columns) for (const col of r.postgres) if (!columns.has(col)) f.add(mapFile, `${name}.postgres`, `column ${col} is not in ${database?.description ?? 'the database'}`);
      if (r.bpmn && !variables.has(r.bpmn)) f.add(mapFile, `${name}.bpmn`, `process variable ${r.bpmn} is written by no model, worker or message`);
      if (r.event && eventDocuments.length && !eventFields.has(r.event)) f.add(mapFile, `${name}.event`, `no event of ${shown(sources, asyncapiDir)} has a field ${r.event}`);
    }
    return f.result(this.title, `${Object.keys(concepts).length} concept(s)${columns ? '' : '; columns not checked (no database)'}${eventDocuments.length ? '' : '; event fields not checked (no AsyncAPI yet)'}`);
  },
};
