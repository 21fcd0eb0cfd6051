import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadConfig, type BridgeConfig } from '../../lib/config';
import { LOCAL_S3_CREDENTIALS } from '../../infra/local/s3-stand-in';

/** Bucket the S3 stand-in is started with in these tests. */
export const TEST_BUCKET = 'uploads';
export const TEST_REGION = 'eu-west-1';
export const TEST_LINK_SIGNING_SECRET = 'link-signing-secret-for-tests';

/** Builds the environment of a bridge that reads from the stand-in at `s3Endpoint`. `overrides` replace or unset variables. */
export function makeBridgeEnv(s3Endpoint: string, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PLUGNMEET_SERVER_URL: 'http://127.0.0.1:9',
    PLUGNMEET_API_KEY: 'plugnmeet-api-key',
    PLUGNMEET_API_SECRET: 'plugnmeet-api-secret',
    BRIDGE_API_KEY: 'bridge-api-key',
    BRIDGE_API_SECRET: 'bridge-api-secret',
    LINK_SIGNING_SECRET: TEST_LINK_SIGNING_SECRET,
    LINK_BASE_URL: 'http://127.0.0.1:9/links',
    ALLOWED_BUCKETS: TEST_BUCKET,
    AWS_REGION: TEST_REGION,
    S3_ENDPOINT: s3Endpoint,
    ...overrides,
  };
}

/** Loads the settings of a bridge that reads from the stand-in at `s3Endpoint`. */
export function makeTestConfig(s3Endpoint: string, overrides: Record<string, string | undefined> = {}): BridgeConfig {
  return loadConfig(makeBridgeEnv(s3Endpoint, overrides));
}

/** Creates a client for putting fixtures into the stand-in, separate from the clients under test. */
export function createFixtureClient(s3Endpoint: string): S3Client {
  return new S3Client({
    region: TEST_REGION,
    endpoint: s3Endpoint,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Uploads a fixture as a Buffer (the stand-in rejects streamed uploads) and returns its unquoted ETag. */
export async function putFixture(
  client: S3Client,
  fixture: { key: string; body: Buffer; contentType?: string; bucket?: string; metadata?: Record<string, string> },
): Promise<string> {
  const output = await client.send(
    new PutObjectCommand({
      Bucket: fixture.bucket ?? TEST_BUCKET,
      Key: fixture.key,
      Body: fixture.body,
      ...(fixture.contentType === undefined ? {} : { ContentType: fixture.contentType }),
      ...(fixture.metadata === undefined ? {} : { Metadata: fixture.metadata }),
    }),
  );
  return (output.ETag ?? '').replace(/"/g, '');
}

export async function deleteFixture(client: S3Client, key: string): Promise<void> {
  await client.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
}

/** Bytes that start like a PDF, with a label so that every fixture has its own content and ETag. */
export function makePdfBytes(label: string, padding = 0): Buffer {
  return Buffer.concat([Buffer.from(`%PDF-1.4\n% ${label}\n`, 'utf8'), Buffer.alloc(padding, 0x20)]);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A local HTTP server that responds to every request with one status and no body: an S3 that fails. */
export interface FailingEndpoint {
  endpoint: string;
  requestCount(): number;
  stop(): Promise<void>;
}

export async function startFailingEndpoint(statusCode: number): Promise<FailingEndpoint> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    response.writeHead(statusCode, { 'Content-Length': '0' });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requestCount: () => requests,
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Returns an endpoint on 127.0.0.1 where nothing listens: a port that was just bound and released. */
export async function findClosedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
