// The two roles of a business in the words the pages use.
import type { BusinessRole } from './types';

export const ROLE_NAMES: Record<BusinessRole, string> = { OWNER: 'Owner', STAFF: 'Staff' };

/** What each role may do, as src/admin/access.ts decides it on the server. */
export const ROLE_POWERS: Record<BusinessRole, string> = {
  OWNER: 'An owner changes the settings, the prompt, the calendar and who has access.',
  STAFF: 'Staff see the business and change nothing.',
};

export const ROLE_HINT = `${ROLE_POWERS.OWNER} ${ROLE_POWERS.STAFF}`;
