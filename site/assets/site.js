// cph50 site script: dashboard refresh and the history page. Loaded with `defer`; no inline
// script or handler anywhere (the pages' Content-Security-Policy forbids them).
(function () {
  'use strict';
  var root = document.body.getAttribute('data-root') || '';
  var params = new URLSearchParams(location.search);

  function getJSON(path) {
    return fetch(root + path, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function text(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
  function fmt(v, digits) { return (Math.round(v * Math.pow(10, digits)) / Math.pow(10, digits)).toString(); }
  // Numbers for people, as the pages built by cph50 write them (render::numbers): the site's
  // locale and currency and each quantity's decimals come from the page's <body>; rounding half
  // away from zero, no minus sign on a zero.
  var locale = document.body.getAttribute('data-locale') || 'en-US';
  var currency = document.body.getAttribute('data-currency') || 'USD';
  var digits = { kwh: 2, kw: 2, money: 2, miles: 0, percent: 1, count: 0 };
  try { digits = JSON.parse(document.body.getAttribute('data-digits')) || digits; } catch (e) { /* the defaults */ }
  var formats = {};
  function num(v, d) {
    var f = formats[d] || (formats[d] = new Intl.NumberFormat(locale,
      { minimumFractionDigits: d, maximumFractionDigits: d, signDisplay: 'negative' }));
    return f.format(v);
  }
  function money(v) {
    var f = formats.money || (formats.money = new Intl.NumberFormat(locale, { style: 'currency', currency: currency,
      minimumFractionDigits: digits.money, maximumFractionDigits: digits.money, signDisplay: 'negative' }));
    return f.format(v);
  }

  // ---- dashboard -------------------------------------------------------------------------
  var now = document.getElementById('now');
  if (now) {
    var vehicles = null;
    // Freshness. The data changes only when a session starts or ends, so its age says nothing
    // about the polls of an idle charger. The time of the last successful poll comes from
    // GitHub's API (the monitor workflow's runs; it answers for a public repository): no
    // warning while it is within twice the poll interval, a warning past that. Without it the
    // page says what it cannot know instead of warning.
    var health = document.getElementById('poll-health');
    var pollMin = Number(health && health.getAttribute('data-poll-minutes')) || 0;
    var repo = health ? health.getAttribute('data-repository') : '';
    var lastRun = NaN;
    var ago = function (min) {
      return min < 120 ? min + ' min' : min < 48 * 60 ? Math.round(min / 60) + ' h' : Math.round(min / 1440) + ' days';
    };
    var showAge = function () {
      var ts = Date.parse(now.getAttribute('data-timestamp'));
      if (isNaN(ts)) return;
      var min = Math.max(0, Math.round((Date.now() - ts) / 60000));
      text('now-age', 'updated ' + ago(min) + ' ago');
      if (!pollMin) return;
      // the interval as the build wrote it ("1 hour"), so the two texts agree
      var every = ' (the monitor polls every ' + (health.getAttribute('data-poll-every') || pollMin + ' minutes') + ')';
      if (isNaN(lastRun)) {
        text('poll-health', 'The data last changed ' + ago(min) + ' ago' + every + '. An idle charger changes nothing, ' +
          'so this page cannot tell a quiet charger from missed polls' + (repo ? ' (GitHub did not say when the last poll ran).' : '.'));
        health.className = '';
        return;
      }
      if (lastRun === 0) {
        text('poll-health', 'Warning: GitHub lists no successful run of the monitor workflow' + every + '.');
        health.className = 'warn';
        return;
      }
      var since = Math.max(0, Math.round((Date.now() - Math.max(lastRun, ts)) / 60000));
      var late = since > 2 * pollMin;
      text('poll-health', late
        ? 'Warning: no poll has succeeded for ' + ago(since) + every + '; scheduled runs may be delayed, dropped or disabled.'
        : 'Polls are on time: the last successful poll was ' + ago(since) + ' ago' + every + '.');
      health.className = late ? 'warn' : '';
    };
    var fetchRuns = function () {
      if (!repo || !pollMin) return;
      fetch('https://api.github.com/repos/' + repo + '/actions/workflows/monitor.yml/runs?status=success&per_page=1',
        { headers: { Accept: 'application/vnd.github+json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j || !Array.isArray(j.workflow_runs)) return;
          var run = j.workflow_runs[0];
          // an answer with no successful run at all: never polled successfully
          lastRun = run ? Date.parse(run.updated_at) : 0;
          showAge();
        })
        .catch(function () { /* private repository, offline, rate limit: say what is known */ });
    };
    fetchRuns();
    setInterval(fetchRuns, 10 * 60 * 1000);
    var refresh = function () {
      Promise.all([getJSON('api/v1/last_session.json'), vehicles || getJSON('api/v1/vehicles.json')])
        .then(function (res) {
          var s = res[0]; vehicles = Promise.resolve(res[1]);
          var v = res[1].filter(function (x) { return x.id === (s.vehicle_id || 'unknown'); })[0] ||
                  res[1][res[1].length - 1];
          now.setAttribute('data-timestamp', s.timestamp);
          var state = s.charging ? ['Charging', 'charging'] : s.connected ? ['Connected, not charging', 'connected'] : ['Not connected', 'idle'];
          text('now-state', state[0]);
          document.getElementById('now-state').className = 'badge ' + state[1];
          text('now-power', s.power_kw != null ? num(s.power_kw, digits.kw) + ' kW' : '–');
          text('now-energy', s.energy_kwh != null ? num(s.energy_kwh, digits.kwh) + ' kWh' : '–');
          text('now-duration', s.duration_minutes != null
            ? (s.duration_minutes >= 60 ? Math.floor(s.duration_minutes / 60) + ' h ' + ('0' + s.duration_minutes % 60).slice(-2) + ' min' : s.duration_minutes + ' min') : '–');
          text('now-miles', s.energy_kwh != null && v && v.efficiency ? num(s.energy_kwh * v.efficiency, digits.miles) + ' mi'
            : v && v.id !== 'unknown' && !v.efficiency ? "can't be estimated (no efficiency figure for this car)" : '–');
          text('now-vehicle', v ? v.name : 'Unknown vehicle');
          text('now-confidence', s.vehicle_confidence != null ? Math.round(s.vehicle_confidence * 100) + ' %' : '–');
          showAge();
        })
        .catch(function () { /* offline or file://: keep the build-time state */ });
    };
    showAge();
    var every = Number(params.get('refresh')) || 60;
    setInterval(refresh, every * 1000);
    setInterval(showAge, 30000);
  }

  // ---- history ---------------------------------------------------------------------------
  // The page opens as built: the latest month's chart and table, nothing fetched. A change of
  // view fetches that level's aggregates for the chart (api/v1/history-<level>.json, no
  // sessions in it) and, once for all levels, the sessions for the table
  // (api/v1/history-sessions.json). When fetch is blocked (file://) the build-time chart and
  // table stay.
  var controls = document.getElementById('controls');
  if (!controls) return;
  var state = { level: controls.getAttribute('data-level'), page: controls.getAttribute('data-page'),
    vehicle: 'all', metric: 0, sort: 'date', desc: false };
  // the pages last shown at the day and month levels: a level switch keeps the period
  var seen = { day: state.page, month: state.page.slice(0, 4) };
  var levels = {}, sessions = null, vehicleInfo = {};
  // the page drawn has energy but no session began in it (the first day of a month after a
  // charge past midnight)
  var energyOnly = false;
  document.querySelectorAll('#vehicle option[data-colour]').forEach(function (o) {
    vehicleInfo[o.value] = { name: o.textContent, colour: o.getAttribute('data-colour'), miles: o.hasAttribute('data-efficiency') };
  });
  var unitOf = ['kWh', 'mi', 'sessions', ''];
  var monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function keep() { /* offline or file://: keep what is shown */ }
  // a total of metric `m` (kWh, miles, sessions, cost) as the page writes it, with its unit
  function figure(v, m) {
    return m === 0 ? num(v, digits.kwh) + ' kWh' : m === 1 ? num(v, digits.miles) + ' mi'
      : m === 2 ? num(v, digits.count) : money(v);
  }

  // the element says it is busy while `promise` runs (the chart for a level, the table for
  // the sessions)
  function busy(id, promise) {
    var el = document.getElementById(id);
    el.setAttribute('aria-busy', 'true');
    return promise.then(function (d) { el.removeAttribute('aria-busy'); return d; },
      function (e) { el.removeAttribute('aria-busy'); throw e; });
  }
  function load(level) {
    if (!levels[level]) {
      var p = levels[level] = busy('chart', getJSON('api/v1/history-' + level + '.json'));
      p.catch(function () { if (levels[level] === p) delete levels[level]; });
    }
    return levels[level];
  }
  // The table's sessions, fetched once: columns (see history.rs, SessionsFile) made rows
  // [id, "YYYY-MM-DD HH:MM ZONE", vehicle column, kWh, duration s, cost or null].
  function loadSessions() {
    if (!sessions) {
      var p = sessions = busy('sessions', getJSON('api/v1/history-sessions.json')).then(function (f) {
        var rows = [], at = 0;
        for (var i = 0; i < f.id.length; i++) {
          at += f.start_min[i]; // delta-coded local wall-clock minutes since 1970-01-01 00:00
          var iso = new Date(at * 60000).toISOString();
          rows.push([f.id[i], iso.slice(0, 10) + ' ' + iso.slice(11, 16) + ' ' + f.zones[f.zone[i]],
            f.vehicle[i], f.kwh[i], f.duration_s[i], f.cost[i]]);
        }
        return { vehicles: f.vehicles, rows: rows };
      });
      p.catch(function () { if (sessions === p) sessions = null; });
    }
    return sessions;
  }
  // a level's values are columns of consecutive periods from `first`: the column of `key`,
  // or -1 outside the data
  function periodCount(data) { return data.values.length && data.values[0].length ? data.values[0][0].length : 0; }
  function columnOf(data, key) {
    var f = data.first || '', i;
    if (!f) return -1;
    if (data.level === 'day') {
      i = Math.round((Date.UTC(+key.slice(0, 4), +key.slice(5, 7) - 1, +key.slice(8, 10)) -
        Date.UTC(+f.slice(0, 4), +f.slice(5, 7) - 1, +f.slice(8, 10))) / 864e5);
    } else if (data.level === 'month') {
      i = (+key.slice(0, 4) - +f.slice(0, 4)) * 12 + (+key.slice(5, 7) - +f.slice(5, 7));
    } else {
      i = +key - +f;
    }
    return i >= 0 && i < periodCount(data) ? i : -1;
  }
  function periodsOf(level, page, data) {
    var out = [];
    if (level === 'day') {
      var y = +page.slice(0, 4), m = +page.slice(5, 7), n = new Date(Date.UTC(y, m, 0)).getUTCDate();
      for (var d = 1; d <= n; d++) out.push([page + '-' + ('0' + d).slice(-2), String(d)]);
    } else if (level === 'month') {
      for (var i = 1; i <= 12; i++) out.push([page + '-' + ('0' + i).slice(-2), monthNames[i - 1]]);
    } else {
      // years: every year in the data
      for (var k = 0; k < periodCount(data); k++) out.push([String(+data.first + k), String(+data.first + k)]);
    }
    return out;
  }
  function pagesFor(level, data) { return level === 'year' ? ['all'] : data.pages; }
  // any value (energy, miles, sessions, cost) of any vehicle on a page
  function hasData(level, page, data) {
    return periodsOf(level, page, data).some(function (p) {
      var at = columnOf(data, p[0]);
      return at >= 0 && data.values.some(function (m) { return m.some(function (v) { return v[at] !== 0; }); });
    });
  }
  // The page of `level` that shows the period on screen: day 2024-03 -> month 2024 -> all
  // years, and back: the month seen last at the day level when it is in that year, else that
  // year's last month with data.
  function pageFor(level, data) {
    var pages = pagesFor(level, data), want = 'all';
    if (level === 'month') want = seen.month;
    if (level === 'day') {
      if (seen.day && seen.day.slice(0, 4) === seen.month) want = seen.day;
      else {
        var inYear = pages.filter(function (p) { return p.slice(0, 4) === seen.month; });
        var full = inYear.filter(function (p) { return hasData('day', p, data); });
        want = full.length ? full[full.length - 1] : inYear[inYear.length - 1];
      }
    }
    return pages.indexOf(want) >= 0 ? want : pages[pages.length - 1];
  }
  // "No sessions in 2024-03." (of the chosen vehicle), for an empty chart and table
  function emptyText() {
    var v = vehicleInfo[state.vehicle];
    return 'No sessions' + (state.vehicle !== 'all' && v ? ' of ' + v.name : '') +
      (state.level === 'year' ? ' yet.' : ' in ' + state.page + '.');
  }
  // Previous/next stop at the first and last page with data: disabled for assistive
  // technology too (aria-disabled keeps the button focusable, so focus is not lost)
  function setDisabled(id, off) {
    var b = document.getElementById(id);
    if (off) b.setAttribute('aria-disabled', 'true'); else b.removeAttribute('aria-disabled');
  }
  // the top of an axis and its step, as charts.rs's nice_ticks: the step the smallest of 1, 2
  // or 5 times a power of ten of at least a quarter of `max`, the top its first multiple at or
  // above `max`
  function niceTicks(max) {
    if (!(max > 0)) return [1, 0.25];
    var quarter = max / 4, mag = Math.pow(10, Math.floor(Math.log10(quarter)));
    var step = 10 * mag;
    [1, 2, 5, 10].some(function (m) { if (m * mag >= quarter * (1 - 1e-12)) { step = m * mag; return true; } return false; });
    return [Math.max(1, Math.ceil(max / step - 1e-9)) * step, step];
  }
  // decimals that name each tick of a step exactly (0.5 -> 1, 0.05 -> 2)
  function stepDigits(step) {
    return step >= 1 || step <= 0 ? 0 : Math.min(6, Math.max(0, -Math.floor(Math.log10(step))));
  }
  function svgEl(name, attrs, body) {
    var el = document.createElementNS('http://www.w3.org/2000/svg', name);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    if (body != null) el.textContent = body;
    return el;
  }
  function draw(data) {
    var cols = data.vehicles.map(function (id, i) { return i; })
      .filter(function (i) { return state.vehicle === 'all' || data.vehicles[i] === state.vehicle; });
    // the legend lists the vehicles the chart shows
    document.querySelectorAll('#vehicle-legend li[data-vehicle]').forEach(function (li) {
      li.hidden = state.vehicle !== 'all' && li.getAttribute('data-vehicle') !== state.vehicle;
    });
    var bars = periodsOf(state.level, state.page, data).map(function (p) {
      var at = columnOf(data, p[0]);
      return { key: p[0], label: p[1], at: at, values: cols.map(function (c) { return at < 0 ? 0 : data.values[state.metric][c][at]; }) };
    });
    var sums = [0, 0, 0, 0];
    bars.forEach(function (b) {
      if (b.at >= 0) cols.forEach(function (c) { for (var m = 0; m < 4; m++) sums[m] += data.values[m][c][b.at]; });
    });
    var fig = document.getElementById('chart');
    energyOnly = sums[2] === 0 && sums[0] > 0;
    if (sums.every(function (v) { return v === 0; })) {
      // a page without data (a month with no session): a sentence, not an empty chart
      var p = document.createElement('p');
      p.className = 'empty-state';
      p.textContent = emptyText();
      fig.replaceChildren(p);
    } else {
      fig.replaceChildren(chartOf(data, cols, bars));
    }
    // miles only from the cars with an efficiency figure; none: they cannot be estimated
    var miles = cols.some(function (c) { return (vehicleInfo[data.vehicles[c]] || {}).miles; });
    text('sum-kwh', figure(sums[0], 0));
    text('sum-miles', miles ? figure(sums[1], 1) : '–');
    text('sum-sessions', figure(sums[2], 2));
    text('sum-cost', figure(sums[3], 3));
    text('period', state.level === 'year' ? 'All years' : state.page);
    var pages = pagesFor(state.level, data), at = pages.indexOf(state.page);
    setDisabled('prev', at <= 0);
    setDisabled('next', at < 0 || at >= pages.length - 1);
    controls.querySelectorAll('[data-level]').forEach(function (b) {
      if (b.tagName === 'BUTTON') b.setAttribute('aria-pressed', String(b.getAttribute('data-level') === state.level));
    });
    controls.setAttribute('data-level', state.level);
    controls.setAttribute('data-page', state.page);
    if (state.level === 'day') { seen.day = state.page; seen.month = state.page.slice(0, 4); }
    if (state.level === 'month') seen.month = state.page;
    // the table follows when what it shows changed (not for a redraw at the screen's width)
    if (tableKey() !== shownTable) retable();
    writeHash();
  }
  function chartOf(data, cols, bars) {
    // drawn at the figure's own width, so that one unit is one CSS pixel and the 12 px labels
    // stay 12 px on a phone as on a desktop
    var fig0 = document.getElementById('chart');
    var w = Math.min(1000, Math.max(240, Math.round(fig0.getBoundingClientRect().width) || 800));
    var h = w < 500 ? 220 : 260, left = 56, bottom = 40, top = 26, plotH = h - bottom - top, fs = 12;
    var max = 0; bars.forEach(function (b) { max = Math.max(max, b.values.reduce(function (a, x) { return a + x; }, 0)); });
    // every scale starts at 0 and ends at the first round step at or above the top (0, 100,
    // 200, 300 for 280); whole sessions step by whole numbers
    var ticks = niceTicks(max);
    var step = state.metric === 2 ? Math.max(1, ticks[1]) : ticks[1];
    var scale = Math.max(step, Math.ceil(max / step - 1e-9) * step);
    var slot = (w - left - 14) / Math.max(bars.length, 1), bw = Math.max(slot * 0.7, 1);
    var unit = state.metric === 3 ? currency : unitOf[state.metric];
    var svg = svgEl('svg', { 'class': 'chart', viewBox: '0 0 ' + w + ' ' + h, role: 'img',
      'aria-label': ['Energy', 'Miles', 'Sessions', 'Cost'][state.metric] + ' per ' + state.level + ', ' + unit + ', stacked by vehicle' });
    for (var i = 0; i <= Math.round(scale / step); i++) {
      var y = top + plotH - plotH * step * i / scale;
      svg.appendChild(svgEl('line', { x1: left, x2: w, y1: y, y2: y, stroke: '#ddd' }));
      svg.appendChild(svgEl('text', { x: left - 4, y: y + 4, 'font-size': fs, 'text-anchor': 'end' },
        num(step * i, stepDigits(step))));
    }
    // axis titles: the unit above the scale, the period under the bars
    svg.appendChild(svgEl('text', { x: 4, y: fs, 'font-size': fs }, unit));
    svg.appendChild(svgEl('text', { x: w - 4, y: h - 2, 'font-size': fs, 'text-anchor': 'end' },
      { day: 'day of the month', month: 'month', year: 'year' }[state.level]));
    var every = Math.max(1, Math.ceil(bars.length / Math.max(4, Math.floor((w - left) / 40))));
    bars.forEach(function (b, i) {
      var x = left + slot * i + (slot - bw) / 2, y = top + plotH;
      var total = b.values.reduce(function (a, v) { return a + v; }, 0);
      var g = svgEl('g', { 'data-key': b.key, 'data-total': fmt(total, 1) });
      g.appendChild(svgEl('title', {}, b.label + ': ' + figure(total, state.metric)));
      b.values.forEach(function (v, j) {
        if (v <= 0) return;
        var bh = plotH * v / scale; y -= bh;
        g.appendChild(svgEl('rect', { x: x.toFixed(1), y: y.toFixed(1), width: bw.toFixed(1), height: bh.toFixed(1), fill: (vehicleInfo[data.vehicles[cols[j]]] || { colour: '#767676' }).colour }));
      });
      svg.appendChild(g);
      if (i % every === 0) svg.appendChild(svgEl('text', { x: (x + bw / 2).toFixed(1), y: top + plotH + fs + 4, 'font-size': fs, 'text-anchor': 'middle' }, b.label));
    });
    return svg;
  }

  // The view in the address (#level=month&page=2025&vehicle=…&metric=2), so it can be
  // bookmarked and shared; read once when the page opens.
  // each view the visitor moves to is a history entry (Back steps back a view); the first
  // one, and a hash corrected on reading, replace the entry instead
  // the page opened without a view in its address: that entry is the built view, so the first
  // change is a new entry and Back returns to it
  var initial = { level: state.level, page: state.page };
  var hashWritten = location.hash.length <= 1;
  // the view shown, as the address writes it
  function viewQuery() {
    return new URLSearchParams({ level: state.level, page: state.page, vehicle: state.vehicle, metric: String(state.metric) });
  }
  function writeHash() {
    var q = viewQuery();
    if (location.hash.slice(1) !== q.toString()) {
      if (hashWritten) history.pushState(null, '', '#' + q.toString());
      else history.replaceState(null, '', '#' + q.toString());
    }
    hashWritten = true;
  }
  function readHash() {
    var q = new URLSearchParams(location.hash.slice(1));
    var level = q.get('level');
    if (['day', 'month', 'year'].indexOf(level) < 0) return false;
    var vehicle = q.get('vehicle') || 'all', metric = Number(q.get('metric') || 0);
    if (vehicle !== 'all' && !document.querySelector('#vehicle option[value="' + CSS.escape(vehicle) + '"]')) vehicle = 'all';
    if (!(metric >= 0 && metric <= 3 && metric % 1 === 0)) metric = 0;
    document.getElementById('vehicle').value = vehicle;
    document.getElementById('metric').value = String(metric);
    load(level).then(function (data) {
      var pages = pagesFor(level, data), page = q.get('page') || '';
      if (pages.indexOf(page) < 0) page = pages[pages.length - 1];
      state.level = level; state.page = page; state.vehicle = vehicle; state.metric = metric;
      draw(data);
    }).catch(keep);
    return true;
  }

  // what the table shows; the build-time table is the latest month's, in plug-in order
  function tableKey() {
    return [state.level === 'year' ? '' : state.page, state.vehicle, state.sort, state.desc,
      document.getElementById('from').value, document.getElementById('to').value].join('|');
  }
  var shownTable = tableKey();
  function table(s) {
    var from = document.getElementById('from').value, to = document.getElementById('to').value;
    var prefix = state.level === 'year' ? '' : state.page;
    var vehicleCol = s.vehicles.indexOf(state.vehicle);
    var nameOf = function (r) { var v = vehicleInfo[s.vehicles[r[2]]]; return v ? v.name : s.vehicles[r[2]]; };
    // [id, start, vehicle column, kWh, duration s, cost]; the date sorts by plug-in order.
    var shown = [];
    s.rows.forEach(function (r, i) {
      var date = r[1].slice(0, 10);
      if (from || to ? (from && date < from) || (to && date > to) : date.indexOf(prefix) !== 0) return;
      if (state.vehicle !== 'all' && r[2] !== vehicleCol) return;
      shown.push({ r: r, key: state.sort === 'date' ? i : state.sort === 'vehicle' ? nameOf(r)
        : r[{ kwh: 3, duration: 4, cost: 5 }[state.sort]] });
    });
    shown.sort(function (a, b) { var c = a.key < b.key ? -1 : a.key > b.key ? 1 : 0; return state.desc ? -c : c; });
    // the sorted column says its direction (aria-sort, and an arrow from the style sheet)
    document.querySelectorAll('#sessions thead th').forEach(function (th) {
      var b = th.querySelector('button[data-sort]');
      if (b && b.getAttribute('data-sort') === state.sort) th.setAttribute('aria-sort', state.desc ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    var limit = 500;
    text('table-count', shown.length <= limit
      ? num(shown.length, 0) + (shown.length === 1 ? ' session' : ' sessions')
      : num(limit, 0) + ' of ' + num(shown.length, 0) + ' sessions shown, in this order; narrow the dates (From, to) or sort to see others');
    var body = document.querySelector('#sessions tbody');
    body.replaceChildren();
    if (!shown.length) {
      // an empty period (or dates with no session): say so where the rows would be
      var tr = document.createElement('tr'), td = document.createElement('td');
      tr.className = 'empty-state';
      td.colSpan = 5;
      td.textContent = from || to ? 'No sessions' + (from ? ' from ' + from : '') + (to ? ' to ' + to : '') + '.'
        : energyOnly ? 'No session began in ' + state.page + '; its energy is from a session begun before, still charging after midnight.'
        : emptyText();
      tr.appendChild(td);
      body.appendChild(tr);
    }
    shown.slice(0, limit).forEach(function (s) {
      var r = s.r, tr = document.createElement('tr');
      var a = document.createElement('a');
      a.href = root + 'sessions/' + encodeURIComponent(r[0]) + '.html';
      a.textContent = r[1];
      var td = document.createElement('td'); td.appendChild(a); tr.appendChild(td);
      var m = Math.floor(r[4] / 60);
      [nameOf(r), num(r[3], digits.kwh), m >= 60 ? Math.floor(m / 60) + ' h ' + ('0' + m % 60).slice(-2) + ' min' : m + ' min',
       r[5] == null ? '–' : money(r[5])].forEach(function (v, k) {
        var c = document.createElement('td'); c.textContent = v;
        c.setAttribute('data-label', ['Vehicle', 'kWh', 'Duration', 'Cost'][k]);
        tr.appendChild(c);
      });
      body.appendChild(tr);
    });
    shownTable = tableKey();
  }
  function retable() { loadSessions().then(table).catch(keep); }

  controls.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (!b || b.getAttribute('aria-disabled') === 'true') return;
    if (b.hasAttribute('data-level')) {
      var level = b.getAttribute('data-level');
      load(level).then(function (data) {
        state.page = pageFor(level, data); state.level = level; draw(data);
      }).catch(keep);
    } else if (b.id === 'prev' || b.id === 'next') {
      load(state.level).then(function (data) {
        var pages = pagesFor(state.level, data), at = pages.indexOf(state.page) + (b.id === 'next' ? 1 : -1);
        if (at >= 0 && at < pages.length) { state.page = pages[at]; draw(data); }
      }).catch(keep);
    }
  });
  function onSelect() {
    state.vehicle = document.getElementById('vehicle').value;
    state.metric = Number(document.getElementById('metric').value);
    load(state.level).then(draw).catch(keep);
  }
  // a view in the address (a fragment that is not one, such as #main, is left alone); else the
  // build-time chart, 800 units wide, whose 11-unit labels shrink below 12 px on a screen
  // narrower than about 880 px: drawn again there at the screen's width (one request)
  if (!(location.hash.length > 1 && readHash()) && document.getElementById('chart').getBoundingClientRect().width < 880) {
    // the built view redrawn at the screen's width: the same entry, not a new one
    hashWritten = false;
    load(state.level).then(draw).catch(keep);
  }
  // an address edited by hand, or Back and Forward between views: show what it names
  function onAddress() {
    var q = viewQuery();
    if (location.hash.length <= 1) {
      // Back to the entry the page opened with: the built view
      document.getElementById('vehicle').value = 'all';
      document.getElementById('metric').value = '0';
      load(initial.level).then(function (data) {
        state.level = initial.level; state.page = initial.page; state.vehicle = 'all'; state.metric = 0;
        hashWritten = false;
        draw(data);
        if (location.hash.length > 1) history.replaceState(null, '', location.pathname + location.search);
        hashWritten = true;
      }).catch(keep);
    } else if (location.hash.slice(1) !== q.toString()) {
      hashWritten = false;
      readHash();
    }
  }
  window.addEventListener('hashchange', onAddress);
  window.addEventListener('popstate', onAddress);
  document.getElementById('vehicle').addEventListener('change', onSelect);
  document.getElementById('metric').addEventListener('change', onSelect);
  document.getElementById('from').addEventListener('change', retable);
  document.getElementById('to').addEventListener('change', retable);
  document.querySelector('#sessions thead').addEventListener('click', function (e) {
    var b = e.target.closest('button[data-sort]');
    if (!b) return;
    var key = b.getAttribute('data-sort');
    state.desc = state.sort === key ? !state.desc : false;
    state.sort = key;
    retable();
  });
})();
