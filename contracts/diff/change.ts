// One classified contract change (seed 004 §20): what changed where, and what kind of change it is
// for the people and systems on the other side of the contract.

/** From harmless to breaking; `review` means the classifier could not tell: a person must. */
export const CLASSIFICATIONS = ['cosmetic', 'compatible', 'expand', 'behaviour-change', 'business-behaviour', 'review', 'potentially-breaking', 'breaking'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export interface ContractChange {
  readonly contract: 'bpmn' | 'openapi' | 'asyncapi' | 'sql';
  readonly file: string;
  /** element id, operation and field, migration statement … */
  readonly element: string;
  /** what changed, in words */
  readonly change: string;
  readonly classification: Classification;
  /** why it is classified so, what to do */
  readonly note?: string | undefined;
}

export const isBreaking = (c: ContractChange): boolean => c.classification === 'breaking';
