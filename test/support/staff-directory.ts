import type { StaffDirectory } from '../../shared/ports/staff-directory.ts';

/** A support team for tests: every address at support.example is an agent, leads@… a lead, anyone else no one. */
export const supportTeam: StaffDirectory = {
  roleOf: async (email) =>
    /^leads@support\.example$/i.test(email) ? 'lead' : /@support\.example$/i.test(email) ? 'agent' : null,
};
