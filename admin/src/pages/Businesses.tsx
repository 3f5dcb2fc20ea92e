// The businesses this user belongs to (a platform admin: all of them), with
// what an operator checks first: answering or not, the calendar, the last
// message, and (for those they manage) this month's AI use and its cost.
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../api';
import { Notice } from '../components/forms';
import { LoadingOrError } from '../components/Loading';
import { useApiData } from '../components/useApiData';
import { formatAgo } from '../format';
import { canManage, roleIn, useUser } from '../session';
import type { BusinessSummary, MonthUsageView } from '../types';
import { usageSummary } from '../usage-words';

export function BusinessesPage() {
  const user = useUser();
  const list = useApiData<{ businesses: BusinessSummary[] }>('/businesses');
  // Answers only the businesses whose cost this user may see (none for someone who is only staff).
  const usage = useApiData<{ businesses: MonthUsageView[] }>('/usage');
  const usageOf = new Map(usage.data?.businesses.map((u) => [u.businessId, u]));
  const seesCost = user.platformAdmin || user.memberships.some((m) => m.role === 'OWNER');
  const [problem, setProblem] = useState('');

  async function setActive(business: BusinessSummary, active: boolean) {
    if (!active && !window.confirm(`Deactivate ${business.name}? Its WhatsApp messages will no longer be answered.`)) return;
    setProblem('');
    try {
      await api.post(`/businesses/${business.id}/${active ? 'activate' : 'deactivate'}`);
      list.reload();
    } catch (err) {
      setProblem(errorMessage(err));
    }
  }

  return (
    <section>
      <div className="page-heading">
        <h1>Businesses</h1>
        {user.platformAdmin && (
          <Link className="button" to="/businesses/new">
            New business
          </Link>
        )}
      </div>
      <Notice kind="error">{problem}</Notice>
      {!list.data ? (
        <LoadingOrError resource={list} />
      ) : list.data.businesses.length === 0 ? (
        <p>{user.platformAdmin ? 'No business yet. Create the first one.' : 'You do not belong to any business yet. Ask its owner for an invitation.'}</p>
      ) : (
        <table className="stacking">
          <thead>
            <tr>
              <th scope="col">Business</th>
              <th scope="col">Status</th>
              <th scope="col">Calendar</th>
              <th scope="col">Last message</th>
              {seesCost && <th scope="col">This month</th>}
              {user.platformAdmin && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.data.businesses.map((b) => (
              <tr key={b.id}>
                <td data-label="Business">
                  <Link to={`/businesses/${b.id}`}>{b.name}</Link>
                  <div className="muted">
                    WhatsApp {b.phoneNumberId} · {b.timeZone}
                    {!user.platformAdmin && ` · ${roleIn(user, b.id) === 'OWNER' ? 'owner' : 'staff'}`}
                  </div>
                </td>
                <td data-label="Status">
                  <span className={b.active ? 'badge badge-ok' : 'badge badge-off'}>{b.active ? 'Active' : 'Deactivated'}</span>
                  {b.tokenBudgetSpentAt && (
                    <>
                      {' '}
                      <span
                        className="badge badge-warn"
                        title="Customers are told a person will reply until midnight, or until the allowance is raised in Settings."
                      >
                        AI allowance used up today
                      </span>
                    </>
                  )}
                </td>
                <td data-label="Calendar">
                  <CalendarStatus calendar={b.calendar} />
                </td>
                <td data-label="Last message">{b.lastMessageAt ? formatAgo(b.lastMessageAt) : 'None yet'}</td>
                {seesCost && (
                  <td data-label="This month">
                    <MonthFigure usage={usageOf.get(b.id)} manager={canManage(user, b.id)} failed={usage.error} />
                  </td>
                )}
                {user.platformAdmin && (
                  <td data-label="Actions">
                    <button type="button" className="secondary" onClick={() => setActive(b, !b.active)}>
                      {b.active ? 'Deactivate' : 'Activate'}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** This month's tokens and cost; the API answers them only for the businesses this user manages. */
function MonthFigure({ usage, manager, failed }: { usage?: MonthUsageView; manager: boolean; failed?: string }) {
  if (!manager) return <span className="muted">Owners see it</span>;
  if (usage) return <>{usageSummary(usage)}</>;
  return failed ? (
    <span className="muted" title={failed}>
      Could not load
    </span>
  ) : (
    <span className="muted">Loading…</span>
  );
}

function CalendarStatus({ calendar }: { calendar: BusinessSummary['calendar'] }) {
  if (calendar.accessError)
    return (
      <span className="badge badge-warn" title={calendar.accessError}>
        Failing: Google refused access
      </span>
    );
  if (calendar.connected) return <span className="badge badge-ok">Connected</span>;
  return <span className="badge badge-off">Not connected</span>;
}
