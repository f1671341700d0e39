// Debian's headless Chromium through playwright-core, with a fresh profile per
// launch (launchPersistentContext is how playwright takes a user-data dir).
// The flags keep Chromium off this machine's closed network.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { withTimeout } from './util.js';

export async function launchChromium(name) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `crm-auth-${name}-`));
  const context = await withTimeout(chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 15000,
  }), 20000, 'chromium launch');
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}
