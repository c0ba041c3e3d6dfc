// The history page's requests, bytes and time to the first chart in headless Chromium:
// `node bench.mjs <site dir> [runs]`.
// Run by `cargo bench --bench site` (tests/bench/site.rs); prints one JSON object and asserts
// nothing. Serves the site on 127.0.0.1 (no compression: the gzip bytes are measured here, with
// zlib's default level, on each file the page requested), loads history.html in a fresh context
// per run, and records:
// - the requests the server saw (the browser's own, like /favicon.ico, too) for the page load,
//   then with the first interaction (previous month), which needs the day level's aggregates
//   for the chart and the sessions file for the table;
// - the time from navigation start to the first animation frame after the chart's bars are in
//   the document (a MutationObserver installed before the page's own code runs);
// - the time from the click on "Previous" to the redrawn chart and table;
// - every file the page fetched once visited at all three levels (load, "Previous" at the day
//   level, then "Month" and "Year"): their gzip and raw bytes together.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const site = path.resolve(process.argv[2] || 'site');
const runs = Number(process.argv[3]) || 5;
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const fileOf = (url) => {
  const rel = decodeURIComponent(new URL(url).pathname);
  return path.join(site, rel.endsWith('/') ? rel + 'index.html' : rel);
};
// Every request the server sees (the browser's own, like /favicon.ico, included).
let served = [];
const server = http.createServer((req, res) => {
  served.push(req.url.slice(1));
  const file = fileOf('http://x' + req.url);
  if (!file.startsWith(site) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

// Runs in the page before its scripts (CDP, not subject to the page's CSP).
const observe = () => {
  const seen = () => document.querySelector('#chart svg rect');
  const done = () => requestAnimationFrame(() => { window.__cph50ChartAt = performance.now(); });
  const mo = new MutationObserver(() => { if (seen()) { mo.disconnect(); done(); } });
  mo.observe(document, { childList: true, subtree: true });
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const gzipBytes = (urls) => urls.reduce((sum, u) => {
  const f = fileOf(base + u);
  return sum + (fs.existsSync(f) && !fs.statSync(f).isDirectory() ? zlib.gzipSync(fs.readFileSync(f)).length : 0);
}, 0);
const rawBytes = (urls) => urls.reduce((sum, u) => {
  const f = fileOf(base + u);
  return sum + (fs.existsSync(f) && !fs.statSync(f).isDirectory() ? fs.statSync(f).size : 0);
}, 0);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const result = { runs, load: null, interaction: null, levels: null, first_chart_ms: [], fcp_ms: [], redraw_ms: [], errors: [] };
// waits until #period is no longer `before`
const changed = async (page, before) => {
  for (let t = 0; t < 1000 && (await page.textContent('#period')) === before; t++) await page.waitForTimeout(2);
};
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => result.errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') result.errors.push(m.text() + ' ' + (m.location().url || '')); });
    served = [];
    await page.addInitScript(observe);
    await page.goto(base + 'history.html', { waitUntil: 'load' });
    await page.waitForSelector('#chart svg rect');
    let at;
    for (let t = 0; t < 100 && at == null; t++) {
      at = await page.evaluate(() => window.__cph50ChartAt);
      if (at == null) await page.waitForTimeout(10);
    }
    result.first_chart_ms.push(at);
    result.fcp_ms.push(await page.evaluate(() =>
      (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime));
    await page.waitForTimeout(100); // anything the page would fetch on its own
    const onLoad = [...served];
    const before = await page.textContent('#period');
    const clicked = Date.now();
    await page.click('#prev');
    await changed(page, before);
    result.redraw_ms.push(Date.now() - clicked);
    await page.waitForTimeout(100);
    const all = [...served];
    if (i === 0) {
      result.load = { requests: onLoad.length, urls: onLoad, gzip_bytes: gzipBytes(onLoad), bytes: rawBytes(onLoad) };
      result.interaction = { requests: all.length, urls: all, gzip_bytes: gzipBytes(all), bytes: rawBytes(all) };
      // the month and year levels too: everything the page fetched for all three
      for (const level of ['month', 'year']) {
        const shown = await page.textContent('#period');
        await page.click(`button[data-level="${level}"]`);
        await changed(page, shown);
        await page.waitForTimeout(100);
      }
      const every = [...served];
      result.levels = { requests: every.length, urls: every, gzip_bytes: gzipBytes(every), bytes: rawBytes(every) };
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
result.first_chart_median_ms = median(result.first_chart_ms);
result.fcp_median_ms = median(result.fcp_ms);
result.redraw_median_ms = median(result.redraw_ms);
console.log(JSON.stringify(result));
