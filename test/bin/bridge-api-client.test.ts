import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeApiTransportError, callBridgeApi, listStackFilePaths, resolveBridgeApiTarget } from '../../bin/bridge-api-client';
import { findClosedPort } from './cli-process';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pnm-bridge-target-'));
});

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

function stackFile(name: string, content: unknown): Promise<string> {
  const path = join(directory, name);
  return writeFile(path, typeof content === 'string' ? content : JSON.stringify(content)).then(() => path);
}

describe('listStackFilePaths', () => {
  it('looks in the current directory, then the package root', () => {
    // Act
    const paths = listStackFilePaths(directory);

    // Assess
    expect(paths).toStrictEqual([join(directory, '.local', 'stack.json'), join(packageRoot, '.local', 'stack.json')]);
  });

  it('looks first where LOCAL_STACK_FILE moved the file', () => {
    // Act
    const paths = listStackFilePaths(directory, { LOCAL_STACK_FILE: 'elsewhere/stack.json' });

    // Assess
    expect(paths).toStrictEqual([
      join(directory, 'elsewhere', 'stack.json'),
      join(directory, '.local', 'stack.json'),
      join(packageRoot, '.local', 'stack.json'),
    ]);
  });

  it('lists the package root once when it is the current directory', () => {
    // Act
    const paths = listStackFilePaths(packageRoot);

    // Assess
    expect(paths).toStrictEqual([join(packageRoot, '.local', 'stack.json')]);
  });
});

describe('resolveBridgeApiTarget', () => {
  it('prefers the environment to a stack file', async () => {
    // Prepare
    const path = await stackFile('env-first.json', { apiUrl: 'http://127.0.0.1:3000', apiKey: 'file-key', apiSecret: 'file-secret' });
    const env = { PNM_BRIDGE_API_URL: 'http://127.0.0.1:4000', PNM_BRIDGE_API_KEY: 'env-key', PNM_BRIDGE_API_SECRET: 'env-secret' };

    // Act
    const target = await resolveBridgeApiTarget(env, [path]);

    // Assess
    expect(target).toStrictEqual({ apiUrl: 'http://127.0.0.1:4000', apiKey: 'env-key', apiSecret: 'env-secret', source: { kind: 'environment' } });
  });

  it('uses the first stack file that exists', async () => {
    // Prepare
    const path = await stackFile('second.json', { apiUrl: 'http://127.0.0.1:3000', apiKey: 'key', apiSecret: 'secret' });

    // Act
    const target = await resolveBridgeApiTarget({}, [join(directory, 'missing.json'), path]);

    // Assess
    expect(target).toStrictEqual({ apiUrl: 'http://127.0.0.1:3000', apiKey: 'key', apiSecret: 'secret', source: { kind: 'stack-file', path } });
  });

  it('names every path tried when no stack file exists', async () => {
    // Prepare
    const paths = [join(directory, 'a', 'stack.json'), join(directory, 'b', 'stack.json')];

    // Act
    const attempt = resolveBridgeApiTarget({}, paths);

    // Assess
    await expect(attempt).rejects.toThrow(paths[0]);
    await expect(attempt).rejects.toThrow(paths[1]);
  });

  it('rejects a partial environment', async () => {
    // Act
    const attempt = resolveBridgeApiTarget({ PNM_BRIDGE_API_URL: 'http://127.0.0.1:3000' }, []);

    // Assess
    await expect(attempt).rejects.toThrow('PNM_BRIDGE_API_SECRET');
  });

  it('names PNM_BRIDGE_API_URL when it is not a URL', async () => {
    // Act
    const attempt = resolveBridgeApiTarget({ PNM_BRIDGE_API_URL: '127.0.0.1:3000', PNM_BRIDGE_API_KEY: 'key', PNM_BRIDGE_API_SECRET: 'secret' }, []);

    // Assess
    await expect(attempt).rejects.toThrow('Invalid PNM_BRIDGE_API_URL');
  });

  it('names a stack file that is not JSON', async () => {
    // Prepare
    const path = await stackFile('broken.json', '{"apiUrl": ');

    // Act
    const attempt = resolveBridgeApiTarget({}, [path]);

    // Assess
    await expect(attempt).rejects.toThrow(`Invalid ${path}: it is not valid JSON`);
  });

  it('names a stack file without credentials', async () => {
    // Prepare
    const path = await stackFile('partial.json', { apiUrl: 'http://127.0.0.1:3000' });

    // Act
    const attempt = resolveBridgeApiTarget({}, [path]);

    // Assess
    await expect(attempt).rejects.toThrow(`Invalid ${path}: it lacks apiUrl, apiKey or apiSecret`);
  });
});

describe('callBridgeApi', () => {
  it('reports a refused connection with its code and origin', async () => {
    // Prepare
    const port = await findClosedPort();
    const target = { apiUrl: `http://127.0.0.1:${port}/prod`, apiKey: 'key', apiSecret: 'secret' };

    // Act
    const error: unknown = await callBridgeApi(target, '/rooms/r/files', { key: 'a.pdf' }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(BridgeApiTransportError);
    expect((error as BridgeApiTransportError).causeCode).toBe('ECONNREFUSED');
    expect((error as BridgeApiTransportError).origin).toBe(`http://127.0.0.1:${port}`);
  });

  it('rethrows an abort from the caller unchanged', async () => {
    // Prepare
    const port = await findClosedPort();
    const target = { apiUrl: `http://127.0.0.1:${port}`, apiKey: 'key', apiSecret: 'secret' };

    // Act
    const error: unknown = await callBridgeApi(target, '/rooms/r/files', {}, { signal: AbortSignal.abort() }).catch((caught: unknown) => caught);

    // Assess
    expect(error).not.toBeInstanceOf(BridgeApiTransportError);
    expect((error as Error).name).toBe('AbortError');
  });
});
