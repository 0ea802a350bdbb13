import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime.ts';

/*
 * The README's "API clients" section is a session a reader can run top to bottom: every ```sh block
 * in it, in order, in one bash, against a runtime on a manual clock started at SESSION_START. This
 * module runs it and renders each block's answers into the untagged ``` block that follows it.
 *
 * - `npm run readme:examples` plays the session on a fresh runtime and rewrites those answer blocks, all
 *   of them from that one play (or none, when the README already shows what it answered).
 * - test/e2e/readme-session.test.ts plays it again and fails when a block exits non-zero, a call with
 *   no answer block shown fails, an answer differs from the README (ids, tokens and ports aside), or the
 *   README names one thing by two ids, or two things by one, where the play did not (`idMismatches`).
 *
 * What a block shows: every call's status, the headers a client acts on, and the JSON body. A comment
 * `# show: a b.c d.-e` right before a call keeps only the fields it names of its answer (at a level
 * where it names none, all but the `-` ones; a dotted path goes into objects and through arrays); the rest
 * becomes `…`. Calls to the local clock and
 * token helpers are not shown.
 */

export const README = new URL('../README.md', import.meta.url);
export const SESSION_START = new Date('2026-11-30T17:00:00Z');
const SECTION = '## API clients';
/** What readers have: the local runtime's default ports. */
const SHOWN_API = 'http://localhost:3000';
const SHOWN_SES = 'http://localhost:8005';

export interface Step {
  /** Position among the section's run blocks, from 0. */
  index: number;
  code: string;
  /** The answer block after it: its line range in the README (content lines only) and its text. */
  answer?: { from: number; to: number; text: string };
}

/** The session's blocks, in order. */
export function parseSession(markdown: string): Step[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(SECTION);
  if (start < 0) throw new Error(`the README has no "${SECTION}" section`);
  let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  if (end < 0) end = lines.length;
  const steps: Step[] = [];
  let i = start + 1;
  const fence = (from: number): number => {
    let j = from + 1;
    while (j < end && lines[j] !== '```') j++;
    if (j >= end) throw new Error(`README line ${from + 1}: a code block never closes`);
    return j;
  };
  while (i < end) {
    const line = lines[i] as string;
    if (!line.startsWith('```')) {
      i++;
      continue;
    }
    const close = fence(i);
    if (line === '```sh') {
      const step: Step = { index: steps.length, code: lines.slice(i + 1, close).join('\n') };
      // An answer block follows after at most one blank line.
      let next = close + 1;
      if (lines[next] === '') next++;
      if (lines[next] === '```') {
        const answerClose = fence(next);
        step.answer = {
          from: next + 1,
          to: answerClose,
          text: lines.slice(next + 1, answerClose).join('\n'),
        };
        i = answerClose + 1;
      } else {
        i = close + 1;
      }
      steps.push(step);
    } else {
      i = close + 1;
    }
  }
  return steps;
}

export interface Call {
  block: number;
  /** The `# show:` directive the call answers to, if any: its number in the session and its fields. */
  show?: { id: number; fields: string };
  status: number;
  method: string;
  url: string;
  headers: Record<string, string[]>;
  body: string;
}

/** Records every curl call to a directory, then hands the body on to the pipe as curl would. */
const PRELUDE = `
set -euo pipefail
__block=0
__show=
curl() {
  local record body meta status=0
  record="$__calls/$(date +%s%N)-$RANDOM"
  body="$record.body"
  meta=$(command curl "$@" -o "$body" -w '%{http_code} %{method} %{url_effective}\\n%{header_json}') || status=$?
  printf '%s\\n%s\\n%s\\n' "$__block" "$__show" "$meta" > "$record.meta"
  __show=
  if [ "$status" -ne 0 ]; then return "$status"; fi
  cat "$body"
}
`;

/** The block as bash runs it: the same lines, with `# show:` turned into what the recorder reads. */
function instrument(step: Step, directives: { next: number }): string {
  const lines = step.code.split('\n').map((line) => {
    const show = /^\s*# show: (.+)$/.exec(line);
    if (!show) return line;
    directives.next++;
    return `__show='${directives.next}:${(show[1] as string).replace(/'/g, '')}'`;
  });
  return [`__block=${step.index}`, ...lines].join('\n');
}

