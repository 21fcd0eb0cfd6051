/**
 * `npm start`: runs the whole bridge on this machine, delivers the sample documents to a demo room
 * through the HTTP API, drops files into several rooms' S3 folders to show the queue at work, and
 * keeps serving until Ctrl-C. Endpoints and credentials go to `.local/stack.json`.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callBridgeApi } from '../../bin/bridge-api-client';
import { LOCAL_S3_CREDENTIALS } from './s3-stand-in';
import { startLocalStack, type LocalStack } from './stack';

const here = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = resolve(here, '../..');
const SAMPLES = ['sample.pdf', 'sample.docx', 'sample.pptx'];
const QUEUE_DEMO_ROOMS = ['class-a', 'class-b', 'class-c'];

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

async function deliverSamples(stack: LocalStack, s3: S3Client, roomId: string): Promise<void> {
  print(`\n1. Delivering the sample documents to room ${roomId} through POST /rooms/${roomId}/files`);
  for (const name of SAMPLES) {
    const key = `samples/${name}`;
    await s3.send(new PutObjectCommand({ Bucket: stack.description.bucket, Key: key, Body: await readFile(join(here, 'samples', name)) }));
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
  const files = QUEUE_DEMO_ROOMS.flatMap((roomId) => SAMPLES.map((name, index) => ({ roomId, name, key: `rooms/${roomId}/${index + 1}-${name}` })));
  print(`\n2. Dropping ${files.length} files into ${QUEUE_DEMO_ROOMS.length} rooms' folders (rooms/<room>/…): S3 event → ingest → FIFO queue → worker`);
  if (!stack.simulator) {
    for (const file of files) await s3.send(new PutObjectCommand({ Bucket: stack.description.bucket, Key: file.key, Body: await readFile(join(here, 'samples', file.name)) }));
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
      for (const file of files.filter((item) => item.roomId === roomId)) {
        await s3.send(new PutObjectCommand({ Bucket: stack.description.bucket, Key: file.key, Body: await readFile(join(here, 'samples', file.name)) }));
      }
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

async function main(): Promise<void> {
  const realServer = readRealServer();
  const descriptionPath = join(repositoryRoot, '.local', 'stack.json');
  const demoRoom = process.env.DEMO_ROOM_ID ?? 'demo-room';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

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
  print('pnm-s3-bridge local stack');
  print(`   HTTP API      ${description.apiUrl}  (API-KEY ${description.apiKey})`);
  print(`   Links         ${description.linkBaseUrl}`);
  print(`   S3 stand-in   ${description.s3Endpoint}  bucket ${description.bucket}`);
  print(`   SQS stand-in  ${description.queueUrl}`);
  print(`   plugNmeet     ${description.plugnmeetUrl}${stack.simulator ? '  (simulator)' : '  (your server)'}`);
  print(`   Written to    ${descriptionPath}`);

  const shutdown = async (): Promise<void> => {
    print('\nStopping…');
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  const s3 = new S3Client({
    region: description.region,
    endpoint: description.s3Endpoint,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  stack.simulator?.createRoom(demoRoom);
  await deliverSamples(stack, s3, demoRoom);
  if (process.env.SKIP_QUEUE_DEMO !== 'true') await dropIntoRoomFolders(stack, s3);

  print('\nServing until Ctrl-C. Try: npx pnm-bridge push --room demo-room --key samples/sample.pdf');
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
