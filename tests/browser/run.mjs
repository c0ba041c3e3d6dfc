// End-to-end tests of a built site in headless Chromium: `node run.mjs <site dir>`.
// Serves the site on 127.0.0.1, clicks through the history page and checks the numbers against
// the site's own JSON, changes last_session.json and waits for the dashboard to follow, and runs
// axe-core on every page type. Exits 1 with the failures listed.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const site = path.resolve(process.argv[2] || 'site');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.xml': 'application/xml', '.csv': 'text/csv' };
let served = []; // every request the server sees (the browser's own, like /favicon.ico, too)
const server = http.createServer((req, res) => {
  served.push(decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1));
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = path.join(site, rel.endsWith('/') ? rel + 'index.html' : rel);
  if (!file.startsWith(site) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const failures = [];
const check = (cond, msg) => { if (!cond) failures.push(msg); };
const json = (rel) => JSON.parse(fs.readFileSync(path.join(site, rel), 'utf8'));
// Polls in Node: the pages' CSP (no 'unsafe-eval') forbids Playwright's in-page waitForFunction.
const waitText = async (page, sel, want, ms = 5000) => {
  const end = Date.now() + ms;
  for (;;) {
    const got = await page.textContent(sel);
    if (got === want) return;
    if (Date.now() > end) throw new Error(`${sel} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
// Figures as the site writes them (README "Configuration"): the built pages' locale and
// currency, kWh and kW with 2 decimals, money with 2, through this Node's Intl (the browser's
// CLDR data, and the data of the Rust side's ICU4X).
const bodyOf = fs.readFileSync(path.join(site, 'history.html'), 'utf8');
const locale = (bodyOf.match(/data-locale="([^"]+)"/) || [])[1] || 'en-US';
const currency = (bodyOf.match(/data-currency="([^"]+)"/) || [])[1] || 'USD';
const kwhText = (v) => new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
const moneyText = (v) => new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
const group = parts.find((p) => p.type === 'group').value, decimal = parts.find((p) => p.type === 'decimal').value;
const parseNum = (t) => Number(t.split(group).join('').replace(decimal, '.'));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => failures.push('page error: ' + e.message));
  page.on('console', (m) => {
    // (script-src violations are axe's injection below, which falls back to evaluate)
    if (m.type() === 'error' && /style-src/.test(m.text())) failures.push('CSP: ' + m.text());
  });

  // --- history: day / month / year, previous / next, vehicle and metric -------------------
  const sessions = json('api/v1/sessions.json');
  const day = json('api/v1/history-day.json');
  const month = json('api/v1/history-month.json');
  const year = json('api/v1/history-year.json');
  for (const lv of [day, month, year]) check(!('sessions' in lv), `history-${lv.level}.json holds no sessions`);
  // a level's values are columns of consecutive periods from `first`: the column of `key`
  const col = (lv, key) => {
    const f = lv.first;
    const i = lv.level === 'day' ? Math.round((Date.parse(key) - Date.parse(f)) / 864e5)
      : lv.level === 'month' ? (+key.slice(0, 4) - +f.slice(0, 4)) * 12 + (+key.slice(5, 7) - +f.slice(5, 7)) : +key - +f;
    return i >= 0 && i < lv.values[0][0].length ? i : -1;
  };
  // metric m of period `key`, summed over the vehicles (all by default)
  const total = (lv, key, m, vehicles = lv.vehicles.map((_, i) => i)) => {
    const i = col(lv, key);
    return i < 0 ? 0 : vehicles.reduce((a, v) => a + lv.values[m][v][i], 0);
  };
  served = [];
  await page.goto(base + 'history.html');
  const latest = sessions[sessions.length - 1].local_date.slice(0, 7);
  const nIn = (prefix) => sessions.filter((s) => s.local_date.startsWith(prefix)).length;
  check(await page.textContent('#period') === latest, 'day view starts at the latest month');
  check(await page.textContent('#sum-sessions') === String(nIn(latest)), 'sessions of the latest month');
  // --- numbers: the table and totals the script draws read as the ones the build wrote -------
  const figures = async () => ({
    sums: await Promise.all(['#sum-kwh', '#sum-miles', '#sum-sessions', '#sum-cost'].map((id) => page.textContent(id))),
    rows: await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => [tr.querySelector('a').getAttribute('href').split('/').pop().replace('.html', ''),
      ...[...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)])),
  });
  const built = await figures();
  const byId = Object.fromEntries(sessions.map((s) => [s.session_id, s]));
  for (const [id, , kwhCell, , costCell] of built.rows) {
    const s = byId[id];
    check(kwhCell === kwhText(s.energy_kwh), `build-time table, session ${id}: kWh ${kwhCell} vs ${kwhText(s.energy_kwh)} (${locale})`);
    check(costCell === (s.cost == null ? '–' : moneyText(s.cost)), `build-time table, session ${id}: cost ${costCell} vs ${moneyText(s.cost)} (${locale}, ${currency})`);
  }
  check(built.sums[3].includes(moneyText(1).replace(/[\d.,\s]/g, '')), `the cost total has the currency's symbol: ${built.sums[3]}`);
  await page.click('#prev');
  await waitText(page, '#period', day.pages[day.pages.indexOf(latest) - 1]);
  await page.click('#next');
  await waitText(page, '#period', latest);
  const drawn = await figures();
  check(JSON.stringify(drawn.sums) === JSON.stringify(built.sums), `totals drawn by the script ${drawn.sums} vs the build's ${built.sums}`);
  check(drawn.rows.length === built.rows.length && drawn.rows.every((r, i) => JSON.stringify(r) === JSON.stringify(built.rows[i])),
    `the table drawn by the script reads as the build's: ${JSON.stringify(drawn.rows[0])} vs ${JSON.stringify(built.rows[0])}`);
  // the last page with data: the latest session's month, or the month after when it charged
  // past midnight into it (the demo's last session does)
  const lastPage = day.pages[day.pages.length - 1];
  check(lastPage >= latest && await page.isDisabled('#next') === (latest === lastPage),
    `as built, Next is disabled only at the last month with data (${lastPage})`);
  check(!(await page.isDisabled('#prev')), 'as built, Previous is enabled');
  // the month before the latest has no session (tests/browser.rs removed it): the chart and
  // the table say so instead of showing nothing
  const empty = day.pages[day.pages.indexOf(latest) - 1];
  const daysOf = (m) => Array.from({ length: 31 }, (_, d) => `${m}-${String(d + 1).padStart(2, '0')}`);
  check(empty && nIn(empty) === 0 && daysOf(empty).every((d) => [0, 1, 2, 3].every((m) => total(day, d, m) === 0)),
    `the test data has an empty month before ${latest}: ${empty}`);
  await page.click('#prev');
  await waitText(page, '#period', empty);
  await waitText(page, '#chart .empty-state', `No sessions in ${empty}.`);
  await waitText(page, '#sessions tbody tr.empty-state td', `No sessions in ${empty}.`);
  check(await page.textContent('#table-count') === '0 sessions', 'an empty month: 0 sessions');
  check(await page.textContent('#sum-sessions') === '0', 'an empty month: the sessions card says 0');
  await page.click('#prev');
  const prevMonth = day.pages[day.pages.indexOf(empty) - 1];
  await waitText(page, '#period', prevMonth);
  check(prevMonth === day.pages[0] && await page.isDisabled('#prev') && await page.getAttribute('#prev', 'aria-disabled') === 'true',
    `Previous is disabled at the first month with data (${prevMonth})`);
  await page.click('#prev', { force: true }); // does nothing
  await page.waitForTimeout(100);
  check(await page.textContent('#period') === prevMonth, 'a disabled Previous does not leave the data');
  check(await page.textContent('#sum-sessions') === String(nIn(prevMonth)), `previous month ${prevMonth} session count`);
  const kwh = total(month, prevMonth, 0);
  check(await page.textContent('#sum-kwh') === kwhText(kwh) + ' kWh', `previous month kWh ${kwhText(kwh)} vs ${await page.textContent('#sum-kwh')}`);
  check((await page.$$('#sessions tbody tr')).length === nIn(prevMonth), 'table rows of the previous month');
  // The request budget: the page (style sheet inlined), its script, the day level's aggregates
  // for the chart and the sessions file for the table.
  check(served.length <= 4 && served.includes('api/v1/history-day.json') && served.includes('api/v1/history-sessions.json'),
    `history page load + previous: ${served.length} requests (${served.join(', ')}), at most 4`);
  // forward again: Next stops at the last month with data
  await page.click('#next');
  await waitText(page, '#period', empty);
  await page.click('#next');
  await waitText(page, '#period', latest);
  if (lastPage !== latest) {
    // a month whose only energy is a charge begun the month before: its bar, and a table that
    // says why it has no row
    await page.click('#next');
    await waitText(page, '#period', lastPage);
    check((await page.$$('#chart svg rect')).length > 0, `${lastPage}: the energy of the charge past midnight is drawn`);
    await waitText(page, '#sessions tbody tr.empty-state td',
      `No session began in ${lastPage}; its energy is from a session begun before, still charging after midnight.`);
  }
  check(await page.isDisabled('#next') && await page.getAttribute('#next', 'aria-disabled') === 'true', 'Next is disabled at the last month with data');
  await page.focus('#next');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  check(await page.textContent('#period') === lastPage, 'a disabled Next does not lead past the data');
  check(await page.evaluate(() => document.activeElement.id) === 'next', 'the disabled Next keeps the focus');
  if (lastPage !== latest) {
    await page.click('#prev');
    await waitText(page, '#period', latest);
  }
  await page.click('#prev');
  await waitText(page, '#period', empty);
  await page.click('#prev');
  await waitText(page, '#period', prevMonth);
  // switching level keeps the period: day 2026-08 -> month 2026 -> all years -> month 2026 -> day 2026-08
  await page.click('button[data-level="month"]');
  const y = prevMonth.slice(0, 4);
  await waitText(page, '#period', y);
  await page.click('button[data-level="year"]');
  await waitText(page, '#period', 'All years');
  await page.click('button[data-level="month"]');
  await waitText(page, '#period', y);
  await page.click('button[data-level="day"]');
  await waitText(page, '#period', prevMonth);
  check(new URL(page.url()).hash.includes(`page=${prevMonth}`), `back at the day level, the address holds ${prevMonth}: ${page.url()}`);
  await page.click('button[data-level="month"]');
  await waitText(page, '#period', y);
  // the page adds up the year's months (in their order), so the same sum here: the year's own
  // cell, rounded by itself, can differ in the second decimal
  const monthsOf = (vehicles) => Array.from({ length: 12 }, (_, m) => `${y}-${String(m + 1).padStart(2, '0')}`)
    .reduce((a, k) => a + total(month, k, 0, vehicles), 0);
  const yearKwh = monthsOf(month.vehicles.map((v, i) => i));
  check(await page.textContent('#sum-kwh') === kwhText(yearKwh) + ' kWh', `year ${y} kWh`);
  check((await page.$$('#chart g[data-key]')).length === 12, 'month view has 12 bars');
  await page.selectOption('#vehicle', month.vehicles[0]);
  await page.waitForTimeout(200);
  check(await page.textContent('#sum-kwh') === kwhText(monthsOf([0])) + ' kWh', 'vehicle filter');
  const legend = await page.$$eval('#vehicle-legend li', (lis) => lis.filter((li) => !li.hidden).map((li) => li.getAttribute('data-vehicle')));
  check(legend.length === 1 && legend[0] === month.vehicles[0], `the legend lists the filtered vehicle only: ${legend}`);
  // sorting: the column says its direction, and the rows follow it
  await page.click('button[data-sort="kwh"]');
  await page.click('button[data-sort="kwh"]');
  await page.waitForTimeout(200);
  check(await page.getAttribute('#sessions th:nth-child(3)', 'aria-sort') === 'descending', 'kWh sorted descending says so');
  check(await page.getAttribute('#sessions th:nth-child(1)', 'aria-sort') === null, 'the other columns say nothing');
  const kwhs = await page.$$eval('#sessions tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent)).then((t) => t.map(parseNum));
  check(kwhs.every((v, i) => i === 0 || kwhs[i - 1] >= v), 'rows in descending kWh');
  await page.selectOption('#metric', '2');
  await page.waitForTimeout(200);
  const firstCarSessions = sessions.filter((s) => s.local_date.startsWith(y) && s.vehicle_id === month.vehicles[0]).length;
  const bars = await page.$$eval('#chart g[data-key]', (gs) => gs.reduce((a, g) => a + Number(g.getAttribute('data-total')), 0));
  check(bars === firstCarSessions, `sessions metric: bars ${bars} vs ${firstCarSessions}`);
  // the scale steps in round numbers (1, 2 or 5 times a power of ten), whole for sessions
  for (const metric of ['0', '1', '2', '3']) {
    await page.selectOption('#metric', metric);
    await page.waitForTimeout(150);
    const ticks = await page.$$eval('#chart svg text[text-anchor="end"]', (ts) => ts.map((t) => t.textContent))
      .then((t) => t.map(parseNum).filter((v) => !isNaN(v)));
    const step = ticks[1] - ticks[0];
    const mant = step / Math.pow(10, Math.floor(Math.log10(step)));
    check(ticks.length >= 2 && ticks.every((v, i) => Math.abs(v - i * step) < 1e-6) && [1, 2, 5].some((m) => Math.abs(mant - m) < 1e-6)
      && (metric !== '2' || step % 1 === 0), `metric ${metric}: the scale steps round: ${ticks.join(' ')}`);
  }
  await page.selectOption('#metric', '2');
  await page.waitForTimeout(150);
  await page.click('button[data-level="year"]');
  await waitText(page, '#period', 'All years');
  await page.selectOption('#vehicle', 'all');
  await page.waitForTimeout(300);
  const count = await page.textContent('#table-count');
  check(sessions.length <= 500 ? count === `${sessions.length} sessions` : count.startsWith(`500 of ${sessions.length} sessions shown`),
    `the table says how many of the sessions it shows: ${count}`);
  check(await page.isDisabled('#next') && await page.isDisabled('#prev'), 'year view has no previous/next');
  // the three levels came as one small file each, the sessions once for all of them
  const times = (f) => served.filter((u) => u === f).length;
  check(times('api/v1/history-sessions.json') === 1, `the sessions file was fetched ${times('api/v1/history-sessions.json')} times across the levels, once wanted`);
  for (const lv of ['day', 'month', 'year']) {
    check(times(`api/v1/history-${lv}.json`) === 1, `history-${lv}.json was fetched ${times(`api/v1/history-${lv}.json`)} times`);
  }

  // --- the view is in the address: it round-trips through a bookmark --------------------------
  check(new URL(page.url()).hash.includes('level=year'), `the address holds the view: ${page.url()}`);
  await page.selectOption('#vehicle', month.vehicles[0]);
  await page.selectOption('#metric', '2');
  await page.click('button[data-level="month"]');
  await waitText(page, '#period', latest.slice(0, 4));
  const bookmark = page.url();
  const shownTotal = await page.textContent('#sum-sessions');
  await page.goto(base + 'index.html');
  await page.goto(bookmark);
  await waitText(page, '#period', latest.slice(0, 4));
  check(await page.inputValue('#vehicle') === month.vehicles[0] && await page.inputValue('#metric') === '2',
    `a bookmark restores the vehicle and metric: ${bookmark}`);
  check(await page.textContent('#sum-sessions') === shownTotal, 'a bookmark restores the totals');
  // an address edited in place (no reload) shows what it names; Back steps back a view
  await page.evaluate(() => { location.hash = 'level=year&page=all&vehicle=all&metric=0'; });
  await waitText(page, '#period', 'All years');
  check(await page.inputValue('#vehicle') === 'all' && await page.inputValue('#metric') === '0', 'an edited address sets the vehicle and metric');
  await page.click('button[data-level="month"]');
  await waitText(page, '#period', latest.slice(0, 4));
  await page.goBack();
  await waitText(page, '#period', 'All years');
  check(page.url().startsWith(base + 'history.html'), `Back after a level switch stays on the page: ${page.url()}`);
  // opened from the dashboard without a view in the address: the first change is a new entry,
  // and Back returns to the built view
  await page.goto(base + 'index.html');
  await page.goto(base + 'history.html');
  const builtPeriod = await page.textContent('#period');
  await page.click('button[data-level="year"]');
  await waitText(page, '#period', 'All years');
  await page.goBack();
  await waitText(page, '#period', builtPeriod);
  check(page.url().startsWith(base + 'history.html'), `Back after the first change returns to the built view: ${page.url()}`);

  // --- on a phone the chart is drawn at the screen's width: no label under 12 px ---------------
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(base + 'history.html');
  let drawnWidth = '800';
  for (let t = 0; t < 50 && drawnWidth === '800'; t++) {
    await page.waitForTimeout(100);
    drawnWidth = await page.evaluate(() => ((document.querySelector('#chart svg') || { getAttribute: () => '0 0 800' })
      .getAttribute('viewBox') || '0 0 800').split(' ')[2]);
  }
  check(drawnWidth !== '800', `history at 375 px: the chart is drawn at the screen's width (${drawnWidth} units)`);
  // a fragment that is not a view (the skip link's #main) and a view with a bad metric: the
  // default view, drawn at the screen's width all the same
  for (const frag of ['#main', '#level=day&page=2026-10&vehicle=all&metric=1.5']) {
    await page.goto(base + 'history.html' + frag);
    let wdt = '800';
    for (let t = 0; t < 50 && wdt === '800'; t++) {
      await page.waitForTimeout(100);
      wdt = await page.evaluate(() => document.querySelector('#chart svg').getAttribute('viewBox').split(' ')[2]);
    }
    check(wdt !== '800', `history${frag} at 375 px is drawn at the screen's width (${wdt})`);
    check(await page.inputValue('#metric') === '0', `history${frag}: the metric falls back to energy`);
  }
  // the empty month at 375 px: a sentence in the chart's place and in the table
  await page.goto(base + 'index.html'); // (a new fragment alone would not reload the page)
  await page.goto(base + `history.html#level=day&page=${empty}&vehicle=all&metric=0`);
  await waitText(page, '#chart .empty-state', `No sessions in ${empty}.`);
  await waitText(page, '#sessions tbody tr.empty-state td', `No sessions in ${empty}.`);
  check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'the empty month scrolls sideways at 375 px');
  await page.goto(base + 'history.html');
  await page.waitForTimeout(300);
  const smallest = await page.evaluate(() => {
    const svg = document.querySelector('#chart svg');
    const k = svg.getBoundingClientRect().width / Number(svg.getAttribute('viewBox').split(' ')[2]);
    return Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * k));
  });
  check(smallest >= 11.95, `history at 375 px: the smallest chart label is ${smallest.toFixed(1)} px`);
  const ticks = await page.$$eval('#chart svg text', (ts) => ts.map((t) => t.textContent));
  check(ticks.includes('kWh') && ticks.includes('day of the month'), `the chart names its unit and axis: ${ticks.slice(0, 8)}`);
  // the sessions table on a phone: no sideways scroll, each start on one line
  const table = await page.evaluate(() => {
    const t = document.querySelector('#sessions');
    const a = document.querySelector('#sessions tbody tr td a');
    return { scroll: t.scrollWidth - t.clientWidth, startHeight: a ? a.getBoundingClientRect().height : 0 };
  });
  check(table.scroll <= 1, `the sessions table scrolls sideways at 375 px by ${table.scroll} px`);
  check(table.startHeight > 0 && table.startHeight < 30, `a session's start takes one line at 375 px (${table.startHeight} px high)`);
  // the session page's power curve: its phone drawing, no label under 12 px either
  const labelSizes = async () => page.evaluate(() => [...document.querySelectorAll('svg.chart')]
    .filter((svg) => svg.getBoundingClientRect().width > 0)
    .flatMap((svg) => {
      const k = svg.getBoundingClientRect().width / Number(svg.getAttribute('viewBox').split(' ')[2]);
      return [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * k);
    }));
  for (const width of [375, 1200]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(base + `sessions/${sessions[0].session_id}.html`);
    const sizes = await labelSizes();
    check(sizes.length > 0 && Math.min(...sizes) >= 11.95,
      `session page at ${width} px: the smallest chart label is ${Math.min(...sizes).toFixed(1)} px`);
    // the curve spans the session: the time axis is the session's length, and the drawn line
    // reaches the plot's right edge (the unplug), on the drawing this width shows
    const span = await page.evaluate(() => {
      const svg = [...document.querySelectorAll('figure svg.chart')].find((s) => s.getBoundingClientRect().width > 0);
      const line = svg.querySelector('polyline').getBoundingClientRect();
      const grid = svg.querySelector('line').getBoundingClientRect();
      return { axis: Number(svg.dataset.axisS), curve: Number(svg.dataset.curveS), lineLeft: line.left, lineRight: line.right, gridLeft: grid.left, gridRight: grid.right,
        caption: document.querySelector('figure figcaption').textContent, scroll: document.documentElement.scrollWidth - innerWidth };
    });
    check(span.axis === sessions[0].duration_seconds,
      `session page at ${width} px: the time axis spans ${span.axis} s of the session's ${sessions[0].duration_seconds} s`);
    check(span.curve >= span.axis * 0.9 && span.lineRight >= span.gridRight - 0.1 * (span.gridRight - span.gridLeft),
      `session page at ${width} px: the curve ends at ${span.curve} s of ${span.axis} s, ${(span.gridRight - span.lineRight).toFixed(0)} px before the plot's end`);
    check(Math.abs(span.lineLeft - span.gridLeft) <= 2, `session page at ${width} px: the curve starts at plug-in`);
    check(span.caption.startsWith('Power over the whole session'), `session page at ${width} px: ${span.caption}`);
    check(span.scroll <= 1, `session page at ${width} px scrolls sideways by ${span.scroll} px`);
  }
  await page.setViewportSize({ width: 1200, height: 900 });

  // --- history from file:// (fetch blocked): the build-time chart, totals and table stay -----
  await page.goto('file://' + path.join(site, 'history.html'));
  check((await page.$$('#chart svg rect')).length > 0, 'file://: the build-time chart');
  check(await page.textContent('#sum-sessions') === String(nIn(latest)), 'file://: the build-time totals');
  check((await page.$$('#sessions tbody tr')).length === nIn(latest), 'file://: the build-time table');
  await page.click('#prev');
  await page.waitForTimeout(200);
  check(await page.textContent('#period') === latest, 'file://: a blocked fetch keeps the page');
  check(await page.evaluate(() => getComputedStyle(document.querySelector('.top')).backgroundColor) === 'rgb(18, 53, 91)',
    'file://: the inlined style sheet applies');

  // --- dashboard follows last_session.json -------------------------------------------------
  const lastPath = path.join(site, 'api/v1/last_session.json');
  const original = fs.readFileSync(lastPath, 'utf8');
  try {
    await page.goto(base + 'index.html?refresh=1');
    const changed = { ...JSON.parse(original), charging: true, connected: true, power_kw: 7.25, energy_kwh: 12.5, timestamp: new Date().toISOString() };
    fs.writeFileSync(lastPath, JSON.stringify(changed));
    await waitText(page, '#now-power', kwhText(7.25) + ' kW');
    check(await page.textContent('#now-state') === 'Charging', 'badge says Charging');
    check((await page.textContent('#now-age')).startsWith('updated 0 min ago'), 'updated 0 min ago');
  } catch (e) {
    failures.push('dashboard did not update: ' + e.message.split('\n')[0]);
  } finally {
    fs.writeFileSync(lastPath, original);
  }

  // --- freshness: no warning while the last successful poll is on time, one when it is not ----
  const runsAt = async (minutesAgo) => {
    await page.unroute('https://api.github.com/**').catch(() => {});
    await page.route('https://api.github.com/**', (route) => route.fulfill({
      status: 200, contentType: 'application/json',
      body: JSON.stringify({ workflow_runs: [{ updated_at: new Date(Date.now() - minutesAgo * 60000).toISOString() }] }),
    }));
  };
  const healthAfter = async () => {
    let t = '';
    for (let i = 0; i < 50 && !/^(Polls are on time|Warning)/.test(t); i++) {
      await page.waitForTimeout(100);
      t = await page.textContent('#poll-health');
    }
    return t;
  };
  check((await page.getAttribute('#poll-health', 'data-poll-minutes')) === '60', 'the poll interval comes from monitor.yml (hourly)');
  await runsAt(45);
  await page.goto(base + 'index.html');
  let health = await healthAfter();
  check(health.startsWith('Polls are on time: the last successful poll was 45 min ago'), `a 45-minute-old poll is on time: ${health}`);
  check(!(await page.getAttribute('#poll-health', 'class') || '').includes('warn'), 'no warning style while on time');
  await runsAt(5 * 60);
  await page.goto(base + 'index.html');
  health = await healthAfter();
  check(health.startsWith('Warning: no poll has succeeded for 5 h'), `a 5-hour-old poll is late: ${health}`);
  await page.unroute('https://api.github.com/**');
  await page.route('https://api.github.com/**', (route) => route.fulfill({ status: 404, body: '{}' }));
  await page.goto(base + 'index.html');
  await page.waitForTimeout(300);
  health = await page.textContent('#poll-health');
  check(health.includes('cannot tell') && !health.startsWith('Warning'), `without GitHub's answer the page says what it cannot know: ${health}`);
  await page.unroute('https://api.github.com/**');

  // --- axe-core on every page type ----------------------------------------------------------
  const post = fs.readdirSync(path.join(site, 'blog'), { recursive: true }).find((f) => /\d{4}\/\d\d\/\d\d\/.*\.html$/.test(f));
  const pages = ['index.html', 'history.html', `sessions/${sessions[0].session_id}.html`, 'blog/index.html', `blog/${post}`, '404.html'];
  const tag = fs.readdirSync(path.join(site, 'blog/tags'))[0];
  if (tag) pages.push(`blog/tags/${tag}`);
  // each page at a desktop and a phone width, in the light and the dark colour scheme
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    for (const p of pages) {
      for (const width of [1280, 375, 320]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(base + p);
        // no text under 12 px on screen: every visible text node, an SVG's scaled to its drawing
        const small = await page.evaluate(() => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!n.textContent.trim() || !el) continue;
            const r = el.getBoundingClientRect();
            const cs = getComputedStyle(el);
            if (r.width <= 1 || r.height <= 1 || cs.visibility === 'hidden') continue;
            let size = parseFloat(cs.fontSize);
            const svg = el.closest('svg');
            const vb = svg && svg.viewBox && svg.viewBox.baseVal;
            if (vb && vb.width) size *= svg.getBoundingClientRect().width / vb.width;
            if (size < 11.95) out.push(`"${n.textContent.trim().slice(0, 24)}" ${size.toFixed(1)} px`);
          }
          return out;
        });
        check(small.length === 0, `${p} @${width}px ${colorScheme}: text under 12 px: ${small.slice(0, 4).join('; ')}`);
        await page.addScriptTag({ content: axeSource }).catch(() => page.evaluate(axeSource));
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
          failures.push(`axe ${p} @${width}px ${colorScheme}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        check(!overflow, `${p} scrolls sideways at ${width} px (${colorScheme})`);
        // the page follows the scheme: a dark background in dark mode, a light one otherwise
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const [r, g, b] = (bg.match(/\d+/g) || [255, 255, 255]).map(Number);
        const dark = (r + g + b) / 3 < 80;
        check(dark === (colorScheme === 'dark'), `${p} in ${colorScheme} mode has the background ${bg}`);
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('browser tests passed');
