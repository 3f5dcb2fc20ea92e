import { createInFlightLimit, defaultShare, type InFlightLimit } from '../../src/api/in-flight-limit';

const A = '100000000000001';
const B = '100000000000002';
const C = '100000000000003';

type Place = ReturnType<InFlightLimit['tryEnter']>;
const entered = (place: Place): place is { leave(): void } => 'leave' in place;
const outcome = (place: Place) => ('refused' in place ? place.refused : 'entered');

test('admits up to the limit, refuses past it, and admits again once one leaves', () => {
  const limit = createInFlightLimit({ max: 2 });
  const places = [limit.tryEnter([A]), limit.tryEnter([B]), limit.tryEnter([C])];
  expect(places.map(outcome)).toEqual(['entered', 'entered', 'full']);
  (places[0] as { leave(): void }).leave();
  expect(outcome(limit.tryEnter([C]))).toBe('entered');
  expect(outcome(limit.tryEnter([C]))).toBe('full');
});

test('leaving twice gives back one place only', () => {
  const limit = createInFlightLimit({ max: 2, maxPerBusiness: 2 });
  const first = limit.tryEnter([A]);
  expect(entered(first)).toBe(true);
  limit.tryEnter([A]);
  if (entered(first)) {
    first.leave();
    first.leave();
  }
  expect([limit.tryEnter([A]), limit.tryEnter([A])].map(outcome)).toEqual(['entered', 'full']);
});

test('one business flooding holds at most its share; another business still gets in', () => {
  const limit = createInFlightLimit({ max: 10, maxPerBusiness: 3 });
  const flood = Array.from({ length: 8 }, () => outcome(limit.tryEnter([A])));
  expect(flood).toEqual(['entered', 'entered', 'entered', 'business-full', 'business-full', 'business-full', 'business-full', 'business-full']);
  expect([limit.tryEnter([B]), limit.tryEnter([B]), limit.tryEnter([C])].map(outcome)).toEqual(['entered', 'entered', 'entered']);
});

test.each([
  // [held by A, held by B, the new webhook carries, outcome]
  [2, 0, [A, B], 'business-full'],
  [1, 1, [A, B], 'entered'],
  [0, 2, [B, A], 'business-full'],
  [1, 0, [A, A, A], 'entered'],
  [0, 0, [], 'entered'],
] as Array<[number, number, string[], string]>)(
  'a webhook for several numbers: with A holding %i and B %i, one for %j is %s',
  (heldByA, heldByB, numbers, expected) => {
    const limit = createInFlightLimit({ max: 10, maxPerBusiness: 2 });
    for (let i = 0; i < heldByA; i++) limit.tryEnter([A]);
    for (let i = 0; i < heldByB; i++) limit.tryEnter([B]);
    expect(outcome(limit.tryEnter(numbers))).toBe(expected);
  },
);

test('a webhook for two numbers takes a place under each, and gives both back', () => {
  const limit = createInFlightLimit({ max: 10, maxPerBusiness: 1 });
  const both = limit.tryEnter([A, B]);
  expect([outcome(limit.tryEnter([A])), outcome(limit.tryEnter([B]))]).toEqual(['business-full', 'business-full']);
  if (entered(both)) both.leave();
  expect([outcome(limit.tryEnter([A])), outcome(limit.tryEnter([B]))]).toEqual(['entered', 'entered']);
});

test('the global limit still holds when every business is within its share', () => {
  const limit = createInFlightLimit({ max: 3, maxPerBusiness: 2 });
  expect([A, B, C, '100000000000004'].map((n) => outcome(limit.tryEnter([n])))).toEqual(['entered', 'entered', 'entered', 'full']);
});

test('counts refusals by reason until they are taken, then starts again from zero', () => {
  const limit = createInFlightLimit({ max: 2, maxPerBusiness: 1 });
  expect(limit.takeRefusals()).toEqual({ full: 0, 'business-full': 0 });
  limit.tryEnter([A]);
  limit.tryEnter([A]);
  limit.tryEnter([B]);
  limit.tryEnter([C]);
  expect(limit.takeRefusals()).toEqual({ full: 1, 'business-full': 1 });
  expect(limit.takeRefusals()).toEqual({ full: 0, 'business-full': 0 });
});

test.each([
  [1, 8],
  [32, 8],
  [64, 16],
  [256, 64],
  [1000, 250],
])('the default share of %i places is %i', (max, share) => {
  expect(defaultShare(max)).toBe(share);
});

test('by default one number cannot take more than a quarter of the places', () => {
  const limit = createInFlightLimit({ max: 256 });
  const outcomes = Array.from({ length: 100 }, () => outcome(limit.tryEnter([A])));
  expect(outcomes.filter((o) => o === 'entered')).toHaveLength(64);
});
