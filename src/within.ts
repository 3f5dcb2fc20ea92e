// A bound on how long to wait for something that has no timeout of its own.

/**
 * The promise's result, or a rejection with `message` once `ms` have passed.
 * The work behind the promise is not stopped, only no longer waited for.
 */
export function withinMs<T>(promise: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
