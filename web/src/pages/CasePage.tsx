import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  type Case,
  type Credential,
  credentialHeaders,
  problemOf,
  serverNow,
  type TimelineEvent,
} from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { ProblemNotice } from '../components/Field.tsx';
import { fragmentParam, useHeadingFocusWhenReady, usePolled } from '../hooks.ts';
import { downloadFile } from '../uploads.ts';
import { RequesterCase } from './RequesterCase.tsx';
import { StaffCase } from './StaffCase.tsx';

/** A case and its timeline, as read together. */
export interface CaseView {
  c: Case;
  events: TimelineEvent[];
}

export interface LoadedCase {
  c: Case;
  events: TimelineEvent[];
  credential: Credential;
  /** Who reads the page: the signed-in person's email, else the case token's requester's. */
  viewer: string | null;
  /** Reads the case and its timeline again; the fresh view, or null when the read failed. */
  reload: () => Promise<CaseView | null>;
  /** Takes a case an answer carried, then reads the timeline again. */
  replace: (c: Case) => Promise<void>;
  download: (attachmentId: string) => Promise<void>;
}

/**
 * How often an open case page reads the case again: what others (a colleague, the requester's mail,
 * casewatch's timers and reactions) changed shows, and the next write carries the current version.
 */
export const CASE_REFRESH_MS = 15_000;
/** Just after a close, until the survey is recorded (a moment later, by the reactions): sooner. */
const JUST_CLOSED_REFRESH_MS = 3_000;
const JUST_CLOSED_FOR_MS = 2 * 60_000;

/** Of two reads of the same case, the later version: a read that raced a write never undoes it. */
function newer(current: CaseView | null, read: CaseView): CaseView {
  return current && current.c.id === read.c.id && current.c.version > read.c.version ? current : read;
}

/**
 * `/case/:ref`: a case by its number (or id). A signed-in person reads it with their token; a buyer with
 * the case token their link carries in its fragment (`#token=…`), which never reaches a server log. The
 * page reads the case and its timeline again every 15 seconds and when the window gets focus back.
 */
export function CasePage() {
  const { ref = '' } = useParams();
  const { api } = usePortal();
  const person = useSignedIn();
  const caseToken = fragmentParam('token');
  const credential: Credential = person ? { bearer: person.idToken } : caseToken ? { caseToken } : null;
  const headers = credentialHeaders(credential);
  const key = JSON.stringify([ref, headers]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the case and the credential headers
  const readCase = useCallback(async () => {
    const { data, error, response } = await api.GET('/cases/{id}', {
      params: { path: { id: ref } },
      headers,
    });
    if (!data) return { error, response };
    const events: TimelineEvent[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const answer = await api.GET('/cases/{id}/events', {
        params: { path: { id: data.id }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
        headers,
      });
      // A timeline read only in part would hide events: keep the last whole one instead.
      if (!answer.data) return { error: answer.error, response: answer.response };
      events.push(...answer.data.items);
      if (!answer.data.cursor) break;
      cursor = answer.data.cursor;
    }
    return { data: { c: data, events } satisfies CaseView, response };
  }, [api, key]);

  const [soon, setSoon] = useState(false);
  const {
    value: view,
    setValue,
    problem,
    setProblem,
  } = usePolled<CaseView>(
    credential ? readCase : null,
    key,
    soon ? JUST_CLOSED_REFRESH_MS : CASE_REFRESH_MS,
    { onFocus: true, keep: newer },
  );

  const reload = useCallback(async () => {
    const answer = await readCase();
    if (!answer.data) {
      setProblem(problemOf(answer.error, answer.response));
      return null;
    }
    const read = answer.data;
    setValue((now) => newer(now, read));
    setProblem(null);
    return read;
  }, [readCase, setValue, setProblem]);

  const c = view?.c ?? null;
  const justClosed =
    c !== null &&
    c.status === 'closed' &&
    !c.survey &&
    serverNow() - Date.parse(c.updatedAt) < JUST_CLOSED_FOR_MS;
  useEffect(() => setSoon(justClosed), [justClosed]);
  // The "Loading…" heading had focus and is gone: the case's own heading takes it.
  useHeadingFocusWhenReady(view !== null || problem !== null);

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
  if (problem && !view) {
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
  if (!view || !c) {
    return (
      <h1 tabIndex={-1} aria-busy="true">
        Case {ref}
      </h1>
    );
  }

  const loaded: LoadedCase = {
    c,
    events: view.events,
    credential,
    viewer: person?.email ?? c.requester.email,
    reload,
    replace: async (next) => {
      setValue((now) => newer(now, { c: next, events: now?.events ?? [] }));
      await reload();
    },
    download: (attachmentId) => downloadFile(api, c.id, attachmentId, credential),
  };
  return (
    <>
      {problem && (
        <p className="notice refresh-notice" role="status">
          Could not read the case again ({problem.title}); what is shown may be out of date.
        </p>
      )}
      {person?.role === 'agent' || person?.role === 'lead' ? (
        <StaffCase {...loaded} />
      ) : (
        <RequesterCase {...loaded} />
      )}
    </>
  );
}
