// The services customers can book: name, how long, and the price as the owner
// writes it. A removed service is retired on the server, not deleted, so the
// appointments already booked keep it.
import { useRef, useState } from 'react';
import { SelectField, TextField } from '../../components/forms';
import { newService, type ServiceDraft } from './draft';
import { COMMON_CURRENCIES, SERVICE_FIELD_LABELS as LABELS } from './labels';
import type { FieldErrors } from './validation';

interface Props {
  services: ServiceDraft[];
  onChange(services: ServiceDraft[]): void;
  errors: FieldErrors;
  readOnly: boolean;
}

export function ServicesEditor({ services, onChange, errors, readOnly }: Props) {
  const addButton = useRef<HTMLButtonElement>(null);
  const [added, setAdded] = useState<number>();

  function update(index: number, change: Partial<ServiceDraft>) {
    onChange(services.map((s, i) => (i === index ? { ...s, ...change } : s)));
  }

  function add() {
    const service = newService(services);
    setAdded(service.key);
    onChange([...services, service]);
  }

  function remove(index: number) {
    onChange(services.filter((_, i) => i !== index));
    addButton.current?.focus();
  }

  return (
    <div className="services">
      {services.length === 0 && <p className="muted">No services yet: the assistant can only book what is listed here.</p>}
      {services.map((service, i) => {
        const key = `services.${i}`;
        const name = service.name.trim() || 'New service';
        const currencies = COMMON_CURRENCIES.includes(service.currency) ? COMMON_CURRENCIES : [service.currency, ...COMMON_CURRENCIES];
        return (
          <fieldset key={service.key} className="service">
            <legend>{name}</legend>
            <div className="service-fields">
              <TextField
                label={LABELS.name}
                value={service.name}
                maxLength={100}
                onChange={(e) => update(i, { name: e.target.value })}
                error={errors[`${key}.name`]}
                disabled={readOnly}
                autoFocus={service.key === added}
              />
              <TextField
                label={LABELS.durationMinutes}
                type="number"
                inputMode="numeric"
                min={5}
                max={600}
                step={5}
                value={service.durationMinutes}
                onChange={(e) => update(i, { durationMinutes: e.target.value })}
                error={errors[`${key}.durationMinutes`]}
                disabled={readOnly}
              />
              <TextField
                label={LABELS.price}
                inputMode="decimal"
                value={service.price}
                onChange={(e) => update(i, { price: e.target.value })}
                error={errors[`${key}.price`]}
                disabled={readOnly}
              />
              <SelectField
                label={LABELS.currency}
                value={service.currency}
                onChange={(e) => update(i, { currency: e.target.value })}
                error={errors[`${key}.currency`]}
                disabled={readOnly}
              >
                {currencies.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </SelectField>
            </div>
            {!readOnly && (
              <button type="button" className="danger" aria-label={`Remove service ${name}`} onClick={() => remove(i)}>
                Remove service
              </button>
            )}
          </fieldset>
        );
      })}
      {errors.services && (
        <p className="field-error" role="alert">
          {errors.services}
        </p>
      )}
      {!readOnly && (
        <button type="button" className="secondary" ref={addButton} onClick={add}>
          Add a service
        </button>
      )}
    </div>
  );
}
