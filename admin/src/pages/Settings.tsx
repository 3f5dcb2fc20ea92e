// A business's booking settings: weekly hours, special days, services and the
// booking rules. Owners and platform admins change them; staff see them
// read-only (the API refuses their changes anyway). The draft is checked in the
// browser with the API's own schema, and the API's refusals land in the same places.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useLocation, useParams } from 'react-router';
import { api, ApiError, errorMessage } from '../api';
import { formatDateTime } from '../format';
import { Notice } from '../components/forms';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { canManage, useUser } from '../session';
import type { SettingsView, TokenUsageView } from '../types';
import { differs, draftFromView, draftToPayload, type SettingsDraft } from './settings/draft';
import { ExceptionsEditor } from './settings/ExceptionsEditor';
import { HoursEditor } from './settings/HoursEditor';
import { LimitsEditor, RetentionEditor } from './settings/LimitsEditor';
import { MonthUsage } from './settings/MonthUsage';
import { BookingRulesEditor, PersonRulesEditor, ReplyTimingEditor } from './settings/RulesEditor';
import { ServicesEditor } from './settings/ServicesEditor';
import { describeField, validateDraft, type FieldErrors } from './settings/validation';

export function SettingsPage() {
  const user = useUser();
  const { businessId = '' } = useParams();
  const resource = useApiData<{ settings: SettingsView; tokenUsage?: TokenUsageView }>(`/businesses/${businessId}/settings`);
  const readOnly = !canManage(user, businessId);
  const spentAt = resource.data?.tokenUsage?.spentAt;
  return (
    <section className="settings-page">
      <h1>Booking settings</h1>
      {readOnly && <Notice kind="info">Only an owner of this business can change its settings.</Notice>}
      {spentAt && (
        <Notice kind="warning">
          Today’s AI allowance ran out at {formatDateTime(spentAt)}. Until midnight the assistant tells customers a person will reply, and marks their
          conversations for your team. Raise the allowance under Limits to let it answer again now.
        </Notice>
      )}
      {resource.data ? (
        <SettingsForm key={businessId} businessId={businessId} saved={resource.data.settings} usage={resource.data.tokenUsage} readOnly={readOnly} />
      ) : (
        <LoadingOrError resource={resource} />
      )}
    </section>
  );
}

/** What the last save came to, when it is not a list of fields to fix. */
type Outcome = { kind: 'success' | 'error'; message: string };

