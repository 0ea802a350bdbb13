import { describe, expect, it } from 'vitest';
import { dashboardConsoleUrl } from '../../../shared/adapters/cloudwatch/dashboard-url.ts';

describe('the dashboard’s console URL', () => {
  it('opens the named dashboard in the CloudWatch console of its region', () => {
    expect(dashboardConsoleUrl('eu-west-1', 'casewatch')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/casewatch',
    );
  });

  it('encodes a name that is not plain', () => {
    expect(dashboardConsoleUrl('us-east-1', 'support leads/main')).toMatch(
      /#dashboards\/dashboard\/support%20leads%2Fmain$/,
    );
  });
});
