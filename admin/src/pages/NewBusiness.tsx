// A platform admin adds a business: its name, the WhatsApp number's
// phone_number_id, time zone and language. Its settings come next.
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { Notice, TextField } from '../components/forms';
import { useSubmit } from '../components/useSubmit';
import { useSession } from '../session';
import type { BusinessSummary } from '../types';

const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const timeZones: string[] = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

export function NewBusinessPage() {
  const navigate = useNavigate();
  const { refresh } = useSession();
  const [form, setForm] = useState({ name: '', phoneNumberId: '', timeZone: browserTimeZone, language: 'en' });
  const { busy, problem, submit } = useSubmit();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    await submit(async () => {
      const { business } = await api.post<{ business: BusinessSummary }>('/businesses', form);
      await refresh();
      void navigate(`/businesses/${business.id}/settings`, { state: { created: true } });
    });
  }

  return (
    <section className="narrow">
      <h1>New business</h1>
      <form onSubmit={onSubmit} noValidate>
        <Notice kind="error">{problem?.message}</Notice>
        <TextField label="Name" required value={form.name} onChange={set('name')} error={problem?.fields.name} autoComplete="organization" />
        <TextField
          label="WhatsApp phone number ID"
          required
          inputMode="numeric"
          value={form.phoneNumberId}
          onChange={set('phoneNumberId')}
          error={problem?.fields.phoneNumberId}
          hint="The digits Meta shows under WhatsApp → API Setup, next to the number (not the phone number itself)."
        />
        <TextField
          label="Time zone"
          required
          list="time-zones"
          value={form.timeZone}
          onChange={set('timeZone')}
          error={problem?.fields.timeZone}
          hint="Opening hours and appointments are in this time zone, for example Europe/Madrid."
        />
        <datalist id="time-zones">
          {timeZones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <TextField
          label="Language"
          required
          value={form.language}
          onChange={set('language')}
          error={problem?.fields.language}
          hint="The language the assistant answers in unless a customer writes in another: en, es, pt-BR…"
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create business'}
        </button>
      </form>
    </section>
  );
}
