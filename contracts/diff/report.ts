// The change report: one row per change, worst first, and a tally per classification.
import { textTable } from '../../src/platform/text-table.ts';
import { CLASSIFICATIONS, type ContractChange } from './change.ts';

export function formatChanges(changes: readonly ContractChange[], base: string): string {
  if (!changes.length) return `no contract changes since ${base}`;
  const rank = (c: ContractChange) => -CLASSIFICATIONS.indexOf(c.classification);
  const rows = [...changes].sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file)).map((c) => [c.classification, c.contract, c.file, c.element, c.change, c.note ?? '']);
  const tally = CLASSIFICATIONS.filter((k) => changes.some((c) => c.classification === k))
    .reverse()
    .map((k) => `${changes.filter((c) => c.classification === k).length} ${k}`)
    .join(', ');
  return [`contract changes since ${base}`, '', textTable(['classification', 'contract', 'file', 'element', 'change', 'note'], rows), '', `changes: ${tally}`].join('\n');
}
