import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/constructs/casewatch-function.ts';
import { ROUTES } from '../../../shared/http/routes.ts';

/** docs/api.md's route-group table, row by row: the group and the text of its routes cell. */
function groupTable(): Map<string, string> {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'api.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([a-z-]+)` +\| (.+?) +\|$/gm)) rows.set(m[1] as string, m[2] as string);
  return rows;
}

describe('docs/api.md lists every route in its group', () => {
  it('each group of the route table has a row, and the row names each of its routes’ last path step', () => {
    const rows = groupTable();
    const missing: string[] = [];
    for (const route of ROUTES) {
      const row = rows.get(route.group);
      const last = route.path.split('/').filter(Boolean).at(-1) as string;
      if (!row?.includes(last)) missing.push(`${route.group}: ${route.routeKey}`);
    }
    expect(missing).toEqual([]);
  });

  it('the JWT-authorizer routes README and docs/api.md count are as many as the route table has', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const api = readFileSync(join(PROJECT_ROOT, 'docs', 'api.md'), 'utf8');
    const jwt = ROUTES.filter((r) => r.auth === 'jwt');
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    expect(readme).toContain(`The ${words[jwt.length]} routes for signed-in staff and sellers only`);
    expect(api).toContain(`**\`jwt\`** routes, the ${words[jwt.length]} for staff and sellers only`);
  });
});

describe("README's route table (API clients)", () => {
  it('has one row per route of the route table, and no other', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## API clients'));
    const table = section.slice(section.indexOf('| route ')).split('\n\n')[0] as string;
    const listed = table
      .split('\n')
      .slice(2)
      .map((row) => /^\| `([A-Z]+ \/[^`]*)` +\|/.exec(row)?.[1] ?? `not a route row: ${row}`);
    expect(listed.slice().sort()).toEqual(ROUTES.map((r) => r.routeKey).sort());
  });
});
