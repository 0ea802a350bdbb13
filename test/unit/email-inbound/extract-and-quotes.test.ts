import { describe, expect, it } from 'vitest';
import {
  extractBillingDescriptor,
  extractOrderNumber,
} from '../../../shared/adapters/email-inbound/extract-fields.ts';
import { stripQuotedHistory } from '../../../shared/adapters/email-inbound/quoted-history.ts';

describe('order numbers', () => {
  it.each([
    ['Order number: AB12345', 'AB12345'],
    ['my order number is fs-2611-4471-9023', 'FS-2611-4471-9023'],
    ['invoice #77881234', '77881234'],
    ['see FS-1125-8890-3312 above', 'FS-1125-8890-3312'],
    ['ref FSP2611XYZ9', 'FSP2611XYZ9'],
    ['FUR261127-4471-90231 was the reference', 'FUR261127-4471-90231'],
  ])('%s → %s', (text, want) => {
    expect(extractOrderNumber(text)).toBe(want);
  });

  it.each([
    'I cannot find my order number anywhere',
    'the order is missing',
    'FSPRG*ACME charged me',
    'I ordered twice',
  ])('finds none in %j', (text) => {
    expect(extractOrderNumber(text)).toBeUndefined();
  });
});

describe('billing descriptors', () => {
  it.each([
    ['statement says FSPRG*ACMESOFT 29.95', 'FSPRG*ACMESOFT'],
    ['it shows FS*PIXELFORGE.', 'FS*PIXELFORGE'],
    ['a charge from fastspring.com', 'fastspring.com'],
    ['just FSPRG on the card', 'FSPRG'],
    ['something like FS* and numbers', 'FS*'],
  ])('%s → %s', (text, want) => {
    expect(extractBillingDescriptor(text)).toBe(want);
  });

  it('finds none in ordinary words', () => {
    expect(extractBillingDescriptor('FSX fast spring cleaning')).toBeUndefined();
  });
});

describe('quoted history', () => {
  it('keeps inline answers between quoted lines and drops the trailing quote', () => {
    const text = '> Which browser?\nFirefox 133.\n> Which OS?\nWindows 11.\n\n> Thanks,\n> Support';
    expect(stripQuotedHistory(text)).toBe('> Which browser?\nFirefox 133.\n> Which OS?\nWindows 11.');
  });

  it('keeps everything when nothing would be left (a bare forward)', () => {
    const text = '-----Original Message-----\nFrom: a@b.example\nSent: today\n\nhello';
    expect(stripQuotedHistory(text)).toBe(text);
  });

  it('cuts at a localised attribution', () => {
    const text =
      'Danke!\n\nAm 23.11.2026 um 10:02 schrieb Casewatch Support <support@casewatch.example>:\n> Hallo';
    expect(stripQuotedHistory(text)).toBe('Danke!');
  });
});
