/**
 * `npm start`: runs the whole bridge on this machine and seeds every sample file under `samples/`
 * in the bucket. It then delivers the sample documents to a demo room through the HTTP API, drops
 * files into several rooms' S3 folders to show the queue at work, and keeps serving until Ctrl-C.
 * Endpoints and credentials go to `.local/stack.json`, or to the file that `LOCAL_STACK_FILE`
 * names. That file is removed again on Ctrl-C or SIGTERM.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callBridgeApi } from '../../bin/bridge-api-client';
import { FILE_TYPE_MIME } from '../../lib/file-types';
import { createLocalS3Client } from './s3-stand-in';
import { startLocalStack, type LocalStack } from './stack';

const here = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = resolve(here, '../..');
const samplesDirectory = join(here, 'samples');
/** The documents the demo delivers. The other samples are only seeded, to try failure cases by hand. */
const DEMO_DOCUMENTS = ['sample.pdf', 'sample.docx', 'sample.pptx'];
const QUEUE_DEMO_ROOMS = ['class-a', 'class-b', 'class-c'];

/**
 * Content-Type stored with each sample, by extension. `.ts` files in the samples folder are the
 * generator's sources and are not seeded.
 */
const SAMPLE_CONTENT_TYPES: Readonly<Record<string, string>> = { ...FILE_TYPE_MIME, png: 'image/png' };

function readPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`Invalid ${name}=${JSON.stringify(raw)}: expected a port number from 0 to 65535.`);
  }
  return port;
}

