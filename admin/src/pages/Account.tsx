// Change one's own password. Every other session of the account ends; this
// browser stays signed in.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { Notice, TextField } from '../components/forms';
import { useSubmit } from '../components/useSubmit';
import { useUser } from '../session';

export function AccountPage() {
  const user = useUser();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [mismatch, setMismatch] = useState('');
  const [changed, setChanged] = useState(false);
  const { busy, problem, submit } = useSubmit();
  const fields: Record<string, string | undefined> = { ...problem?.fields, repeated: mismatch || undefined };

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setChanged(false);
    setMismatch(newPassword === repeated ? '' : 'The two new passwords differ.');
    if (newPassword !== repeated) return;
    const done = await submit(() => api.post('/password', { currentPassword, newPassword }));
    if (!done) return;
    setCurrentPassword('');
    setNewPassword('');
    setRepeated('');
    setChanged(true);
  }

  return (
    <section className="narrow">
      <h1>Your account</h1>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        {user.name && (
          <>
            <dt>Name</dt>
            <dd>{user.name}</dd>
          </>
        )}
        <dt>Access</dt>
        <dd>
          {user.platformAdmin && <div>Platform admin (every business)</div>}
          {user.memberships.map((m) => (
            <div key={m.businessId}>
              {m.role === 'OWNER' ? 'Owner' : 'Staff'} of {m.businessName}
            </div>
          ))}
          {!user.platformAdmin && user.memberships.length === 0 && <div>No business yet</div>}
        </dd>
      </dl>
      <h2>Change password</h2>
      <form onSubmit={onSubmit} noValidate>
        <Notice kind="error">{problem?.message}</Notice>
        {changed && <Notice kind="success">Password changed. You were signed out everywhere else.</Notice>}
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.target.value)}
          error={fields.currentPassword}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          value={newPassword}
          onChange={(e) => setNewPassword(e.target.value)}
          error={fields.newPassword}
        />
        <TextField
          label="New password again"
          type="password"
          autoComplete="new-password"
          required
          value={repeated}
          onChange={(e) => setRepeated(e.target.value)}
          error={fields.repeated}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
