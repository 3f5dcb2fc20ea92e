// What the API answers, as the API's own modules declare it: type-only imports
// are erased from the bundle, so no server code reaches the browser.
export type { AdminUserView as User, MembershipView as Membership } from '../../src/db/admin-users';
export type { BusinessSummary } from '../../src/db/business-admin';
export type { SettingsView } from '../../src/db/business-settings';
export type { TokenUsageView } from '../../src/db/usage';
export type { ModelUsageView, MonthUsageView } from '../../src/usage/costs';
export type BusinessRole = 'OWNER' | 'STAFF';
export type { MemberView as Member, InvitationView as Invitation } from '../../src/db/team';
export type { AuditEntryView as AuditEntry } from '../../src/db/audit';
export type { PlatformUserView as PlatformUser } from '../../src/db/platform-users';
export type { CalendarView, PromptView } from '../../src/api/admin/views';
export type { TryItAppointmentView, TryItMessageView, TryItView } from '../../src/db/test-customers';
export type {
  ConversationControl,
  ConversationSummary,
  ConversationView,
  InboxCustomer,
  InboxPage,
  TimelineItem,
  TimelineMessage,
  TimelineTurn,
  TurnEffectView,
} from '../../src/db/inbox';
export type { AppointmentChangeAnswer, AppointmentsPage, ConsoleAppointment } from '../../src/db/appointments-view';
