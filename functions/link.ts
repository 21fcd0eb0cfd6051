import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { getConfig, type BridgeConfig } from '../lib/config';
import { handleLinkRequest } from '../lib/document-link';
import { recordDownload } from '../lib/delivery-state';
import { withLambdaContext } from '../lib/lambda-handler';
import type { LinkClaims } from '../lib/link-token';
import { resolveSecret } from '../lib/secrets';

/** What the link handler depends on; each has a production default. */
export interface LinkHandlerDeps {
  /** Returns the bridge settings; defaults to `getConfig()`. */
  getConfig?: () => BridgeConfig;
  /** Called before a GET is redirected to S3, for example to record that the server downloaded the file. */
  onDownload?: (claims: LinkClaims) => Promise<void>;
}

const LINKS_PREFIX = '/links/';

/**
 * Returns the path after `/links/`. The `{proxy+}` parameter contains it, and the raw path
 * is the fallback. API Gateway HTTP APIs decode both, which `handleLinkRequest` allows for.
 */
function readLinkPath(event: APIGatewayProxyEventV2): string {
  const proxy = event.pathParameters?.proxy;
  if (proxy) return proxy;
  const start = event.rawPath.indexOf(LINKS_PREFIX);
  return start === -1 ? '' : event.rawPath.slice(start + LINKS_PREFIX.length);
}

/**
 * Creates the Lambda handler of the route `ANY /links/{proxy+}` (API Gateway HTTP API, payload
 * format 2.0), which serves the document links that plugNmeet fetches.
 */
export function createLinkHandler(deps: LinkHandlerDeps = {}): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  const readConfig = deps.getConfig ?? getConfig;
  return async function handleLinkEvent(event) {
    const config = readConfig();
    const linkSigningSecret = await resolveSecret(config.link.signingSecret);
    const response = await handleLinkRequest(
      config,
      { linkSigningSecret },
      { method: event.requestContext.http.method, path: readLinkPath(event) },
      deps.onDownload ? { onDownload: deps.onDownload } : {},
    );
    return { statusCode: response.statusCode, headers: response.headers, body: response.body ?? '' };
  };
}

/**
 * Records each download in the delivery-state bucket, when one is set, so that the worker can
 * tell after a timed-out upload whether the server already has the file.
 */
async function recordDownloadWhenConfigured(claims: LinkClaims): Promise<void> {
  const config = getConfig();
  if (config.deliveryState.bucket) await recordDownload(config, claims.deliveryId);
}

const handleLinkEvent = createLinkHandler({ onDownload: recordDownloadWhenConfigured });

export const handler = withLambdaContext((event: APIGatewayProxyEventV2, _context: Context) => handleLinkEvent(event));
