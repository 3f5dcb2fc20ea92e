// The rules the booking code applies (capacity, buffer, notice, how far ahead,
// the grid of start times) and how long the assistant waits before replying,
// which the API keeps in milliseconds and the owner edits in seconds; and when
// a person is needed (the hand-back time, kept in minutes and edited in hours).
import { useId } from 'react';
import { SLOT_STEPS } from '../../../../src/booking/settings';
import { SelectField, TextField } from '../../components/forms';
import type { RulesDraft } from './draft';
import { humanDuration, RULE_LABELS } from './labels';
import type { FieldErrors } from './validation';

interface Props {
  rules: RulesDraft;
  onChange(rules: RulesDraft): void;
  errors: FieldErrors;
  readOnly: boolean;
}

/** A whole number of minutes the owner typed, or undefined while it is not one. */
function minutes(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function noticeHint(text: string): string {
  const n = minutes(text);
  if (n === 0) return 'Customers can book right up to the start.';
  const said = n === undefined ? '' : `= ${humanDuration(n)}. `;
  return `${said}How long before an appointment starts a customer can still book it.`;
}

function bufferHint(text: string): string {
  const n = minutes(text);
  const said = n !== undefined && n >= 60 ? ` (${humanDuration(n)})` : '';
  return `Time kept free after each appointment${said}.`;
}

function slotHint(step: number): string {
  const starts = [0, 1, 2].map((k) => {
    const m = 10 * 60 + k * step;
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  });
  return `Start times offered: ${starts.join(', ')}…`;
}

export function BookingRulesEditor({ rules, onChange, errors, readOnly }: Props) {
  const set = (field: keyof RulesDraft) => (e: { target: { value: string } }) => onChange({ ...rules, [field]: e.target.value });
  const number = { type: 'number', inputMode: 'numeric', disabled: readOnly } as const;
  return (
    <div className="rules">
      <TextField
        label={RULE_LABELS.maxSimultaneousAppointments}
        {...number}
        min={1}
        max={50}
        value={rules.maxSimultaneousAppointments}
        onChange={set('maxSimultaneousAppointments')}
        error={errors.maxSimultaneousAppointments}
        hint="How many customers can be served at once (chairs, staff)."
      />
      <TextField
        label={RULE_LABELS.bufferMinutes}
        {...number}
        min={0}
        max={240}
        value={rules.bufferMinutes}
        onChange={set('bufferMinutes')}
        error={errors.bufferMinutes}
        hint={bufferHint(rules.bufferMinutes)}
      />
      <TextField
        label={RULE_LABELS.minNoticeMinutes}
        {...number}
        min={0}
        value={rules.minNoticeMinutes}
        onChange={set('minNoticeMinutes')}
        error={errors.minNoticeMinutes}
        hint={noticeHint(rules.minNoticeMinutes)}
      />
      <TextField
        label={RULE_LABELS.maxDaysAhead}
        {...number}
        min={1}
        max={365}
        value={rules.maxDaysAhead}
        onChange={set('maxDaysAhead')}
        error={errors.maxDaysAhead}
        hint="Customers can book up to this many days from today."
      />
      <TextField
        label={RULE_LABELS.maxActiveAppointmentsPerCustomer}
        {...number}
        min={1}
        max={50}
        value={rules.maxActiveAppointmentsPerCustomer}
        onChange={set('maxActiveAppointmentsPerCustomer')}
        error={errors.maxActiveAppointmentsPerCustomer}
        hint="How many future appointments one customer can hold at once; the assistant will not book more until one has passed or is cancelled."
      />
      <SelectField
        label={RULE_LABELS.slotStepMinutes}
        value={rules.slotStepMinutes}
        onChange={set('slotStepMinutes')}
        error={errors.slotStepMinutes}
        hint={slotHint(Number(rules.slotStepMinutes))}
        disabled={readOnly}
      >
        {SLOT_STEPS.map((step) => (
          <option key={step} value={String(step)}>
            {step}
          </option>
        ))}
      </SelectField>
    </div>
  );
}

export function ReplyTimingEditor({ rules, onChange, errors, readOnly }: Props) {
  const set = (field: keyof RulesDraft) => (e: { target: { value: string } }) => onChange({ ...rules, [field]: e.target.value });
  const seconds = { type: 'number', inputMode: 'decimal', min: 0, step: 0.5, disabled: readOnly } as const;
  return (
    <div className="rules">
      <TextField
        label={RULE_LABELS.replyQuietWindowMs}
        {...seconds}
        max={30}
        value={rules.replyQuietWindowSeconds}
        onChange={set('replyQuietWindowSeconds')}
        error={errors.replyQuietWindowMs}
        hint="The assistant answers once the customer has stopped writing this long, so several quick messages get one answer."
      />
      <TextField
        label={RULE_LABELS.replyMaxWaitMs}
        {...seconds}
        max={60}
        value={rules.replyMaxWaitSeconds}
        onChange={set('replyMaxWaitSeconds')}
        error={errors.replyMaxWaitMs}
        hint="It never waits longer than this after a customer's first message, even if they keep writing."
      />
    </div>
  );
}

/** When a conversation needs someone from the team, and how long a takeover lasts without them writing. */
export function PersonRulesEditor({ rules, onChange, errors, readOnly }: Props) {
  const checkId = useId();
  return (
    <div className="rules">
      <TextField
        label={RULE_LABELS.handBackAfterMinutes}
        type="number"
        inputMode="decimal"
        min={0.25}
        max={168}
        step={0.25}
        disabled={readOnly}
        value={rules.handBackAfterHours}
        onChange={(e) => onChange({ ...rules, handBackAfterHours: e.target.value })}
        error={errors.handBackAfterMinutes}
        hint="When someone takes a conversation over and then writes nothing for this long, the assistant answers again."
      />
      <div className={errors.flagOutsideHours ? 'field field-invalid' : 'field'}>
        <label className="inline-check" htmlFor={checkId}>
          <input
            id={checkId}
            type="checkbox"
            disabled={readOnly}
            checked={rules.flagOutsideHours}
            onChange={(e) => onChange({ ...rules, flagOutsideHours: e.target.checked })}
            aria-describedby={`${checkId}-hint`}
          />{' '}
          {RULE_LABELS.flagOutsideHours}
        </label>
        <p className="hint" id={`${checkId}-hint`}>
          The assistant still answers; the conversation is marked “needs a person” in the inbox so someone follows up when you open.
        </p>
        {errors.flagOutsideHours && (
          <p className="field-error" role="alert">
            {errors.flagOutsideHours}
          </p>
        )}
      </div>
    </div>
  );
}
