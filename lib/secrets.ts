import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretSource } from './config';
import { ConfigError } from './errors';

/** How long a secret read from SSM is reused before it is read again, in seconds. */
const SECRET_CACHE_SECONDS = 300;

/**
 * Resolves a secret to its value. A direct value is returned as it is; a parameter name is read
 * from SSM Parameter Store with decryption, and Powertools caches it for five minutes so that a
 * warm function does not call SSM on every request.
 *
 * @throws {ConfigError} when the parameter does not exist or is empty; the message names the
 *   parameter, never its value
 */
export async function resolveSecret(source: SecretSource): Promise<string> {
  if ('value' in source) return source.value;

  let value: string | undefined;
  try {
    value = await getParameter(source.parameterName, { decrypt: true, maxAge: SECRET_CACHE_SECONDS });
  } catch (error) {
    throw new ConfigError(`Failed to read the SSM parameter ${source.parameterName}: check that it exists and that the function may read it.`, { cause: error });
  }
  if (!value) {
    throw new ConfigError(`The SSM parameter ${source.parameterName} is missing or empty.`);
  }
  return value;
}
