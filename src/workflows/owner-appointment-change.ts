// An owner cancels or moves an appointment from the console. A workflow, so the
// change and the customer's WhatsApp message are retried like the bot's own steps
// and happen once: its ID comes from the request ID the browser sends, so a double
// click finds the same workflow (and its result) instead of changing twice.
import { ActivityFailure, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import { ownerChangeNotice, type OwnerChange } from '../booking/owner-notice';
import { describeFailure } from '../failures';
import { sendReply } from './activities';
import type { OwnerAppointmentActivities } from './activity-contracts';
import { CALENDAR_STEP, DATABASE_STEP } from './retry-policies';

const { findAppointmentForChange } = proxyLocalActivities<OwnerAppointmentActivities>(DATABASE_STEP);
const { changeAppointmentAsOwner } = proxyActivities<OwnerAppointmentActivities>(CALENDAR_STEP);

export interface OwnerAppointmentChangeInput {
  businessId: string;
  appointmentId: string;
  change: OwnerChange;
  actor: { userId: string; email: string };
}

export type OwnerAppointmentChangeResult =
  | {
      ok: true;
      /** The appointment's local start after the change (unchanged for a cancellation). */
      start: string;
      /** The message the customer was sent, in WhatsApp formatting; absent when it could not be sent. */
      notice?: string;
      /** Why the customer could not be told (WhatsApp refused, every retry failed). */
      noticeFailure?: string;
    }
  | { ok: false; reason: string; message: string; alternatives?: string[] };

export async function ownerAppointmentChange(input: OwnerAppointmentChangeInput): Promise<OwnerAppointmentChangeResult> {
  // Read once and kept in the history: a retried change that finds its own work done is told apart from a change asked for twice.
  const before = await findAppointmentForChange({ businessId: input.businessId, appointmentId: input.appointmentId });
  if (!before) return { ok: false, reason: 'not-found', message: 'This business has no such appointment.' };
  if (before.status === 'cancelled') return { ok: false, reason: 'cancelled', message: 'This appointment is already cancelled.' };
  if (before.past) return { ok: false, reason: 'past', message: 'This appointment is already over.' };
  if (input.change.kind === 'move' && input.change.start === before.start) {
    return { ok: false, reason: 'same-time', message: 'The appointment is already at that time.' };
  }

  let changed;
  try {
    changed = await changeAppointmentAsOwner(input);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return { ok: false, reason: 'calendar', message: `The change could not be made: ${describeFailure(err)}. Try again in a moment.` };
  }
  if (!changed.ok) return changed;

  const { workflowId, runId } = workflowInfo();
  const text = ownerChangeNotice({ businessName: before.businessName, service: before.service, previousStart: before.start, change: input.change });
  try {
    const sent = await sendReply({
      businessId: input.businessId,
      customerId: before.customerId,
      phoneNumberId: before.phoneNumberId,
      text,
      replyKey: workflowId,
      workflowId,
      runId,
    });
    return { ok: true, start: changed.start, notice: sent.sentText };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return { ok: true, start: changed.start, noticeFailure: describeFailure(err) };
  }
}
