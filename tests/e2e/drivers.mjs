// One page driver for three engines, so one case list runs in each:
//   chromium  Debian's Chromium through playwright-core
//   firefox   firefox-esr, headless, through geckodriver (W3C WebDriver)
//   webkit    WebKitGTK's MiniBrowser under Xvfb through WebKitWebDriver
//             (tests/npm/webkit.mjs)
// Nothing is downloaded. A session gives the few commands the cases use:
//   goto(url) url() back() execute(body, args) click(css) press(css, key)
//   type(css, text) upload(css, paths) enabled(css) value(css) attribute(css, name) text(css) screenshot(file)
// execute() runs a function body (as WebDriver's Execute Script does) and
// waits for a returned promise.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, CHROMIUM, CHROMIUM_ARGS } from './harness.mjs';
import { call, freePort, startWebKit } from '../npm/webkit.mjs';

const GECKODRIVER = process.env.SLICE_SEAL_GECKODRIVER || join(process.env.HOME || '/root', '.cargo', 'bin', 'geckodriver');
const FIREFOX_OPTIONS = JSON.parse(readFileSync(join(ROOT, '.ci', 'webdriver.json'), 'utf8'))['moz:firefoxOptions'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const KEYS = { Enter: '\uE007', ArrowUp: '\uE013' };
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'; // the W3C web element reference key

/** Start an engine: { engine, newSession({ js }), close() }. */
export function launch(engine) {
  if (engine === 'chromium') return launchChromium();
  if (engine === 'firefox') return launchFirefox();
  if (engine === 'webkit') return launchWebKit();
  throw new Error(`unknown engine ${engine}`);
}

async function launchChromium() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  return {
    engine: 'chromium',
    async newSession({ js = true } = {}) {
      const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1024, height: 900 } });
      const page = await ctx.newPage();
      const $ = (css) => page.locator(css).first();
      return {
        goto: (url) => page.goto(url).then(() => {}),
        url: async () => page.url(),
        back: () => page.goBack().then(() => {}),
        // A string expression is evaluated through the DevTools protocol: the
        // page's CSP does not apply to it (as with WebDriver).
        execute: (body, args = []) => page.evaluate(`(async function () { ${body} }).apply(null, ${JSON.stringify(args)})`),
        click: (css) => $(css).click({ force: true, noWaitAfter: true, timeout: 10_000 }),
        press: (css, key) => $(css).press(key, { noWaitAfter: true, timeout: 10_000 }),
        type: (css, text) => $(css).pressSequentially(text, { timeout: 10_000 }),
        upload: (css, files) => $(css).setInputFiles(files),
        enabled: (css) => $(css).isEnabled(),
        value: (css) => $(css).inputValue(),
        attribute: (css, name) => $(css).getAttribute(name),
        text: (css) => $(css).innerText(),
        screenshot: (file) => page.screenshot({ path: file, fullPage: true }).then(() => {}),
        close: () => ctx.close().catch(() => {}),
      };
    },
    close: () => browser.close().catch(() => {}),
  };
}

/** The W3C WebDriver commands of a session at `base`. */
function webdriverSession(base, id, close) {
  const s = (x) => `/session/${id}${x}`;
  const find = async (css) => {
    const v = await call(base, 'POST', s('/element'), { using: 'css selector', value: css });
    return v[ELEMENT];
  };
  const el = async (css, x, method = 'GET', body) => call(base, method, s(`/element/${await find(css)}${x}`), body);
  return {
    goto: (url) => call(base, 'POST', s('/url'), { url }, 90_000).then(() => {}),
    url: () => call(base, 'GET', s('/url')),
    back: () => call(base, 'POST', s('/back'), {}, 90_000).then(() => {}),
    // As an async function, so a body may await; the driver waits for the promise.
    execute: (body, args = []) => call(base, 'POST', s('/execute/sync'), { script: `return (async function () { ${body} }).apply(this, arguments);`, args }, 90_000),
    click: (css) => el(css, '/click', 'POST', {}).then(() => {}),
    press: (css, key) => el(css, '/value', 'POST', { text: KEYS[key] }).then(() => {}),
    type: (css, text) => el(css, '/value', 'POST', { text }).then(() => {}),
    upload: (css, files) => el(css, '/value', 'POST', { text: [files].flat().join('\n') }).then(() => {}), // a file input takes paths
    enabled: (css) => el(css, '/enabled'),
    value: (css) => el(css, '/property/value'),
    attribute: (css, name) => el(css, `/attribute/${name}`),
    text: (css) => el(css, '/text'),
    async screenshot(file) {
      writeFileSync(file, Buffer.from(await call(base, 'GET', s('/screenshot')), 'base64'));
    },
    close,
  };
}

async function newWebDriverSession(base, capabilities) {
  const v = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } }, 90_000);
  const close = () => call(base, 'DELETE', `/session/${v.sessionId}`, undefined, 30_000).catch(() => {});
  await call(base, 'POST', `/session/${v.sessionId}/timeouts`, { pageLoad: 60_000, script: 60_000 });
  await call(base, 'POST', `/session/${v.sessionId}/window/rect`, { width: 1024, height: 900 }).catch(() => {});
  return webdriverSession(base, v.sessionId, close);
}

/** headless firefox-esr with the prefs of .ci/webdriver.json, through its own
 *  geckodriver (one session per geckodriver) and a temp profile dir. */
async function firefoxSession(js) {
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'slice-seal-ff-'));
  let log = '';
  const driver = spawn(GECKODRIVER, ['--port', String(port), '--host', '127.0.0.1'], { env: { ...process.env, HOME: home, MOZ_HEADLESS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  driver.stdout.on('data', (d) => { log += d; });
  driver.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    driver.kill('SIGTERM');
    await sleep(300);
    rmSync(home, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      await call(base, 'GET', '/status', undefined, 2000);
      break;
    } catch (e) {
      if (driver.exitCode !== null || i > 100) {
        await stop();
        throw new Error(`geckodriver did not come up: ${e.message}\n${log}`);
      }
      await sleep(100);
    }
  }
  const session = await newWebDriverSession(base, {
    browserName: 'firefox',
    'moz:firefoxOptions': {
      ...FIREFOX_OPTIONS,
      args: [...(FIREFOX_OPTIONS.args || []), '-headless'],
      prefs: { ...FIREFOX_OPTIONS.prefs, 'javascript.enabled': js },
    },
  });
  const close = session.close;
  session.close = async () => {
    await close();
    await stop();
  };
  return session;
}

function launchFirefox() {
  if (!existsSync(GECKODRIVER)) throw new Error(`no geckodriver at ${GECKODRIVER} (run .ci/setup)`);
  return { engine: 'firefox', newSession: ({ js = true } = {}) => firefoxSession(js), close: async () => {} };
}

async function launchWebKit() {
  const wk = await startWebKit();
  const options = wk.capabilities['webkitgtk:browserOptions'];
  const caps = (js) => ({ ...wk.capabilities, 'webkitgtk:browserOptions': { ...options, args: [...options.args, ...(js ? [] : ['--enable-javascript=false'])] } });
  return {
    engine: 'webkit',
    // WebKitWebDriver runs one session at a time: a second one (JavaScript
    // off, MiniBrowser's WebKitSettings option --enable-javascript=false)
    // gets its own driver and display.
    async newSession({ js = true } = {}) {
      if (js) return newWebDriverSession(wk.base, caps(true));
      const other = await startWebKit();
      const session = await newWebDriverSession(other.base, caps(false));
      const close = session.close;
      session.close = async () => {
        await close();
        await other.close();
      };
      return session;
    },
    close: () => wk.close(),
  };
}
