import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

/** Every .ts file under `dir` (relative to the repository root), subfolders included. */
function sources(dir: string): string[] {
  return (readdirSync(join(root, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** The files `file` imports, as paths relative to the repository root (packages as their names). */
function importsOf(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  return [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => {
    const spec = m[1] as string;
    return spec.startsWith('.') ? relative(root, normalize(join(root, dirname(file), spec))) : spec;
  });
}

const inside = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** The adapter a file belongs to: its first folder under shared/adapters (or the file itself). */
const adapterOf = (path: string) => path.split('/').slice(0, 3).join('/');

const domainFiles = sources('shared/domain');

/** The packages the domain may import, each pure (no I/O, no clock, no randomness), each with why. */
const DOMAIN_PACKAGES = new Map([
  ['zod', 'the schemas of the domain data'],
  ['stemmer', 'Porter stemming of one word, so the severity suggestion reads "notified" as "notify"'],
  ['ipaddr.js', 'which range an IP address is in, so a webhook URL cannot point inside the network'],
]);

/** docs/architecture.md: the domain is pure — no I/O, no AWS SDK, no ambient clock or configuration. */
describe('shared/domain stays pure', () => {
  it('has files to check', () => {
    expect(domainFiles.length).toBeGreaterThan(5);
  });

  it.each(domainFiles)('%s imports only other domain modules, zod and the named pure packages', (file) => {
    for (const target of importsOf(file)) {
      if (DOMAIN_PACKAGES.has(target)) continue;
      expect(inside(target, 'shared/domain') && target.endsWith('.ts'), target).toBe(true);
    }
    // Imports the pattern above cannot see: side-effect only, dynamic, or CommonJS.
    expect(readFileSync(join(root, file), 'utf8')).not.toMatch(
      /^\s*import\s*['"]|\bimport\s*\(|\brequire\s*\(/m,
    );
  });

  it('stemmer imports nothing and reads no clock, environment or randomness', () => {
    const source = readFileSync(join(root, 'node_modules/stemmer/index.js'), 'utf8');
    expect(source).not.toMatch(/\bimport\b|\brequire\s*\(|Date|process\.|Math\.random|performance|crypto/);
    expect([...DOMAIN_PACKAGES.keys()]).toEqual(['zod', 'stemmer', 'ipaddr.js']);
  });

  it('ipaddr.js imports nothing and reads no clock, environment or randomness', () => {
    const source = readFileSync(join(root, 'node_modules/ipaddr.js/lib/ipaddr.js'), 'utf8');
    // One comment says "performance gain": the code itself never reads a timer.
    expect(source.replace(/\/\/.*$/gm, '')).not.toMatch(
      /\bimport\b|\brequire\s*\(|Date|process\.|Math\.random|performance|crypto/,
    );
  });

  it.each(domainFiles)('%s never reads the clock, the environment or randomness', (file) => {
    const source = readFileSync(join(root, file), 'utf8');
    expect(source).not.toMatch(/Date\.now\(|new Date\(\)|process\.|Math\.random|performance\.now|crypto\./);
  });
});

/** docs/architecture.md#use-cases-see-ports-only: use cases reach the world through ports alone. */
describe('shared/app sees the domain and ports only', () => {
  it.each(sources('shared/app'))('%s imports no adapter, handler or HTTP code', (file) => {
    for (const target of importsOf(file)) {
      // Schemas of what use cases answer (the case view) are plain data descriptions.
      if (target === 'zod') continue;
      const allowed = ['shared/domain', 'shared/ports', 'shared/app'].some((folder) =>
        inside(target, folder),
      );
      expect(allowed, `${file} imports ${target}`).toBe(true);
    }
  });
});

/** docs/architecture.md#adapters: an adapter implements ports; it never reaches into another adapter. */
describe('adapters do not import each other', () => {
  it.each(sources('shared/adapters'))('%s imports its own adapter, the domain and ports only', (file) => {
    for (const target of importsOf(file)) {
      if (!target.startsWith('shared/') && !target.startsWith('.') && !target.includes('/..')) {
        // A package (the AWS SDK, Powertools, nodemailer…) or a Node builtin.
        if (!['functions', 'local', 'infra', 'test'].some((folder) => inside(target, folder))) continue;
      }
      const allowed =
        inside(target, 'shared/domain') ||
        inside(target, 'shared/ports') ||
        adapterOf(target) === adapterOf(file);
      expect(allowed, `${file} imports ${target}`).toBe(true);
    }
  });
});

/** The repository explains itself: code cites docs/, never documents a newcomer cannot open. */
describe('comments cite the repository only', () => {
  const cited = ['shared', 'functions', 'infra', 'local', 'cli', 'bench', 'scripts', 'test'].flatMap(sources);
  it.each(cited)('%s cites no document outside the repository', (file) => {
    const source = readFileSync(join(root, file), 'utf8');
    // Spelled out in pieces, so this very file does not match itself.
    const outside = new RegExp(
      `${['SPEC ', '§'].join('')}|${['ARCHITECTURE', 'md'].join('\\.')}|\\.\\./shared/[\\w-]+\\.(md|txt)`,
    );
    expect(source).not.toMatch(outside);
  });
});
