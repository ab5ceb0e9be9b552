#!/usr/bin/env node
// The bin. `--version` alone is answered here, before commander and the rest load (it is what
// scripts call to check the install); everything else is cli/main.ts.
import { VERSION } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) process.stdout.write(`${VERSION}\n`);
else await import('./cli/main.js');
