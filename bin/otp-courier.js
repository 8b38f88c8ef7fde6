#!/usr/bin/env node
// Runs the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('otp-courier: not built yet; run `npm run build` (or `npm ci`, which builds)\n');
  process.exit(1);
}
await import(main.href);
