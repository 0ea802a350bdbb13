import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const domainDir = join(root, 'shared/domain');
const domainFiles = (readdirSync(domainDir, { recursive: true }) as string[]).filter((f) =>
  f.endsWith('.ts'),
);

/** ARCHITECTURE.md: the domain is pure — no I/O, no AWS SDK, no ambient clock or configuration. */
describe('shared/domain stays pure', () => {
  it('has files to check', () => {
    expect(domainFiles.length).toBeGreaterThan(5);
  });

  it.each(domainFiles)('%s imports only other domain modules and zod', (file) => {
    const source = readFileSync(join(domainDir, file), 'utf8');
    const imports = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1] as string);
    for (const spec of imports) {
      if (spec === 'zod') continue;
      // A relative import that stays inside shared/domain.
      const target = relative(domainDir, normalize(join(domainDir, dirname(file), spec)));
      expect(spec.startsWith('.') && !target.startsWith('..') && target.endsWith('.ts'), spec).toBe(true);
    }
    // Imports the pattern above cannot see: side-effect only, dynamic, or CommonJS.
    expect(source).not.toMatch(/^\s*import\s*['"]|\bimport\s*\(|\brequire\s*\(/m);
  });

  it.each(domainFiles)('%s never reads the clock, the environment or randomness', (file) => {
    const source = readFileSync(join(domainDir, file), 'utf8');
    expect(source).not.toMatch(/Date\.now\(|new Date\(\)|process\.|Math\.random|performance\.now|crypto\./);
  });
});
