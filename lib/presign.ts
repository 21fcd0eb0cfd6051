import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BridgeConfig } from './config';
import { S3UnavailableError } from './errors';
import { getS3Client } from './s3-client';
import type { S3ObjectInfo } from './s3-object';

/**
 * Presigns a SigV4 GET URL for the object, valid for `PRESIGN_TTL_SECONDS`
 * (`config.link.presignTtlSeconds`).
 *
 * The response Content-Type and Content-Disposition are signed into the URL
 * (`response-content-type`, `response-content-disposition`), so S3 returns them with the GET response
 * whatever the object's stored type is. The version is pinned when known. The client comes from
 * `getS3Client`, which signs for the bucket's region and leaves out `x-amz-checksum-mode`.
 * A URL signed with temporary credentials stops working when they expire, even before its expiry,
 * so presign just before the URL is used.
 *
 * @param object - the object to sign for; only its bucket, key and version are used
 * @param response - the headers S3 should answer the GET with
 * @returns the URL; it is a bearer credential, so never log it
 * @throws {S3UnavailableError} when signing fails, for example because no credentials could be loaded
 */
export async function presignObjectGet(
  config: BridgeConfig,
  object: Pick<S3ObjectInfo, 'bucket' | 'key' | 'versionId'>,
  response: { contentType: string; contentDisposition: string },
): Promise<string> {
  const command = new GetObjectCommand({
    Bucket: object.bucket,
    Key: object.key,
    ...(object.versionId === undefined ? {} : { VersionId: object.versionId }),
    ResponseContentType: response.contentType,
    ResponseContentDisposition: response.contentDisposition,
  });
  try {
    return await getSignedUrl(getS3Client(config, object.bucket), command, { expiresIn: config.link.presignTtlSeconds });
  } catch (error) {
    throw new S3UnavailableError(
      `Failed to presign a GET URL for "${object.key}" in bucket "${object.bucket}": ${error instanceof Error ? error.name : 'unknown error'}.`,
      { cause: error, facts: { bucket: object.bucket, key: object.key } },
    );
  }
}
