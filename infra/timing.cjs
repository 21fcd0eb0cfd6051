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
// so serverless.yml takes the values it puts into `environment` from here.
const text = {};
for (const [name, value] of Object.entries(timing)) {
  if (typeof value === 'number') text[name] = String(value);
}

module.exports = { ...timing, text };
