// Special days: a date that is closed all day or open at other hours than its
// weekday (a holiday, a late opening), with a note for the team.
import { useRef, useState } from 'react';
import { TextField } from '../../components/forms';
import { newException, newRange, type ExceptionDraft } from './draft';
import { formatDay } from './labels';
import { RangesEditor } from './RangesEditor';
import type { FieldErrors } from './validation';

interface Props {
  exceptions: ExceptionDraft[];
  onChange(exceptions: ExceptionDraft[]): void;
  errors: FieldErrors;
  readOnly: boolean;
}

export function ExceptionsEditor({ exceptions, onChange, errors, readOnly }: Props) {
  const addButton = useRef<HTMLButtonElement>(null);
  const [added, setAdded] = useState<number>();

  function update(index: number, change: Partial<ExceptionDraft>) {
    onChange(exceptions.map((e, i) => (i === index ? { ...e, ...change } : e)));
  }

  function add() {
    const exception = newException();
    setAdded(exception.key);
    onChange([...exceptions, exception]);
  }

  function remove(index: number) {
    onChange(exceptions.filter((_, i) => i !== index));
    addButton.current?.focus();
  }

  return (
    <div className="exceptions">
      {exceptions.length === 0 && (
        <p className="muted">{readOnly ? 'No special days.' : 'No special days. Add one for a holiday or a day with other hours.'}</p>
      )}
      {exceptions.map((exception, i) => {
        const day = exception.date ? formatDay(exception.date) : 'New special day';
        const key = `openingExceptions.${i}`;
        return (
          <fieldset key={exception.key} className="exception">
            <legend>{day}</legend>
            <TextField
              label="Date"
              type="date"
              value={exception.date}
              onChange={(e) => update(i, { date: e.target.value })}
              error={errors[`${key}.date`]}
              disabled={readOnly}
              autoFocus={exception.key === added}
            />
            <fieldset className="choice">
              <legend>Opening</legend>
              <label>
                <input
                  type="radio"
                  name={`closed-${exception.key}`}
                  checked={exception.closed}
                  onChange={() => update(i, { closed: true })}
                  disabled={readOnly}
                />
                Closed all day
              </label>
              <label>
                <input
                  type="radio"
                  name={`closed-${exception.key}`}
                  checked={!exception.closed}
                  // Special hours start with one range to edit; a day open at no hours would be closed anyway.
                  onChange={() => update(i, { closed: false, ranges: exception.ranges.length ? exception.ranges : [newRange([])] })}
                  disabled={readOnly}
                />
                Open at special hours
              </label>
            </fieldset>
            {!exception.closed && (
              <RangesEditor
                day={day}
                ranges={exception.ranges}
                onChange={(ranges) => update(i, { ranges, closed: ranges.length === 0 })}
                errors={errors}
                errorKey={`${key}.ranges`}
                readOnly={readOnly}
              />
            )}
            <TextField
              label="Note (optional)"
              value={exception.note}
              maxLength={200}
              onChange={(e) => update(i, { note: e.target.value })}
              error={errors[`${key}.note`]}
              hint="For your team, such as “Christmas Eve”."
              disabled={readOnly}
            />
            {!readOnly && (
              <button type="button" className="danger" aria-label={`Remove special day ${exception.date ? day : 'without a date'}`} onClick={() => remove(i)}>
                Remove special day
              </button>
            )}
          </fieldset>
        );
      })}
      {!readOnly && (
        <button type="button" className="secondary" ref={addButton} onClick={add}>
          Add a special day
        </button>
      )}
    </div>
  );
}
