import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

type LinkEventHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * How the adapter fills the event's path: `decoded` as API Gateway HTTP APIs do (both `rawPath`
 * and the `proxy` parameter percent-decoded), or `raw` with the path exactly as sent and no
 * path parameters.
 */
export type PathStyle = 'decoded' | 'raw';

export interface LinkServer {
  /** The value for LINK_BASE_URL: `http://127.0.0.1:<port>/links`. */
  baseUrl: string;
  /** The requests the server received, as `<METHOD> <path>`. */
  requests(): string[];
  stop(): Promise<void>;
}

const LINKS_PREFIX = '/links/';

function makeEvent(request: IncomingMessage, pathStyle: PathStyle): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const rawPath = pathStyle === 'decoded' ? decodeURIComponent(url.pathname) : url.pathname;
  const proxy = rawPath.startsWith(LINKS_PREFIX) ? rawPath.slice(LINKS_PREFIX.length) : undefined;
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: 'ANY /links/{proxy+}',
    rawPath,
    rawQueryString: url.search.slice(1),
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
    ...(pathStyle === 'decoded' && proxy !== undefined ? { pathParameters: { proxy } } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: request.headers['user-agent'] ?? '' },
      requestId: 'local-request',
      routeKey: 'ANY /links/{proxy+}',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

/**
 * Starts a node:http server on 127.0.0.1 that turns each request into an API Gateway HTTP API
 * (payload 2.0) event for the link handler, and its result back into an HTTP response.
 */
export async function startLinkServer(handle: LinkEventHandler, pathStyle: PathStyle = 'decoded'): Promise<LinkServer> {
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    request.resume();
    handle(makeEvent(request, pathStyle))
      .then((result) => {
        const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]));
        response.writeHead(result.statusCode ?? 200, headers);
        response.end(result.body ?? '');
      })
      .catch((error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/links`,
    requests: () => [...received],
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
