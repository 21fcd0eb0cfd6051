import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS } from '../../infra/local/s3-stand-in';
import type { StackDescription } from '../../infra/local/stack';
import { waitFor } from '../helpers/local-stack';
import { runCli } from './cli-process';

// `npm start` (infra/local/start.ts) run as a child process on free ports, with its stack file in
// a temporary folder, and the CLI run from that folder.
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const samplesDirectory = join(packageRoot, 'infra', 'local', 'samples');

const SAMPLE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  'photo.png': 'image/png',
  'sample.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'sample.pdf': 'application/pdf',
  'sample.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'sample.txt': 'text/plain',
  'sample.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

let directory: string;
let stackPath: string;
let demo: ChildProcess;
let output = '';
let description: StackDescription;

function startDemo(): ChildProcess {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    // A developer's own settings would switch the demo to a real server or change its log level.
    if (value !== undefined && !/^(PNM_BRIDGE_|PLUGNMEET_|POWERTOOLS_LOG_LEVEL$)/.test(name)) env[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    cwd: packageRoot,
    env: {
      ...env,
      LOCAL_API_PORT: '0',
      LOCAL_S3_PORT: '0',
      LOCAL_SQS_PORT: '0',
      LOCAL_PLUGNMEET_PORT: '0',
      LOCAL_STACK_FILE: stackPath,
      SIMULATED_CONVERSION_MS: '50',
      SKIP_QUEUE_DEMO: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return child;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pnm-bridge-demo-'));
  stackPath = join(directory, '.local', 'stack.json');
  demo = startDemo();
  await waitFor(() => {
    if (demo.exitCode !== null) throw new Error(`npm start exited with ${demo.exitCode}:\n${output}`);
    return output.includes('Serving until Ctrl-C');
  }, 'npm start to print "Serving until Ctrl-C"');
  description = JSON.parse(await readFile(stackPath, 'utf8')) as StackDescription;
});

afterAll(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) {
    demo.kill('SIGTERM');
    await once(demo, 'exit');
  }
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('npm start with pnm-bridge', () => {
  it('prints how to see INFO logs', () => {
    expect(output).toContain('POWERTOOLS_LOG_LEVEL=INFO npm start');
  });

  it('seeds every sample with its Content-Type', async () => {
    // Prepare
    const s3 = new S3Client({ region: description.region, endpoint: description.s3Endpoint, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS });
    const sampleFiles = (await readdir(samplesDirectory)).filter((name) => !name.endsWith('.ts')).sort();

    // Act
    const stored: Record<string, string | undefined> = {};
    for (const name of sampleFiles) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: description.bucket, Key: `samples/${name}` }));
      stored[name] = head.ContentType;
    }

    // Assess
    expect(stored).toStrictEqual(SAMPLE_CONTENT_TYPES);
  });

  it('delivers only the three documents', () => {
    // Prepare
    const delivered = [...output.matchAll(/^ {3}(\S+) … delivered/gm)].map((match) => match[1]);

    // Assess
    expect(delivered).toStrictEqual(['sample.pdf', 'sample.docx', 'sample.pptx']);
  });

  it('pushes a seeded text file from the stack folder', async () => {
    // Act
    const result = await runCli(['push', '--room', 'demo-room', '--key', 'samples/sample.txt'], { cwd: directory });

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Delivered samples/sample.txt to room demo-room');
  });

  it('rejects the seeded image with a hint', async () => {
    // Act
    const result = await runCli(['push', '--room', 'demo-room', '--key', 'samples/photo.png'], { cwd: directory });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Failed: UNSUPPORTED_FILE_TYPE: ');
    expect(result.stderr).toContain('Images cannot become whiteboard pages');
  });

  it('removes the stack file on SIGTERM', async () => {
    // Act
    demo.kill('SIGTERM');
    const [code] = (await once(demo, 'exit')) as [number | null];

    // Assess
    expect(code).toBe(0);
    expect(await exists(stackPath)).toBe(false);
  });
});
