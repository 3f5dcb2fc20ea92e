// Sign in with email and password. A wrong password, a locked account and too
// many attempts each get the API's own sentence.
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api } from '../api';
import { Notice, TextField } from '../components/forms';
import { useSubmit } from '../components/useSubmit';
import { useSession } from '../session';

export function SignInPage() {
  const { user, refresh } = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, problem, submit } = useSubmit();

  if (user) return <Navigate to={from} replace />;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    await submit(async () => {
      await api.post('/sign-in', { email, password });
      await refresh();
      void navigate(from, { replace: true });
    });
  }

  return (
    <main id="main" className="narrow">
      <h1>Sign in</h1>
      <p className="lead">The console of your WhatsApp booking assistant.</p>
      <form onSubmit={onSubmit} noValidate>
        <Notice kind="error">{problem?.message}</Notice>
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={problem?.fields.email}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={problem?.fields.password}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
