import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

/** Repository root, two levels above this file. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The functions that serverless.yml declares, by their key. */
export const FUNCTION_NAMES = ['push', 'preload', 'link', 'ingest', 'worker'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Time `osls package` may take: bundling five functions with the whole AWS SDK on a 2-core machine. */
export const PACKAGE_TIMEOUT_MS = 120_000;

/** Directories of the repository that packaging neither reads nor should write to. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.serverless', '.esbuild', '.local', 'dist', 'coverage']);

export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
  Parameters?: Record<string, { Type: string; Default?: string }>;
  Conditions?: Record<string, unknown>;
}

export interface PackagedService {
  /** The `--package` directory: the templates and one zip per function. */
  outputDir: string;
  template: CfnTemplate;
  /** Removes every temporary directory that packaging made. */
  cleanUp: () => void;
}

/** Returns the environment of the current process without any AWS_* variable, so no credentials reach osls. */
function environmentWithoutAws(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  return env;
}

function runOsls(args: string[], cwd: string, home: string): Promise<void> {
  const oslsBin = createRequire(import.meta.url).resolve('osls/bin/serverless.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [oslsBin, ...args], {
      cwd,
      env: { ...environmentWithoutAws(), HOME: home, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PACKAGE_TIMEOUT_MS - 5_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`osls ${args.join(' ')} failed (exit ${code ?? signal}):\n${output}`));
    });
  });
}

/**
 * Packages the service the way a user without an AWS account would: `osls package` with HOME pointed
 * at an empty directory and no AWS_* variables. It runs on a copy of the repository, so that
 * serverless-esbuild's work folder never lands in the shared tree and two suites can package at
 * the same time.
 *
 * @param params - stage parameters passed as `--param="name=value"`
 * @throws Error with osls's output when packaging fails
 */
export async function packageService(params: Record<string, string> = {}): Promise<PackagedService> {
  const root = mkdtempSync(join(tmpdir(), 'pnm-deploy-'));
  const serviceDir = join(root, 'service');
  const home = join(root, 'home');
  const outputDir = join(root, 'package');
  cpSync(REPO_ROOT, serviceDir, {
    recursive: true,
    filter: (source) => {
      const top = relative(REPO_ROOT, source).split(sep)[0] ?? '';
      return !SKIPPED_DIRECTORIES.has(top);
    },
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(serviceDir, 'node_modules'), 'dir');
  mkdirSync(home);

  const paramArgs = Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);
  const cleanUp = (): void => rmSync(root, { recursive: true, force: true });
  try {
    await runOsls(['package', '--stage', 'test', '--package', outputDir, ...paramArgs], serviceDir, home);
  } catch (error) {
    cleanUp();
    throw error;
  }
  const template = JSON.parse(readFileSync(join(outputDir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
  return { outputDir, template, cleanUp };
}

/** Returns the logical id of a function's AWS::Lambda::Function resource, as osls names it (`push` → `PushLambdaFunction`). */
export function functionLogicalId(name: FunctionName): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * Extracts a zip archive into `targetDir`, so the tests need no `unzip` command. It reads the
 * central directory and supports the two methods that function zips use: stored and deflate.
 *
 * @throws Error when the archive is not a zip, uses another method, or names a path outside `targetDir`
 */
export function extractZip(zipPath: string, targetDir: string): string[] {
  const archive = readFileSync(zipPath);
  let end = archive.length - 22;
  while (end >= 0 && archive.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end -= 1;
  if (end < 0) throw new Error(`${zipPath} is not a zip archive: no end of central directory record.`);

  const entryCount = archive.readUInt16LE(end + 10);
  let entry = archive.readUInt32LE(end + 16);
  const extracted: string[] = [];
  for (let index = 0; index < entryCount; index += 1) {
    if (archive.readUInt32LE(entry) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`${zipPath}: invalid central directory entry ${index}.`);
    const method = archive.readUInt16LE(entry + 10);
    const compressedSize = archive.readUInt32LE(entry + 20);
    const nameLength = archive.readUInt16LE(entry + 28);
    const entryLength = 46 + nameLength + archive.readUInt16LE(entry + 30) + archive.readUInt16LE(entry + 32);
    const localHeader = archive.readUInt32LE(entry + 42);
    const name = archive.toString('utf8', entry + 46, entry + 46 + nameLength);
    entry += entryLength;

    const target = resolve(targetDir, name);
    if (!target.startsWith(resolve(targetDir) + sep)) throw new Error(`${zipPath}: entry ${name} points outside the target folder.`);
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    if (archive.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw new Error(`${zipPath}: invalid local header for ${name}.`);
    const dataStart = localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${zipPath}: entry ${name} uses compression method ${method}.`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, method === 8 ? inflateRawSync(data) : data);
    extracted.push(name);
  }
  return extracted;
}
