// The console's audit log in words: each action's name, whom it is about, and
// only the fields that changed, with nested values compact and secrets hidden.
import { describeEntry, formatValue } from '../../admin/src/audit-describe';

const settingsBefore = {
  openingHours: { mon: [['10:00', '14:00']], tue: [['09:00', '13:00']] },
  services: [
    { id: 's1', name: 'Haircut', durationMinutes: 45, price: '25.00', currency: 'EUR' },
    { id: 's2', name: 'Beard trim', durationMinutes: 20, price: '12.00', currency: 'EUR' },
  ],
  replyQuietWindowMs: 2000,
};
const settingsAfter = {
  openingHours: {
    mon: [
      ['10:00', '14:00'],
      ['15:00', '19:00'],
    ],
    tue: [['09:00', '13:00']],
  },
  services: [
    { id: 's1', name: 'Haircut', durationMinutes: 45, price: '30.00', currency: 'EUR' },
    { id: 's3', name: 'Colour', durationMinutes: 90, price: '60.00', currency: 'EUR' },
  ],
  replyQuietWindowMs: 2000,
};

test.each([
  [
    'settings: hours compact, services one by one, unchanged fields left out',
    { action: 'settings.update', before: settingsBefore, after: settingsAfter },
    {
      title: 'Settings changed',
      subject: undefined,
      changes: [
        { field: 'Opening hours', before: 'Mon 10:00–14:00; Tue 09:00–13:00', after: 'Mon 10:00–14:00, 15:00–19:00; Tue 09:00–13:00' },
        { field: 'Services: Haircut', before: 'Haircut, 45 min, 25.00 EUR', after: 'Haircut, 45 min, 30.00 EUR' },
        { field: 'Services: Beard trim', before: 'Beard trim, 20 min, 12.00 EUR', after: undefined },
        { field: 'Services: Colour', before: undefined, after: 'Colour, 90 min, 60.00 EUR' },
      ],
    },
  ],
  [
    'a role change names the member and shows only the role',
    {
      action: 'user.role',
      before: { userId: 'u1', email: 'ana@example.com', role: 'STAFF' },
      after: { userId: 'u1', email: 'ana@example.com', role: 'OWNER' },
    },
    { title: 'Member role changed', subject: 'ana@example.com', changes: [{ field: 'Role', before: 'Staff', after: 'Owner' }] },
  ],
  [
    'a removal shows what the member had',
    { action: 'user.remove', before: { userId: 'u1', email: 'bo@example.com', role: 'STAFF' }, after: null },
    { title: 'Member removed', subject: 'bo@example.com', changes: [{ field: 'Role', before: 'Staff', after: undefined }] },
  ],
  [
    'platform admin rights granted',
    {
      action: 'user.platform-admin',
      before: { userId: 'u', email: 'c@example.com', platformAdmin: false },
      after: { userId: 'u', email: 'c@example.com', platformAdmin: true },
    },
    { title: 'Made platform admin', subject: 'c@example.com', changes: [{ field: 'Platform admin', before: 'no', after: 'yes' }] },
  ],
  [
    'a business deactivated',
    { action: 'business.deactivate', before: { active: true }, after: { active: false } },
    { title: 'Business deactivated', subject: undefined, changes: [{ field: 'Answering messages', before: 'yes', after: 'no' }] },
  ],
  [
    'anything keyed like a secret is hidden, at the top or nested',
    {
      action: 'calendar.connect',
      before: { calendarId: null },
      after: { calendarId: 'team@example.com', refreshToken: 'abc', auth: { clientSecret: 'x', scope: 'cal' } },
    },
    {
      title: 'Calendar connected',
      subject: undefined,
      changes: [
        { field: 'Calendar', before: undefined, after: 'team@example.com' },
        { field: 'Refresh token', before: undefined, after: 'hidden' },
        { field: 'Auth', before: undefined, after: 'client secret: hidden, scope: cal' },
      ],
    },
  ],
  [
    'an action the console does not know yet still reads as words',
    { action: 'calendar.access-flagged', before: null, after: { reason: 'invalid_grant' } },
    { title: 'Calendar access flagged', subject: undefined, changes: [{ field: 'Reason', before: undefined, after: 'invalid_grant' }] },
  ],
])('%s', (_name, entry, expected) => {
  expect(describeEntry(entry)).toEqual(expected);
});

test.each([
  [null, '', undefined],
  [true, 'active', 'yes'],
  [2500, 'replyMaxWaitMs', '2.5 s'],
  [15, 'bufferMinutes', '15 min'],
  [[], 'ranges', 'closed'],
  [{}, 'openingHours', 'closed every day'],
  [
    [
      { date: '2026-12-24', ranges: [['10:00', '14:00']], note: 'Christmas Eve' },
      { date: '2026-12-25', ranges: [] },
    ],
    'openingExceptions',
    '2026-12-24: 10:00–14:00 (Christmas Eve); 2026-12-25: closed',
  ],
  ['s3cr3t', 'password', 'hidden'],
  [200000, 'dailyTokenBudget', '200000'],
])('formatValue(%j, %s) is %s', (value, key, expected) => {
  expect(formatValue(value as never, key)).toBe(expected);
});
