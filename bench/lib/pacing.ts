// An open loop at a fixed rate: the i-th action starts when it is due
// (first + i/rate), whether or not earlier ones have finished. The action gets
// its due time, so latency can be counted from then rather than from when the
// loop got round to it. Resolves once the last action has started; `finished`
// settles when they all have.

export async function startAtFixedRate<T>(
  rate: number,
  count: number,
  action: (i: number, due: number) => Promise<T>,
): Promise<{ first: number; finished: Promise<T[]> }> {
  const first = performance.now();
  const started: Array<Promise<T>> = [];
  for (let i = 0; i < count; i++) {
    const due = first + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    started.push(action(i, due));
  }
  return { first, finished: Promise.all(started) };
}
