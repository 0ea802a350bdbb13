import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import {
  idMismatches,
  normalize,
  parseSession,
  playSession,
  README,
  withAnswers,
} from '../../scripts/readme-session.ts';

const markdown = readFileSync(README, 'utf8');

describe("the README's API session", () => {
  it('runs top to bottom as written, and answers what the README shows', async () => {
    const steps = parseSession(markdown);
    expect(steps.length).toBeGreaterThan(15);
    expect(steps.filter((step) => step.answer).length).toBeGreaterThan(12);
    // Every variable a block uses is set by a block before it or in it (`set -u` would stop the run).
    const { run, answers, rendered } = await playSession(markdown, {
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
    // …but within the README they are one play's: a retried create shows the case the create answered,
    // every block names a case by the same id and number, and no two cases share one.
    expect(idMismatches(steps, answers)).toEqual([]);
  }, 120_000);

  it('finds a retried create shown with another id than the create, and writes every block anew then', () => {
    const readme = [
      '## API clients',
      '```sh',
      'curl -s -X POST "$API/cases"',
      '```',
      '',
      '```',
      '201 Created',
      '{"id":"01M8PPCAM03ZN9KYDS76406ZYR","number":"CW-NR5WFR"}',
      '```',
      '```sh',
      'curl -s -X POST "$API/cases"',
      '```',
      '',
      '```',
      '201 Created',
      '{"id":"01M8PPCAM05T93VH9W0WHTP15A","number":"CW-ZCZ1J9"}',
      '```',
      '',
    ].join('\n');
    const steps = parseSession(readme);
    const same = '201 Created\n{"id":"01M8PPCAM0E47FV1R0P8XCBK35","number":"CW-JBF776"}';
    const answers = new Map([
      [0, same],
      [1, same],
    ]);
    expect(idMismatches(steps, answers)).toEqual([
      'block 1 shows 01M8PPCAM05T93VH9W0WHTP15A where block 0 shows 01M8PPCAM03ZN9KYDS76406ZYR: the play answered 01M8PPCAM0E47FV1R0P8XCBK35 both times',
      'block 1 shows CW-ZCZ1J9 where block 0 shows CW-NR5WFR: the play answered CW-JBF776 both times',
    ]);
    const rewritten = withAnswers(readme, steps, answers);
    expect(idMismatches(parseSession(rewritten), answers)).toEqual([]);
    expect(rewritten.match(/01M8PPCAM0E47FV1R0P8XCBK35/g)).toHaveLength(2);
    // Shown consistently already: nothing to rewrite.
    expect(withAnswers(rewritten, parseSession(rewritten), answers)).toBe(rewritten);
  });

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
