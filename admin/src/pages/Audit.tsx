// A business's audit log, for its owners and platform admins: who changed
// what and when, newest first, with the fields before and after.
import { useParams } from 'react-router';
import { AuditLog } from '../components/AuditLog';
import { Notice } from '../components/forms';
import { canManage, useUser } from '../session';

export function AuditPage() {
  const user = useUser();
  const { businessId = '' } = useParams();
  return (
    <section>
      <h1>Audit log</h1>
      {canManage(user, businessId) ? (
        <>
          <p className="lead">Every change made in the console to this business: settings, prompt, calendar and people, newest first.</p>
          <AuditLog path={`/businesses/${businessId}/audit`} empty="Nothing has been changed in the console yet." />
        </>
      ) : (
        <Notice kind="info">Only an owner of this business can read its audit log.</Notice>
      )}
    </section>
  );
}
