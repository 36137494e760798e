// Tests deploy isolated copies of the models whose process ids, job types and message names carry
// a per-run suffix, so parallel runs never take each other's work. A farm process started with
// `--model-suffix` serves such a copy: its job streams and the messages it publishes carry the same
// suffix. (The process ids need nothing here: the engine starts instances by message.)
import type { MessagePublisher } from '../../core/ports/message-publisher.ts';

export function suffixedMessages(publisher: MessagePublisher, suffix: string): MessagePublisher {
  return { publish: (msg) => publisher.publish({ ...msg, name: `${msg.name}-${suffix}` }) };
}

/** Suffixes are short identifiers (`t1a2b3c4d`), never something that could change a name's meaning. */
export const MODEL_SUFFIX = /^[a-z0-9]{1,32}$/;
