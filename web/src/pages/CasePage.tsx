import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  type Case,
  type Credential,
  credentialHeaders,
  type Problem,
  problemOf,
  type TimelineEvent,
} from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { ProblemNotice } from '../components/Field.tsx';
import { fragmentParam } from '../hooks.ts';
import { downloadFile } from '../uploads.ts';
import { RequesterCase } from './RequesterCase.tsx';
import { StaffCase } from './StaffCase.tsx';

export interface LoadedCase {
  c: Case;
  events: TimelineEvent[];
  credential: Credential;
  /** Reads the case and its timeline again. */
  reload: () => Promise<void>;
  /** Takes a case an answer carried, then reads the timeline again. */
  replace: (c: Case) => Promise<void>;
  download: (attachmentId: string) => Promise<void>;
}

/**
 * `/case/:ref`: a case by its number (or id). A signed-in person reads it with their token; a buyer with
 * the case token their link carries in its fragment (`#token=…`), which never reaches a server log.
 */
export function CasePage() {
  const { ref = '' } = useParams();
  const { api } = usePortal();
  const person = useSignedIn();
  const caseToken = fragmentParam('token');
  const credential: Credential = person ? { bearer: person.idToken } : caseToken ? { caseToken } : null;
  const [c, setCase] = useState<Case | null>(null);
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const headers = credentialHeaders(credential);
  const key = JSON.stringify(headers);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the credential headers
  const loadEvents = useCallback(
    async (id: string) => {
      const all: TimelineEvent[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const { data } = await api.GET('/cases/{id}/events', {
          params: { path: { id }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          headers,
        });
        if (!data) break;
        all.push(...data.items);
        if (!data.cursor) break;
        cursor = data.cursor;
      }
      setEvents(all);
    },
    [api, key],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the credential headers
  const reload = useCallback(async () => {
    const { data, error, response } = await api.GET('/cases/{id}', {
      params: { path: { id: ref } },
      headers,
    });
    if (!data) {
      setProblem(problemOf(error, response));
      return;
    }
    setProblem(null);
    setCase(data);
    await loadEvents(data.id);
  }, [api, ref, key, loadEvents]);

  const hasCredential = credential !== null;
  useEffect(() => {
    if (hasCredential) void reload();
  }, [reload, hasCredential]);

  if (!credential) {
    return (
      <>
        <h1 tabIndex={-1}>Case {ref}</h1>
        <p>
          Open this case from the link in the mail we sent you, or{' '}
          <Link to={`/sign-in?next=/case/${ref}`}>sign in</Link>.
        </p>
      </>
    );
  }
  if (problem) {
    return (
      <>
        <h1 tabIndex={-1}>Case {ref}</h1>
        <ProblemNotice
          problem={
            problem.status === 404
              ? {
                  title: 'Not found',
                  detail: 'There is no such case, or this link or account does not open it.',
                }
              : problem
          }
        />
      </>
    );
  }
  if (!c) {
    return (
      <h1 tabIndex={-1} aria-busy="true">
        Case {ref}
      </h1>
    );
  }

  const loaded: LoadedCase = {
    c,
    events,
    credential,
    reload,
    replace: async (next) => {
      setCase(next);
      await loadEvents(next.id);
    },
    download: (attachmentId) => downloadFile(api, c.id, attachmentId, credential),
  };
  return person?.role === 'agent' || person?.role === 'lead' ? (
    <StaffCase {...loaded} />
  ) : (
    <RequesterCase {...loaded} />
  );
}
