import { createInFlightLimit } from '../../src/api/in-flight-limit';

test('admits up to the limit, refuses past it, and admits again once one leaves', () => {
  const limit = createInFlightLimit(2);
  expect([limit.tryEnter(), limit.tryEnter(), limit.tryEnter()]).toEqual([true, true, false]);
  limit.leave();
  expect(limit.tryEnter()).toBe(true);
  expect(limit.tryEnter()).toBe(false);
});

test('a stray leave never opens more places than the limit', () => {
  const limit = createInFlightLimit(1);
  limit.leave();
  limit.leave();
  expect([limit.tryEnter(), limit.tryEnter()]).toEqual([true, false]);
});

test('reports the refusals once per interval, with the count since the last report', () => {
  const limit = createInFlightLimit(0, 10_000);
  expect(limit.refusedSinceLastReport(0)).toBeUndefined(); // nothing refused yet
  limit.tryEnter();
  limit.tryEnter();
  expect(limit.refusedSinceLastReport(1_000)).toBe(2);
  limit.tryEnter();
  expect(limit.refusedSinceLastReport(5_000)).toBeUndefined(); // within the interval: counted, not reported
  limit.tryEnter();
  expect(limit.refusedSinceLastReport(11_000)).toBe(2);
});
