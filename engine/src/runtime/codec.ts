// Runtime state ⇄ plain JSON for snapshots: Maps and Sets are tagged, everything else is data.

export function encodeState(state: unknown): unknown {
  return JSON.parse(
    JSON.stringify(state, (_key, value: unknown) => {
      if (value instanceof Map) return { $map: [...value.entries()] };
      if (value instanceof Set) return { $set: [...value.values()] };
      return value;
    }),
  );
}

export function decodeState<T>(encoded: unknown): T {
  return JSON.parse(JSON.stringify(encoded), (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = value as { $map?: [unknown, unknown][]; $set?: unknown[] };
      if (tagged.$map) return new Map(tagged.$map);
      if (tagged.$set) return new Set(tagged.$set);
    }
    return value;
  }) as T;
}
