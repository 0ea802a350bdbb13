import { parseArgs } from 'node:util';
import { type DeadlinePreview, previewDeadlines } from '../shared/domain/deadline-preview.ts';
import { dateOf, type Instant, parseInstant } from '../shared/domain/instant.ts';
import { SEVERITY_LABELS, type SeverityLevel } from '../shared/domain/severity.ts';
import { createSlaPolicy, type SlaPolicy } from '../shared/domain/sla-policy.ts';

const USAGE = `usage: casewatch deadlines --level <0-3> --from <ISO instant> [--from <ISO instant> ...] [--json]

Previews the support policy without a server: when a case opened at each instant owes its first
response, when an update given then owes the next one, and when a case entering pending closure then
would auto-close. Instants need a Z or an offset, e.g. 2026-11-27T09:00:00-08:00. With --json and
several --from, the answer is an array in the same order, each entry with its "from".`;

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

class UsageError extends Error {}

const OPTIONS = {
  // Collected, so a repeated --level is refused instead of the last one silently winning.
  level: { type: 'string', multiple: true },
  from: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LEVELS = '0, 1, 2 or 3';

function parseOptions(args: string[]) {
  // node:util calls a value that starts with a dash "ambiguous" and explains its own syntax; here such a
  // value is a negative level or a missing one, and either gets a plain answer.
  for (const [i, arg] of args.entries()) {
    const next = args[i + 1];
    if ((arg === '--level' || arg === '--from') && next?.startsWith('-')) {
      if (arg === '--level' && /^-\d/.test(next))
        throw new UsageError(`--level must be ${LEVELS}, not "${next}"`);
      throw new UsageError(`${arg} needs a value`);
    }
  }
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function parseDeadlineArgs(args: string[]): { level: SeverityLevel; from: Instant[]; json: boolean } {
  const { level: levels, from, json } = parseOptions(args).values;
  if (levels === undefined || levels.length === 0) throw new UsageError('--level is required');
  if (levels.length > 1)
    throw new UsageError(`--level is given ${levels.length} times (${levels.join(', ')}); give it once`);
  const level = levels[0] as string;
  if (!/^[0-3]$/.test(level)) throw new UsageError(`--level must be ${LEVELS}, not "${level}"`);
  if (!from || from.length === 0) throw new UsageError('--from is required');
  const instants = from.map((text) => {
    const instant = parseInstant(text);
    if (instant === null)
      throw new UsageError(`--from "${text}" is not an ISO 8601 instant with Z or an offset`);
    return instant;
  });
  return { level: Number(level) as SeverityLevel, from: instants, json: json === true };
}

const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

function describe(level: SeverityLevel, from: Instant, p: DeadlinePreview, timeZone: string): string {
  const local = timeZone === 'America/Los_Angeles' ? PACIFIC : null;
  const line = (label: string, at: Instant) =>
    `  ${label.padEnd(20)} ${at}${local ? `  (${local.format(dateOf(at))})` : ''}`;
  return [
    `level ${level} (${SEVERITY_LABELS[level]}) from ${from}`,
    line('first response due', p.firstResponseDueAt),
    line('next update due', p.nextUpdateDueAt),
    line('auto-close at', p.autoCloseAt),
  ].join('\n');
}

function deadlines(args: string[], io: CliIo, policy: SlaPolicy): number {
  const { level, from, json } = parseDeadlineArgs(args);
  const previews = from.map((instant) => previewDeadlines(level, instant, policy));
  if (json) {
    // Several answers each say which --from they answer (as the canonical UTC instant), in order.
    const answer = previews.length === 1 ? previews[0] : previews.map((p, i) => ({ from: from[i], ...p }));
    io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  } else {
    const tz = policy.calendar.config.timeZone;
    io.stdout.write(`${previews.map((p, i) => describe(level, from[i] as Instant, p, tz)).join('\n\n')}\n`);
  }
  return 0;
}

/** Runs the command; answers the exit code (0 ok, 2 bad usage). */
export function main(argv: string[], io: CliIo, policy: SlaPolicy = createSlaPolicy()): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || rest.includes('--help')) {
    io.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  try {
    if (command === 'deadlines') return deadlines(rest, io, policy);
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`casewatch: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
}
