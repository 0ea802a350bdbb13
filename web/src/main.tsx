import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { createApi } from './api.ts';
import { PortalContext } from './app-context.tsx';
import { createAuth } from './auth.ts';
import { Layout } from './components/Layout.tsx';
import { loadConfig } from './config.ts';
import { AuthCallback } from './pages/AuthCallback.tsx';
import { CasePage } from './pages/CasePage.tsx';
import { Home } from './pages/Home.tsx';
import { LeadPage } from './pages/LeadPage.tsx';
import { MeetingPage } from './pages/MeetingPage.tsx';
import { MyCases } from './pages/MyCases.tsx';
import { NewCase } from './pages/NewCase.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { Queue } from './pages/Queue.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { SurveyPage } from './pages/SurveyPage.tsx';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

try {
  const config = await loadConfig();
  const portal = { config, api: createApi(config.apiBase), auth: createAuth(config.auth, config.apiBase) };
  const router = createBrowserRouter([
    {
      element: <Layout />,
      children: [
        { path: '/', element: <Home /> },
        { path: '/new', element: <NewCase /> },
        { path: '/case/:ref', element: <CasePage /> },
        { path: '/my-cases', element: <MyCases /> },
        { path: '/queue', element: <Queue /> },
        { path: '/lead', element: <LeadPage /> },
        { path: '/sign-in', element: <SignIn /> },
        { path: '/auth/callback', element: <AuthCallback /> },
        { path: '/survey', element: <SurveyPage /> },
        { path: '/meeting', element: <MeetingPage /> },
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
  root.render(
    <StrictMode>
      <PortalContext.Provider value={portal}>
        <RouterProvider router={router} />
      </PortalContext.Provider>
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <main className="page">
      <h1>casewatch support is unavailable</h1>
      <p role="alert">{error instanceof Error ? error.message : String(error)}</p>
    </main>,
  );
}
