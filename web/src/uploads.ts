import { type Api, type Credential, credentialHeaders, problemOf } from './api.ts';

/**
 * Attaches files to a case: ask the API where to put each one, then PUT its bytes there (a presigned S3
 * URL in AWS). The file shows on the timeline when it has arrived. Answers the files that failed, with why.
 */
export async function attachFiles(
  api: Api,
  caseId: string,
  files: readonly File[],
  credential: Credential,
  options: { internal?: boolean } = {},
): Promise<{ fileName: string; reason: string }[]> {
  const failed: { fileName: string; reason: string }[] = [];
  for (const file of files) {
    const contentType = file.type || 'application/octet-stream';
    const { data, error, response } = await api.POST('/cases/{id}/attachments', {
      params: { path: { id: caseId } },
      headers: credentialHeaders(credential),
      body: {
        fileName: file.name,
        contentType,
        size: file.size,
        ...(options.internal ? { internal: true } : {}),
      },
    });
    if (!data) {
      const problem = problemOf(error, response);
      failed.push({
        fileName: file.name,
        reason: problem.errors?.[0]?.message ?? problem.detail ?? problem.title,
      });
      continue;
    }
    const put = await fetch(data.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body: file,
    });
    if (!put.ok) failed.push({ fileName: file.name, reason: `the upload was refused (${put.status})` });
  }
  return failed;
}

/** Fetches a fresh download URL for a file and lets the browser save it under its name. */
export async function downloadFile(api: Api, caseId: string, attachmentId: string, credential: Credential) {
  const { data, error, response } = await api.GET('/cases/{id}/attachments/{attachmentId}', {
    params: { path: { id: caseId, attachmentId } },
    headers: credentialHeaders(credential),
  });
  if (!data) throw new Error(problemOf(error, response).detail ?? 'the file cannot be fetched');
  location.assign(data.url);
}
