// Times how long headless Chromium takes to show a page: navigation to the load event, a forced
// layout of the whole document, and a screenshot of the first screen (so style, layout and paint
// are all paid). Driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
// messages separated by NUL on file descriptors 3 and 4), so no browser library is needed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Opens `url` in a fresh headless Chromium and returns { renderMs, loadMs, layoutMs }: renderMs
 * from Page.navigate to the screenshot's bytes (wall clock, the figure to hold to a target),
 * loadMs and layoutMs as the page's own clock saw them (performance.now() at the load event's
 * end and after a forced layout). Rejects after `timeoutMs` or when Chromium exits early.
 */
export async function renderTime(url, { timeoutMs = 120_000, width = 1280, height = 1024 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'hipaa-iam-bench-chromium-'));
  const child = spawn(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--remote-debugging-pipe', `--user-data-dir=${profile}`, `--window-size=${width},${height}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const input = child.stdio[3];
  const output = child.stdio[4];
  const pending = new Map();
  const events = [];
  let nextId = 1;
  let buffer = '';
  output.setEncoding('utf8');
  output.on('data', (chunk) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\0'); end >= 0; end = buffer.indexOf('\0')) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      const waiting = message.id !== undefined && pending.get(message.id);
      if (waiting) {
        pending.delete(message.id);
        if (message.error) waiting.reject(new Error(`${waiting.method}: ${message.error.message}`));
        else waiting.resolve(message.result);
      } else {
        for (const listener of events) listener(message);
      }
    }
  });
  const exited = new Promise((_, reject) => child.on('exit', (code) => reject(new Error(`chromium exited (${code}) before the page was shown: ${stderr.slice(-500)}`))));
  let timer;
  const timedOut = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`chromium took more than ${timeoutMs} ms`)), timeoutMs)));
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { method, resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const measure = async () => {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    await send('Page.enable', {}, sessionId);
    const loaded = new Promise((resolve) => events.push((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired' && resolve()));
    const started = performance.now();
    await send('Page.navigate', { url }, sessionId);
    await loaded;
    const { result } = await send(
      'Runtime.evaluate',
      { expression: '(() => { const load = performance.getEntriesByType("navigation")[0].loadEventEnd; document.body.getBoundingClientRect(); return [load, performance.now()]; })()', returnByValue: true },
      sessionId,
    );
    await send('Page.captureScreenshot', { format: 'png' }, sessionId);
    const renderMs = performance.now() - started;
    const [loadMs, layoutMs] = result.value;
    return { renderMs, loadMs, layoutMs };
  };

  try {
    return await Promise.race([measure(), exited, timedOut]);
  } finally {
    clearTimeout(timer);
    // Closed through the protocol, so its helper processes stop writing to the profile before it is removed.
    const stopped = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
    await Promise.race([send('Browser.close').catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await stopped;
    clearTimeout(forced);
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
