import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StaffDirectory } from '../shared/ports/staff-directory.ts';
import { keptInFile } from './kept-file.ts';

type StaffRole = 'agent' | 'lead';

/**
 * Who is staff, locally: every address an agent or lead token was issued to (`POST /_local/tokens`), kept
 * in the data dir so it survives a restart — the stand-in for the user pool's `agents` and `leads` groups.
 * A lead token makes its address a lead, whatever was issued to it before or after.
 */
export async function createLocalStaffDirectory(dataDir: string | undefined) {
  const file = dataDir ? join(dataDir, 'local-staff.json') : null;
  const staff = new Map<string, StaffRole>();
  if (file) {
    try {
      for (const [email, role] of Object.entries(JSON.parse(await readFile(file, 'utf8')) as object))
        if (role === 'agent' || role === 'lead') staff.set(email, role);
    } catch {
      // No staff yet.
    }
  }
  const directory: StaffDirectory = {
    roleOf: async (email) => staff.get(email.toLowerCase()) ?? null,
  };
  const save = keptInFile(file);
  return {
    directory,
    async remember(email: string, role: StaffRole) {
      const key = email.toLowerCase();
      if (staff.get(key) === 'lead' || staff.get(key) === role) return;
      staff.set(key, role);
      await save(() => JSON.stringify(Object.fromEntries(staff)));
    },
  };
}
