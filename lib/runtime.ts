import { loadBridgeSecrets, type BridgeSecrets } from './bridge-secrets';
import { getConfig, type BridgeConfig } from './config';
import { createPlugnmeetClient, type PlugnmeetClient } from './plugnmeet-client';

/** What every handler needs: settings, resolved secrets and a plugNmeet client. */
export interface Runtime {
  config: BridgeConfig;
  secrets: BridgeSecrets;
  client: PlugnmeetClient;
}

let pending: Promise<Runtime> | undefined;

/**
 * Returns the process's runtime, building it on the first call: the settings are read and the
 * secrets resolved once per cold start, so a bad setting fails the first request with a message
 * naming it. A failed build is not cached, so the next request tries again.
 */
export function getRuntime(): Promise<Runtime> {
  pending ??= buildRuntime().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function buildRuntime(): Promise<Runtime> {
  const config = getConfig();
  const secrets = await loadBridgeSecrets(config);
  const client = createPlugnmeetClient({
    serverUrl: config.plugnmeet.serverUrl,
    apiKey: config.plugnmeet.apiKey,
    apiSecret: secrets.plugnmeetApiSecret,
    uploadTimeoutMs: config.upload.timeoutMs,
    apiTimeoutMs: config.upload.apiTimeoutMs,
  });
  return { config, secrets, client };
}

/** Forgets the runtime so that the next call reads the settings again (tests and the local stack). */
export function resetRuntime(): void {
  pending = undefined;
}