export interface SessionRun {
  exitCode: number;
  stderr: string;
  calls: Call[];
}

/** Runs the blocks in one bash, `API` and `SES` pointing at `runtime`. */
export async function runSession(steps: Step[], runtime: LocalRuntime): Promise<SessionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'casewatch-readme-'));
  const directives = { next: 0 };
  const script = [PRELUDE, ...steps.map((step) => instrument(step, directives))].join('\n');
  try {
    const { exitCode, stderr } = await new Promise<{ exitCode: number; stderr: string }>(
      (resolve, reject) => {
        const bash = spawn('bash', ['-c', script], {
          cwd: dir,
          env: { ...process.env, API: runtime.apiUrl, SES: runtime.sesUrl, __calls: dir },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        bash.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        const timer = setTimeout(() => bash.kill('SIGKILL'), 120_000);
        bash.on('error', reject);
        bash.on('close', (code) => {
          clearTimeout(timer);
          resolve({ exitCode: code ?? -1, stderr });
        });
      },
    );
    const calls = readdirSync(dir)
      .filter((name) => name.endsWith('.meta'))
      .sort((a, b) => {
        const [ta, ra] = a.split(/[-.]/, 2).map(BigInt) as [bigint, bigint];
        const [tb, rb] = b.split(/[-.]/, 2).map(BigInt) as [bigint, bigint];
        return ta === tb ? Number(ra - rb) : ta < tb ? -1 : 1;
      })
      .map((name): Call => {
        const [block, show, line, ...headers] = readFileSync(join(dir, name), 'utf8').split('\n');
        const [status, method, url] = (line as string).split(' ');
        const directive = /^(\d+):(.*)$/.exec(show as string);
        const bodyFile = join(dir, name.replace(/\.meta$/, '.body'));
        let body = '';
        try {
          body = readFileSync(bodyFile, 'utf8');
        } catch {
          // no body at all
        }
        return {
          block: Number(block),
          ...(directive ? { show: { id: Number(directive[1]), fields: directive[2] as string } } : {}),
          status: Number(status),
          method: method as string,
          url: url as string,
          headers: JSON.parse(headers.join('\n') || '{}') as Record<string, string[]>,
          body,
        };
      });
    return { exitCode, stderr, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Local helpers whose answers a reader does not need to see. */
function hidden(call: Call): boolean {
  const path = new URL(call.url).pathname;
  return path === '/_local/clock' || path === '/_local/tokens';
}

const SHOWN_HEADERS = ['etag', 'location', 'retry-after', 'cache-control', 'content-disposition'];

// ---- rendering JSON as the README shows it -------------------------------------------------------

const ELIDED = Symbol('elided');
type Shown = unknown;
interface FieldTree {
  keep: Map<string, FieldTree | true>;
  drop: Set<string>;
}

function fieldTree(spec: string): FieldTree {
  const root: FieldTree = { keep: new Map(), drop: new Set() };
  for (const entry of spec.split(/\s+/).filter(Boolean)) {
    const path = entry.split('.');
    const last = path.pop() as string;
    let node = root;
    for (const key of path) {
      let child = node.keep.get(key);
      if (child === undefined || child === true) {
        child = { keep: new Map(), drop: new Set() };
        node.keep.set(key, child);
      }
      node = child;
    }
    if (last.startsWith('-')) node.drop.add(last.slice(1));
    else node.keep.set(last, true);
  }
  return root;
}

/** Keeps the tree's fields (all but the dropped ones where it names none to keep); marks what went. */
function pick(value: unknown, tree: FieldTree | true): Shown {
  if (tree === true) return value;
  if (Array.isArray(value)) return value.map((item) => pick(item, tree));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const kept: Record<string | symbol, unknown> = {};
  for (const [key, item] of entries) {
    if (tree.drop.has(key)) continue;
    const sub = tree.keep.get(key);
    if (sub !== undefined) kept[key] = pick(item, sub);
    else if (tree.keep.size === 0) kept[key] = item;
  }
  if (Object.keys(kept).length < entries.length) kept[ELIDED] = true;
  return kept;
}

const WIDTH = 110;

function shortString(text: string): string {
  // Tokens, cursors and URLs are cut short; prose is kept unless very long.
  const limit = /\s/.test(text) ? 160 : 60;
  return text.length > limit ? `${text.slice(0, limit - 8)}…` : text;
}

function inline(value: Shown): string {
  if (typeof value === 'string') return JSON.stringify(shortString(value));
  if (Array.isArray(value)) return `[${value.map(inline).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string | symbol, unknown>;
    const parts = Object.entries(record).map(([k, v]) => `${JSON.stringify(k)}:${inline(v)}`);
    if (record[ELIDED]) parts.push('…');
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

function block(value: Shown, indent: string): string {
  const flat = inline(value);
  if (indent.length + flat.length <= WIDTH || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + block(v, inner)).join(',\n')}\n${indent}]`;
  const record = value as Record<string | symbol, unknown>;
  const parts = Object.entries(record).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${block(v, inner)}`);
  if (record[ELIDED]) parts.push(`${inner}…`);
  return `{\n${parts.join(',\n')}\n${indent}}`;
}

function renderCall(call: Call, shownFields: string | undefined, runtime: LocalRuntime): string {
  const headers = [`${call.status} ${STATUS_CODES[call.status] ?? ''}`.trim()];
  const type = call.headers['content-type']?.[0];
  if (type && type !== 'application/json') headers.push(`content-type: ${type}`);
  for (const name of SHOWN_HEADERS) {
    const value = call.headers[name]?.[0];
    if (value) headers.push(`${name}: ${value}`);
  }
  let body = call.body;
  if (type?.includes('json') && body) {
    const parsed = JSON.parse(body) as unknown;
    body = block(shownFields ? pick(parsed, fieldTree(shownFields)) : parsed, '');
  } else {
    body = body.trimEnd();
    if (body.length > 300) body = `${body.slice(0, 300)}…`;
  }
  const text = [headers.join(' · '), ...(body ? [body] : [])].join('\n');
  return text.replaceAll(runtime.apiUrl, SHOWN_API).replaceAll(runtime.sesUrl, SHOWN_SES);
}

/** Each answer block's new text, by step index. */
export function renderAnswers(steps: Step[], run: SessionRun, runtime: LocalRuntime): Map<number, string> {
  const answers = new Map<number, string>();
  const used = new Set<number>();
  for (const step of steps) {
    if (!step.answer) continue;
    const shown = run.calls
      .filter((call) => call.block === step.index && !hidden(call))
      .map((call) => {
        const directive = call.show && !used.has(call.show.id) ? call.show : undefined;
        if (directive) used.add(directive.id);
        return renderCall(call, directive?.fields, runtime);
      });
    answers.set(step.index, shown.join('\n\n'));
  }
  return answers;
}

/**
 * The README with its answer blocks replaced, every one of them from this play. Ids and numbers differ
 * from play to play, so a block kept from an earlier play would name the same case by another id than
 * its neighbours; only when the README already shows this play's answers throughout (ids aside, and
 * named as consistently as this play names them) is it left as it is, so a replay that changes nothing
 * rewrites nothing.
 */
export function withAnswers(markdown: string, steps: Step[], answers: Map<number, string>): string {
  const unchanged = steps.every((step) => {
    const answer = answers.get(step.index);
    return !step.answer || answer === undefined || normalize(answer) === normalize(step.answer.text);
  });
  if (unchanged && idMismatches(steps, answers).length === 0) return markdown;
  const lines = markdown.split('\n');
  // From the last block up, so earlier line numbers stay right.
  for (const step of [...steps].reverse()) {
    const answer = answers.get(step.index);
    if (!step.answer || answer === undefined) continue;
    lines.splice(step.answer.from, step.answer.to - step.answer.from, ...answer.split('\n'));
  }
  return lines.join('\n');
}

/** Values cut short by the rendering (tokens, cursors, URLs): never compared. */
const CUT = /[A-Za-z0-9_%=.~-]{16,}…/g;
/** Case, event, file and meeting ids (ULIDs), and case numbers. */
const ID = /\b[0-9A-HJKMNP-TV-Z]{26}\b|\bCW-[0-9A-Z]{6}\b/g;

/** What may differ between two plays of the same session: ids, numbers, tokens and signatures. */
export function normalize(text: string): string {
  return text
    .replace(CUT, '<cut>…')
    .replace(/\b[0-9A-HJKMNP-TV-Z]{26}\b/g, '<id>')
    .replace(/\bCW-[0-9A-Z]{6}\b/g, 'CW-<number>');
}

/**
 * Where the README names things otherwise than one play does: each id or number the play answered must
 * be shown as one and the same id throughout the README's answers (a retried create shows the case it
 * created, a message the case it is on), and two the play told apart must not share one. Blocks whose
 * answers differ beyond ids are left to the comparison of `normalize`d text. Empty when they agree.
 */
export function idMismatches(steps: Step[], answers: Map<number, string>): string[] {
  const shownAs = new Map<string, { shown: string; block: number }>();
  const answeredAs = new Map<string, { answered: string; block: number }>();
  const problems: string[] = [];
  for (const step of steps) {
    const answer = answers.get(step.index);
    if (!step.answer || answer === undefined || normalize(answer) !== normalize(step.answer.text)) continue;
    const answered = answer.replace(CUT, '').match(ID) ?? [];
    const shown = step.answer.text.replace(CUT, '').match(ID) ?? [];
    answered.forEach((id, i) => {
      const here = shown[i] as string;
      const before = shownAs.get(id);
      if (before && before.shown !== here)
        problems.push(
          `block ${step.index} shows ${here} where block ${before.block} shows ${before.shown}: the play answered ${id} both times`,
        );
      else shownAs.set(id, { shown: here, block: step.index });
      const other = answeredAs.get(here);
      if (other && other.answered !== id)
        problems.push(
          `block ${step.index} shows ${here} as block ${other.block} does, but the play answered ${id} here and ${other.answered} there`,
        );
      else answeredAs.set(here, { answered: id, block: step.index });
    });
  }
  return [...new Set(problems)];
}

/** A fresh runtime on the session's clock, the session played on it, and its answers rendered. */
export async function playSession(
  markdown: string,
  shared: { dynamodbEndpoint: string; tableName: string } | Record<string, never> = {},
): Promise<{
  steps: Step[];
  run: SessionRun;
  /** Each answer block's text as this play renders it, by step index. */
  answers: Map<number, string>;
  rendered: string;
}> {
  const runtime = await startLocalRuntime({
    port: 0,
    dynamodbPort: 0,
    sesPort: 0,
    smtpPort: 0,
    clock: 'manual',
    start: SESSION_START,
    ...shared,
  });
  try {
    const steps = parseSession(markdown);
    const run = await runSession(steps, runtime);
    const answers = renderAnswers(steps, run, runtime);
    return { steps, run, answers, rendered: withAnswers(markdown, steps, answers) };
  } finally {
    await runtime.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const markdown = readFileSync(README, 'utf8');
  const { steps, run, answers } = await playSession(markdown);
  if (run.exitCode !== 0) {
    console.error(run.stderr);
    console.error(`the session stopped (bash exited ${run.exitCode}); the README is unchanged`);
    process.exit(1);
  }
  // The play takes a minute or two: answers go into the README as it is now, so edits made meanwhile
  // elsewhere in it stay, as long as the session's commands are still the ones that were played.
  const current = readFileSync(README, 'utf8');
  const currentSteps = parseSession(current);
  if (currentSteps.map((step) => step.code).join('\n') !== steps.map((step) => step.code).join('\n')) {
    console.error("the session's commands changed while it played; the README is unchanged: play it again");
    process.exit(1);
  }
  writeFileSync(README, withAnswers(current, currentSteps, answers));
  const failed = run.calls.filter((call) => call.status >= 400).length;
  console.log(
    `played ${run.calls.length} calls (${failed} answered 4xx/5xx, as the README shows) into ${fileURLToPath(README)}`,
  );
}