/** Fails with a message naming the setting when another process already listens on a port. */
async function assertPortFree(port: number, name: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on 127.0.0.1 is already in use (is another "npm start" running?). Stop that process or set ${name} to a free port.`)
          : error,
      );
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort()));
  });
}

function readRealServer(): { url: string; apiKey: string; apiSecret: string } | undefined {
  const url = process.env.PLUGNMEET_SERVER_URL;
  const apiKey = process.env.PLUGNMEET_API_KEY;
  const apiSecret = process.env.PLUGNMEET_API_SECRET;
  if (!url && !apiKey && !apiSecret) return undefined;
  if (!url || !apiKey || !apiSecret) {
    throw new Error('To use a real plugNmeet server, set all three of PLUGNMEET_SERVER_URL, PLUGNMEET_API_KEY and PLUGNMEET_API_SECRET.');
  }
  return { url, apiKey, apiSecret };
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Returns the Content-Type of a sample file. */
function getSampleContentType(name: string): string | undefined {
  const extension = extname(name).slice(1).toLowerCase();
  return Object.hasOwn(SAMPLE_CONTENT_TYPES, extension) ? SAMPLE_CONTENT_TYPES[extension] : undefined;
}

async function putSample(stack: LocalStack, s3: S3Client, key: string, name: string): Promise<void> {
  const body = await readFile(join(samplesDirectory, name));
  await s3.send(new PutObjectCommand({ Bucket: stack.description.bucket, Key: key, Body: body, ContentType: getSampleContentType(name) }));
}

/**
 * Writes every sample file to `samples/<name>` with its Content-Type, so that the files the demo
 * does not deliver (an image, a spreadsheet, a text file) can be pushed by hand at once.
 *
 * @returns the keys written, and the names of files skipped for lack of a known Content-Type
 */
async function seedSamples(stack: LocalStack, s3: S3Client): Promise<{ keys: string[]; skipped: string[] }> {
  const keys: string[] = [];
  const skipped: string[] = [];
  const names = (await readdir(samplesDirectory, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && extname(entry.name) !== '.ts')
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    if (getSampleContentType(name) === undefined) {
      skipped.push(name);
      continue;
    }
    const key = `samples/${name}`;
    await putSample(stack, s3, key, name);
    keys.push(key);
  }
  return { keys, skipped };
}

async function deliverSamples(stack: LocalStack, roomId: string): Promise<void> {
  print(`\n1. Delivering the sample documents to room ${roomId} through POST /rooms/${roomId}/files`);
  for (const name of DEMO_DOCUMENTS) {
    const key = `samples/${name}`;
    const started = Date.now();
    process.stdout.write(`   ${name} … `);
    const response = await callBridgeApi(stack.description, `/rooms/${roomId}/files`, { key });
    const body = response.body as { status?: string; filename?: string; code?: string; message?: string };
    if (response.status === 200) print(`delivered in ${seconds(Date.now() - started)} as ${body.filename}`);
    else if (response.status === 202) print(`accepted; the server is still converting it`);
    else print(`failed: HTTP ${response.status} ${body.code}: ${body.message}`);
  }
}

async function dropIntoRoomFolders(stack: LocalStack, s3: S3Client): Promise<void> {
  const files = QUEUE_DEMO_ROOMS.flatMap((roomId) => DEMO_DOCUMENTS.map((name, index) => ({ roomId, name, key: `rooms/${roomId}/${index + 1}-${name}` })));
  print(`\n2. Dropping ${files.length} files into ${QUEUE_DEMO_ROOMS.length} rooms' folders (rooms/<room>/…): S3 event → ingest → FIFO queue → worker`);
  if (!stack.simulator) {
    for (const file of files) await putSample(stack, s3, file.key, file.name);
    print('   Queued. With a real server the worker delivers them in the background; rooms that do not exist wait until their deadline.');
    return;
  }
  const simulator = stack.simulator;
  for (const roomId of QUEUE_DEMO_ROOMS) simulator.createRoom(roomId);
  const seen = simulator.uploads.length;
  const started = Date.now();
  // Each room's files are written one after another, so their order is defined; the rooms go side by side.
  await Promise.all(
    QUEUE_DEMO_ROOMS.map(async (roomId) => {
      for (const file of files.filter((item) => item.roomId === roomId)) await putSample(stack, s3, file.key, file.name);
    }),
  );
  let shown = seen;
  const deadline = Date.now() + 60_000;
  while (shown < seen + files.length && Date.now() < deadline) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    for (const upload of simulator.uploads.slice(shown)) {
      const status = upload.httpStatus === 200 ? 'arrived' : `failed (${upload.message})`;
      print(`   +${seconds(upload.finishedAt - started).padStart(6)}  ${upload.roomId.padEnd(8)} ${status}: ${upload.filename ?? '?'}  (${seconds(upload.finishedAt - upload.startedAt)} on the server)`);
    }
    shown = simulator.uploads.length;
  }
  const peak = Math.max(0, ...Object.values(simulator.counters.maxConcurrentByRoom));
  print(`   Done: each room got its files one at a time, in order (peak uploads in progress per room: ${peak}); the rooms ran side by side.`);
}

/**
 * Deletes the stack description, so that `pnm-bridge` does not talk to a stopped stack. A file
 * that names another API URL belongs to another `npm start` and stays.
 */
async function removeDescription(path: string, apiUrl: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let written: { apiUrl?: unknown };
  try {
    written = JSON.parse(text) as { apiUrl?: unknown };
  } catch {
    return;
  }
  if (written.apiUrl === apiUrl) await rm(path, { force: true });
}

