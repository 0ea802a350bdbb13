import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ValidationError } from '../../../shared/app/errors.ts';
import { jsonBody } from '../../../shared/http/request.ts';

const Schema = z.strictObject({ body: z.string() });
const event = (body: string, contentType = 'application/json', isBase64Encoded = false) =>
  ({ headers: { 'content-type': contentType }, body, isBase64Encoded }) as unknown as APIGatewayProxyEventV2;
const refusal = (e: APIGatewayProxyEventV2) => {
  try {
    jsonBody(e, Schema);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  throw new Error('accepted');
};

describe('a JSON body is UTF-8 text', () => {
  it('is read with or without a UTF-8 charset, as text or base64', () => {
    const json = JSON.stringify({ body: 'Grüße ☕' });
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json;charset="UTF-8"',
    ])
      expect(jsonBody(event(json, type), Schema)).toEqual({ body: 'Grüße ☕' });
    expect(jsonBody(event(Buffer.from(json).toString('base64'), 'application/json', true), Schema)).toEqual({
      body: 'Grüße ☕',
    });
  });

  it('is read as sent by clients that say US-ASCII, or start with a byte-order mark', () => {
    const json = JSON.stringify({ body: 'Hello' });
    for (const type of ['application/json; charset=us-ascii', 'application/json; charset=ASCII'])
      expect(jsonBody(event(json, type), Schema)).toEqual({ body: 'Hello' });
    expect(jsonBody(event(`\ufeff${json}`), Schema)).toEqual({ body: 'Hello' });
    expect(
      jsonBody(event(Buffer.from(`\ufeff${json}`).toString('base64'), 'application/json', true), Schema),
    ).toEqual({ body: 'Hello' });
  });

  it('in another charset is a 400 naming it, not read as UTF-8', () => {
    expect(refusal(event('{"body":"x"}', 'application/json; charset=utf-16'))).toBe(
      'send JSON as UTF-8, not utf-16',
    );
    expect(refusal(event('{"body":"x"}', 'application/json; charset=iso-8859-1'))).toBe(
      'send JSON as UTF-8, not iso-8859-1',
    );
  });

  it('with bytes that are not UTF-8 is a 400, never text with replacement characters', () => {
    const latin1 = Buffer.concat([Buffer.from('{"body":"Gr'), Buffer.from([0xfc]), Buffer.from('sse"}')]);
    expect(refusal(event(latin1.toString('base64'), 'application/json', true))).toBe(
      'the body is not UTF-8 text',
    );
  });
});
