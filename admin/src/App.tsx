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
import { UsersPage } from './pages/Users';
import { AuditPage } from './pages/Audit';
import { AllUsersPage } from './pages/AllUsers';
import { AcceptInvitationPage } from './pages/AcceptInvitation';
import { SettingsPage } from './pages/Settings';
import { PromptPage } from './pages/Prompt';
import { CalendarPage } from './pages/Calendar';
import { WhatsAppTokenPage } from './pages/WhatsAppToken';
import { TryItPage } from './pages/TryIt';
import { AppointmentsPage } from './pages/Appointments';
import { InboxPage } from './pages/Inbox';
import { ConversationPage } from './pages/Conversation';

export function App() {
  return (
    <BrowserRouter basename="/admin">
      <SessionProvider>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          {/* An invitation link is opened by someone who has no account yet. */}
          <Route path="/invite/:token" element={<AcceptInvitationPage />} />
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
            <Route path="/users" element={<AllUsersPage />} />
            <Route path="/businesses/:businessId" element={<BusinessTabs />}>
              <Route index element={<Navigate to="conversations" replace />} />
              <Route path="conversations" element={<InboxPage />}>
                <Route path=":customerId" element={<ConversationPage />} />
              </Route>
              <Route path="appointments" element={<AppointmentsPage />} />
              <Route path="settings" element={<SettingsPage />} />
              <Route path="prompt" element={<PromptPage />} />
              <Route path="calendar" element={<CalendarPage />} />
              <Route path="whatsapp" element={<WhatsAppTokenPage />} />
              <Route path="try-it" element={<TryItPage />} />
              <Route path="users" element={<UsersPage />} />
              <Route path="audit" element={<AuditPage />} />
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
