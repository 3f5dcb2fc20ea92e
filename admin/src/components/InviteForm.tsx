// Inviting someone into a business by email: someone with an account joins at
// once; anyone else gets a link that the inviter passes on. On the business's
// Users page the business is given; a platform admin's list of all users
// offers a choice of business.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ROLE_HINT, ROLE_NAMES } from '../roles';
import type { BusinessRole } from '../types';
import { Notice, SelectField, TextField } from './forms';
import { InvitationLink } from './InvitationLink';
import { useSubmit } from './useSubmit';

type Invited = { added: true } | { added: false; link: string; expiresAt: string };

interface InviteFormProps {
  /** The business to invite into; without it the form asks, from `businesses`. */
  businessId?: string;
  businesses?: Array<{ id: string; name: string }>;
  /** Called after someone joined or was invited, to show them in the lists. */
  onInvited(): void;
}

export function InviteForm({ businessId, businesses = [], onInvited }: InviteFormProps) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<BusinessRole>('STAFF');
  const [chosen, setChosen] = useState('');
  const { busy, problem, setProblem, submit } = useSubmit();
  const [outcome, setOutcome] = useState<{ email: string; role: BusinessRole; businessName?: string; invited: Invited }>();
  const target = businessId ?? chosen;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setOutcome(undefined);
    if (!target) {
      setProblem({ message: 'Choose the business to invite them into.', fields: { businessId: 'Choose a business.' } });
      return;
    }
    await submit(async () => {
      const invited = await api.post<Invited>(`/businesses/${target}/invitations`, { email, role });
      setOutcome({ email: email.trim().toLowerCase(), role, businessName: businesses.find((b) => b.id === target)?.name, invited });
      setEmail('');
      onInvited();
    });
  }

  return (
    <>
      <form onSubmit={onSubmit} noValidate className="invite-form">
        <Notice kind="error">{problem?.message}</Notice>
        {!businessId && (
          <SelectField label="Business" value={chosen} onChange={(e) => setChosen(e.target.value)} error={problem?.fields.businessId} required>
            <option value="">Choose a business</option>
            {businesses.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </SelectField>
        )}
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={problem?.fields.email}
        />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as BusinessRole)} error={problem?.fields.role} hint={ROLE_HINT}>
          <option value="OWNER">{ROLE_NAMES.OWNER}</option>
          <option value="STAFF">{ROLE_NAMES.STAFF}</option>
        </SelectField>
        <button type="submit" disabled={busy}>
          {busy ? 'Inviting…' : 'Invite'}
        </button>
      </form>
      {outcome?.invited.added && (
        <Notice kind="success">
          {outcome.email} already had an account and is now {outcome.role === 'OWNER' ? 'an owner' : 'staff'} of {outcome.businessName ?? 'this business'}. They
          see it the next time they open the console.
        </Notice>
      )}
      {outcome && !outcome.invited.added && <InvitationLink email={outcome.email} link={outcome.invited.link} expiresAt={outcome.invited.expiresAt} />}
    </>
  );
}
