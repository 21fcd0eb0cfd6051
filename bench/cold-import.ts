import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { summarize, type Summary } from './stats';

/**
 * The bundle settings of serverless.yml's `custom.esbuild`. serverless-esbuild also names the
 * output `.cjs` (`outputFileExtension`), because package.json sets "type": "module".
 */
const DEPLOYED_BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  target: 'node20',
  platform: 'node',
  format: 'cjs',
  sourcemap: true,
  sourcesContent: false,
  keepNames: true,
} as const;

/** serverless.yml sets this for every function, so Node reads each bundle's source map when it loads. */
const DEPLOYED_NODE_OPTIONS = '--enable-source-maps';

/** What Lambda's Node runtime sets, so the SDK never looks for credentials or a region elsewhere. */
const LAMBDA_LIKE_ENVIRONMENT: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Share of a bundle's bytes that one group of sources contributes. */
export interface BundleShare {
  /** `@aws-sdk/*`, `@smithy/*`, `@aws-lambda-powertools/*`, `bridge code` (lib/ and functions/) or a package name. */
  group: string;
  bytes: number;
}

/** Size and load time of one function's bundle. */
export interface FunctionImport {
  name: string;
  bundleBytes: number;
  sourceMapBytes: number;
  /** The largest contributors to `bundleBytes`, largest first. */
  shares: BundleShare[];
  /** Per round: `node -e "require(bundle)"` minus `node -e ""`, in milliseconds. */
  overEmpty: Summary;
  /** The same with `--enable-source-maps` on both sides, as deployed. */
  overEmptyWithSourceMaps: Summary;
  /** Wall time of `node -e "require(bundle)"`, in milliseconds. */
  absolute: Summary;
}

export interface ColdImportResult {
  rounds: number;
  warmupRounds: number;
  /** Wall time of `node -e ""`, in milliseconds. */
  emptyNode: Summary;
  emptyNodeWithSourceMaps: Summary;
  functions: FunctionImport[];
}

function groupOf(inputPath: string): string {
  const match = /node_modules\/((@[^/]+)\/)?([^/]+)/.exec(inputPath);
  if (!match) return inputPath.startsWith('lib/') || inputPath.startsWith('functions/') ? 'bridge code' : 'other';
  const scope = match[2];
  if (scope === '@aws-sdk' || scope === '@smithy' || scope === '@aws-lambda-powertools' || scope === '@aws-crypto') return `${scope}/*`;
  return scope ? `${scope}/${match[3]}` : (match[3] as string);
}

function measureShares(metafile: Metafile): BundleShare[] {
  const bytesByGroup = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [inputPath, input] of Object.entries(output.inputs)) {
      const group = groupOf(inputPath);
      bytesByGroup.set(group, (bytesByGroup.get(group) ?? 0) + input.bytesInOutput);
    }
  }
  return [...bytesByGroup.entries()].map(([group, bytes]) => ({ group, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Runs `node <args>` once and returns its wall time in milliseconds. */
function timeNode(args: string[]): number {
  const startedAt = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...LAMBDA_LIKE_ENVIRONMENT },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed with exit code ${result.status}: ${result.stderr.toString()}`);
  return elapsedMs;
}

/**
 * Builds every `functions/*.ts` with the deployed esbuild settings into a temporary folder, then
 * times fresh Node processes: `node -e ""` against `node -e "require(bundle)"`, without and with
 * `--enable-source-maps`. All variants run once per round, in turn, so a slow moment of the
 * machine touches them alike; the first `warmupRounds` rounds fill the file cache and are dropped.
 */
export async function measureColdImports(options: { rounds: number; warmupRounds: number; log: (line: string) => void }): Promise<ColdImportResult> {
  const names = (await readdir('functions')).filter((file) => file.endsWith('.ts')).map((file) => basename(file, '.ts')).sort();
  const outdir = await mkdtemp(join(tmpdir(), 'pnm-bench-bundles-'));
  try {
    const bundles: Array<{ name: string; path: string; sourceMapBytes: number; bundleBytes: number; shares: BundleShare[] }> = [];
    for (const name of names) {
      const path = join(outdir, `${name}.cjs`);
      const result = await build({ ...DEPLOYED_BUILD_OPTIONS, entryPoints: [`functions/${name}.ts`], outfile: path, metafile: true, logLevel: 'silent' });
      bundles.push({ name, path, bundleBytes: (await stat(path)).size, sourceMapBytes: (await stat(`${path}.map`)).size, shares: measureShares(result.metafile) });
    }
    options.log(`  built ${bundles.length} bundles into ${outdir}`);

    const variants = [
      { id: 'empty', args: ['-e', ''] },
      { id: 'empty+maps', args: [DEPLOYED_NODE_OPTIONS, '-e', ''] },
      ...bundles.flatMap((bundle) => [
        { id: bundle.name, args: ['-e', `require(${JSON.stringify(bundle.path)})`] },
        { id: `${bundle.name}+maps`, args: [DEPLOYED_NODE_OPTIONS, '-e', `require(${JSON.stringify(bundle.path)})`] },
      ]),
    ];
    const samples = new Map<string, number[]>(variants.map((variant) => [variant.id, []]));
    for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
      for (const variant of variants) {
        const elapsedMs = timeNode(variant.args);
        if (round >= options.warmupRounds) samples.get(variant.id)?.push(elapsedMs);
      }
    }
    options.log(`  timed ${variants.length} variants × ${options.rounds} rounds`);

    const sampleOf = (id: string): number[] => samples.get(id) ?? [];
    const differences = (id: string, baseline: string): number[] => sampleOf(id).map((value, round) => value - (sampleOf(baseline)[round] as number));
    return {
      rounds: options.rounds,
      warmupRounds: options.warmupRounds,
      emptyNode: summarize(sampleOf('empty')),
      emptyNodeWithSourceMaps: summarize(sampleOf('empty+maps')),
      functions: bundles.map((bundle) => ({
        name: bundle.name,
        bundleBytes: bundle.bundleBytes,
        sourceMapBytes: bundle.sourceMapBytes,
        shares: bundle.shares,
        overEmpty: summarize(differences(bundle.name, 'empty')),
        overEmptyWithSourceMaps: summarize(differences(`${bundle.name}+maps`, 'empty+maps')),
        absolute: summarize(sampleOf(bundle.name)),
      })),
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
