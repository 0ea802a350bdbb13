import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { attachmentDownload, requestAttachmentUpload } from '../../shared/app/attachments.ts';
import { toCaseView } from '../../shared/app/case-view.ts';
import { changeStatus } from '../../shared/app/change-status.ts';
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
  prefersHtml,
} from '../../shared/http/request.ts';
import {
  AttachmentSchema,
  ChangeStatusSchema,
  EscalationSchema,
  PostMessageSchema,
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
 * answer its survey (by the mailed link, or in the portal).
 */
export type RequestDeps = ApiDeps & { blobs: BlobStore };

/** The survey link's token; a malformed one is a link casewatch never sent, so a 404. */
function surveyTokenParam(event: APIGatewayProxyEventV2): string {
  const token = SurveyTokenSchema.safeParse(event.pathParameters?.token ?? '');
  if (!token.success) throw noSurvey();
  return token.data;
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
      return json(201, { message: posted.event, case: toCaseView(posted.case, deps.policy) });
    }
    const { case: opened, caseToken } = posted.opened;
    return json(201, {
      message: null,
      case: toCaseView(opened, deps.policy),
      ...(caseToken ? { caseToken } : {}),
      notice: `case ${posted.closedCaseNumber} is closed, so your message opened a new case, ${opened.number}, linked to it`,
    });
  },
  'POST /cases/{id}/status': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const body = jsonBody(event, ChangeStatusSchema);
    return caseResponse(200, await changeStatus(deps, actor, id, body, ifMatchVersion(event)), deps.policy);
  },
  'POST /cases/{id}/escalations': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const { reason } = jsonBody(event, EscalationSchema);
    return caseResponse(
      201,
      await requestEscalation(deps, actor, id, reason, ifMatchVersion(event)),
      deps.policy,
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
};
