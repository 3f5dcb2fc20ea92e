// phone_number_id → business, asked on every webhook. A short-lived cache keeps
// the database off the hot path for busy numbers while letting an admin's change
// (a business switched off) take effect within seconds.
import type { Database } from '../db/client';
import { findBusinessByPhoneNumberId, type BusinessRoute } from '../db/businesses';

export interface BusinessDirectory {
  lookup(phoneNumberId: string): Promise<BusinessRoute | undefined>;
}

export function createBusinessDirectory(db: Database, { ttlMs = 5_000, now = () => Date.now() } = {}): BusinessDirectory {
  const cache = new Map<string, { route: BusinessRoute | undefined; expiresAt: number }>();
  return {
    async lookup(phoneNumberId) {
      const hit = cache.get(phoneNumberId);
      if (hit && hit.expiresAt > now()) return hit.route;
      const route = await findBusinessByPhoneNumberId(db, phoneNumberId);
      cache.set(phoneNumberId, { route, expiresAt: now() + ttlMs });
      return route;
    },
  };
}
