// Exposes the numbers of infra/timing.ts to serverless.yml, as `${file(infra/timing.cjs):NAME}`.
// osls loads file variables with require(), which cannot read TypeScript, so this adapter bundles
// timing.ts and its lib/ imports with esbuild (already a dependency of serverless-esbuild) and
// evaluates the result. timing.ts stays the only place where the numbers are written.
'use strict';
/* global require, module, __dirname -- a CommonJS file; the project's ESLint config declares no CommonJS globals */
/* eslint-disable @typescript-eslint/no-require-imports -- osls loads file variables with require(), so this file is CommonJS */

const { join } = require('node:path');
const { runInThisContext } = require('node:vm');
const { buildSync } = require('esbuild');

const sourcePath = join(__dirname, 'timing.ts');
const result = buildSync({ entryPoints: [sourcePath], bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'silent' });
const code = result.outputFiles[0].text;
const compiled = { exports: {} };
runInThisContext(`(function (module, exports, require) {${code}\n})`, { filename: sourcePath })(compiled, compiled.exports, require);

const timing = compiled.exports;

// Lambda environment values must be strings, and a `${file(...)}` variable keeps the number type,
// so serverless.yml takes the values it puts into `environment` from `text`, which mirrors the
// numbers as strings (`text.BUSY_BACKOFF.baseSeconds`, for example).
function toText(value) {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, toText(inner)]).filter(([, inner]) => inner !== undefined));
}

module.exports = { ...timing, text: toText(timing) };
