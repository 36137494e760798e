// The error map against the code that defines the same errors (seed 004 §8.2): the BPMN error
// constants, the failure categories and their retry policy, the problem types the intake sends,
// the variables a BPMN error carries, and the ledger values the map refers to. The code keeps its
// constants (other code imports them); this check makes sure they say what the map says.
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { enumValuesOf, importModule } from '../code-module.ts';
import { Findings } from '../finding.ts';
import { loadEnumMap, loadErrorMap, registryFiles, splitCodeRef, type ErrorEntry } from '../registry.ts';
import { shown } from '../sources.ts';
import { bpmnErrorPayloads, exportedStringObject, problemTypeUses, sourceFiles } from '../ts-scan.ts';

async function codeValue(root: string, ref: string): Promise<{ module: string; value: unknown }> {
  const { module, exportName } = splitCodeRef(ref);
  const mod = await importModule(root, module);
  return { module, value: exportName ? mod[exportName] : undefined };
}

const sameSet = (a: readonly string[], b: readonly string[]) => ({ onlyA: a.filter((x) => !b.includes(x)), onlyB: b.filter((x) => !a.includes(x)) });

export const errorMap: ContractCheck = {
  name: 'error-map',
  title: 'the error map agrees with BPMN_ERRORS, the failure taxonomy, problem types and error payloads',
  async run({ sources }: CheckInputs) {
    const f = new Findings(this.name);
    const mapFile = shown(sources, registryFiles(sources).errorMap);
    const map = loadErrorMap(sources);
    const enums = loadEnumMap(sources).enums;
    const entries = Object.entries(map.errors);
    const ofKind = (kind: ErrorEntry['kind']) => entries.filter(([, e]) => e.kind === kind);
    const files = sourceFiles(sources.codeDirs);

    // BPMN error constants
    const bpmnRef = await codeValue(sources.root, map.code.bpmnErrors);
    const bpmnConst = (bpmnRef.value ?? {}) as Record<string, unknown>;
    const mapBpmn = ofKind('bpmn-error').map(([, e]) => e.bpmn?.errorCode ?? '');
    for (const [key, e] of ofKind('bpmn-error')) if (!e.bpmn) f.add(mapFile, key, 'kind bpmn-error without a bpmn section (errorCode, caughtBy, variables)');
    const bpmnDiff = sameSet(Object.values(bpmnConst).map(String), mapBpmn);
    for (const code of bpmnDiff.onlyA) f.add(bpmnRef.module, code, `${splitCodeRef(map.code.bpmnErrors).exportName} has ${code}, ${mapFile} has no bpmn-error with that code`);
    for (const code of bpmnDiff.onlyB) f.add(mapFile, code, `bpmn-error ${code} is not in ${bpmnRef.module} ${splitCodeRef(map.code.bpmnErrors).exportName}`);

    // failure categories and their retry policy
    const categoriesRef = await codeValue(sources.root, map.code.failureCategories);
    const categories = enumValuesOf(categoriesRef.value) ?? [];
    const mapCategories = ofKind('failure-category').map(([k]) => k);
    const catDiff = sameSet(categories, mapCategories);
    for (const c of catDiff.onlyA) f.add(categoriesRef.module, c, `failure category ${c} has no entry of kind failure-category in ${mapFile}`);
    for (const c of catDiff.onlyB) f.add(mapFile, c, `failure category ${c} is not in ${categoriesRef.module}`);
    const policy = ((await codeValue(sources.root, map.code.retryPolicy)).value ?? {}) as Record<string, { workflowRetry?: boolean }>;
    for (const [key, e] of ofKind('failure-category')) {
      const retry = policy[key]?.workflowRetry;
      if (retry === undefined) continue;
      if (retry !== (e.engine === 'retry')) f.add(mapFile, `${key}.engine`, `says "${e.engine ?? '(nothing)'}", but RETRY_POLICY.${key}.workflowRetry is ${retry} (${splitCodeRef(map.code.retryPolicy).module})`);
    }

    // ledger values are enum values
    const attemptStatuses = enums.AttemptStatus?.values ?? [];
    const failureCategories = enums.FailureCategory?.values ?? [];
    for (const [key, e] of entries) {
      if (e.ledger?.attemptStatus && !attemptStatuses.includes(e.ledger.attemptStatus)) f.add(mapFile, `${key}.ledger.attemptStatus`, `${e.ledger.attemptStatus} is not an AttemptStatus of the enum map`);
      for (const c of e.ledger?.failureCategory ?? []) if (!failureCategories.includes(c)) f.add(mapFile, `${key}.ledger.failureCategory`, `${c} is not a FailureCategory of the enum map`);
    }

    // problem types the code sends
    const uses = problemTypeUses(files);
    const mapProblems = new Map(ofKind('problem').map(([k, e]) => [e.http?.problemType ?? '', { key: k, entry: e }]));
    for (const [key, e] of ofKind('problem')) if (!e.http?.problemType) f.add(mapFile, key, 'kind problem without http.problemType');
    for (const u of uses) {
      const known = mapProblems.get(u.problemType);
      const at = `problemType('${u.problemType}') line ${u.line}`;
      if (!known) f.add(shown(sources, u.file), at, `problem type ${u.problemType} is not in ${mapFile} (kind problem)`);
      else if (u.status !== undefined && known.entry.http && String(known.entry.http.status) !== String(u.status) && !new RegExp(`^${String(known.entry.http.status).replace('xx', '\\d\\d')}$`).test(String(u.status))) {
        f.add(shown(sources, u.file), at, `answers ${u.problemType} with status ${u.status}, ${mapFile} ${known.key} says ${known.entry.http.status}`);
      }
    }
    const used = new Set(uses.map((u) => u.problemType));
    for (const [type, { key }] of mapProblems) if (type && !used.has(type)) f.add(mapFile, key, `problem type ${type} is sent nowhere in ${sources.codeDirs.map((d) => shown(sources, d)).join(', ')}`);

    // what a BPMN error carries
    const names = exportedStringObject(files, splitCodeRef(map.code.bpmnErrors).exportName ?? 'BPMN_ERRORS')?.entries ?? {};
    for (const p of bpmnErrorPayloads(files, names)) {
      const file = shown(sources, p.file);
      const at = `bpmn-error line ${p.line}`;
      if (!p.variables) {
        f.add(file, at, 'builds a BPMN error whose variables are not an object literal: the check cannot compare them with the error map');
        continue;
      }
      const targets = p.errorCode ? ofKind('bpmn-error').filter(([, e]) => e.bpmn?.errorCode === p.errorCode) : ofKind('bpmn-error');
      for (const [key, e] of targets) {
        const declared = e.bpmn?.variables ?? [];
        const diff = sameSet(p.variables, declared);
        const which = p.errorCode ? p.errorCode : `any BPMN error (here ${key})`;
        for (const v of diff.onlyA) f.add(file, at, `sends variable ${v} with ${which}, ${mapFile} ${key}.bpmn.variables does not list it`);
        for (const v of diff.onlyB) f.add(file, at, `does not send variable ${v} with ${which}, which ${mapFile} ${key}.bpmn.variables lists (the models read it)`);
      }
    }
    return f.result(this.title, `${entries.length} error(s), ${uses.length} problem type use(s)`);
  },
};
