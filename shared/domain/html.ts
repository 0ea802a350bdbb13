/**
 * The one HTML escape: every user-supplied string goes through it before it enters markup (mail
 * templates, the survey page). Escapes the five characters that matter in text and quoted attributes.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
