// The page an invitation link opens (/admin/invite/<token>), for someone not
// signed in: which business and role it is for, then a name and a password
// make the account and sign it in. A used, expired or unknown link gets the
// API's own sentence.
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { passwordProblem, PASSWORD_MIN_LENGTH } from '../../../src/admin/password-rule';
import { api, ApiError, errorMessage } from '../api';
import { Notice, TextField } from '../components/forms';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { formatDateTime } from '../format';
import { ROLE_POWERS } from '../roles';
import { useSession } from '../session';
import type { BusinessRole } from '../types';

interface InvitationView {
  email: string;
  role: BusinessRole;
  businessName: string;
  expiresAt: string;
}

export function AcceptInvitationPage() {
  const { user } = useSession();
  const { token = '' } = useParams();
  const invitation = useApiData<{ invitation: InvitationView }>(`/invitations/${encodeURIComponent(token)}`);
  return (
    <main id="main" className="narrow">
      {invitation.data ? (
        <Invitation token={token} invitation={invitation.data.invitation} />
      ) : (
        <>
          <h1>Invitation</h1>
          <LoadingOrError resource={invitation} />
          {invitation.error &&
            (user ? (
              <p>
                <Link to="/">Go to the console</Link>, where you are signed in as {user.email}.
              </p>
            ) : (
              <p>
                Already have an account? <Link to="/sign-in">Sign in</Link>.
              </p>
            ))}
        </>
      )}
    </main>
  );
}

function Invitation({ token, invitation }: { token: string; invitation: InvitationView }) {
  const { user, refresh, signOut } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: '', password: '', repeated: '' });
  const [problem, setProblem] = useState<{ message: string; fields: Record<string, string> }>();
  const [busy, setBusy] = useState(false);
  const [joinedExisting, setJoinedExisting] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const tooWeak = passwordProblem(form.password);
    const fields = { ...(tooWeak && { password: tooWeak }), ...(form.password !== form.repeated && { repeated: 'The two passwords differ.' }) };
    if (Object.keys(fields).length > 0) {
      setProblem({ message: 'Some fields need attention.', fields });
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const accepted = await api.post<{ signedIn: boolean; businessId: string }>(`/invitations/${encodeURIComponent(token)}/accept`, {
        name: form.name,
        password: form.password,
      });
      if (!accepted.signedIn) {
        setJoinedExisting(true);
        return;
      }
      await refresh();
      void navigate(`/businesses/${accepted.businessId}`, { replace: true });
    } catch (err) {
      setProblem({ message: errorMessage(err), fields: err instanceof ApiError ? err.fields : {} });
    } finally {
      setBusy(false);
    }
  }

  async function onSignOut() {
    try {
      await signOut();
    } catch (err) {
      setProblem({ message: errorMessage(err), fields: {} });
    }
  }

  return (
    <>
      <h1>Join {invitation.businessName}</h1>
      <p className="lead">
        This invitation is for <strong>{invitation.email}</strong>, as {invitation.role === 'OWNER' ? 'an owner' : 'staff'}. {ROLE_POWERS[invitation.role]}
      </p>
      <p className="muted">The link works until {formatDateTime(invitation.expiresAt)}.</p>
      {joinedExisting ? (
        <Notice kind="success">
          An account for {invitation.email} already existed, so it now belongs to {invitation.businessName} too. <Link to="/sign-in">Sign in</Link> with that
          account’s password.
        </Notice>
      ) : user ? (
        <div className="notice notice-info" role="status">
          <p>You are signed in as {user.email}. To create the account this invitation is for, sign out first.</p>
          <button type="button" className="secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Notice kind="error">{problem?.message}</Notice>
          <TextField label="Your name" autoComplete="name" value={form.name} onChange={set('name')} error={problem?.fields.name} maxLength={100} />
          <TextField label="Email" type="email" autoComplete="username" value={invitation.email} readOnly hint="The address the invitation is for." />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            value={form.password}
            onChange={set('password')}
            error={problem?.fields.password}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          />
          <TextField
            label="Password again"
            type="password"
            autoComplete="new-password"
            required
            value={form.repeated}
            onChange={set('repeated')}
            error={problem?.fields.repeated}
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create account'}
          </button>
        </form>
      )}
    </>
  );
}
