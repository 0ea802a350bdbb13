import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstant, toInstant } from '../../../shared/domain/instant.ts';
import { instantOf, localDateAt } from '../../../shared/domain/local-date.ts';

describe('parseInstant', () => {
  it.each([
    ['2026-11-27T09:00:00Z', '2026-11-27T09:00:00.000Z'],
    ['2026-11-27T09:00Z', '2026-11-27T09:00:00.000Z'],
    ['2026-11-27T09:00:00-08:00', '2026-11-27T17:00:00.000Z'],
    ['2026-11-27T09:00:00.5+05:30', '2026-11-27T03:30:00.500Z'],
  ])('%s → %s', (text, expected) => {
    expect(parseInstant(text)).toBe(expected);
  });

  it.each([
    '2026-02-30T10:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-11-27T09:00:00',
    '2026-11-27',
    'tomorrow',
    '2026-11-27T09:60:00Z',
    '',
  ])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeNull();
  });

  it('round-trips every canonical instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), (ms) => {
        expect(parseInstant(toInstant(ms))).toBe(toInstant(ms));
      }),
    );
  });
});

describe('wall clock to instant in America/Los_Angeles', () => {
  const tz = 'America/Los_Angeles';
  it.each([
    ['2026-11-30', 9, 0, '2026-11-30T17:00:00.000Z'],
    ['2026-06-01', 9, 0, '2026-06-01T16:00:00.000Z'],
    ['2026-11-01', 1, 30, '2026-11-01T08:30:00.000Z'], // repeated hour: the first (PDT) occurrence
    ['2026-03-08', 2, 30, '2026-03-08T10:30:00.000Z'], // skipped hour: moved later by the gap (03:30 PDT)
    ['2026-03-08', 3, 0, '2026-03-08T10:00:00.000Z'],
  ])('%s %i:%i → %s', (date, h, m, expected) => {
    expect(toInstant(instantOf(date, h, m, tz))).toBe(expected);
  });

  it('the local date of an instant follows the zone, not UTC', () => {
    expect(localDateAt(Date.parse('2026-12-01T07:59:00Z'), tz)).toBe('2026-11-30');
    expect(localDateAt(Date.parse('2026-12-01T08:00:00Z'), tz)).toBe('2026-12-01');
  });
});
