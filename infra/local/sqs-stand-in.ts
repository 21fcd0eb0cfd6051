import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildApp } from 'fauxqs';

export interface SqsStandIn {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

interface StoreWithHost {
  host: string;
}

/**
 * Starts `fauxqs` 1.9.2 on 127.0.0.1: a local SQS that keeps FIFO order and holds back a message
 * group while one of its messages is in flight. Its `startFauxqs()` binds 0.0.0.0, so the app is
 * built and bound here instead.
 *
 * By default fauxqs names queues `http://sqs.<region>.localhost:PORT/...`, a host that does not
 * resolve. With the store's `host` emptied, queue URLs use the request's own host
 * (`http://127.0.0.1:PORT/...`), so a plain SQS client with `endpoint` set works with them. The
 * store classes are not exported, so they are loaded from the package's files.
 */
export async function startSqsStandIn(options: { port?: number } = {}): Promise<SqsStandIn> {
  const distDirectory = dirname(fileURLToPath(import.meta.resolve('fauxqs')));
  const load = async (relative: string, exportName: string) => {
    const module = (await import(pathToFileURL(join(distDirectory, relative)).href)) as Record<string, new () => unknown>;
    const StoreClass = module[exportName];
    if (!StoreClass) throw new Error(`fauxqs no longer exports ${exportName} from ${relative}; update startSqsStandIn.`);
    return new StoreClass();
  };
  const sqsStore = (await load('sqs/sqsStore.js', 'SqsStore')) as StoreWithHost;
  sqsStore.host = '';
  const stores = {
    sqsStore,
    snsStore: await load('sns/snsStore.js', 'SnsStore'),
    s3Store: await load('s3/s3Store.js', 'S3Store'),
  } as unknown as NonNullable<Parameters<typeof buildApp>[0]>['stores'];

  const app = buildApp({ logger: false, stores });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await app.close();
    },
  };
}
