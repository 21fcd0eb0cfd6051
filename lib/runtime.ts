import type { BridgeConfig } from './config';
import { getConfig } from './config';
import { createPlugnmeetClient, type PlugnmeetClient } from './plugnmeet-client';
import { resolveSecret } from './secrets';

/** The bridge's three secrets, by the name handlers ask for them. */
export type SecretName = 'plugnmeetApiSecret' | 'bridgeApiSecret' | 'linkSigningSecret';

/**
 * Dependencies of every handler: the settings, plus secrets and a plugNmeet client resolved on first
 * use. Each function reads only the secrets it uses, so its role may read only those parameters.
 */
export interface Runtime {
  config: BridgeConfig;
  /** Returns a secret's value; SSM parameters are cached by Powertools for five minutes. */
  getSecret(name: SecretName): Promise<string>;
  /** Returns the plugNmeet client, built once with the plugNmeet API secret. */
  getClient(): Promise<PlugnmeetClient>;
}

/** Builds a runtime over the given settings. */
export function createRuntime(config: BridgeConfig): Runtime {
  const sources = {
    plugnmeetApiSecret: config.plugnmeet.apiSecret,
    bridgeApiSecret: config.api.apiSecret,
    linkSigningSecret: config.link.signingSecret,
  } as const;
  let client: Promise<PlugnmeetClient> | undefined;

  const getSecret = (name: SecretName): Promise<string> => resolveSecret(sources[name]);
  const getClient = (): Promise<PlugnmeetClient> => {
    client ??= getSecret('plugnmeetApiSecret').then((apiSecret) =>
      createPlugnmeetClient({
        serverUrl: config.plugnmeet.serverUrl,
        apiKey: config.plugnmeet.apiKey,
        apiSecret,
        uploadTimeoutMs: config.upload.timeoutMs,
        apiTimeoutMs: config.upload.apiTimeoutMs,
      }),
    );
    // A failed read is not kept, so the next request tries SSM again.
    client.catch(() => (client = undefined));
    return client;
  };
  return { config, getSecret, getClient };
}

let cached: Runtime | undefined;

/**
 * Returns the process's runtime, reading the settings on the first call, so a bad setting fails
 * the first request with a message naming it.
 *
 * @throws {ConfigError} when a setting is missing or invalid
 */
export function getRuntime(): Runtime {
  cached ??= createRuntime(getConfig());
  return cached;
}

/** Forgets the runtime so that the next call reads the settings again (tests and the local stack). */
export function resetRuntime(): void {
  cached = undefined;
}
