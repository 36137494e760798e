// What every check returns: findings that name the file, the element or field, and the two sides
// that disagree (in the message), so a red gate says where to look without reading the check.

export interface Finding {
  /** the check that found it (e.g. "bpmn-naming") */
  readonly check: string;
  /** the file to open, relative to the repository when it lies inside it */
  readonly file: string;
  /** the element id, field path, constraint or registry entry in that file */
  readonly element: string;
  readonly message: string;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  readonly check: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly findings: readonly Finding[];
  /** why a check was skipped, or what it covered */
  readonly note?: string | undefined;
}

/** Collects findings of one check; `add` keeps call sites short. */
export class Findings {
  readonly list: Finding[] = [];
  private readonly check: string;

  constructor(check: string) {
    this.check = check;
  }

  add(file: string, element: string, message: string): void {
    this.list.push({ check: this.check, file, element, message });
  }

  result(title: string, note?: string): CheckResult {
    return { check: this.check, title, status: this.list.length ? 'failed' : 'passed', findings: this.list, note };
  }
}

export const skipped = (check: string, title: string, note: string): CheckResult => ({ check, title, status: 'skipped', findings: [], note });
