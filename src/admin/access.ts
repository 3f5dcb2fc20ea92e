// Who may do what in the console. Checked on the server for every route; the
// pages only hide what these rules refuse anyway.
//   platform admin: every business, creates and deactivates businesses, all users
//   owner: their businesses' settings, prompt, calendar and users
//   staff: sees their businesses' conversations and appointments; changes nothing
import type { BusinessRole } from '../generated/prisma/enums';

export interface Access {
  userId: string;
  email: string;
  platformAdmin: boolean;
  /** The user's role in each business they belong to. */
  roles: ReadonlyMap<string, BusinessRole>;
}

export type BusinessAction = 'view' | 'manage';

export function canOnBusiness(access: Access, action: BusinessAction, businessId: string): boolean {
  if (access.platformAdmin) return true;
  const role = access.roles.get(businessId);
  if (!role) return false;
  return action === 'view' || role === 'OWNER';
}

/** The businesses a user sees in lists: all of them for a platform admin (undefined), else their own. */
export function visibleBusinessIds(access: Access): string[] | undefined {
  return access.platformAdmin ? undefined : [...access.roles.keys()];
}
