// An in-memory wasi:keyvalue (store.open, atomics.increment) for trying
// http-counter under `jco serve` without a LatticeActors host (demo/README.md).
// Counters live as long as the server process.
// KV_FAIL=TEXT makes every call fail with that error: "no-such-store" and
// "access-denied" give those cases, any other text gives other(TEXT).
// KV_FAIL_AT=open|increment (default open) picks the call that fails.
const counters = new Map();

export class Bucket {
  constructor(name) { this.name = name; }
}

// jco turns a thrown value without `payload` (and not an Error) into err(value).
function failIf(call) {
  const text = process.env.KV_FAIL;
  if (!text || (process.env.KV_FAIL_AT ?? 'open') !== call) return;
  throw text === 'no-such-store' || text === 'access-denied' ? { tag: text } : { tag: 'other', val: text };
}

export const store = {
  Bucket,
  open(identifier) {
    failIf('open');
    return new Bucket(identifier);
  },
};

export const atomics = {
  increment(bucket, key, delta) {
    failIf('increment');
    const name = `${bucket.name}/${key}`;
    const value = BigInt.asUintN(64, (counters.get(name) ?? 0n) + delta);
    counters.set(name, value);
    return value;
  },
};
