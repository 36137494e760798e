// Imports nothing: the stack and the benches read it to spawn the engine without loading it.
/**
 * The V8 heap settings the engine process runs with (`npm run engine`'s script repeats them; whoever
 * spawns cli.ts should pass them before it). Uncapped, V8 let the heap fill with garbage while 10,000
 * instances were created: RSS 286 MB with ~40 MB live. With these: ~150 MB, restart still ~1.2 s.
 * 384 MB leaves room for far more state than the 10,000-instance target before V8 gives up.
 */
export const ENGINE_NODE_FLAGS = ['--max-old-space-size=384', '--max-semi-space-size=4'] as const;
