// The weekly opening hours: one group per weekday, Monday first, each closed
// or open in one or more ranges (a lunch break is two ranges).
import { copyDay, WEEKDAYS, type SettingsDraft } from './draft';
import { DAY_NAMES } from './labels';
import { RangesEditor } from './RangesEditor';
import type { FieldErrors } from './validation';

type Hours = SettingsDraft['openingHours'];

const WORKING_DAYS_AFTER_MONDAY = ['tue', 'wed', 'thu', 'fri'] as const;

export function HoursEditor({ hours, onChange, errors, readOnly }: { hours: Hours; onChange(hours: Hours): void; errors: FieldErrors; readOnly: boolean }) {
  return (
    <div className="days">
      {WEEKDAYS.map((day) => (
        <fieldset key={day} className="day">
          <legend>{DAY_NAMES[day]}</legend>
          {hours[day].length === 0 && <p className="day-closed">Closed</p>}
          <RangesEditor
            day={DAY_NAMES[day]}
            ranges={hours[day]}
            onChange={(ranges) => onChange({ ...hours, [day]: ranges })}
            errors={errors}
            errorKey={`openingHours.${day}`}
            readOnly={readOnly}
          />
          {day === 'mon' && !readOnly && (
            <button type="button" className="link-button" onClick={() => onChange(copyDay(hours, 'mon', WORKING_DAYS_AFTER_MONDAY))}>
              Copy Monday to Tuesday–Friday
            </button>
          )}
        </fieldset>
      ))}
    </div>
  );
}
