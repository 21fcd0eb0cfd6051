import { vi } from 'vitest';
import { loadConfig, type BridgeConfig } from '../../lib/config';

/**
 * A complete set of bridge settings for tests that need no running server: every required
 * variable with a harmless value, and the server and link URLs on a closed port.
 */
export const TEST_BRIDGE_ENV: Readonly<Record<string, string>> = {
  PLUGNMEET_SERVER_URL: 'http://127.0.0.1:9',
  PLUGNMEET_API_KEY: 'plugnmeet-key',
  PLUGNMEET_API_SECRET: 'plugnmeet-secret',
  BRIDGE_API_KEY: 'bridge-key',
  BRIDGE_API_SECRET: 'bridge-secret',
  LINK_BASE_URL: 'http://127.0.0.1:9/links',
  LINK_SIGNING_SECRET: 'link-secret',
  ALLOWED_BUCKETS: 'uploads',
  AWS_REGION: 'us-east-1',
};

/** Builds settings from `TEST_BRIDGE_ENV` with `overrides` applied. */
export function testConfig(overrides: Record<string, string> = {}): BridgeConfig {
  return loadConfig({ ...TEST_BRIDGE_ENV, ...overrides });
}

/**
 * Stubs the credentials and region that the S3 and SQS stand-ins accept, for the current test.
 * Undo it with `vi.unstubAllEnvs()`.
 */
export function stubLocalAwsEnv(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_REGION', 'us-east-1');
}