function SettingsForm({ businessId, saved, usage, readOnly }: { businessId: string; saved: SettingsView; usage?: TokenUsageView; readOnly: boolean }) {
  const created = (useLocation().state as { created?: boolean } | null)?.created === true;
  const [baseline, setBaseline] = useState(() => draftFromView(saved));
  const [draft, setDraft] = useState(baseline);
  // Once a save has been refused, the draft is checked again at every change, so each
  // message goes away when its field is fixed and follows its row when rows are removed.
  const [checking, setChecking] = useState(false);
  // The server's own field messages, which name rows by position: only true until the next edit.
  const [serverFields, setServerFields] = useState<FieldErrors>({});
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);
  const form = useRef<HTMLFormElement>(null);

  const fields = useMemo(() => ({ ...(checking ? validateDraft(draft) : {}), ...serverFields }), [checking, draft, serverFields]);
  const dirty = useMemo(() => differs(draft, baseline), [draft, baseline]);

  useEffect(() => {
    if (!dirty || readOnly) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty, readOnly]);

  useEffect(() => {
    if (focusRequest > 0) focusFirstProblem(form.current);
  }, [focusRequest]);

  function edit(change: Partial<SettingsDraft>) {
    setDraft((d) => ({ ...d, ...change }));
    setServerFields({});
    setOutcome(undefined);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setOutcome(undefined);
    setServerFields({});
    if (Object.keys(validateDraft(draft)).length > 0) {
      setChecking(true);
      setFocusRequest((n) => n + 1);
      return;
    }
    setBusy(true);
    try {
      const { settings } = await api.put<{ settings: SettingsView }>(`/businesses/${businessId}/settings`, draftToPayload(draft));
      const answered = draftFromView(settings);
      setBaseline(answered);
      setDraft(answered);
      setChecking(false);
      setOutcome({ kind: 'success', message: 'Settings saved. The next message uses them.' });
    } catch (err) {
      const named = err instanceof ApiError ? err.fields : {};
      if (Object.keys(named).length > 0) {
        setServerFields(named);
        setFocusRequest((n) => n + 1);
      } else setOutcome({ kind: 'error', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  const problems = Object.entries(fields);
  return (
    <form ref={form} onSubmit={onSubmit} noValidate className="settings-form">
      {created && !readOnly && <Notice kind="info">Business created. Add its opening hours and at least one service, then save.</Notice>}
      <section aria-labelledby="hours-heading">
        <h2 id="hours-heading">Opening hours</h2>
        <p className="hint">In the business’s own time zone.{!readOnly && ' To stay open until midnight, set Closes to 00:00 (12:00 AM).'}</p>
        <HoursEditor hours={draft.openingHours} onChange={(openingHours) => edit({ openingHours })} errors={fields} readOnly={readOnly} />
      </section>
      <section aria-labelledby="exceptions-heading">
        <h2 id="exceptions-heading">Special days</h2>
        <p className="hint">Dates with other hours than usual: holidays, a late opening. They replace that weekday’s hours.</p>
        <ExceptionsEditor
          exceptions={draft.openingExceptions}
          onChange={(openingExceptions) => edit({ openingExceptions })}
          errors={fields}
          readOnly={readOnly}
        />
      </section>
      <section aria-labelledby="services-heading">
        <h2 id="services-heading">Services</h2>
        <p className="hint">Prices as customers read them, such as 25.50. A removed service can no longer be booked; appointments already made keep it.</p>
        <ServicesEditor services={draft.services} onChange={(services) => edit({ services })} errors={fields} readOnly={readOnly} />
      </section>
      <section aria-labelledby="rules-heading">
        <h2 id="rules-heading">Booking rules</h2>
        <BookingRulesEditor rules={draft.rules} onChange={(rules) => edit({ rules })} errors={fields} readOnly={readOnly} />
      </section>
      <section aria-labelledby="replies-heading">
        <h2 id="replies-heading">Replies</h2>
        <ReplyTimingEditor rules={draft.rules} onChange={(rules) => edit({ rules })} errors={fields} readOnly={readOnly} />
      </section>
      <section aria-labelledby="person-heading">
        <h2 id="person-heading">A person from the team</h2>
        <PersonRulesEditor rules={draft.rules} onChange={(rules) => edit({ rules })} errors={fields} readOnly={readOnly} />
      </section>
      <section aria-labelledby="limits-heading">
        <h2 id="limits-heading">Limits</h2>
        <p className="hint">They keep one customer, or a very busy day, from running up the cost of the assistant.</p>
        <LimitsEditor rules={draft.rules} onChange={(rules) => edit({ rules })} errors={fields} readOnly={readOnly} usage={usage} />
        {!readOnly && <MonthUsage businessId={businessId} />}
      </section>
      <section aria-labelledby="retention-heading">
        <h2 id="retention-heading">Keeping messages</h2>
        <RetentionEditor rules={draft.rules} onChange={(rules) => edit({ rules })} errors={fields} readOnly={readOnly} />
      </section>
      {!readOnly && (
        <div className="settings-save">
          {problems.length > 0 && (
            <Notice kind="error">
              {problems.length === 1 ? 'One field needs attention:' : `${problems.length} fields need attention:`}
              <ul>
                {problems.map(([key, message]) => (
                  <li key={key}>
                    {describeField(key, draft)}: {message}
                  </li>
                ))}
              </ul>
            </Notice>
          )}
          {outcome && <Notice kind={outcome.kind}>{outcome.message}</Notice>}
          <div className="settings-save-row">
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : 'Save settings'}
            </button>
            {dirty && <span className="muted">You have unsaved changes.</span>}
          </div>
        </div>
      )}
    </form>
  );
}

/** Puts the keyboard on the first field with a message, whichever editor drew it. */
function focusFirstProblem(form: HTMLFormElement | null) {
  const message = form?.querySelector('.field-error');
  const around = message?.closest('.field, fieldset, section');
  around?.querySelector<HTMLElement>('input:not(:disabled), select:not(:disabled), textarea:not(:disabled), button:not(:disabled)')?.focus();
}
