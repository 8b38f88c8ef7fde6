#!/usr/bin/env node
// The registry reachable from our machines lacks some optional platform packages (e.g.
// @msgpackr-extract/msgpackr-extract-darwin-*), so `npm install` leaves them out of
// package-lock.json and `npm ci` then rejects the lock as incomplete. This adds an entry for each
// missing optional platform dependency (version, os, cpu, optional): npm skips them on other
// platforms, exactly as it would with a complete lock. Run after every `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const platform = /-(darwin|linux|win32|freebsd|android)-(arm64|x64|arm|ia32)(?:-|$)/;
let added = 0;
for (const [where, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${where ? `${where}/` : ''}node_modules/${name}`;
    if (packages[`node_modules/${name}`] || packages[nested]) continue;
    const match = platform.exec(name);
    if (!match) continue;
    packages[`node_modules/${name}`] = { version: version.replace(/^[\^~]/, ''), cpu: [match[2]], license: entry.license, optional: true, os: [match[1]] };
    added += 1;
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`fix-lock: added ${added} optional platform entr${added === 1 ? 'y' : 'ies'}`);
