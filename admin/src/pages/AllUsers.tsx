// Every console user across businesses, for platform admins: where each
// belongs, whether they are locked out or signed in, and what an operator of
// the platform changes for them (memberships, platform admin rights, ending
// their sessions), then the platform-level entries of the audit log.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../api';
import { AuditLog } from '../components/AuditLog';
import { Notice, SelectField } from '../components/forms';
import { InviteForm } from '../components/InviteForm';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { formatAgo, formatDateTime } from '../format';
import { ROLE_NAMES } from '../roles';
import { useSession, useUser } from '../session';
import type { BusinessRole, BusinessSummary, PlatformUser } from '../types';

interface Users {
  users: PlatformUser[];
}
type Business = Pick<BusinessSummary, 'id' | 'name'>;

export function AllUsersPage() {
  const user = useUser();
  if (!user.platformAdmin)
    return (
      <section>
        <h1>All users</h1>
        <Notice kind="info">Only a platform admin can see every user. The people of your business are on its Users tab.</Notice>
      </section>
    );
  return <AllUsers />;
}

function AllUsers() {
  const users = useApiData<Users>('/users');
  const businesses = useApiData<{ businesses: BusinessSummary[] }>('/businesses');
  const list = businesses.data?.businesses ?? [];
  // Each change made here may add a platform-level entry: the log below is loaded again after each.
  const [changes, setChanges] = useState(0);
  const changed = (next: Users) => {
    users.setData(next);
    setChanges((n) => n + 1);
  };
  return (
    <section>
      <h1>All users</h1>
      <p className="lead">Everyone who can sign in to the console, across every business.</p>
      <h2>Invite someone</h2>
      <div className="card narrow">
        <InviteForm businesses={list} onInvited={users.reload} />
      </div>
      <h2>Users</h2>
      {users.data ? <UsersTable users={users.data.users} businesses={list} onChange={changed} /> : <LoadingOrError resource={users} />}
      <h2>Platform changes</h2>
      <p className="hint">Platform admin rights and sessions ended. Changes to a business, its people included, are in that business’s own audit log.</p>
      <AuditLog key={changes} path="/audit" empty="No platform-level change yet." />
    </section>
  );
}

function UsersTable({ users, businesses, onChange }: { users: PlatformUser[]; businesses: Business[]; onChange(users: Users): void }) {
  return (
    <table className="stacking all-users">
      <thead>
        <tr>
          <th scope="col">User</th>
          <th scope="col">Businesses</th>
          <th scope="col">Sessions</th>
          <th scope="col">Account</th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => (
          <UserRow key={u.id} person={u} businesses={businesses} onChange={onChange} />
        ))}
      </tbody>
    </table>
  );
}

