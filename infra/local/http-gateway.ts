import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A function that serves API Gateway HTTP API events (payload version 2.0). */
export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2 | unknown>;

/** One route: a method (or ANY) and a path template with `{name}` and a final `{name+}`. */
export interface GatewayRoute {
  method: string;
  path: string;
  handler: HttpHandler;
}

export interface HttpGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface CompiledRoute extends GatewayRoute {
  pattern: RegExp;
  names: string[];
}

function compileRoute(route: GatewayRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy) {
        names.push(greedy[1] as string);
        return '(.+)';
      }
      const single = /^\{(\w+)\}$/.exec(segment);
      if (single) {
        names.push(single[1] as string);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toEvent(request: IncomingMessage, route: CompiledRoute, match: RegExpExecArray, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const pathParameters: Record<string, string> = {};
  route.names.forEach((name, index) => {
    // API Gateway hands path parameters over percent-decoded.
    pathParameters[name] = decodeURIComponent(match[index + 1] as string);
  });
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `local-${Date.now()}-${Math.random().toString(16).slice(2)}`,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    // API Gateway base64-encodes every body it does not know to be text; doing the same keeps handlers honest.
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  } as APIGatewayProxyEventV2;
}

function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2 | unknown, isHead: boolean): void {
  const structured = (typeof result === 'object' && result !== null && 'statusCode' in result
    ? result
    : { statusCode: 200, body: JSON.stringify(result), headers: { 'content-type': 'application/json' } }) as APIGatewayProxyStructuredResultV2;
  const body = structured.body === undefined ? Buffer.alloc(0) : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name] = String(value);
  // A HEAD response keeps the Content-Length the handler set for the GET body it describes.
  if (!isHead || !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    headers['content-length'] = isHead ? 0 : body.length;
  }
  response.writeHead(structured.statusCode ?? 200, headers);
  response.end(isHead ? undefined : body);
}

/**
 * Starts a small stand-in for API Gateway's HTTP API on 127.0.0.1: it turns each request into a
 * payload 2.0 event, calls the route's handler in this process, and writes the handler's result.
 * Unmatched requests get 404, like API Gateway's `{"message":"Not Found"}`.
 */
export async function startHttpGateway(options: { port?: number; host?: string; routes: GatewayRoute[] }): Promise<HttpGateway> {
  const routes = options.routes.map(compileRoute);
  const server: Server = createServer(async (request, response) => {
    try {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      const method = request.method ?? 'GET';
      for (const route of routes) {
        const match = route.pattern.exec(path);
        if (!match || (route.method !== 'ANY' && route.method !== method)) continue;
        const body = await readBody(request);
        const result = await route.handler(toEvent(request, route, match, body));
        writeResult(response, result, method === 'HEAD');
        return;
      }
      writeResult(response, { statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not Found"}' }, method === 'HEAD');
    } catch (error) {
      // A Lambda that throws makes API Gateway return 500 with a fixed body.
      process.stderr.write(`local gateway: handler failed: ${(error as Error).stack ?? String(error)}\n`);
      if (!response.headersSent) writeResult(response, { statusCode: 500, body: '{"message":"Internal Server Error"}' }, request.method === 'HEAD');
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
