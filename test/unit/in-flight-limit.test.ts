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

test('counts refusals until they are taken, then starts again from zero', () => {
  const limit = createInFlightLimit(0);
  expect(limit.takeRefusals()).toBe(0);
  limit.tryEnter();
  limit.tryEnter();
  expect(limit.takeRefusals()).toBe(2);
  expect(limit.takeRefusals()).toBe(0);
  limit.tryEnter();
  expect(limit.takeRefusals()).toBe(1);
});
