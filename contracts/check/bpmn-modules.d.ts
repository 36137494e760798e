// Types for the parts of bpmn-moddle and bpmnlint the contracts check uses (neither ships types
// that TypeScript's node16 resolution finds).
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string): Promise<{ rootElement: unknown; warnings: { message: string }[]; elementsById: Record<string, unknown> }>;
  }
}

declare module 'bpmnlint' {
  export interface LintReport {
    readonly id?: string;
    readonly message: string;
    readonly category: 'error' | 'warn' | 'info' | 'rule-error';
  }
  export interface LintConfig {
    readonly extends?: string | readonly string[];
    readonly rules?: Readonly<Record<string, unknown>>;
  }
  export class Linter {
    constructor(options: { config: LintConfig; resolver: unknown });
    lint(definitions: unknown): Promise<Record<string, LintReport[]>>;
  }
  const bpmnlint: { Linter: typeof Linter };
  export default bpmnlint;
}

declare module 'bpmnlint/lib/resolver/node-resolver.js' {
  export default class NodeResolver {
    constructor(options?: { require?: NodeJS.Require });
  }
}
