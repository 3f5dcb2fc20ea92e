// What the API answers, as the API's own modules declare it: type-only imports
// are erased from the bundle, so no server code reaches the browser.
export type { AdminUserView as User, MembershipView as Membership } from '../../src/db/admin-users';
export type { BusinessSummary } from '../../src/db/business-admin';
export type { SettingsView } from '../../src/db/business-settings';
export type BusinessRole = 'OWNER' | 'STAFF';
