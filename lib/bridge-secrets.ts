import type { BridgeConfig } from './config';
import { resolveSecret } from './secrets';

/** The bridge's three secrets, resolved to their values. Never logged. */
export interface BridgeSecrets {
  plugnmeetApiSecret: string;
  bridgeApiSecret: string;
  linkSigningSecret: string;
}

/**
 * Resolves every secret of the configuration, reading SSM parameters where they are named.
 * Powertools caches SSM values, so calling this per request costs no extra SSM call within the
 * cache lifetime.
 *
 * @throws {ConfigError} when a parameter cannot be read
 */
export async function loadBridgeSecrets(config: BridgeConfig): Promise<BridgeSecrets> {
  const [plugnmeetApiSecret, bridgeApiSecret, linkSigningSecret] = await Promise.all([
    resolveSecret(config.plugnmeet.apiSecret),
    resolveSecret(config.api.apiSecret),
    resolveSecret(config.link.signingSecret),
  ]);
  return { plugnmeetApiSecret, bridgeApiSecret, linkSigningSecret };
}
