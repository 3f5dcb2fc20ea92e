// Who is signed in, for every page: loaded once from GET /admin/api/me, and
// refreshed after anything that changes it (sign-in, accepting an invitation).
// The pages use it only to hide what the API would refuse anyway.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from './api';
import type { BusinessRole, User } from './types';

interface Session {
  /** undefined while loading, null when nobody is signed in. */
  user: User | null | undefined;
  /** Reads /me again; returns the user, or null when the session has ended. */
  refresh(): Promise<User | null>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const { user: me } = await api.get<{ user: User }>('/me');
      setUser(me);
      return me;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setUser(null);
        return null;
      }
      throw err;
    }
  }, []);

  const signOut = useCallback(async () => {
    await api.post('/sign-out');
    setUser(null);
  }, []);

  useEffect(() => {
    refresh().catch(() => setUser(null));
  }, [refresh]);

  return <SessionContext.Provider value={{ user, refresh, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; only for pages under RequireUser, which renders nothing until there is one. */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser on a page shown without a signed-in user');
  return user;
}

export function roleIn(user: User, businessId: string): BusinessRole | undefined {
  return user.memberships.find((m) => m.businessId === businessId)?.role;
}

/** Whether the API lets this user change the business's settings, prompt, calendar and users. */
export function canManage(user: User, businessId: string): boolean {
  return user.platformAdmin || roleIn(user, businessId) === 'OWNER';
}
