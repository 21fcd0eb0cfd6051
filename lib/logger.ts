import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured JSON logger of the bridge. The level comes from `POWERTOOLS_LOG_LEVEL` or the
 * Lambda log-level setting. Callers add `roomId`, `bucket`, `key` and `messageId` with `appendKeys`
 * per record and remove them afterwards. Presigned URLs, tokens, API keys and signatures are never
 * passed to it.
 */
export const logger = new Logger({ serviceName: 'pnm-s3-bridge' });
