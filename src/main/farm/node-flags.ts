// The V8 heap settings every farm replica runs with (npm run farm, the image, the manifests, the
// demo, the tests' and benches' replicas). Uncapped on a machine with plenty of memory, V8 lets a
// replica's heap grow to ~150 MB of mostly garbage before collecting: RSS peaked at ~340 MB in
// bench:scaling. Capped like this the heap stays ~55 MB and RSS ~165 MB, at the same throughput.
export const FARM_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=4'] as const;
