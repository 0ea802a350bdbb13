import { describe, expect, it } from 'vitest';
import { toCaseView } from '../../../shared/app/case-view.ts';
import { newCase } from '../../../shared/domain/case.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import { contractViolation } from '../../support/api-contract-check.ts';

const policy = createSlaPolicy();
const view = toCaseView(
  newCase(
    {
      type: 'consumer',
      subject: 'Charged twice',
      description: 'double billing',
      email: 'buyer@example.com',
      orderNumber: 'FS-1',
      billingDescriptor: 'FSPRG',
    },
    {
      id: '01JD0000000000000000000001',
      number: 'CW-000001',
      channel: 'api',
      openedAt: '2026-03-02T09:00:00.000Z',
      requester: { email: null, sellerId: null },
    },
  ),
  policy,
);
const JSON_TYPE = 'application/json';

/** The e2e tests check every answer with this; here it is checked that it can say no. */
describe('an answer is checked against the API document', () => {
  it('a real case view at a documented status passes', () => {
    expect(contractViolation('GET', `/cases/${view.id}`, 200, JSON_TYPE, view)).toBeNull();
  });

  it('a field the document does not describe fails', () => {
    expect(contractViolation('GET', `/cases/${view.id}`, 200, JSON_TYPE, { ...view, secret: 1 })).toMatch(
      /must NOT have additional properties/,
    );
  });

  it('a missing field, a wrong type or a wrong enum value fails', () => {
    const { sla: _sla, ...noSla } = view;
    expect(contractViolation('GET', `/cases/${view.id}`, 200, JSON_TYPE, noSla)).toMatch(/sla/);
    expect(contractViolation('GET', `/cases/${view.id}`, 200, JSON_TYPE, { ...view, version: '1' })).toMatch(
      /version/,
    );
    expect(
      contractViolation('GET', `/cases/${view.id}`, 200, JSON_TYPE, { ...view, status: 'reopened' }),
    ).toMatch(/status/);
  });

  it('an ETag or Location the document does not list fails, and so does a documented one not sent', () => {
    const read = (h: Record<string, string>) =>
      contractViolation('GET', `/cases/${view.id}`, 200, JSON_TYPE, view, new Headers(h));
    expect(read({ etag: '"1"' })).toBeNull();
    expect(read({})).toMatch(/lacks the documented etag/);
    expect(read({ etag: '"1"', location: '/cases/x' })).toMatch(/sent location/);
    const events = (h: Record<string, string>) =>
      contractViolation(
        'GET',
        `/cases/${view.id}/events`,
        200,
        JSON_TYPE,
        { items: [], cursor: null },
        new Headers(h),
      );
    expect(events({})).toBeNull();
    expect(events({ etag: '"1"' })).toMatch(/sent etag, which the document does not list/);
  });

  it('a status or media type the route does not list fails', () => {
    expect(contractViolation('GET', `/cases/${view.id}`, 418, JSON_TYPE, {})).toMatch(/418/);
    expect(contractViolation('GET', `/cases/${view.id}`, 200, 'text/plain', 'hi')).toMatch(/text\/plain/);
  });

  it('a problem must be problem+json, with its fields', () => {
    const problem = {
      type: 'https://casewatch.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no case',
    };
    expect(
      contractViolation('GET', `/cases/${view.id}`, 404, 'application/problem+json', problem),
    ).toBeNull();
    expect(contractViolation('GET', `/cases/${view.id}`, 404, JSON_TYPE, problem)).not.toBeNull();
    expect(
      contractViolation('GET', `/cases/${view.id}`, 404, 'application/problem+json', { message: 'no' }),
    ).not.toBeNull();
    expect(
      contractViolation('GET', `/cases/${view.id}`, 404, 'application/problem+json', {
        ...problem,
        type: 'x',
      }),
    ).toMatch(/type/);
  });

  it('the JWT authorizer’s own 401 is documented on the routes it guards, as its exact body', () => {
    expect(contractViolation('GET', '/cases', 401, JSON_TYPE, { message: 'Unauthorized' })).toBeNull();
    expect(contractViolation('GET', '/cases', 401, JSON_TYPE, { message: 'Forbidden' })).not.toBeNull();
  });

  it('a path the API has no route for is API Gateway’s own 404, and nothing else', () => {
    expect(contractViolation('GET', '/nowhere', 404, JSON_TYPE, { message: 'Not Found' })).toBeNull();
    expect(contractViolation('GET', '/nowhere', 200, JSON_TYPE, {})).toMatch(/not a documented route/);
  });
});
