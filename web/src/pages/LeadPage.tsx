import { Navigate } from 'react-router';
import { useSignedIn } from '../app-context.tsx';

/** Leads' overview: built on `GET /stats` (backlog, compliance, escalations, agents, surveys). */
export function LeadPage() {
  const person = useSignedIn();
  if (!person) return <Navigate to="/sign-in?next=/lead" replace />;
  return <h1 tabIndex={-1}>Overview</h1>;
}
