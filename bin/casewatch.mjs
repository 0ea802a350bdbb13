#!/usr/bin/env node
// The `casewatch` command: runs the TypeScript CLI through tsx, so the command and the server share one source.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/casewatch.ts');
process.exitCode = main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
