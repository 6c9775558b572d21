// WebKit for the consumer tests: Debian's WebKitGTK MiniBrowser, driven by
// WebKitWebDriver (webkit2gtk-driver) through a few W3C WebDriver calls made
// with fetch(), on an Xvfb display started (and stopped) here.
// playwright-core cannot drive this WebKit (it needs its own patched build),
// and nothing may be downloaded at run time.
//
//   const wk = await startWebKit();
//   const s = await wk.newSession();          // a fresh MiniBrowser
//   await s.goto(url); await s.execute('return 1 + 1');
//   await s.close(); await wk.close();
//
// Capabilities come from .ci/webdriver-webkit.json (shared with
// tests/run-wasm.sh): browserName MiniBrowser, webkitgtk:browserOptions with
// the MiniBrowser binary and --automation.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEBKIT_CAPABILITIES_FILE = path.join(root, '.ci', 'webdriver-webkit.json');
const DRIVER = process.env.SLICE_SEAL_WEBKITDRIVER || '/usr/bin/WebKitWebDriver';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Start Xvfb on a free display (-displayfd); resolves { display, proc }. */
function startXvfb(timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const proc = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`Xvfb gave no display in ${timeoutMs} ms: ${err}`)); }, timeoutMs);
    proc.once('error', (e) => { clearTimeout(timer); reject(e); });
    proc.stderr.on('data', (d) => { err += d; });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code}): ${err}`)); });
    proc.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        resolve({ display: `:${out.trim()}`, proc });
      }
    });
  });
}

class WebDriverError extends Error {}

/** One W3C WebDriver command: its `value`, or an error naming it. */
export async function call(base, method, url, body, timeoutMs = 60_000) {
  const res = await fetch(base + url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(`${method} ${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok || (json.value && json.value.error)) {
    const v = json.value || {};
    throw new WebDriverError(`${method} ${url}: HTTP ${res.status} ${v.error || ''}: ${v.message || text.slice(0, 200)}`);
  }
  return json.value;
}

/** Xvfb + WebKitWebDriver; close() stops both. */
export async function startWebKit() {
  const capabilities = JSON.parse(fs.readFileSync(WEBKIT_CAPABILITIES_FILE, 'utf8'));
  const binary = capabilities['webkitgtk:browserOptions']?.binary;
  if (!fs.existsSync(DRIVER)) throw new Error(`no WebKitWebDriver at ${DRIVER} (webkit2gtk-driver; run .ci/setup)`);
  if (!binary || !fs.existsSync(binary)) throw new Error(`no MiniBrowser at ${binary} (${WEBKIT_CAPABILITIES_FILE})`);

  const xvfb = await startXvfb();
  const port = await freePort();
  let driverLog = '';
  const driver = spawn(DRIVER, [`--port=${port}`], {
    env: { ...process.env, DISPLAY: xvfb.display },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  driver.stdout.on('data', (d) => { driverLog += d; });
  driver.stderr.on('data', (d) => { driverLog += d; });
  const killAll = () => {
    try { driver.kill('SIGKILL'); } catch { /* gone */ }
    try { xvfb.proc.kill('SIGKILL'); } catch { /* gone */ }
  };
  process.once('exit', killAll);

  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    try {
      const st = await call(base, 'GET', '/status', undefined, 2_000);
      if (st && st.ready !== false) break;
    } catch (e) {
      if (driver.exitCode !== null || Date.now() - t0 > 20_000) {
        killAll();
        throw new Error(`WebKitWebDriver did not come up: ${e.message}\n${driverLog}`);
      }
    }
    await sleep(100);
  }

  return {
    display: xvfb.display,
    base, // the driver's URL, for callers that make their own sessions and commands
    capabilities,
    driverLog: () => driverLog,
    /**
     * A new session = a new MiniBrowser process (as fresh as a new profile).
     * `scriptTimeoutMs` bounds each execute(), which waits while the page's
     * main thread is busy (e.g. 100,000 seals in one synchronous loop).
     */
    async newSession({ scriptTimeoutMs = 30_000 } = {}) {
      const v = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } }, 60_000);
      const id = v.sessionId;
      const caps = v.capabilities;
      const s = (suffix) => `/session/${id}${suffix}`;
      await call(base, 'POST', s('/timeouts'), { pageLoad: 30_000, script: scriptTimeoutMs });
      return {
        capabilities: caps,
        goto: (url, timeoutMs = 60_000) => call(base, 'POST', s('/url'), { url }, timeoutMs),
        execute: (script, args = []) => call(base, 'POST', s('/execute/sync'), { script, args }, scriptTimeoutMs + 10_000),
        close: () => call(base, 'DELETE', s(''), undefined, 30_000).catch(() => {}),
      };
    },
    async close() {
      process.removeListener('exit', killAll);
      driver.kill('SIGTERM');
      xvfb.proc.kill('SIGTERM');
      await Promise.race([
        Promise.all([driver, xvfb.proc].map((p) => (p.exitCode !== null || p.signalCode !== null
          ? null : new Promise((r) => p.once('exit', r))))),
        sleep(5_000),
      ]);
      killAll();
    },
  };
}

/**
 * A classic script the server puts first in <head> for WebKit runs: it records
 * what Playwright's `pageerror` and console-error events give the Chromium
 * runs (uncaught errors, unhandled rejections, failed element loads,
 * console.error) in window.__errors.
 */
export const ERROR_RECORDER = `<script>(function(){var e=window.__errors=[];
function s(x){return String(x)+(x&&x.stack?'\\n'+x.stack:'');}
addEventListener('error',function(ev){var t=ev.target;e.push(ev.error?s(ev.error):(ev.message||('failed to load '+(t&&(t.src||t.href)))));},true);
addEventListener('unhandledrejection',function(ev){e.push('unhandledrejection: '+s(ev.reason));});
var ce=console.error;console.error=function(){e.push('console: '+Array.prototype.map.call(arguments,String).join(' '));return ce.apply(this,arguments);};
})();</script>`;
