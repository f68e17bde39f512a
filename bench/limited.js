// Helpers the moto benches share to seed accounts without flooding moto.

/** Runs `task` over `items` with at most `limit` in flight; the first failure rejects. */
export async function forEachLimited(items, limit, task) {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** 0, 1, …, n - 1. */
export function range(n) {
  return Array.from({ length: n }, (_, i) => i);
}
