import type { Context } from 'aws-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { dirname } from 'node:path';
import { handler as ingestHandler } from '../../functions/ingest';
import { handler as linkHandler } from '../../functions/link';
import { handler as preloadHandler } from '../../functions/preload';
import { handler as pushHandler } from '../../functions/push';
import { handler as workerHandler } from '../../functions/worker';
import { resetConfig } from '../../lib/config';
import { logger } from '../../lib/logger';
import { resetRuntime } from '../../lib/runtime';
import { createLocalContext } from './lambda-context';
import { startHttpGateway, type HttpGateway, type HttpHandler } from './http-gateway';
import { startPlugnmeetSimulator, type PlugnmeetSimulator } from './plugnmeet-simulator';
import { startQueuePoller, type QueuePoller, type SqsHandler } from './queue-poller';
import { startS3Notifier } from './s3-notifier';
import { LOCAL_S3_CREDENTIALS, startS3StandIn, type S3StandIn } from './s3-stand-in';
import { startSqsStandIn, type SqsStandIn } from './sqs-stand-in';

/** Contents of `.local/stack.json`: everything a script needs to drive the local stack. */
export interface StackDescription {
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  linkBaseUrl: string;
  s3Endpoint: string;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  region: string;
  bucket: string;
  roomKeyPrefix: string;
  plugnmeetUrl: string;
  /** Admin routes of the plugNmeet simulator, when the stack runs it. */
  simulatorAdminUrl?: string;
  sqsEndpoint: string;
  queueUrl: string;
  failureQueueUrl: string;
}

export interface LocalStackOptions {
  /** Ports; 0 picks a free one. */
  ports?: { api?: number; s3?: number; sqs?: number; plugnmeet?: number };
  /** A real plugNmeet server to use instead of the simulator. */
  plugnmeet?: { url: string; apiKey: string; apiSecret: string };
  /** Simulated conversion time per file, in milliseconds. */
  conversionMs?: number;
  /** Simulator lock lifetime, in milliseconds. */
  lockTtlMs?: number;
  /** Concurrent worker invocations, like the mapping's maximum concurrency. */
  workerConcurrency?: number;
  workerBatchSize?: number;
  /** Extra bridge settings (environment variable names), applied over the stack's defaults. */
  settings?: Record<string, string>;
  /** Path of the stack description file; undefined writes none. */
  descriptionPath?: string;
  onError?: (source: string, error: unknown) => void;
}

export interface LocalStack {
  description: StackDescription;
  s3: S3StandIn;
  sqs: SqsStandIn;
  simulator: PlugnmeetSimulator | undefined;
  gateway: HttpGateway;
  poller: QueuePoller;
  stop(): Promise<void>;
}

export const LOCAL_BUCKET = 'uploads';
export const LOCAL_STATE_BUCKET = 'pnm-bridge-state';
const REGION = 'us-east-1';

async function createFifoQueues(sqs: SQSClient, maxReceiveCount: number): Promise<{ queueUrl: string; queueArn: string; failureQueueUrl: string }> {
  const failure = await sqs.send(new CreateQueueCommand({ QueueName: 'pnm-bridge-failures.fifo', Attributes: { FifoQueue: 'true' } }));
  const failureQueueUrl = failure.QueueUrl as string;
  const failureAttributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: failureQueueUrl, AttributeNames: ['QueueArn'] }));
  const uploads = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'pnm-bridge-uploads.fifo',
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: '900',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: failureAttributes.Attributes?.QueueArn, maxReceiveCount }),
      },
    }),
  );
  const queueUrl = uploads.QueueUrl as string;
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return { queueUrl, queueArn: attributes.Attributes?.QueueArn as string, failureQueueUrl };
}

