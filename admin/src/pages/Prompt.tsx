// What the assistant says about the business and how it sounds: personality,
// policies and language, next to the exact system prompt they make. The preview
// comes from the API, built by the workflow's own code, so what the owner reads
// is what the model will receive. Staff read it; only owners change it.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, ApiError, errorMessage } from '../api';
import { Notice, TextAreaField, TextField } from '../components/forms';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { formatDateTime } from '../format';
import { canManage, useUser } from '../session';
import type { PromptView } from '../types';

type PromptFields = Pick<PromptView, 'personality' | 'policies' | 'language'>;

/** Quiet time after the last keystroke before the preview is asked for. */
const PREVIEW_DEBOUNCE_MS = 400;

export function PromptPage() {
  const user = useUser();
  const { businessId = '' } = useParams();
  const resource = useApiData<{ prompt: PromptView }>(`/businesses/${businessId}/prompt`);
  const readOnly = !canManage(user, businessId);
  return (
    <section>
      <h1>Prompt</h1>
      {readOnly && <Notice kind="info">Only an owner of this business can change the prompt.</Notice>}
      {resource.data ? (
        <PromptEditor key={businessId} businessId={businessId} saved={resource.data.prompt} readOnly={readOnly} />
      ) : (
        <LoadingOrError resource={resource} />
      )}
    </section>
  );
}

function PromptEditor({ businessId, saved, readOnly }: { businessId: string; saved: PromptView; readOnly: boolean }) {
  const [draft, setDraft] = useState<PromptFields>({ personality: saved.personality, policies: saved.policies, language: saved.language });
  const [preview, setPreview] = useState(saved.preview);
  const [lastChange, setLastChange] = useState(saved.lastChange);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; message: string }>();
  const [previewProblem, setPreviewProblem] = useState('');
  const [updating, setUpdating] = useState(false);
  const [busy, setBusy] = useState(false);
  // Each draft sent for a preview gets a number; an answer for anything but the newest is dropped.
  const newestDraft = useRef(0);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  function edit(change: Partial<PromptFields>) {
    const next = { ...draft, ...change };
    setDraft(next);
    setOutcome(undefined);
    setUpdating(true);
    const number = ++newestDraft.current;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void refreshPreview(next, number), PREVIEW_DEBOUNCE_MS);
  }

  async function refreshPreview(next: PromptFields, number: number) {
    try {
      const { prompt } = await api.post<{ prompt: PromptView }>(`/businesses/${businessId}/prompt/preview`, next);
      if (number !== newestDraft.current) return;
      setPreview(prompt.preview);
      setFields({});
      setPreviewProblem('');
    } catch (err) {
      if (number !== newestDraft.current) return;
      const named = err instanceof ApiError ? err.fields : {};
      setFields(named);
      setPreviewProblem(Object.keys(named).length > 0 ? 'Fix the field marked to see the preview again.' : errorMessage(err));
    } finally {
      if (number === newestDraft.current) setUpdating(false);
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    // A preview still on its way describes this draft or an older one; the saved answer replaces it.
    window.clearTimeout(timer.current);
    newestDraft.current++;
    setUpdating(false);
    setBusy(true);
    setOutcome(undefined);
    try {
      const { prompt } = await api.put<{ prompt: PromptView }>(`/businesses/${businessId}/prompt`, draft);
      setDraft({ personality: prompt.personality, policies: prompt.policies, language: prompt.language });
      setPreview(prompt.preview);
      setLastChange(prompt.lastChange);
      setFields({});
      setPreviewProblem('');
      setOutcome({ kind: 'success', message: 'Prompt saved. The next message uses it.' });
    } catch (err) {
      setFields(err instanceof ApiError ? err.fields : {});
      setOutcome({ kind: 'error', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p className="muted">{lastChange ? `Last changed ${formatDateTime(lastChange.at)} by ${lastChange.by}` : 'Not changed since the business was created'}</p>
      <div className="prompt-columns">
        <form onSubmit={onSubmit} noValidate>
          <TextAreaField
            label="Personality"
            rows={5}
            value={draft.personality}
            onChange={(e) => edit({ personality: e.target.value })}
            disabled={readOnly}
            error={fields.personality}
            hint={`How the assistant sounds: tone, formality, emoji, how it addresses customers. ${draft.personality.length.toLocaleString()} of 2,000 characters.`}
          />
          <TextAreaField
            label="Policies"
            rows={8}
            value={draft.policies}
            onChange={(e) => edit({ policies: e.target.value })}
            disabled={readOnly}
            error={fields.policies}
            hint={`What it must tell customers or always respect: cancellations, payment, deposits, late arrivals. ${draft.policies.length.toLocaleString()} of 4,000 characters.`}
          />
          <TextField
            label="Language"
            value={draft.language}
            onChange={(e) => edit({ language: e.target.value })}
            disabled={readOnly}
            error={fields.language}
            autoComplete="off"
            spellCheck={false}
            hint="The language it answers in unless a customer writes in another: a tag such as en, es or pt-BR."
          />
          {!readOnly && (
            <>
              {outcome && <Notice kind={outcome.kind}>{outcome.message}</Notice>}
              <button type="submit" disabled={busy}>
                {busy ? 'Saving…' : 'Save prompt'}
              </button>
            </>
          )}
        </form>
        <section aria-labelledby="prompt-preview-heading" className="prompt-preview">
          <div className="prompt-preview-heading">
            <h2 id="prompt-preview-heading">System prompt preview</h2>
            <span className="muted" role="status">
              {updating ? 'Updating…' : previewProblem}
            </span>
          </div>
          <p className="hint">
            {readOnly
              ? 'Exactly what the assistant receives on the next message, as the prompt is saved now.'
              : 'Exactly what the assistant receives on the next message once you save. Dates and services come from the business’s settings.'}
          </p>
          <pre className="preview" tabIndex={0} aria-labelledby="prompt-preview-heading">
            {preview}
          </pre>
        </section>
      </div>
    </>
  );
}
