import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3StandIn, type S3StandIn } from '../../infra/local/s3-stand-in';
import type { BridgeConfig } from '../../lib/config';
import { buildContentDisposition } from '../../lib/content-disposition';
import { presignObjectGet } from '../../lib/presign';
import { inspectObject, type S3ObjectInfo } from '../../lib/s3-object';
import { createFixtureClient, makePdfBytes, makeTestConfig, putFixture, sha256Hex, TEST_BUCKET } from '../helpers/s3-fixtures';

const SIGNED_QUERY_KEYS = [
  'X-Amz-Algorithm',
  'X-Amz-Content-Sha256',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'response-content-disposition',
  'response-content-type',
  'x-id',
];

const PPTX_MIME = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const FILENAME = "Präsentation (v2) – it's final-k3f9a2bq.pptx";

let standIn: S3StandIn;
let fixtures: S3Client;
let config: BridgeConfig;
let object: S3ObjectInfo;
let body: Buffer;

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  standIn = await startS3StandIn({ buckets: [TEST_BUCKET] });
  fixtures = createFixtureClient(standIn.endpoint);
  config = makeTestConfig(standIn.endpoint, { PRESIGN_TTL_SECONDS: '120' });
  body = Buffer.from('PK\u0003\u0004 presentation bytes');
  await putFixture(fixtures, { key: 'rooms/room-1/Präsentation (v2).pptx', body, contentType: 'binary/octet-stream' });
  object = await inspectObject(config, { bucket: TEST_BUCKET, key: 'rooms/room-1/Präsentation (v2).pptx' });
});

afterAll(async () => {
  fixtures.destroy();
  await standIn.stop();
  vi.unstubAllEnvs();
});

function presignFixture(target: Pick<S3ObjectInfo, 'bucket' | 'key' | 'versionId'> = object, presignConfig = config): Promise<string> {
  return presignObjectGet(presignConfig, target, { contentType: PPTX_MIME, contentDisposition: buildContentDisposition(FILENAME) });
}

describe('presignObjectGet', () => {
  it('signs exactly the expected query parameters, without x-amz-checksum-mode', async () => {
    // Act
    const url = new URL(await presignFixture());

    // Assess
    expect([...url.searchParams.keys()].sort()).toStrictEqual([...SIGNED_QUERY_KEYS].sort());
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(url.searchParams.get('response-content-type')).toBe(PPTX_MIME);
    expect(url.searchParams.get('response-content-disposition')).toBe(buildContentDisposition(FILENAME));
  });

  it('pins the version when one is known', async () => {
    // Act
    const url = new URL(await presignFixture({ ...object, versionId: '3HL4kqtJlcpXroDTDmJ' }));

    // Assess
    expect([...url.searchParams.keys()].sort()).toStrictEqual([...SIGNED_QUERY_KEYS, 'versionId'].sort());
    expect(url.searchParams.get('versionId')).toBe('3HL4kqtJlcpXroDTDmJ');
  });

  it("signs for the bucket's region", async () => {
    // Prepare
    const regional = makeTestConfig(standIn.endpoint, { BUCKET_REGIONS: `${TEST_BUCKET}=eu-central-1` });

    // Act
    const url = new URL(await presignFixture(object, regional));

    // Assess
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^test\/\d{8}\/eu-central-1\/s3\/aws4_request$/);
  });

  it('returns a URL that serves the bytes with the signed headers', async () => {
    // Act
    const response = await fetch(await presignFixture());

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(PPTX_MIME);
    expect(response.headers.get('content-disposition')).toBe(buildContentDisposition(FILENAME));
    expect(sha256Hex(new Uint8Array(await response.arrayBuffer()))).toBe(sha256Hex(body));
  });

  it('returns a URL that S3 rejects once its signature is changed', async () => {
    // Prepare
    const url = new URL(await presignFixture());
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`);

    // Act
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(403);
  });

  it('returns a URL that S3 rejects for another key', async () => {
    // Prepare
    const other = 'rooms/room-1/other.pdf';
    await putFixture(fixtures, { key: other, body: makePdfBytes('other'), contentType: 'application/pdf' });
    const url = new URL(await presignFixture());
    url.pathname = `/${TEST_BUCKET}/rooms/room-1/other.pdf`;

    // Act
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(403);
  });

  it('returns a URL that S3 rejects once the signed disposition is changed', async () => {
    // Prepare
    const url = new URL(await presignFixture());
    url.searchParams.set('response-content-disposition', buildContentDisposition('other-aaaaaaaa.pptx'));

    // Act
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(403);
  });
});
