import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalSellerDirectory } from '../../../local/mail-inbound.ts';
import { createLocalStaffDirectory } from '../../../local/staff-directory.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the local directories kept in the data dir', () => {
  it('keep every address issued a token at once, in a file that always reads whole', async () => {
    for (let round = 0; round < 10; round++) {
      dir = await mkdtemp(join(tmpdir(), 'casewatch-kept-'));
      const staff = await createLocalStaffDirectory(dir);
      const sellers = await createLocalSellerDirectory(dir);
      const emails = Array.from({ length: 12 }, (_, i) => `agent${i}@support.example`);
      await Promise.all([
        ...emails.map((e, i) => staff.remember(e, i % 3 === 0 ? 'lead' : 'agent')),
        ...emails.map((e, i) => sellers.remember(e.replace('agent', 'ops'), `seller-${i}`)),
      ]);
      expect(Object.keys(JSON.parse(await readFile(join(dir, 'local-staff.json'), 'utf8')))).toHaveLength(12);
      expect(Object.keys(JSON.parse(await readFile(join(dir, 'local-sellers.json'), 'utf8')))).toHaveLength(
        12,
      );
      // A restart reads them all back.
      const again = await createLocalStaffDirectory(dir);
      for (const [i, e] of emails.entries())
        expect(await again.directory.roleOf(e)).toBe(i % 3 === 0 ? 'lead' : 'agent');
      const sellersAgain = await createLocalSellerDirectory(dir);
      expect(await sellersAgain.directory.sellerIdOf('ops11@support.example')).toBe('seller-11');
      await rm(dir, { recursive: true, force: true });
      dir = undefined;
    }
  });
});
