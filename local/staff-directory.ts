import type { StaffDirectory } from '../shared/ports/staff-directory.ts';
import { keptAddressMap } from './kept-file.ts';

type StaffRole = 'agent' | 'lead';

const isRole = (value: string | undefined): value is StaffRole => value === 'agent' || value === 'lead';

/**
 * Who is staff, locally: every address an agent or lead token was issued to (`POST /_local/tokens`), kept
 * in the data dir so it survives a restart — the stand-in for the user pool's `agents` and `leads` groups.
 * A lead token makes its address a lead, whatever was issued to it before or after.
 */
export async function createLocalStaffDirectory(dataDir: string | undefined) {
  const staff = await keptAddressMap(dataDir, 'local-staff.json');
  const directory: StaffDirectory = {
    roleOf: async (email) => {
      const role = staff.entries.get(email.toLowerCase());
      return isRole(role) ? role : null;
    },
  };
  return {
    directory,
    async remember(email: string, role: StaffRole) {
      const key = email.toLowerCase();
      if (staff.entries.get(key) === 'lead' || staff.entries.get(key) === role) return;
      staff.entries.set(key, role);
      await staff.save();
    },
  };
}
