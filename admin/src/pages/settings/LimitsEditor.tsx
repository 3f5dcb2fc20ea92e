// The limits that keep one customer, or a busy day, from running up the bill:
// replies to one customer a minute and a day, and the business's daily AI
// allowance with what today has used; and how long messages are kept.
import { TextField } from '../../components/forms';
import type { TokenUsageView } from '../../types';
import type { RulesDraft } from './draft';
import { RULE_LABELS } from './labels';
import type { FieldErrors } from './validation';

interface Props {
  rules: RulesDraft;
  onChange(rules: RulesDraft): void;
  errors: FieldErrors;
  readOnly: boolean;
}

const count = (n: number) => n.toLocaleString();

/** "12,345 of 200,000 used today (6%)". */
export function usageLine(usage: TokenUsageView): string {
  const percent = usage.dailyBudget > 0 ? Math.min(100, Math.round((usage.usedToday / usage.dailyBudget) * 100)) : 100;
  return `${count(usage.usedToday)} of ${count(usage.dailyBudget)} used today (${percent}%).`;
}

export function LimitsEditor({ rules, onChange, errors, readOnly, usage }: Props & { usage?: TokenUsageView }) {
  const set = (field: keyof RulesDraft) => (e: { target: { value: string } }) => onChange({ ...rules, [field]: e.target.value });
  const number = { type: 'number', inputMode: 'numeric', disabled: readOnly } as const;
  return (
    <div className="rules">
      <TextField
        label={RULE_LABELS.customerTurnsPerMinute}
        {...number}
        min={1}
        max={60}
        value={rules.customerTurnsPerMinute}
        onChange={set('customerTurnsPerMinute')}
        error={errors.customerTurnsPerMinute}
        hint="Someone who writes faster than this gets one short note, then no replies until a minute has passed. Several quick messages answered together count once."
      />
      <TextField
        label={RULE_LABELS.customerTurnsPerDay}
        {...number}
        min={1}
        max={10000}
        value={rules.customerTurnsPerDay}
        onChange={set('customerTurnsPerDay')}
        error={errors.customerTurnsPerDay}
        hint="Counted from midnight in the business’s time zone. Past it the customer is told once that the assistant will answer again tomorrow; you can still reply from Conversations."
      />
      <TextField
        label={RULE_LABELS.dailyTokenBudget}
        type="text"
        inputMode="numeric"
        disabled={readOnly}
        value={rules.dailyTokenBudget}
        onChange={set('dailyTokenBudget')}
        error={errors.dailyTokenBudget}
        hint={`${usage ? usageLine(usage) + ' ' : ''}The AI is paid by the token (about three quarters of a word, read or written); a reply usually takes a few thousand. When the day’s allowance is used up, customers are told a person will reply and the conversation is marked for your team until midnight.`}
      />
    </div>
  );
}

export function RetentionEditor({ rules, onChange, errors, readOnly }: Props) {
  return (
    <div className="rules">
      <TextField
        label={RULE_LABELS.messageRetentionDays}
        type="number"
        inputMode="numeric"
        min={7}
        max={3650}
        disabled={readOnly}
        value={rules.messageRetentionDays}
        onChange={(e) => onChange({ ...rules, messageRetentionDays: e.target.value })}
        error={errors.messageRetentionDays}
        hint="Messages older than this are deleted for good, from the inbox too. Appointments are kept."
      />
    </div>
  );
}
