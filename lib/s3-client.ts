import { S3Client } from '@aws-sdk/client-s3';
import type { BridgeConfig } from './config';

const clients = new Map<string, S3Client>();

/** Returns the region a bucket lives in, from `BUCKET_REGIONS` or the default region. */
export function getBucketRegion(config: BridgeConfig, bucket: string): string {
  return config.s3.bucketRegions[bucket] ?? config.s3.defaultRegion;
}

/**
 * Returns an S3 client for the bucket's own region, one per region and process. A presigned URL
 * must be signed for the bucket's region or S3 rejects it. Checksum parameters are turned off
 * (`WHEN_REQUIRED`), because SDK versions from 3.729.0 on add `x-amz-checksum-mode` to presigned
 * GET URLs, which some S3-compatible stores reject.
 */
export function getS3Client(config: BridgeConfig, bucket: string): S3Client {
  const region = getBucketRegion(config, bucket);
  const endpoint = config.s3.endpoint;
  const cacheKey = `${region} ${endpoint ?? ''}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = new S3Client({
      region,
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    clients.set(cacheKey, client);
  }
  return client;
}