function UserRow({ person, businesses, onChange }: { person: PlatformUser; businesses: Business[]; onChange(users: Users): void }) {
  const me = useUser();
  const { refresh } = useSession();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const isMe = person.id === me.id;

  /** Runs one change; the server answers with every user as they are now. */
  async function run(question: string, call: () => Promise<Users>): Promise<boolean> {
    if (question && !window.confirm(question)) return false;
    setBusy(true);
    setProblem('');
    try {
      onChange(await call());
      // A change to one's own memberships ends one's own sessions too.
      if (isMe) await refresh();
      return true;
    } catch (err) {
      setProblem(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const removeFrom = (m: PlatformUser['memberships'][number]) =>
    run(`Remove ${isMe ? 'yourself' : person.email} from ${m.businessName}? ${isMe ? 'You are' : 'They are'} signed out at once.`, () =>
      api.delete<Users>(`/users/${person.id}/memberships/${m.businessId}`),
    );
  const setAdmin = (platformAdmin: boolean) =>
    run(
      platformAdmin
        ? `Make ${person.email} a platform admin? They can then see and change every business and every user. They are signed out and sign in again.`
        : `Withdraw ${person.email}’s platform admin rights? They are signed out at once.`,
      () => api.put<Users>(`/users/${person.id}/platform-admin`, { platformAdmin }),
    );
  const endSessions = () =>
    run(`Sign ${person.email} out everywhere? Their open sessions end now; their password stays the same.`, () =>
      api.delete<Users>(`/users/${person.id}/sessions`),
    );

  return (
    <tr>
      <td data-label="User" className="break">
        <strong>{person.name || person.email}</strong>
        {person.name && <div>{person.email}</div>}
        <div className="badges">
          {isMe && <span className="badge badge-off">You</span>}
          {person.platformAdmin && <span className="badge badge-ok">Platform admin</span>}
          {person.lockedUntil && <span className="badge badge-warn">Locked until {formatDateTime(person.lockedUntil)}</span>}
        </div>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
      </td>
      <td data-label="Businesses">
        {person.memberships.length === 0 && <p className="muted membership">{person.platformAdmin ? 'None: sees all as platform admin' : 'None'}</p>}
        <ul className="memberships">
          {person.memberships.map((m) => (
            <li key={m.businessId} className="membership">
              <span>
                {ROLE_NAMES[m.role]} of <Link to={`/businesses/${m.businessId}/users`}>{m.businessName}</Link>
              </span>
              <button
                type="button"
                className="link-button"
                onClick={() => removeFrom(m)}
                disabled={busy}
                aria-label={`Remove ${person.email} from ${m.businessName}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <AddMembership person={person} businesses={businesses} busy={busy} run={run} />
      </td>
      <td data-label="Sessions">
        {person.sessions.open === 0 ? (
          <span className="muted">Signed out</span>
        ) : (
          <>
            {person.sessions.open} open
            {person.sessions.lastSeenAt && <div className="muted">last active {formatAgo(person.sessions.lastSeenAt)}</div>}
          </>
        )}
        {!isMe && person.sessions.open > 0 && (
          <div>
            <button type="button" className="secondary small" onClick={endSessions} disabled={busy} aria-label={`End sessions for ${person.email}`}>
              End sessions
            </button>
          </div>
        )}
      </td>
      <td data-label="Account">
        <div className="muted">Since {formatDateTime(person.createdAt)}</div>
        {!isMe && (
          <button
            type="button"
            className={person.platformAdmin ? 'danger small' : 'secondary small'}
            onClick={() => setAdmin(!person.platformAdmin)}
            disabled={busy}
            aria-label={`${person.platformAdmin ? 'Withdraw platform admin' : 'Make platform admin'} for ${person.email}`}
          >
            {person.platformAdmin ? 'Withdraw platform admin' : 'Make platform admin'}
          </button>
        )}
      </td>
    </tr>
  );
}

function AddMembership({
  person,
  businesses,
  busy,
  run,
}: {
  person: PlatformUser;
  businesses: Business[];
  busy: boolean;
  run(question: string, call: () => Promise<Users>): Promise<boolean>;
}) {
  const open = businesses.filter((b) => !person.memberships.some((m) => m.businessId === b.id));
  const [businessId, setBusinessId] = useState('');
  const [role, setRole] = useState<BusinessRole>('STAFF');
  const [missing, setMissing] = useState('');
  if (open.length === 0) return null;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!businessId) {
      setMissing('Choose a business.');
      return;
    }
    setMissing('');
    if (await run('', () => api.put<Users>(`/users/${person.id}/memberships/${businessId}`, { role }))) setBusinessId('');
  }

  return (
    <details className="add-membership">
      <summary>Add to a business</summary>
      <form onSubmit={onSubmit} noValidate aria-label={`Add ${person.email} to a business`}>
        <SelectField label="Business" value={businessId} onChange={(e) => setBusinessId(e.target.value)} error={missing}>
          <option value="">Choose a business</option>
          {open.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as BusinessRole)}>
          <option value="OWNER">{ROLE_NAMES.OWNER}</option>
          <option value="STAFF">{ROLE_NAMES.STAFF}</option>
        </SelectField>
        <button type="submit" disabled={busy}>
          Add
        </button>
      </form>
    </details>
  );
}
