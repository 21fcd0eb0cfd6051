import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FUNCTION_NAMES,
  PACKAGE_TIMEOUT_MS,
  extractZip,
  functionLogicalId,
  packageService,
  type FunctionName,
  type PackagedService,
} from './package-service';

/**
 * Stand-ins for the environment values that CloudFormation fills in at deploy time. Every endpoint
 * points at a closed port on 127.0.0.1, so a bundle that called AWS while loading would fail
 * locally instead of reaching out.
 */
const DEPLOY_TIME_VALUES: Record<string, string> = {
  LINK_BASE_URL: 'https://bridge.example.test/links',
  UPLOAD_QUEUE_URL: 'http://127.0.0.1:9/000000000000/pnm-bridge-test-uploads.fifo',
  FAILURE_QUEUE_URL: 'http://127.0.0.1:9/000000000000/pnm-bridge-test-failures.fifo',
  DELIVERY_STATE_BUCKET: 'pnm-bridge-test-delivery-state',
};

/** What Lambda's Node runtime sets, plus dummy credentials so the SDK never looks for real ones. */
const LAMBDA_LIKE_ENVIRONMENT: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  S3_ENDPOINT: 'http://127.0.0.1:9',
  SQS_ENDPOINT: 'http://127.0.0.1:9',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Loads a handler module the way Lambda's Node runtime does: `.cjs` with require(), `.mjs` with
 * import(), and `.js` with import() when the nearest package.json sets "type": "module". Then it
 * checks that the module exports a `handler` function.
 */
const SMOKE_IMPORT = `
const { pathToFileURL } = require('node:url');
const file = process.argv[1];
const isModuleType = process.argv[2] === 'module';
const loadsAsEsm = file.endsWith('.mjs') || (file.endsWith('.js') && isModuleType);
(async () => {
  const loaded = loadsAsEsm ? await import(pathToFileURL(file).href) : require(file);
  if (typeof loaded.handler !== 'function') {
    console.error('handler export is ' + typeof loaded.handler);
    process.exit(3);
  }
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(4);
});
`;

/** Lambda's Node runtime tries a handler's module path with these endings, in this order. */
const LAMBDA_MODULE_EXTENSIONS = ['', '.js', '.mjs', '.cjs'];

const builtins = new Set(builtinModules);

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtins.has(specifier) || builtins.has(specifier.split('/')[0] ?? '');
}

/**
 * Lists the modules a bundle imports at run time. esbuild parses the bundle, so text inside strings
 * (the SDK's error messages quote `require("@aws-sdk/signature-v4-crt")`) is not mistaken for a call.
 */
async function listRuntimeImports(bundlePath: string): Promise<string[]> {
  const imports = new Set<string>();
  await build({
    entryPoints: [bundlePath],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-imports',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            imports.add(args.path);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return [...imports].sort();
}

describe('function bundles', () => {
  let packaged: PackagedService;
  let unpackedRoot: string;

  beforeAll(async () => {
    packaged = await packageService();
    unpackedRoot = join(packaged.outputDir, 'unpacked');
    for (const name of FUNCTION_NAMES) {
      const target = join(unpackedRoot, name);
      extractZip(join(packaged.outputDir, `${name}.zip`), target);
      // The repository is "type": "module". Adding the same package.json to the zip root shows that
      // the .cjs extension, not a missing package.json, makes Lambda load the bundle as CommonJS.
      writeFileSync(join(target, 'package.json'), JSON.stringify({ type: 'module' }));
    }
  }, PACKAGE_TIMEOUT_MS);

  afterAll(() => packaged?.cleanUp());

  describe.each(FUNCTION_NAMES)('%s', (name: FunctionName) => {
    const bundlePath = (): string => join(unpackedRoot, name, 'functions', `${name}.cjs`);

    it('resolves its handler path to the .cjs bundle', () => {
      // Prepare
      const modulePath = join(unpackedRoot, name, 'functions', name);

      // Act
      const found = LAMBDA_MODULE_EXTENSIONS.filter((extension) => existsSync(modulePath + extension));

      // Assess
      expect(found).toStrictEqual(['.cjs']);
      expect(existsSync(`${bundlePath()}.map`)).toBe(true);
    });

    it('imports only Node built-in modules at run time', async () => {
      // Act
      const imports = await listRuntimeImports(bundlePath());

      // Assess
      expect(imports.filter((specifier) => !isBuiltin(specifier))).toStrictEqual([]);
      expect(imports.filter((specifier) => specifier.startsWith('@aws-sdk/'))).toStrictEqual([]);
    });

    it('carries the AWS SDK inside the bundle', () => {
      // Act
      const map = JSON.parse(readFileSync(`${bundlePath()}.map`, 'utf8')) as { sources: string[] };
      const bundle = readFileSync(bundlePath(), 'utf8');

      // Assess
      expect(map.sources.some((source) => source.includes('node_modules/@aws-sdk/'))).toBe(true);
      expect(bundle).toMatch(/\/\/# sourceMappingURL=\S+\.cjs\.map\s*$/);
    });

    it('loads in plain Node and exports handler', () => {
      // Prepare
      const environment: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: unpackedRoot, ...LAMBDA_LIKE_ENVIRONMENT };
      const variables = (packaged.template.Resources[functionLogicalId(name)]?.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      for (const [key, value] of Object.entries(variables)) {
        const text = typeof value === 'string' ? value : DEPLOY_TIME_VALUES[key];
        expect(text, `no stand-in value for ${key}`).toBeTypeOf('string');
        environment[key] = text as string;
      }

      const modulePath = join(unpackedRoot, name, 'functions', name);
      const handlerFile = LAMBDA_MODULE_EXTENSIONS.map((extension) => modulePath + extension).find((path) => existsSync(path));
      expect(handlerFile, 'no file for the handler path').toBeDefined();

      // Act
      const result = spawnSync(process.execPath, ['-e', SMOKE_IMPORT, handlerFile as string, 'module'], {
        cwd: join(unpackedRoot, name),
        env: environment,
        encoding: 'utf8',
        timeout: 30_000,
      });

      // Assess
      expect(result.status, result.stderr).toBe(0);
    });
  });
});
