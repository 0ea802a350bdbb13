import { readerOf } from '../../shared/app/case-view.ts';
import { assignCase, recordWorkaround, setSeverity } from '../../shared/app/triage.ts';
import type { ApiDeps, Route } from '../../shared/http/api-handler.ts';
import { caseResponse } from '../../shared/http/case-response.ts';
import { caseIdParam, ifMatchVersion, jsonBody } from '../../shared/http/request.ts';
import { AssignSchema, SetSeveritySchema, WorkaroundSchema } from '../../shared/http/schemas.ts';
import type { StaffDirectory } from '../../shared/ports/staff-directory.ts';

/** The API's deps plus who is on the support team (assignees must be). */
export type TriageDeps = ApiDeps & { staff: StaffDirectory };

/** Staff-only decisions on a case: severity, assignee, workaround. */
export const triageRoutes: Record<string, Route<TriageDeps>> = {
  'PUT /cases/{id}/severity': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const body = jsonBody(event, SetSeveritySchema);
    return caseResponse(
      200,
      await setSeverity(deps, actor, id, body, ifMatchVersion(event)),
      deps.policy,
      readerOf(actor),
    );
  },
  'PUT /cases/{id}/assignee': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const { agent } = jsonBody(event, AssignSchema);
    return caseResponse(
      200,
      await assignCase(deps, actor, id, agent, ifMatchVersion(event)),
      deps.policy,
      readerOf(actor),
    );
  },
  'POST /cases/{id}/workaround': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const { note } = jsonBody(event, WorkaroundSchema, true);
    return caseResponse(
      200,
      await recordWorkaround(deps, actor, id, note, ifMatchVersion(event)),
      deps.policy,
      readerOf(actor),
    );
  },
};
