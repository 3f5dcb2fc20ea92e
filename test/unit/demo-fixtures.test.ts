// The demo fixtures show what the README says on whatever day a newcomer
// replays them: appointment_request.json is booked by the offline model.
import fs from 'node:fs';
import path from 'node:path';
import { buildSystemPrompt } from '../../src/agent/prompt';
import { TOOL_DEFINITIONS } from '../../src/agent/tools';
import type { BusinessProfile, OpeningHours } from '../../src/agent/types';
import { checkRequestedTime, type BookingPolicy } from '../../src/booking/policy';
import { fromLocal, parseLocalDateTime } from '../../src/booking/time';
import { DEMO_BUSINESS } from '../../src/db/demo-business';
import { offlineTurn } from '../../src/sandbox/offline-model';

const profile: BusinessProfile = {
  id: 'demo',
  name: DEMO_BUSINESS.name,
  timeZone: DEMO_BUSINESS.timeZone,
  language: DEMO_BUSINESS.language,
  personality: DEMO_BUSINESS.personality,
  policies: DEMO_BUSINESS.policies,
  openingHours: DEMO_BUSINESS.openingHours as OpeningHours,
  maxSimultaneousAppointments: DEMO_BUSINESS.maxSimultaneousAppointments,
  services: DEMO_BUSINESS.services.map((s) => ({ ...s, currency: 'EUR' })),
};

const policy: BookingPolicy = {
  timeZone: DEMO_BUSINESS.timeZone,
  openingHours: DEMO_BUSINESS.openingHours as OpeningHours,
  exceptions: [],
  bufferMinutes: DEMO_BUSINESS.bufferMinutes,
  minNoticeMinutes: DEMO_BUSINESS.minNoticeMinutes,
  maxDaysAhead: DEMO_BUSINESS.maxDaysAhead,
  slotStepMinutes: DEMO_BUSINESS.slotStepMinutes,
  capacity: DEMO_BUSINESS.maxSimultaneousAppointments,
};

function fixtureText(name: string): string {
  const payload = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures', name), 'utf8'));
  return payload.entry[0].changes[0].value.messages[0].text.body;
}

// A week of replays (Monday 7 to Sunday 13 December 2026), in the morning and late in the evening, Madrid time.
const moments = Array.from({ length: 7 }, (_, day) => [
  `2026-12-${String(7 + day).padStart(2, '0')}T09:00`,
  `2026-12-${String(7 + day).padStart(2, '0')}T23:30`,
]).flat();

test.each(moments)('appointment_request.json replayed at %s (Madrid) books a haircut the demo business can take', (local) => {
  const now = fromLocal(parseLocalDateTime(local)!, DEMO_BUSINESS.timeZone, 'compatible')!;
  const turn = offlineTurn(
    [
      { role: 'system', content: buildSystemPrompt(profile, now) },
      { role: 'user', content: fixtureText('appointment_request.json') },
    ],
    TOOL_DEFINITIONS.map((t) => t.name),
  );
  const call = 'toolCalls' in turn ? turn.toolCalls?.[0] : undefined;
  expect(call?.name).toBe('book_appointment');
  const args = call!.arguments as { service: string; start: string };
  expect(args.service).toBe('Haircut');
  const start = fromLocal(parseLocalDateTime(args.start)!, DEMO_BUSINESS.timeZone, 'exact')!;
  expect(checkRequestedTime(start, 30, now, policy)).toBeUndefined();
});