/**
 * Starts the whole bridge on 127.0.0.1 with no AWS account: the S3 stand-in (signature-checking
 * s3rver), the FIFO SQS stand-in (fauxqs), the plugNmeet simulator unless a real server is given,
 * the HTTP API and link endpoint, S3 notifications into the ingest function, and a poller that
 * feeds the worker as Lambda's event source mapping would. The functions run in this process and
 * read their settings from `process.env`, which this sets.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // The SDK warns on Node 20 that releases from January 2027 on need Node 22; that is noise in a demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const ports = options.ports ?? {};
  const onError = options.onError ?? (() => undefined);
  const apiKey = 'local-bridge-key';
  const apiSecret = 'local-bridge-secret';

  const s3 = await startS3StandIn({ buckets: [LOCAL_BUCKET, LOCAL_STATE_BUCKET], ...(ports.s3 === undefined ? {} : { port: ports.s3 }) });
  const sqsStandIn = await startSqsStandIn(ports.sqs === undefined ? {} : { port: ports.sqs });
  const simulator = options.plugnmeet
    ? undefined
    : await startPlugnmeetSimulator({
        apiKey: 'local-plugnmeet-key',
        apiSecret: 'local-plugnmeet-secret',
        ...(ports.plugnmeet === undefined ? {} : { port: ports.plugnmeet }),
        ...(options.conversionMs === undefined ? {} : { conversionMs: options.conversionMs }),
        ...(options.lockTtlMs === undefined ? {} : { lockTtlMs: options.lockTtlMs }),
      });
  const plugnmeet = options.plugnmeet ?? { url: simulator?.url as string, apiKey: 'local-plugnmeet-key', apiSecret: 'local-plugnmeet-secret' };

  const maxReceiveCount = Number(options.settings?.MAX_RECEIVE_COUNT ?? 1000);
  // Every poller lane keeps a socket busy in a long poll, so the client needs more sockets than lanes,
  // or each delete waits behind the long polls (the SDK's default is 50 sockets).
  const lanes = options.workerConcurrency ?? 20;
  const sqs = new SQSClient({
    region: REGION,
    endpoint: sqsStandIn.endpoint,
    credentials: LOCAL_S3_CREDENTIALS,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: lanes + 10 }) },
  });
  const queues = await createFifoQueues(sqs, maxReceiveCount);

  // The gateway's port must be known before the link base URL is set, so routes resolve handlers lazily.
  const routes: Array<{ method: string; path: string; handler: HttpHandler }> = [
    { method: 'POST', path: '/rooms/{roomId}/files', handler: (event) => pushHandler(event, createLocalContext('push', 29_000)) },
    { method: 'POST', path: '/rooms/{roomId}/preloads', handler: (event) => preloadHandler(event, createLocalContext('preload', 29_000)) },
    { method: 'ANY', path: '/links/{proxy+}', handler: (event) => linkHandler(event, createLocalContext('link', 10_000)) },
  ];
  const gateway = await startHttpGateway({ routes, ...(ports.api === undefined ? {} : { port: ports.api }) });

  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    PLUGNMEET_SERVER_URL: plugnmeet.url,
    PLUGNMEET_API_KEY: plugnmeet.apiKey,
    PLUGNMEET_API_SECRET: plugnmeet.apiSecret,
    BRIDGE_API_KEY: apiKey,
    BRIDGE_API_SECRET: apiSecret,
    LINK_BASE_URL: `${gateway.url}/links`,
    LINK_SIGNING_SECRET: 'local-link-signing-secret',
    ALLOWED_BUCKETS: LOCAL_BUCKET,
    S3_ENDPOINT: s3.endpoint,
    SQS_ENDPOINT: sqsStandIn.endpoint,
    UPLOAD_QUEUE_URL: queues.queueUrl,
    FAILURE_QUEUE_URL: queues.failureQueueUrl,
    DELIVERY_STATE_BUCKET: LOCAL_STATE_BUCKET,
    MAX_RECEIVE_COUNT: String(maxReceiveCount),
    ...options.settings,
  });
  resetConfig();
  resetRuntime();
  // The logger was built when the functions were imported, before the settings above existed.
  const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
  if (logLevel) logger.setLogLevel(logLevel as Parameters<typeof logger.setLogLevel>[0]);

  const ingest = ingestHandler as unknown as (event: unknown, context: Context) => Promise<unknown>;
  startS3Notifier({
    s3,
    region: REGION,
    bucket: LOCAL_BUCKET,
    prefix: '',
    handler: (event) => ingest(event, createLocalContext('ingest')),
    onError: (error) => onError('ingest', error),
  });

  const worker: SqsHandler = (event) => workerHandler(event, createLocalContext('worker'));
  const poller = startQueuePoller({
    sqs,
    queueUrl: queues.queueUrl,
    queueArn: queues.queueArn,
    handler: worker,
    batchSize: options.workerBatchSize ?? 1,
    concurrency: lanes,
    onError: (error) => onError('worker', error),
  });

  const description: StackDescription = {
    apiUrl: gateway.url,
    apiKey,
    apiSecret,
    linkBaseUrl: `${gateway.url}/links`,
    s3Endpoint: s3.endpoint,
    s3AccessKeyId: LOCAL_S3_CREDENTIALS.accessKeyId,
    s3SecretAccessKey: LOCAL_S3_CREDENTIALS.secretAccessKey,
    region: REGION,
    bucket: LOCAL_BUCKET,
    roomKeyPrefix: 'rooms/',
    plugnmeetUrl: plugnmeet.url,
    ...(simulator ? { simulatorAdminUrl: `${simulator.url}/_simulator` } : {}),
    sqsEndpoint: sqsStandIn.endpoint,
    queueUrl: queues.queueUrl,
    failureQueueUrl: queues.failureQueueUrl,
  };
  if (options.descriptionPath) {
    await mkdir(dirname(options.descriptionPath), { recursive: true });
    await writeFile(options.descriptionPath, `${JSON.stringify(description, null, 2)}\n`);
  }

  return {
    description,
    s3,
    sqs: sqsStandIn,
    simulator,
    gateway,
    poller,
    stop: async () => {
      // In-flight uploads end once the simulator is gone, so the poller's lanes can finish.
      const pollerStopped = poller.stop();
      await simulator?.stop();
      await pollerStopped;
      await gateway.stop();
      await sqsStandIn.stop();
      await s3.stop();
    },
  };
}
