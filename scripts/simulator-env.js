#!/usr/bin/env node
// Starts the provider simulator on loopback ports of its choosing and prints one JSON line,
// {"url", "origins"}, for tests that cannot start it themselves: scripts/test.sh compiles it
// into the Rust client's wasm tests (CRM_AUTH_SIM, tests/client_wasm.rs). Runs until killed.
import { startSimulator } from '../www/simulator/index.js';

const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url: sim.url, origins: sim.origins }) + '\n');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => sim.close().then(() => process.exit(0)));
