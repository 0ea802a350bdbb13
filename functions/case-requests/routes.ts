import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Actor } from '../../shared/app/actor.ts';
import { attachmentDownload, requestAttachmentUpload } from '../../shared/app/attachments.ts';
import { readerOf, toCaseView } from '../../shared/app/case-view.ts';
import { changeStatus } from '../../shared/app/change-status.ts';
import {
  cancelMeeting,
  type MeetingChange,
  noMeeting,
  pickByLink,
  pickMeetingSlot,
  proposeMeeting,
  readMeetingByLink,
  rescheduleMeeting,
} from '../../shared/app/meetings.ts';
import { postMessage } from '../../shared/app/post-message.ts';
import { requestEscalation } from '../../shared/app/requester-actions.ts';
import { answerCaseSurvey, noSurvey, readSurvey, submitSurvey } from '../../shared/app/survey.ts';
import { type ApiDeps, json, type Route } from '../../shared/http/api-handler.ts';
import { caseResponse } from '../../shared/http/case-response.ts';
import {
  attachmentIdParam,
  caseIdParam,
  channelOf,
  ifMatchVersion,
  jsonBody,
  meetingIdParam,
  prefersHtml,
} from '../../shared/http/request.ts';
import {
  AttachmentSchema,
  CancelMeetingSchema,
  ChangeStatusSchema,
  EscalationSchema,
  MeetingTokenSchema,
  PickSlotSchema,
  PostMessageSchema,
  ProposeMeetingSchema,
  RescheduleMeetingSchema,
  SurveyAnswerSchema,
  SurveyTokenSchema,
} from '../../shared/http/schemas.ts';
import { formAnswer, isFormPost } from '../../shared/http/survey-form.ts';
import {
  htmlAnswer,
  invalidSurveyPage,
  SURVEY_LINK_HEADERS,
  surveyPage,
  thanksPage,
} from '../../shared/http/survey-page.ts';
import type { BlobStore } from '../../shared/ports/blob-store.ts';

/**
 * What requesters and staff both do on a case: write, close or move it, escalate, attach and fetch files;
 * answer its survey (by the mailed link, or in the portal); meet (staff propose, the requester picks by
 * the mailed link or in the portal, either side moves or cancels).
 */
export type RequestDeps = ApiDeps & { blobs: BlobStore };

/** The survey link's token; a malformed one is a link casewatch never sent, so a 404. */
function surveyTokenParam(event: APIGatewayProxyEventV2): string {
  const token = SurveyTokenSchema.safeParse(event.pathParameters?.token ?? '');
  if (!token.success) throw noSurvey();
  return token.data;
}

/** The meeting link's token; a malformed one is a link casewatch never sent, so a 404. */
function meetingTokenParam(event: APIGatewayProxyEventV2): string {
  const token = MeetingTokenSchema.safeParse(event.pathParameters?.token ?? '');
  if (!token.success) throw noMeeting();
  return token.data;
}

/** A meeting and its case, as the caller reads them (a requester sees the organizer by name). */
function meetingAnswer(status: 200 | 201, change: MeetingChange, deps: RequestDeps, actor: Actor) {
  const view = toCaseView(change.case, deps.policy, readerOf(actor));
  const meeting = view.meetings.find((m) => m.id === change.meeting.id) ?? change.meeting;
  return json(status, { meeting, case: view }, { etag: `"${change.case.version}"` });
}

