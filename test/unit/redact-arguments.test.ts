import { HIDDEN, redactArguments, shownArguments } from '../../src/observability/tracing/redact-arguments';

const cases: Array<[string, string, unknown, unknown]> = [
  // [description, tool, arguments as the model wrote them, what a trace shows]
  [
    'availability: service, date and days are calendar data',
    'check_availability',
    { service: 'Haircut', date: '2026-12-01', days: 3 },
    { service: 'Haircut', date: '2026-12-01', days: 3 },
  ],
  [
    'availability with days null',
    'check_availability',
    { service: 'Haircut', date: '2026-12-01', days: null },
    { service: 'Haircut', date: '2026-12-01', days: null },
  ],
  [
    "booking: the customer's name is hidden, service and start stay",
    'book_appointment',
    { service: 'Haircut', start: '2026-12-01T10:30', customer_name: 'Ana López' },
    { service: 'Haircut', start: '2026-12-01T10:30', customer_name: HIDDEN },
  ],
  [
    'move: appointment and new start stay',
    'move_appointment',
    { appointment_id: 'apt_1', new_start: '2026-12-02T11:00' },
    { appointment_id: 'apt_1', new_start: '2026-12-02T11:00' },
  ],
  ['cancel: the appointment stays', 'cancel_appointment', { appointment_id: 'apt_1' }, { appointment_id: 'apt_1' }],
  ['list: no arguments', 'list_my_appointments', {}, {}],
  ['asking for a person: the reason is free text', 'ask_for_a_person', { reason: 'Ana wants to pay by card, call 600111222' }, { reason: HIDDEN }],
  [
    'options: the choices keep their ids, labels are hidden',
    'present_options',
    {
      options: [
        { id: '2026-12-01T10:30', title: 'Tue 10:30 for Ana', description: null },
        { id: 'apt_1', title: 'Your haircut' },
      ],
    },
    {
      options: [
        { id: '2026-12-01T10:30', title: HIDDEN, description: HIDDEN },
        { id: 'apt_1', title: HIDDEN },
      ],
    },
  ],
  ['options that are not a list', 'present_options', { options: 'Tue 10:30 for Ana', note: 'x' }, { options: HIDDEN, note: HIDDEN }],
  ['an option that is not an object', 'present_options', { options: ['Ana'] }, { options: [HIDDEN] }],
  [
    'a field the schema does not define is hidden, even on a known tool',
    'book_appointment',
    { service: 'Haircut', start: '2026-12-01T10:30', phone: '34600111222' },
    { service: 'Haircut', start: '2026-12-01T10:30', phone: HIDDEN },
  ],
  [
    'a kept field holding an object or list is hidden: it could carry anything',
    'check_availability',
    { service: { name: 'Ana' }, date: ['2026-12-01'], days: 1 },
    { service: HIDDEN, date: HIDDEN, days: 1 },
  ],
  ['an unknown tool shows its field names only', 'send_sms', { to: '34600111222', text: 'hi' }, { to: HIDDEN, text: HIDDEN }],
];

test.each(cases)('%s', (_description, tool, args, shown) => {
  expect(redactArguments(tool, JSON.stringify(args))).toEqual(shown);
});

test.each([
  ['not JSON', 'book_appointment', '{"service": "Haircut", "customer_name": "Ana'],
  ['a JSON string', 'book_appointment', '"Ana López"'],
  ['a JSON list', 'check_availability', '["Haircut", "Ana"]'],
  ['JSON null', 'cancel_appointment', 'null'],
])('arguments that are %s are hidden whole', (_description, tool, raw) => {
  expect(redactArguments(tool, raw)).toBe(HIDDEN);
});

test('with TRACE_LOG_PII=true the arguments show as the model wrote them, parsed when they are JSON', () => {
  const args = { service: 'Haircut', start: '2026-12-01T10:30', customer_name: 'Ana López' };
  expect(shownArguments('book_appointment', JSON.stringify(args), true)).toEqual(args);
  expect(shownArguments('book_appointment', '{"customer_name": "Ana', true)).toBe('{"customer_name": "Ana');
  expect(shownArguments('book_appointment', JSON.stringify(args), false)).toEqual({ ...args, customer_name: HIDDEN });
});
