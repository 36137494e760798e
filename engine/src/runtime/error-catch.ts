// Which catch event takes a BPMN error at one scope: the one with the error's code, else a
// catch-all (no code).
import type { ElementModel } from '../model/types.ts';

export function pickErrorCatch(candidates: readonly string[], elementOf: (id: string) => ElementModel, errorCode: string): string | undefined {
  const codeOf = (id: string) => {
    const event = elementOf(id).event;
    return event.kind === 'error' ? { code: event.errorCode } : undefined;
  };
  return candidates.find((id) => codeOf(id)?.code === errorCode) ?? candidates.find((id) => codeOf(id) !== undefined && codeOf(id)!.code === undefined);
}