export const requestRoutes: Record<string, Route<RequestDeps>> = {
  'POST /cases/{id}/messages': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const posted = await postMessage(
      deps,
      actor,
      id,
      { ...jsonBody(event, PostMessageSchema), channel: channelOf(event) },
      ifMatchVersion(event),
    );
    if (posted.kind === 'posted') {
      return json(
        201,
        { message: posted.event, case: toCaseView(posted.case, deps.policy, readerOf(actor)) },
        { etag: `"${posted.case.version}"` },
      );
    }
    const { case: opened, caseToken } = posted.opened;
    return json(
      201,
      {
        message: null,
        case: toCaseView(opened, deps.policy, readerOf(actor)),
        ...(caseToken ? { caseToken } : {}),
        notice: `case ${posted.closedCaseNumber} is closed, so your message opened a new case, ${opened.number}, linked to it`,
      },
      { etag: `"${opened.version}"` },
    );
  },
  'POST /cases/{id}/status': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const body = jsonBody(event, ChangeStatusSchema);
    return caseResponse(
      200,
      await changeStatus(deps, actor, id, body, ifMatchVersion(event)),
      deps.policy,
      readerOf(actor),
    );
  },
  'POST /cases/{id}/escalations': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const { reason } = jsonBody(event, EscalationSchema);
    return caseResponse(
      201,
      await requestEscalation(deps, actor, id, reason, ifMatchVersion(event)),
      deps.policy,
      readerOf(actor),
    );
  },
  'POST /cases/{id}/attachments': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const body = jsonBody(event, AttachmentSchema);
    return json(201, await requestAttachmentUpload(deps, actor, id, body, ifMatchVersion(event)));
  },
  'GET /cases/{id}/attachments/{attachmentId}': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const download = await attachmentDownload(deps, actor, id, attachmentIdParam(event));
    // The URL is a credential for its quarter of an hour: no cache keeps it.
    return json(200, download, { 'cache-control': 'no-store' });
  },
  'POST /cases/{id}/survey': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const answer = jsonBody(event, SurveyAnswerSchema);
    return json(201, await answerCaseSurvey(deps, actor, id, answer));
  },
  'GET /surveys/{token}': async ({ event, deps }) => {
    // The mailed link opens in a browser: people get the survey page, API clients keep the JSON view.
    if (prefersHtml(event)) {
      return htmlAnswer(async () => surveyPage(await readSurvey(deps, surveyTokenParam(event))));
    }
    return json(200, await readSurvey(deps, surveyTokenParam(event)), {
      ...SURVEY_LINK_HEADERS,
      vary: 'Accept',
    });
  },
  'POST /surveys/{token}': async ({ event, deps }) => {
    if (isFormPost(event)) {
      return htmlAnswer(async () => {
        const token = surveyTokenParam(event);
        const form = formAnswer(event);
        if (!form.ok) return invalidSurveyPage(await readSurvey(deps, token), form.form);
        return thanksPage(await submitSurvey(deps, token, form.answer));
      });
    }
    const token = surveyTokenParam(event);
    const answer = jsonBody(event, SurveyAnswerSchema);
    return json(201, await submitSurvey(deps, token, answer), SURVEY_LINK_HEADERS);
  },
  'POST /cases/{id}/meetings': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const input = jsonBody(event, ProposeMeetingSchema);
    const join = { url: input.join.url ?? null, dialIn: input.join.dialIn ?? null };
    const change = await proposeMeeting(deps, actor, id, { ...input, join }, ifMatchVersion(event));
    return meetingAnswer(201, change, deps, actor);
  },
  'POST /cases/{id}/meetings/{meetingId}/pick': async ({ event, actor, deps }) => {
    const { start } = jsonBody(event, PickSlotSchema);
    return meetingAnswer(
      200,
      await pickMeetingSlot(
        deps,
        actor,
        caseIdParam(event),
        meetingIdParam(event),
        start,
        ifMatchVersion(event),
      ),
      deps,
      actor,
    );
  },
  'POST /cases/{id}/meetings/{meetingId}/reschedule': async ({ event, actor, deps }) => {
    const slot = jsonBody(event, RescheduleMeetingSchema);
    return meetingAnswer(
      200,
      await rescheduleMeeting(
        deps,
        actor,
        caseIdParam(event),
        meetingIdParam(event),
        slot,
        ifMatchVersion(event),
      ),
      deps,
      actor,
    );
  },
  'POST /cases/{id}/meetings/{meetingId}/cancel': async ({ event, actor, deps }) => {
    const { reason } = jsonBody(event, CancelMeetingSchema);
    return meetingAnswer(
      200,
      await cancelMeeting(
        deps,
        actor,
        caseIdParam(event),
        meetingIdParam(event),
        reason ?? null,
        ifMatchVersion(event),
      ),
      deps,
      actor,
    );
  },
  // A meeting link is a credential like a survey link: answered with the same no-store, no-referrer headers.
  'GET /meetings/{token}': async ({ event, deps }) =>
    json(200, await readMeetingByLink(deps, meetingTokenParam(event)), SURVEY_LINK_HEADERS),
  'POST /meetings/{token}': async ({ event, deps }) => {
    const token = meetingTokenParam(event);
    const { start } = jsonBody(event, PickSlotSchema);
    return json(200, await pickByLink(deps, token, start), SURVEY_LINK_HEADERS);
  },
};
