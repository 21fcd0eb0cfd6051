/**
 * Runs the plugNmeet simulator as a standalone process until Ctrl-C:
 * `npx tsx infra/local/plugnmeet-simulator/cli.ts --api-key KEY --api-secret SECRET [--port 8090]`.
 * Scripts then drive it through the `/_simulator/` control routes (see README.md).
 */
import { parseArgs } from 'node:util';
import { startPlugnmeetSimulator } from './index';

const { values } = parseArgs({
  options: {
    'api-key': { type: 'string' },
    'api-secret': { type: 'string' },
    port: { type: 'string', default: '0' },
    'lock-ttl-ms': { type: 'string' },
    'conversion-ms': { type: 'string' },
  },
});

function parseNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`Invalid --${name} ${JSON.stringify(value)}: expected a whole number >= 0.`);
  return parsed;
}

const apiKey = values['api-key'];
const apiSecret = values['api-secret'];
if (!apiKey || !apiSecret) {
  console.error('Missing --api-key or --api-secret: the simulator checks request signatures with them.');
  process.exit(2);
}

const simulator = await startPlugnmeetSimulator({
  apiKey,
  apiSecret,
  port: parseNumber('port', values.port),
  lockTtlMs: parseNumber('lock-ttl-ms', values['lock-ttl-ms']),
  conversionMs: parseNumber('conversion-ms', values['conversion-ms']),
});
console.log(`plugNmeet simulator listening on ${simulator.url}`);

process.once('SIGINT', () => {
  void simulator.stop().then(() => {
    console.log('plugNmeet simulator stopped');
    process.exit(0);
  });
});
