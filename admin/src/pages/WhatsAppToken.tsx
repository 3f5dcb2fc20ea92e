// The business's own WhatsApp access token, for a number that belongs to its own
// Meta app or system user. Write-only: the page learns whether one is set and
// when it last changed, never the token, so there is nothing to show or copy.
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, ApiError, errorMessage } from '../api';
import { Notice, TextField } from '../components/forms';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { formatDateTime } from '../format';

interface WhatsAppTokenView {
  set: boolean;
  changedAt: string | null;
}

export function WhatsAppTokenPage() {
  const { businessId = '' } = useParams();
  const resource = useApiData<{ whatsappToken: WhatsAppTokenView }>(`/businesses/${businessId}/whatsapp-token`);
  return (
    <section>
      <h1>WhatsApp access token</h1>
      <p className="muted">
        Only for a number this business manages under its own system user in the same Meta app as this server (its webhooks are checked with that app’s secret).
        Without a token here, replies go out with the server’s token (WHATSAPP_ACCESS_TOKEN).
      </p>
      {resource.data ? (
        <TokenForm businessId={businessId} token={resource.data.whatsappToken} onChange={(whatsappToken) => resource.setData({ whatsappToken })} />
      ) : (
        <LoadingOrError resource={resource} />
      )}
    </section>
  );
}

function TokenForm({ businessId, token, onChange }: { businessId: string; token: WhatsAppTokenView; onChange(token: WhatsAppTokenView): void }) {
  const [accessToken, setAccessToken] = useState('');
  const [problem, setProblem] = useState<{ message: string; field?: string }>();
  const [saved, setSaved] = useState<'set' | 'cleared'>();
  const [busy, setBusy] = useState(false);
  const path = `/businesses/${businessId}/whatsapp-token`;

  async function run(change: () => Promise<{ whatsappToken: WhatsAppTokenView }>, outcome: 'set' | 'cleared') {
    setBusy(true);
    setProblem(undefined);
    setSaved(undefined);
    try {
      onChange((await change()).whatsappToken);
      setAccessToken('');
      setSaved(outcome);
    } catch (err) {
      setProblem({ message: errorMessage(err), field: err instanceof ApiError ? err.fields.accessToken : undefined });
    } finally {
      setBusy(false);
    }
  }

  function onSave(event: FormEvent) {
    event.preventDefault();
    void run(() => api.put(path, { accessToken }), 'set');
  }

  function onClear() {
    if (!window.confirm('Remove this business’s own token? Replies then go out with the server’s token.')) return;
    void run(() => api.delete(path), 'cleared');
  }

  return (
    <>
      <div className="card">
        <p>
          <strong>{token.set ? 'A token of its own is set' : 'Uses the server’s token'}</strong>
        </p>
        {token.changedAt && <p className="muted">Last changed {formatDateTime(token.changedAt)}.</p>}
        {token.set && (
          <button type="button" className="danger" onClick={onClear} disabled={busy}>
            Remove token
          </button>
        )}
      </div>
      {saved === 'set' && <Notice kind="success">Token saved. Replies use it from the next message.</Notice>}
      {saved === 'cleared' && <Notice kind="success">Token removed. Replies use the server’s token.</Notice>}
      {problem && <Notice kind="error">{problem.message}</Notice>}
      <form onSubmit={onSave} noValidate className="narrow">
        <TextField
          label={token.set ? 'Replace the token' : 'Access token'}
          type="password"
          value={accessToken}
          onChange={(e) => setAccessToken(e.target.value)}
          error={problem?.field}
          autoComplete="off"
          spellCheck={false}
          hint="A permanent token of a system user with whatsapp_business_messaging on this number's WhatsApp Business Account. It is stored encrypted and never shown again."
        />
        <button type="submit" disabled={busy || accessToken.trim() === ''}>
          {busy ? 'Saving…' : 'Save token'}
        </button>
      </form>
    </>
  );
}
