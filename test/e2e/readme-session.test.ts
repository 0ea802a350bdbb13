import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { normalize, parseSession, playSession, README } from '../../scripts/readme-session.ts';

const markdown = readFileSync(README, 'utf8');

describe("the README's API session", () => {
  it('runs top to bottom as written, and answers what the README shows', async () => {
    const steps = parseSession(markdown);
    expect(steps.length).toBeGreaterThan(15);
    expect(steps.filter((step) => step.answer).length).toBeGreaterThan(12);
    // Every variable a block uses is set by a block before it or in it (`set -u` would stop the run).
    const { run, rendered } = await playSession(markdown, {
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableName: `casewatch-readme-${randomBytes(4).toString('hex')}`,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    // A call whose answer the README does not show (tokens, the clock, the inbox, captured values)
    // must have worked.
    const shown = new Set(steps.filter((step) => step.answer).map((step) => step.index));
    const unseenFailures = run.calls.filter((call) => !shown.has(call.block) && call.status >= 400);
    expect(unseenFailures.map((call) => `${call.status} ${call.method} ${call.url}`)).toEqual([]);
    // The answers shown are the ones the API gives now (ids, numbers and tokens differ per run).
    // After a change to an answer: `npm run readme:examples`.
    expect(normalize(rendered)).toBe(normalize(markdown));
  }, 120_000);

  it('shows the typed client example exactly as the file the type check compiles', () => {
    const example = readFileSync(new URL('../../openapi/client-example.ts', import.meta.url), 'utf8');
    expect(markdown).toContain(`\`\`\`ts\n${example.trimEnd()}\n\`\`\``);
  });

  it('links the contract and its reference page', () => {
    const section = markdown.slice(markdown.indexOf('## API clients'));
    expect(section).toContain('(http://localhost:3000/openapi.json)');
    expect(section).toContain('(http://localhost:3000/docs)');
  });
});
