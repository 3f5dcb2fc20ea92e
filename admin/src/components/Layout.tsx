// The frame around every signed-in page: who is signed in, the sections this
// user may open, and the business's own sections when a business is open.
import { NavLink, Outlet, useNavigate, useParams } from 'react-router';
import { canManage, roleIn, useSession, useUser } from '../session';
import { errorMessage } from '../api';
import { useState } from 'react';
import { Notice } from './forms';

export function Layout() {
  const user = useUser();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const [problem, setProblem] = useState('');

  async function onSignOut() {
    try {
      await signOut();
      void navigate('/sign-in');
    } catch (err) {
      setProblem(errorMessage(err));
    }
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <NavLink to="/" className="brand">
          Booking assistant
        </NavLink>
        <nav aria-label="Console">
          <NavLink to="/businesses">Businesses</NavLink>
          {user.platformAdmin && <NavLink to="/users">Users</NavLink>}
          <NavLink to="/account">Account</NavLink>
        </nav>
        <div className="who">
          <span title={user.email}>{user.name || user.email}</span>
          <button type="button" className="link-button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Notice kind="error">{problem}</Notice>
        <Outlet />
      </main>
    </>
  );
}

/** The tabs of one business: every member may look; only owners and platform admins see the pages that change things. */
export function BusinessTabs() {
  const user = useUser();
  const { businessId = '' } = useParams();
  const manager = canManage(user, businessId);
  const role = user.platformAdmin ? 'Platform admin' : roleIn(user, businessId) === 'OWNER' ? 'Owner' : 'Staff';
  return (
    <>
      <nav aria-label="Business" className="tabs">
        {/* First: answering customers is what staff come for, and an owner's first question. */}
        <NavLink to={`/businesses/${businessId}/conversations`}>Conversations</NavLink>
        <NavLink to={`/businesses/${businessId}/appointments`}>Appointments</NavLink>
        <NavLink to={`/businesses/${businessId}/settings`}>Settings</NavLink>
        <NavLink to={`/businesses/${businessId}/prompt`}>Prompt</NavLink>
        {manager && <NavLink to={`/businesses/${businessId}/calendar`}>Calendar</NavLink>}
        {manager && <NavLink to={`/businesses/${businessId}/whatsapp`}>WhatsApp</NavLink>}
        {manager && <NavLink to={`/businesses/${businessId}/try-it`}>Try it</NavLink>}
        {manager && <NavLink to={`/businesses/${businessId}/users`}>Users</NavLink>}
        {manager && <NavLink to={`/businesses/${businessId}/audit`}>Audit log</NavLink>}
        <span className="tab-role">You: {role}</span>
      </nav>
      <Outlet />
    </>
  );
}
