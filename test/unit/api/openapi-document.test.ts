import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, generateArtifacts } from '../../../openapi/generate.ts';
import { OPERATIONS } from '../../../shared/http/api-contract.ts';
import { ROUTES } from '../../../shared/http/routes.ts';

const committed = {
  document: readFileSync(ARTIFACTS.document, 'utf8'),
  types: readFileSync(ARTIFACTS.types, 'utf8'),
};
const document = JSON.parse(committed.document) as {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

describe('the API document is generated from the code, never written by hand', () => {
  it('the committed document and client types are exactly what the code generates now (run `npm run openapi`)', async () => {
    const generated = await generateArtifacts();
    expect(committed.document).toBe(generated.document);
    expect(committed.types).toBe(generated.types);
  });

  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every route the API serves, and no route it does not', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => r.routeKey).sort());
    expect(Object.keys(OPERATIONS).sort()).toEqual(ROUTES.map((r) => r.routeKey).sort());
  });

  it('gives every operation a unique id, a 2xx answer, and the faults every route can meet', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['413', '500']));
      }
    }
  });

  it('lints clean with Redocly’s recommended rules: no error, no warning', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      [
        'node_modules/@redocly/cli/bin/cli.js',
        'lint',
        ARTIFACTS.document.pathname,
        '--extends=recommended',
        '--format=json',
      ],
      {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});
