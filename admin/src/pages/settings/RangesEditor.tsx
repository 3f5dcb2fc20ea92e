// The opening ranges of one day (a weekday or a special day): each with an
// "Opens" and a "Closes" time, removable, and more added with "Add hours".
import { useRef, useState } from 'react';
import { TextField } from '../../components/forms';
import { newRange, type TimeRange } from './draft';
import type { FieldErrors } from './validation';

interface Props {
  /** The day as the buttons name it: "Monday", "Thursday, 24 December 2026". */
  day: string;
  ranges: TimeRange[];
  onChange(ranges: TimeRange[]): void;
  errors: FieldErrors;
  /** The API's key of this day's ranges: "openingHours.mon", "openingExceptions.0.ranges". */
  errorKey: string;
  readOnly: boolean;
}

export function RangesEditor({ day, ranges, onChange, errors, errorKey, readOnly }: Props) {
  const addButton = useRef<HTMLButtonElement>(null);
  // The row just added takes the focus, so a keyboard user types its times at once.
  const [added, setAdded] = useState<number>();

  function update(index: number, change: Partial<TimeRange>) {
    onChange(ranges.map((r, i) => (i === index ? { ...r, ...change } : r)));
  }

  function add() {
    const range = newRange(ranges);
    setAdded(range.key);
    onChange([...ranges, range]);
  }

  function remove(index: number) {
    onChange(ranges.filter((_, i) => i !== index));
    // The removed row held the focus; leave it somewhere near rather than at the top of the page.
    addButton.current?.focus();
  }

  return (
    <div className="ranges">
      {ranges.map((range, i) => (
        <div className="range" key={range.key}>
          <TextField
            label="Opens"
            type="time"
            value={range.opens}
            onChange={(e) => update(i, { opens: e.target.value })}
            error={errors[`${errorKey}.${i}.0`]}
            disabled={readOnly}
            autoFocus={range.key === added}
          />
          <TextField
            label="Closes"
            type="time"
            value={range.closes}
            onChange={(e) => update(i, { closes: e.target.value })}
            error={errors[`${errorKey}.${i}.1`]}
            disabled={readOnly}
          />
          {!readOnly && (
            <button type="button" className="danger" aria-label={`Remove ${day} ${range.opens}–${range.closes}`} onClick={() => remove(i)}>
              Remove
            </button>
          )}
          {errors[`${errorKey}.${i}`] && (
            <p className="field-error" role="alert">
              {errors[`${errorKey}.${i}`]}
            </p>
          )}
        </div>
      ))}
      {errors[errorKey] && (
        <p className="field-error" role="alert">
          {errors[errorKey]}
        </p>
      )}
      {!readOnly && (
        <button type="button" className="secondary" ref={addButton} aria-label={`Add hours on ${day}`} onClick={add}>
          Add hours
        </button>
      )}
    </div>
  );
}
