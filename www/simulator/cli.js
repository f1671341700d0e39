#!/usr/bin/env node
// Usage: node www/simulator/cli.js [--port 8787] [--host 127.0.0.1] [--log]
import { parseArgs } from 'node:util';
import { startSimulator } from './index.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8787' }, host: { type: 'string', default: '127.0.0.1' }, log: { type: 'boolean', default: false } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}
const sim = await startSimulator({ port, host: values.host, log: values.log });
console.log(`simulator listening on ${sim.url}`);
for (const [name, origin] of Object.entries(sim.origins)) console.log(`  ${name.padEnd(9)} ${origin}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => sim.close().then(() => process.exit(0)));
