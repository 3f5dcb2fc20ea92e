// The console's pages and who may open them. Every page is also guarded by the
// API: a route hidden here is one the server refuses.
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { ReactNode } from 'react';
import { BusinessTabs, Layout } from './components/Layout';
import { SessionProvider, useSession } from './session';
import { SignInPage } from './pages/SignIn';
import { AccountPage } from './pages/Account';
import { BusinessesPage } from './pages/Businesses';
import { NewBusinessPage } from './pages/NewBusiness';
import { HomeRedirect } from './pages/Home';
import { NotFoundPage } from './pages/NotFound';
import { SettingsPage } from './pages/Settings';

export function App() {
  return (
    <BrowserRouter basename="/admin">
      <SessionProvider>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route
            element={
              <RequireUser>
                <Layout />
              </RequireUser>
            }
          >
            <Route index element={<HomeRedirect />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="/businesses" element={<BusinessesPage />} />
            <Route path="/businesses/new" element={<NewBusinessPage />} />
            <Route path="/businesses/:businessId" element={<BusinessTabs />}>
              <Route index element={<Navigate to="settings" replace />} />
              <Route path="settings" element={<SettingsPage />} />
            </Route>
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}

/** Shows the page to a signed-in user; anyone else goes to sign in and comes back here afterwards. */
function RequireUser({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined)
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (user === null) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}
