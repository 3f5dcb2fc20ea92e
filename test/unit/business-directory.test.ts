import { createBusinessDirectory } from '../../src/api/business-directory';
import type { Database } from '../../src/db/client';

interface Row {
  id: string;
  active: boolean;
}

/** A stand-in for Prisma with only business.findUnique, counting calls per phone number. */
function fakeDb(initial: Record<string, Row>) {
  const rows = new Map(Object.entries(initial));
  const calls: Array<{ where: { phoneNumberId: string }; select: unknown }> = [];
  const db = {
    business: {
      async findUnique(args: { where: { phoneNumberId: string }; select: unknown }) {
        calls.push(args);
        const row = rows.get(args.where.phoneNumberId);
        return row ? { ...row } : null;
      },
    },
  };
  return {
    db: db as unknown as Database,
    rows,
    calls,
    callsFor: (phoneNumberId: string) => calls.filter((c) => c.where.phoneNumberId === phoneNumberId).length,
  };
}

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const ROWS = { '111': { id: 'biz-a', active: true }, '222': { id: 'biz-b', active: false } };

describe('createBusinessDirectory', () => {
  test.each<[string, string, Row | undefined]>([
    ['an active business', '111', { id: 'biz-a', active: true }],
    ['an inactive business', '222', { id: 'biz-b', active: false }],
    ['an unknown number', '999', undefined],
  ])('looks up %s', async (_label, phoneNumberId, expected) => {
    const fake = fakeDb(ROWS);
    const directory = createBusinessDirectory(fake.db, { now: fakeClock().now });
    await expect(directory.lookup(phoneNumberId)).resolves.toEqual(expected);
    expect(fake.calls).toEqual([{ where: { phoneNumberId }, select: { id: true, name: true, active: true } }]);
  });

  test.each<[string, string]>([
    ['a known number', '111'],
    ['an inactive number', '222'],
    ['an unknown number (negative caching)', '999'],
  ])('%s is cached within the TTL', async (_label, phoneNumberId) => {
    const fake = fakeDb(ROWS);
    const clock = fakeClock();
    const directory = createBusinessDirectory(fake.db, { ttlMs: 1000, now: clock.now });
    const first = await directory.lookup(phoneNumberId);
    for (const step of [0, 1, 500, 498]) {
      clock.advance(step);
      expect(await directory.lookup(phoneNumberId)).toEqual(first);
    }
    // 999 ms after the first query: still cached.
    expect(fake.callsFor(phoneNumberId)).toBe(1);
  });

  test.each<[string, number, number]>([
    ['just before expiry', 999, 1],
    ['exactly at expiry', 1000, 2],
    ['just after expiry', 1001, 2],
    ['long after expiry', 60_000, 2],
  ])('%s (t+%d ms, TTL 1000): %d queries', async (_label, elapsed, expectedCalls) => {
    const fake = fakeDb(ROWS);
    const clock = fakeClock();
    const directory = createBusinessDirectory(fake.db, { ttlMs: 1000, now: clock.now });
    await directory.lookup('111');
    clock.advance(elapsed);
    await directory.lookup('111');
    expect(fake.callsFor('111')).toBe(expectedCalls);
  });

  test('a re-query after the TTL sees the change in the database', async () => {
    const fake = fakeDb(ROWS);
    const clock = fakeClock();
    const directory = createBusinessDirectory(fake.db, { ttlMs: 5000, now: clock.now });
    expect(await directory.lookup('111')).toEqual({ id: 'biz-a', active: true });

    fake.rows.set('111', { id: 'biz-a', active: false }); // an admin switches it off
    clock.advance(4999);
    expect(await directory.lookup('111')).toEqual({ id: 'biz-a', active: true }); // still the cached value
    clock.advance(1);
    expect(await directory.lookup('111')).toEqual({ id: 'biz-a', active: false });
    expect(fake.callsFor('111')).toBe(2);
  });

  test('an unknown number that gets registered is found after the TTL, not before', async () => {
    const fake = fakeDb(ROWS);
    const clock = fakeClock();
    const directory = createBusinessDirectory(fake.db, { ttlMs: 5000, now: clock.now });
    expect(await directory.lookup('333')).toBeUndefined();
    fake.rows.set('333', { id: 'biz-c', active: true });
    clock.advance(100);
    expect(await directory.lookup('333')).toBeUndefined();
    expect(fake.callsFor('333')).toBe(1);
    clock.advance(5000);
    expect(await directory.lookup('333')).toEqual({ id: 'biz-c', active: true });
    expect(fake.callsFor('333')).toBe(2);
  });

  test('the TTL restarts from each re-query', async () => {
    const fake = fakeDb(ROWS);
    const clock = fakeClock();
    const directory = createBusinessDirectory(fake.db, { ttlMs: 1000, now: clock.now });
    await directory.lookup('111'); // query 1, valid until +1000
    clock.advance(1500);
    await directory.lookup('111'); // query 2 at +1500, valid until +2500
    clock.advance(900);
    await directory.lookup('111'); // +2400: cached
    expect(fake.callsFor('111')).toBe(2);
    clock.advance(100);
    await directory.lookup('111'); // +2500: expired
    expect(fake.callsFor('111')).toBe(3);
  });

  test('numbers are cached independently', async () => {
    const fake = fakeDb(ROWS);
    const clock = fakeClock();
    const directory = createBusinessDirectory(fake.db, { ttlMs: 1000, now: clock.now });
    await directory.lookup('111');
    clock.advance(600);
    await directory.lookup('222');
    await directory.lookup('999');
    clock.advance(600); // 111 expired (1200 ms old), 222 and 999 not (600 ms old)
    expect(await directory.lookup('111')).toEqual({ id: 'biz-a', active: true });
    expect(await directory.lookup('222')).toEqual({ id: 'biz-b', active: false });
    expect(await directory.lookup('999')).toBeUndefined();
    expect([fake.callsFor('111'), fake.callsFor('222'), fake.callsFor('999')]).toEqual([2, 1, 1]);
  });

  test('the default TTL is 5 seconds', async () => {
    const fake = fakeDb(ROWS);
    const clock = fakeClock();
    const directory = createBusinessDirectory(fake.db, { now: clock.now });
    await directory.lookup('111');
    clock.advance(4999);
    await directory.lookup('111');
    expect(fake.callsFor('111')).toBe(1);
    clock.advance(1);
    await directory.lookup('111');
    expect(fake.callsFor('111')).toBe(2);
  });

  test('a TTL of 0 disables caching', async () => {
    const fake = fakeDb(ROWS);
    const directory = createBusinessDirectory(fake.db, { ttlMs: 0, now: fakeClock().now });
    for (let i = 0; i < 3; i++) await directory.lookup('111');
    expect(fake.callsFor('111')).toBe(3);
  });

  test('separate directories do not share a cache', async () => {
    const fake = fakeDb(ROWS);
    const clock = fakeClock();
    const a = createBusinessDirectory(fake.db, { now: clock.now });
    const b = createBusinessDirectory(fake.db, { now: clock.now });
    await a.lookup('111');
    await b.lookup('111');
    expect(fake.callsFor('111')).toBe(2);
  });

  test('a database error propagates and is not cached', async () => {
    let fail = true;
    let calls = 0;
    const db = {
      business: {
        async findUnique() {
          calls++;
          if (fail) throw new Error('connection refused');
          return { id: 'biz-a', active: true };
        },
      },
    } as unknown as Database;
    const directory = createBusinessDirectory(db, { now: fakeClock().now });
    await expect(directory.lookup('111')).rejects.toThrow('connection refused');
    fail = false;
    await expect(directory.lookup('111')).resolves.toEqual({ id: 'biz-a', active: true });
    await expect(directory.lookup('111')).resolves.toEqual({ id: 'biz-a', active: true });
    expect(calls).toBe(2);
  });
});
