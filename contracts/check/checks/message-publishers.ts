// The code that publishes a message sends exactly the variables contracts/process-variables.yaml
// lists for it (what the models may read), from the files the registry names. Read from the
// syntax of every `…publish({ name, correlationKey, variables: { … } })` in the code, so a
// publisher added anywhere is checked.
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { Findings } from '../finding.ts';
import { loadProcessVariables, registryFiles } from '../registry.ts';
import { shown } from '../sources.ts';
import { exportedStringObject, messagePublications, sourceFiles } from '../ts-scan.ts';

export const messagePublishers: ContractCheck = {
  name: 'message-publishers',
  title: 'message publishers send the variables the process-variable registry lists',
  async run({ sources }: CheckInputs) {
    const f = new Findings(this.name);
    const registryFile = shown(sources, registryFiles(sources).processVariables);
    const registry = loadProcessVariables(sources).messages;
    const files = sourceFiles(sources.codeDirs);
    const names = exportedStringObject(files, 'MESSAGES')?.entries ?? {};
    const publications = messagePublications(files, names);
    const publishers = new Map<string, Set<string>>();
    for (const p of publications) {
      const file = shown(sources, p.file);
      const at = `line ${p.line}`;
      if (!p.message) {
        f.add(file, at, `publishes a message named by ${p.nameExpression}, which the check cannot resolve (use MESSAGES.<name> or a literal)`);
        continue;
      }
      publishers.set(p.message, new Set([...(publishers.get(p.message) ?? []), file]));
      const entry = registry[p.message];
      if (!entry) {
        f.add(file, at, `publishes message ${p.message}, which is not in ${registryFile}`);
        continue;
      }
      if (!p.variables) {
        f.add(file, at, `publishes ${p.message} with variables that are not an object literal: the check cannot compare them with ${registryFile}`);
        continue;
      }
      const declared = Object.keys(entry.variables);
      for (const v of p.variables.filter((v) => !declared.includes(v))) f.add(file, at, `sends variable ${v} with ${p.message}, which ${registryFile} does not list for it`);
      for (const v of declared.filter((v) => !p.variables?.includes(v))) f.add(file, at, `does not send variable ${v} with ${p.message}, which ${registryFile} lists (models may read it)`);
    }
    for (const [message, entry] of Object.entries(registry)) {
      const real = publishers.get(message) ?? new Set<string>();
      for (const file of entry.publishedBy) if (!real.has(file)) f.add(registryFile, `${message}.publishedBy`, `names ${file} as a publisher of ${message}, but it publishes no such message`);
      for (const file of real) if (!entry.publishedBy.includes(file)) f.add(registryFile, `${message}.publishedBy`, `does not name ${file}, which publishes ${message}`);
    }
    return f.result(this.title, `${publications.length} publication(s) in ${files.length} file(s)`);
  },
};
