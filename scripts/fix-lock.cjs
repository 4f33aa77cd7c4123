// The npm mirror used in CI answers 404 for some optional platform packages (DuckDB bindings for other
// platforms). `npm install` then leaves them out of package-lock.json and `npm ci` rejects the lockfile as
// out of sync. Adding stub entries (optional, with their os/cpu) makes `npm ci` skip them cleanly.
// Run after every `npm install` (`npm run fix-lock`).
const fs = require('node:fs');
const lockPath = require('node:path').join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [key, meta] of Object.entries(pkgs)) {
  for (const dep of Object.keys(meta.optionalDependencies || {})) {
    const base = key ? `${key}/node_modules/${dep}` : `node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (pkgs[base] || pkgs[hoisted]) continue;
    const m = /-(darwin|linux|win32|freebsd|android)-(arm64|x64|ia32|arm)(-musl)?$/.exec(dep);
    pkgs[hoisted] = { version: meta.optionalDependencies[dep], optional: true, ...(m ? { os: [m[1]], cpu: [m[2]] } : {}) };
    added++;
  }
}
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`fix-lock: added ${added} stub entries`);
