import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCognitoStaffDirectory } from '../../../shared/adapters/cognito/staff-directory.ts';
import { GROUPS } from '../../../shared/http/routes.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const directory = createCognitoStaffDirectory({
  client: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
  userPoolId: 'us-east-1_pool',
  groups: GROUPS,
});

const user = (username: string, { enabled = true, verified = true } = {}) => ({
  Username: username,
  Enabled: enabled,
  Attributes: [
    { Name: 'email', Value: `${username}@support.example` },
    { Name: 'email_verified', Value: String(verified) },
  ],
});

beforeEach(() => cognito.reset());

describe('Cognito staff directory', () => {
  it('finds the user by exact email and reads the role from their groups, leads before agents', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [user('alice')] });
    cognito
      .on(AdminListGroupsForUserCommand)
      .resolves({ Groups: [{ GroupName: 'agents' }, { GroupName: 'leads' }] });
    expect(await directory.roleOf('alice@support.example')).toBe('lead');
    expect(cognito.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'us-east-1_pool',
      Filter: 'email = "alice@support.example"',
      Limit: 2,
    });
    expect(cognito.commandCalls(AdminListGroupsForUserCommand)[0]?.args[0].input).toMatchObject({
      UserPoolId: 'us-east-1_pool',
      Username: 'alice',
    });
  });

  it('an agent is an agent; a seller, an unknown address, a disabled or unverified user is no one', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [user('bob')] });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'agents' }] });
    expect(await directory.roleOf('bob@support.example')).toBe('agent');

    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'sellers' }] });
    expect(await directory.roleOf('bob@support.example')).toBeNull();

    cognito.on(ListUsersCommand).resolves({ Users: [] });
    expect(await directory.roleOf('nobody@support.example')).toBeNull();

    cognito.reset();
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'agents' }] });
    cognito.on(ListUsersCommand).resolves({ Users: [user('carol', { enabled: false })] });
    expect(await directory.roleOf('carol@support.example')).toBeNull();
    cognito.on(ListUsersCommand).resolves({ Users: [user('dave', { verified: false })] });
    expect(await directory.roleOf('dave@support.example')).toBeNull();
    expect(cognito.commandCalls(AdminListGroupsForUserCommand)).toHaveLength(0);
  });

  it('a quote or backslash in the address cannot break out of the filter', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [] });
    await directory.roleOf('a"\\b@support.example');
    expect(cognito.commandCalls(ListUsersCommand)[0]?.args[0].input.Filter).toBe(
      'email = "ab@support.example"',
    );
  });
});
