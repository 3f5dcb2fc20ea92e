import { Navigate } from 'react-router';
import { useUser } from '../session';

/** Someone with one business lands on it; everyone else on the list. */
export function HomeRedirect() {
  const user = useUser();
  const only = !user.platformAdmin && user.memberships.length === 1 ? user.memberships[0] : undefined;
  return <Navigate to={only ? `/businesses/${only.businessId}` : '/businesses'} replace />;
}
