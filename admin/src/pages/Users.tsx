// The people of a business, for its owners and platform admins: members and
// their roles, inviting someone, and the invitations not yet accepted. A role
// change or removal ends the person's sessions (the server does it), so they
// sign in again with their new rights; a business always keeps an owner.
import { useId, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { api, errorMessage } from '../api';
import { InviteForm } from '../components/InviteForm';
import { Notice } from '../components/forms';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { formatAgo, formatDateTime } from '../format';
import { ROLE_NAMES } from '../roles';
import { canManage, useSession, useUser } from '../session';
import type { BusinessRole, Invitation, Member } from '../types';

interface Team {
  members: Member[];
  invitations: Invitation[];
}

export function UsersPage() {
  const user = useUser();
  const { businessId = '' } = useParams();
  return (
    <section>
      <h1>Users</h1>
      {canManage(user, businessId) ? (
        <TeamManager businessId={businessId} />
      ) : (
        <Notice kind="info">Only an owner of this business can see and change who has access to it.</Notice>
      )}
    </section>
  );
}

function TeamManager({ businessId }: { businessId: string }) {
  const team = useApiData<Team>(`/businesses/${businessId}/users`);
  if (!team.data) return <LoadingOrError resource={team} />;
  return (
    <>
      <h2>Members</h2>
      <MembersTable businessId={businessId} members={team.data.members} onChange={team.setData} />
      <h2>Invite someone</h2>
      <div className="card narrow">
        <InviteForm businessId={businessId} onInvited={team.reload} />
      </div>
      <h2>Open invitations</h2>
      <OpenInvitations businessId={businessId} invitations={team.data.invitations} onChange={team.setData} />
    </>
  );
}

function MembersTable({ businessId, members, onChange }: { businessId: string; members: Member[]; onChange(team: Team): void }) {
  // A business made by a platform admin has nobody yet: its first owner is invited below.
  if (members.length === 0) return <p>No members yet. Invite the business’s owner below.</p>;
  return (
    <table className="stacking team-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col">Role</th>
          <th scope="col">Member since</th>
          <th scope="col">
            <span className="visually-hidden">Remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <MemberRow key={m.userId} businessId={businessId} member={m} onChange={onChange} />
        ))}
      </tbody>
    </table>
  );
}

function MemberRow({ businessId, member, onChange }: { businessId: string; member: Member; onChange(team: Team): void }) {
  const me = useUser();
  const { refresh } = useSession();
  const selectId = useId();
  const select = useRef<HTMLSelectElement>(null);
  const [role, setRole] = useState<BusinessRole>(member.role);
  const [busy, setBusy] = useState<'save' | 'remove'>();
  const [problem, setProblem] = useState('');
  const isMe = member.userId === me.id;

  async function change(kind: 'save' | 'remove') {
    const question =
      kind === 'remove'
        ? `Remove ${member.email} from this business? They are signed out at once.${isMe ? ' This is you: you lose access to this business.' : ''}`
        : isMe
          ? `Change your own role to ${ROLE_NAMES[role]}? You are signed out and sign in again with the new role.`
          : undefined;
    if (question && !window.confirm(question)) return;
    setBusy(kind);
    setProblem('');
    try {
      const path = `/businesses/${businessId}/users/${member.userId}`;
      const team = kind === 'remove' ? await api.delete<Team>(path) : await api.put<Team>(path, { role });
      // The server ended this person's sessions; if that was this browser, the session provider takes it to sign-in.
      if (isMe) await refresh();
      else onChange(team);
    } catch (err) {
      setProblem(errorMessage(err));
      setRole(member.role);
      // The Save button just became disabled and lost focus: put it back where the refusal is read.
      select.current?.focus();
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <tr>
      <td data-label="Name">{member.name || <span className="muted">Not given</span>}</td>
      <td data-label="Email" className="break">
        {member.email}
        {isMe && <span className="muted"> (you)</span>}
      </td>
      <td data-label="Role">
        <div className="inline-controls">
          <label htmlFor={selectId} className="visually-hidden">
            Role for {member.email}
          </label>
          <select
            id={selectId}
            ref={select}
            value={role}
            onChange={(e) => setRole(e.target.value as BusinessRole)}
            aria-describedby={problem ? `${selectId}-error` : undefined}
          >
            <option value="OWNER">{ROLE_NAMES.OWNER}</option>
            <option value="STAFF">{ROLE_NAMES.STAFF}</option>
          </select>
          <button
            type="button"
            className="secondary"
            onClick={() => change('save')}
            disabled={role === member.role || busy !== undefined}
            aria-label={`Save role for ${member.email}`}
          >
            {busy === 'save' ? 'Saving…' : 'Save role'}
          </button>
        </div>
        {problem && (
          <p className="field-error" id={`${selectId}-error`} role="alert">
            {problem}
          </p>
        )}
      </td>
      <td data-label="Member since">
        <span title={formatDateTime(member.since)}>{formatAgo(member.since)}</span>
      </td>
      <td data-label="">
        <button type="button" className="danger" onClick={() => change('remove')} disabled={busy !== undefined} aria-label={`Remove ${member.email}`}>
          {busy === 'remove' ? 'Removing…' : 'Remove'}
        </button>
      </td>
    </tr>
  );
}

function OpenInvitations({ businessId, invitations, onChange }: { businessId: string; invitations: Invitation[]; onChange(team: Team): void }) {
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState<string>();

  async function withdraw(invitation: Invitation) {
    if (!window.confirm(`Withdraw the invitation for ${invitation.email}? Its link stops working.`)) return;
    setBusy(invitation.id);
    setProblem('');
    try {
      onChange(await api.delete<Team>(`/businesses/${businessId}/invitations/${invitation.id}`));
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  }

  if (invitations.length === 0) return <p className="muted">No invitation is waiting to be accepted.</p>;
  return (
    <>
      <p className="hint">A link is shown only when it is made. To send one again, withdraw the invitation and invite the person again.</p>
      <Notice kind="error">{problem}</Notice>
      <table className="stacking">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Link works until</th>
            <th scope="col">
              <span className="visually-hidden">Withdraw</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((i) => (
            <tr key={i.id}>
              <td data-label="Email" className="break">
                {i.email}
              </td>
              <td data-label="Role">{ROLE_NAMES[i.role]}</td>
              <td data-label="Link works until">
                {formatDateTime(i.expiresAt)} <span className="muted">({formatAgo(i.expiresAt)})</span>
              </td>
              <td data-label="">
                <button
                  type="button"
                  className="secondary"
                  onClick={() => withdraw(i)}
                  disabled={busy !== undefined}
                  aria-label={`Withdraw the invitation for ${i.email}`}
                >
                  {busy === i.id ? 'Withdrawing…' : 'Withdraw'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