async function main(): Promise<void> {
  const realServer = readRealServer();
  const descriptionPath = resolve(process.env.LOCAL_STACK_FILE || join(repositoryRoot, '.local', 'stack.json'));
  const demoRoom = process.env.DEMO_ROOM_ID ?? 'demo-room';
  const isLogLevelDefault = !process.env.POWERTOOLS_LOG_LEVEL;
  if (isLogLevelDefault) process.env.POWERTOOLS_LOG_LEVEL = 'WARN';

  const ports = {
    api: readPort('LOCAL_API_PORT', 3000),
    s3: readPort('LOCAL_S3_PORT', 4569),
    sqs: readPort('LOCAL_SQS_PORT', 9324),
    plugnmeet: readPort('LOCAL_PLUGNMEET_PORT', 8765),
  };
  await assertPortFree(ports.api, 'LOCAL_API_PORT');
  await assertPortFree(ports.s3, 'LOCAL_S3_PORT');
  await assertPortFree(ports.sqs, 'LOCAL_SQS_PORT');
  if (!realServer) await assertPortFree(ports.plugnmeet, 'LOCAL_PLUGNMEET_PORT');

  const stack = await startLocalStack({
    ports,
    ...(realServer ? { plugnmeet: realServer } : { conversionMs: Number(process.env.SIMULATED_CONVERSION_MS ?? 400) }),
    // Shorter back-offs than a deployment's, so that a file for a room created a little later
    // arrives within seconds; an exported variable of the same name wins.
    settings: {
      BUSY_BACKOFF_BASE_SECONDS: process.env.BUSY_BACKOFF_BASE_SECONDS ?? '2',
      BUSY_BACKOFF_CAP_SECONDS: process.env.BUSY_BACKOFF_CAP_SECONDS ?? '10',
      ROOM_WAIT_BACKOFF_BASE_SECONDS: process.env.ROOM_WAIT_BACKOFF_BASE_SECONDS ?? '2',
      ROOM_WAIT_BACKOFF_CAP_SECONDS: process.env.ROOM_WAIT_BACKOFF_CAP_SECONDS ?? '10',
    },
    descriptionPath,
    onError: (source, error) => process.stderr.write(`${source}: ${(error as Error).message ?? String(error)}\n`),
  });

  const { description } = stack;
  const stopStack = async (): Promise<void> => {
    // The description goes first, so the CLI stops finding the stack even if a server is slow to close.
    try {
      await removeDescription(descriptionPath, description.apiUrl);
    } catch (error) {
      process.stderr.write(`Failed to remove ${descriptionPath}: ${(error as Error).message}. Delete it, so that pnm-bridge does not talk to a stopped stack.\n`);
    }
    await stack.stop();
  };
  const shutdown = async (): Promise<void> => {
    print('\nStopping…');
    await stopStack();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  try {
    await runDemo(stack, demoRoom, descriptionPath, isLogLevelDefault);
  } catch (error) {
    await stopStack();
    throw error;
  }
}

async function runDemo(stack: LocalStack, demoRoom: string, descriptionPath: string, isLogLevelDefault: boolean): Promise<void> {
  const { description } = stack;
  print('pnm-s3-bridge local stack');
  print(`   HTTP API      ${description.apiUrl}  (API-KEY ${description.apiKey})`);
  print(`   Links         ${description.linkBaseUrl}`);
  print(`   S3 stand-in   ${description.s3Endpoint}  bucket ${description.bucket}`);
  print(`   SQS stand-in  ${description.queueUrl}`);
  print(`   plugNmeet     ${description.plugnmeetUrl}${stack.simulator ? '  (simulator)' : '  (your server)'}`);
  print(`   Written to    ${descriptionPath}  (removed on Ctrl-C)`);
  if (isLogLevelDefault) print('   Logs          WARN and above; POWERTOOLS_LOG_LEVEL=INFO npm start also shows skip lines and per-file logs');

  const s3 = createLocalS3Client(description.s3Endpoint, description.region);
  const seeded = await seedSamples(stack, s3);
  print(`   Samples       ${seeded.keys.join(', ')}  (bucket ${description.bucket})`);
  if (seeded.skipped.length > 0) print(`                 not seeded, no known Content-Type: ${seeded.skipped.join(', ')}`);

  stack.simulator?.createRoom(demoRoom);
  await deliverSamples(stack, demoRoom);
  if (process.env.SKIP_QUEUE_DEMO !== 'true') await dropIntoRoomFolders(stack, s3);

  print(`\nServing until Ctrl-C. Try: npx pnm-bridge push --room ${demoRoom} --key samples/sample.pdf`);
  print(`     or a failure case: npx pnm-bridge push --room ${demoRoom} --key samples/photo.png`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
