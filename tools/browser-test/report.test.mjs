// The HTML report in a real browser: Debian's Chromium (/usr/bin/chromium, headless),
// driven by playwright-core (which downloads no browser of its own).
//
//   node tools/browser-test/report.test.mjs CASE_DIR...
//
// Each CASE_DIR holds report.html and report.json, written by `dblint lint` from the
// same input (--format html / --format json), and optionally case.json:
// {"budget_s": 10, "injection": false}. The page is checked against the JSON report:
//   a  offline: only file:, data: and blob: requests; a Content-Security-Policy <meta>
//   b  no page error, no console error, no dialog
//   c  #diagram reaches data-layout="done" within the case's budget (time printed); and,
//      on the first case, data-layout="error" when the layout worker fails to start
//   d  scorecard, counts, table rows and findings equal the JSON report's
//   e  the data island parses; the drawn nodes are exactly its `focus`; error tables drawn
//   f  edges: unindexed iff fk-missing-index says so, one on-delete-* class as the island
//      says; every island edge between drawn tables drawn once; nodes carry sev-error /
//      sev-warning / sev-ok as the table's status, soft-delete as the island says
//   g  no two node boxes overlap; edge paths are orthogonal, M and L only
//   h  search selects and shows a table; expand adds its FK neighbours; search draws a
//      table not drawn; a click selects a table; the wheel zooms; #show-more iff tables
//      are left out, and then #show-all draws them all within the budget
//   i  (injection cases) no dialog, no <img>, no nested <svg>; every table name, and the
//      columns of the drawn tables, shown as text
//   j  without JavaScript: the same numbers, tables and findings
//   k  #notices carries elkjs's licence (Eclipse Public License 2.0)
//   l  a screenshot per case in BROWSER_TEST_OUT (default: a new temporary folder)
// One line per check passed or failed; exit 1 when any failed.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH = {
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};
const ON_DELETE = ['cascade', 'set-null', 'set-default', 'restrict', 'no-action'];
const ALLOWED_SCHEMES = new Set(['file:', 'data:', 'blob:']);
const VIEWPORT = { width: 1400, height: 900 };

const caseDirs = process.argv.slice(2);
if (!caseDirs.length) {
  console.error('usage: node tools/browser-test/report.test.mjs CASE_DIR... (each with report.html and report.json)');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`browser-test: no ${CHROMIUM}; scripts/setup.sh installs Debian's chromium package`);
  process.exit(1);
}
const outDir = process.env.BROWSER_TEST_OUT || fs.mkdtempSync(path.join(os.tmpdir(), 'dblint-browser-test-'));
fs.mkdirSync(outDir, { recursive: true });

let passed = 0;
let failed = 0;
function report(c, id, problems, okMessage) {
  if (problems.length) {
    failed++;
    const shown = problems.slice(0, 12).join('\n       ');
    const more = problems.length > 12 ? `\n       ... and ${problems.length - 12} more` : '';
    console.log(`FAIL ${c.name} ${id}:\n       ${shown}${more}`);
  } else {
    passed++;
    console.log(`ok   ${c.name} ${id}: ${okMessage}`);
  }
}
// Runs one check; an exception (a timeout, a missing element) is that check's failure.
async function check(c, id, fn) {
  try {
    const r = await fn();
    report(c, id, r.problems, r.ok);
    return r;
  } catch (e) {
    report(c, id, [`threw: ${String(e && e.message || e).split('\n').slice(0, 6).join(' | ')}`], '');
    return null;
  }
}
const q = (s) => JSON.stringify(s);
const setDiff = (a, b) => [...a].filter((x) => !b.has(x));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Everything the checks read from the page, in one evaluation (also without JavaScript:
// Playwright evaluates in the browser even when the page's own scripts are off).
function readPage() {
  const text = (s) => {
    const e = document.querySelector(s);
    return e ? e.textContent.trim() : null;
  };
  const attrs = (e, names) => Object.fromEntries(names.map((n) => [n, e.getAttribute(n)]));
  const diagram = document.querySelector('#diagram');
  const svg = document.querySelector('#diagram svg');
  const viewport = document.querySelector('#diagram svg g#viewport');
  const meta = [...document.querySelectorAll('meta[http-equiv]')]
    .filter((m) => m.getAttribute('http-equiv').toLowerCase() === 'content-security-policy');
  const firstActive = document.querySelector('script, style, link, img, iframe, object, embed');
  const island = document.querySelector('script#dblint-data');
  const textNodes = [];
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement && n.parentElement.closest('script, style, template, noscript');
    if (!p) textNodes.push(n.data);
  }
  const showMore = document.querySelector('#show-more');
  return {
    csp: meta.map((m) => ({
      content: m.getAttribute('content'),
      inHead: !!m.closest('head'),
      beforeActive: !firstActive || !!(m.compareDocumentPosition(firstActive) & Node.DOCUMENT_POSITION_FOLLOWING),
    })),
    grade: text('#grade'),
    overall: text('#overall'),
    counts: { error: text('#count-error'), warning: text('#count-warning'), info: text('#count-info'), tables: text('#count-tables') },
    tablesPresent: !!document.querySelector('#tables'),
    findingsPresent: !!document.querySelector('#findings'),
    rows: [...document.querySelectorAll('#tables tbody tr[data-table]')]
      .map((r) => attrs(r, ['data-table', 'data-status', 'data-error', 'data-warning', 'data-info'])),
    fingerprints: [...document.querySelectorAll('#findings li.finding[data-fingerprint]')].map((li) => li.getAttribute('data-fingerprint')),
    findingsWithoutFingerprint: document.querySelectorAll('#findings li.finding:not([data-fingerprint])').length,
    brokenLinks: [...document.querySelectorAll('#findings li.finding a[href^="#"]')]
      .map((a) => a.getAttribute('href'))
      .filter((h) => { try { return !document.getElementById(decodeURIComponent(h.slice(1))); } catch { return true; } }),
    findingsWithoutLink: [...document.querySelectorAll('#findings li.finding[data-fingerprint]')]
      .filter((li) => !li.querySelector('a[href^="#"]')).map((li) => li.getAttribute('data-fingerprint')),
    layout: diagram ? diagram.getAttribute('data-layout') : null,
    status: text('#diagram-status'),
    island: island ? { type: island.getAttribute('type'), text: island.textContent } : null,
    nodes: [...document.querySelectorAll('#diagram svg g.node[data-table]')].map((g) => {
      const r = g.querySelector('rect.box');
      const b = r && r.getBoundingClientRect();
      return { table: g.getAttribute('data-table'), cls: [...g.classList], box: b && { x: b.x, y: b.y, w: b.width, h: b.height } };
    }),
    nodesWithoutTable: document.querySelectorAll('#diagram svg g.node:not([data-table])').length,
    edges: [...document.querySelectorAll('#diagram svg path.edge')]
      .map((p) => ({ ...attrs(p, ['data-from', 'data-to', 'data-fk', 'd']), cls: [...p.classList] })),
    transform: viewport ? viewport.getAttribute('transform') : null,
    hasSvg: !!svg,
    showMore: showMore ? { hidden: showMore.hidden || getComputedStyle(showMore).display === 'none' } : null,
    imgs: document.querySelectorAll('img').length,
    nestedSvg: document.querySelectorAll('svg svg').length,
    text: textNodes.join('\u0001'),
    notices: text('#notices'),
    panel: (() => {
      const p = document.querySelector('#panel');
      return p ? { text: p.textContent, findings: [...p.querySelectorAll('li.finding')].map((li) => li.getAttribute('data-fingerprint')) } : null;
    })(),
  };
}

// a: scheme of every request; the CSP <meta>.
function checkOffline(requests, dom) {
  const problems = [];
  for (const url of requests) {
    let scheme;
    try { scheme = new URL(url).protocol; } catch { scheme = '?'; }
    if (!ALLOWED_SCHEMES.has(scheme)) problems.push(`request to ${url} (only file:, data:, blob: allowed)`);
  }
  if (!dom.csp.length) problems.push('no <meta http-equiv="Content-Security-Policy">');
  for (const m of dom.csp) {
    if (!/default-src\s+'none'/.test(m.content || '')) problems.push(`CSP meta content ${q(m.content)} lacks default-src 'none'`);
    if (/https?:|\*/.test(m.content || '')) problems.push(`CSP meta content ${q(m.content)} allows a network source`);
    if (!m.inHead) problems.push('CSP meta is not in <head>');
    if (!m.beforeActive) problems.push('CSP meta comes after a script/style/link element (it only governs what follows it)');
  }
  return problems;
}

// d / j: numbers, rows and findings against the JSON report.
function checkNumbers(json, dom, { fingerprints = true } = {}) {
  const problems = [];
  const eq = (what, got, want) => { if (got !== want) problems.push(`${what}: expected ${q(want)}, got ${q(got)}`); };
  eq('#grade text', dom.grade, json.score.grade);
  eq('#overall text', dom.overall, String(json.score.overall));
  for (const s of ['error', 'warning', 'info']) eq(`#count-${s} text`, dom.counts[s], String(json.summary.findings[s]));
  eq('#count-tables text', dom.counts.tables, String(json.summary.tables));
  if (!dom.tablesPresent) problems.push('no #tables');
  if (!dom.findingsPresent) problems.push('no #findings');
  const want = new Map(json.tables.map((t) => [t.table, t]));
  const seen = new Map();
  for (const r of dom.rows) seen.set(r['data-table'], (seen.get(r['data-table']) || 0) + 1);
  eq('#tables tbody tr[data-table] count', dom.rows.length, json.tables.length);
  for (const [t, n] of seen) if (n > 1) problems.push(`#tables row for ${q(t)} appears ${n} times`);
  for (const t of want.keys()) if (!seen.has(t)) problems.push(`#tables has no row data-table=${q(t)}`);
  for (const r of dom.rows) {
    const t = want.get(r['data-table']);
    if (!t) { problems.push(`#tables row data-table=${q(r['data-table'])} is not a table of the JSON report`); continue; }
    const pairs = [['data-status', t.status], ['data-error', String(t.findings.error)],
      ['data-warning', String(t.findings.warning)], ['data-info', String(t.findings.info)]];
    for (const [a, v] of pairs) if (r[a] !== v) problems.push(`#tables tr[data-table=${q(t.table)}] ${a}: expected ${q(v)}, got ${q(r[a])}`);
  }
  if (fingerprints) {
    const got = new Set(dom.fingerprints);
    const exp = new Set(json.findings.map((f) => f.fingerprint));
    for (const f of setDiff(exp, got)) problems.push(`#findings has no li.finding[data-fingerprint=${q(f)}]`);
    for (const f of setDiff(got, exp)) problems.push(`#findings li.finding[data-fingerprint=${q(f)}] is not a finding of the JSON report`);
    if (dom.fingerprints.length !== json.findings.length) {
      problems.push(`#findings li.finding[data-fingerprint] count: expected ${json.findings.length} (one per JSON finding), got ${dom.fingerprints.length}`);
    }
    if (dom.findingsWithoutFingerprint) problems.push(`${dom.findingsWithoutFingerprint} #findings li.finding without data-fingerprint`);
  }
  return problems;
}

function parseIsland(dom) {
  if (!dom.island) throw new Error('no script#dblint-data');
  if (dom.island.type !== 'application/json') throw new Error(`script#dblint-data type is ${q(dom.island.type)}, not "application/json"`);
  let island;
  try { island = JSON.parse(dom.island.text); } catch (e) { throw new Error(`script#dblint-data does not parse: ${e.message}`); }
  return island;
}

// Path data: only M and L, each segment horizontal or vertical.
function orthogonal(d) {
  if (typeof d !== 'string' || !d.trim()) return 'empty d';
  const tokens = d.match(/[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g) || [];
  let cmd = null;
  let prev = null;
  const nums = [];
  const points = [];
  const flush = () => {
    if (nums.length % 2) return `odd number of coordinates after ${cmd}`;
    for (let i = 0; i < nums.length; i += 2) points.push({ cmd: i === 0 ? cmd : 'L', x: nums[i], y: nums[i + 1] });
    nums.length = 0;
    return null;
  };
  for (const t of tokens) {
    if (/[A-Za-z]/.test(t)) {
      if (cmd) { const e = flush(); if (e) return e; }
      if (t !== 'M' && t !== 'L') return `command ${t} (only M and L)`;
      cmd = t;
    } else {
      if (!cmd) return 'coordinates before a command';
      nums.push(Number(t));
    }
  }
  if (cmd) { const e = flush(); if (e) return e; }
  if (points.length < 2) return 'fewer than two points';
  for (const p of points) {
    if (p.cmd === 'M') { prev = p; continue; }
    if (Math.abs(p.x - prev.x) > 0.01 && Math.abs(p.y - prev.y) > 0.01) {
      return `diagonal segment (${prev.x},${prev.y}) -> (${p.x},${p.y})`;
    }
    prev = p;
  }
  return null;
}

// g: boxes and paths.
function checkGeometry(dom) {
  const problems = [];
  const boxes = [];
  for (const n of dom.nodes) {
    if (!n.box) { problems.push(`g.node[data-table=${q(n.table)}] has no rect.box`); continue; }
    if (!(n.box.w > 0 && n.box.h > 0)) problems.push(`g.node[data-table=${q(n.table)}] rect.box is ${n.box.w}x${n.box.h}`);
    boxes.push(n);
  }
  const eps = 0.01;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].box;
      const b = boxes[j].box;
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (ox > eps && oy > eps) {
        problems.push(`rect.box of ${q(boxes[i].table)} ${fmtBox(a)} overlaps ${q(boxes[j].table)} ${fmtBox(b)}`);
      }
    }
  }
  for (const e of dom.edges) {
    const err = orthogonal(e.d);
    if (err) problems.push(`path.edge ${q(e['data-fk'])} (${e['data-from']} -> ${e['data-to']}) d is not orthogonal M/L: ${err}; d=${q(String(e.d).slice(0, 160))}`);
  }
  return problems;
}
const fmtBox = (b) => `[${b.x.toFixed(1)},${b.y.toFixed(1)} ${b.w.toFixed(1)}x${b.h.toFixed(1)}]`;

const nodeNames = (dom) => dom.nodes.map((n) => n.table);
async function waitLayoutDone(page, timeout) {
  await page.waitForFunction(() => {
    const d = document.querySelector('#diagram');
    return d && d.getAttribute('data-layout') !== 'pending';
  }, null, { timeout, polling: 50 });
}
// Waits until the drawn nodes are exactly `want` and the layout is done; false on timeout.
async function waitForNodes(page, want, timeout) {
  try {
    await page.waitForFunction((names) => {
      const d = document.querySelector('#diagram');
      if (!d || d.getAttribute('data-layout') !== 'done') return false;
      const got = [...document.querySelectorAll('#diagram svg g.node[data-table]')].map((g) => g.getAttribute('data-table'));
      if (got.length !== names.length) return false;
      const s = new Set(got);
      return names.every((n) => s.has(n));
    }, [...want], { timeout, polling: 100 });
    return true;
  } catch {
    return false;
  }
}
async function search(page, name) {
  await page.fill('#search', name);
  await page.press('#search', 'Enter');
}
async function waitSelected(page, name, timeout) {
  try {
    await page.waitForFunction((n) => {
      const d = document.querySelector('#diagram');
      if (!d || d.getAttribute('data-layout') !== 'done') return false;
      return [...document.querySelectorAll('#diagram svg g.node[data-table]')]
        .some((g) => g.getAttribute('data-table') === n && g.classList.contains('selected'));
    }, name, { timeout, polling: 100 });
    return true;
  } catch {
    return false;
  }
}

async function runCase(browser, dir, first) {
  const c = {
    name: path.basename(path.resolve(dir)),
    html: path.resolve(dir, 'report.html'),
    json: JSON.parse(fs.readFileSync(path.resolve(dir, 'report.json'), 'utf8')),
    budget_s: 10,
    injection: false,
    first,
  };
  const conf = path.resolve(dir, 'case.json');
  if (fs.existsSync(conf)) Object.assign(c, JSON.parse(fs.readFileSync(conf, 'utf8')));
  const budget = c.budget_s * 1000;
  const json = c.json;
  const url = pathToFileURL(c.html).href;
  console.log(`-- ${c.name}: ${json.summary.tables} tables, ${json.findings.length} findings, grade ${json.score.grade} (${c.html})`);

  const context = await browser.newContext({ viewport: VIEWPORT });
  const requests = new Set();
  const errors = [];
  const dialogs = [];
  context.on('request', (r) => requests.add(r.url()));
  const page = await context.newPage();
  page.on('request', (r) => requests.add(r.url()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const onConsole = (where) => (m) => {
    if (m.type() === 'error') {
      const l = m.location();
      errors.push(`console error (${where}): ${m.text()}${l && l.url ? ` at ${l.url.slice(0, 60)}:${l.lineNumber}` : ''}`);
    }
  };
  page.on('console', onConsole('page'));
  page.on('worker', (w) => w.on('console', onConsole('worker')));
  page.on('dialog', (d) => { dialogs.push(`${d.type()}(${q(d.message())})`); d.dismiss().catch(() => {}); });
  page.on('crash', () => errors.push('page crashed'));

  // c: load and lay out.
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  let layoutMs = null;
  let layoutState = null;
  try {
    await page.waitForSelector('#diagram[data-layout="done"], #diagram[data-layout="error"]',
      { state: 'attached', timeout: Math.max(2 * budget, budget + 20000) });
    layoutMs = Math.round(performance.now() - t0);
  } catch { /* reported below */ }
  let dom = await page.evaluate(readPage);
  layoutState = dom.layout;
  await check(c, 'c layout', async () => {
    if (layoutState === 'error') return { problems: [`#diagram data-layout="error"; #diagram-status: ${q(dom.status)}`] };
    if (layoutState !== 'done') return { problems: [`#diagram data-layout is ${q(layoutState)} after ${Math.max(2 * budget, budget + 20000)} ms; #diagram-status: ${q(dom.status)}`] };
    if (layoutMs > budget) return { problems: [`data-layout="done" after ${layoutMs} ms, over the budget of ${budget} ms`] };
    return { problems: [], ok: `data-layout="done" in ${layoutMs} ms (budget ${budget} ms), ${dom.nodes.length} nodes, ${dom.edges.length} edges` };
  });

  // l: screenshots (the top of the page, and the diagram in view).
  await check(c, 'l screenshot', async () => {
    const top = path.join(outDir, `${c.name}.png`);
    await page.screenshot({ path: top, fullPage: false });
    const shots = [top];
    if (await page.$('#diagram')) {
      await page.locator('#diagram').scrollIntoViewIfNeeded();
      const diag = path.join(outDir, `${c.name}-diagram.png`);
      await page.screenshot({ path: diag, fullPage: false });
      shots.push(diag);
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    return { problems: [], ok: shots.join(' ') };
  });

  await check(c, 'd numbers', async () => ({
    problems: checkNumbers(json, dom),
    ok: `grade ${dom.grade}, overall ${dom.overall}, ${dom.counts.error}/${dom.counts.warning}/${dom.counts.info} findings, ${dom.rows.length} table rows, ${dom.fingerprints.length} findings listed`,
  }));
  await check(c, 'd links', async () => {
    const problems = [];
    for (const h of dom.brokenLinks) problems.push(`#findings li.finding a[href=${q(h)}] points at no element`);
    const tableFindings = new Set(json.findings.filter((f) => f.table).map((f) => f.fingerprint));
    for (const f of dom.findingsWithoutLink) if (tableFindings.has(f)) problems.push(`#findings li.finding[data-fingerprint=${q(f)}] has no link to its table row`);
    return { problems, ok: 'every finding on a table links to an element that exists' };
  });

  // e: the island and the focus.
  let island = null;
  const e = await check(c, 'e focus', async () => {
    island = parseIsland(dom);
    const problems = [];
    const { tables, edges, focus, cap } = island;
    if (!Array.isArray(tables)) throw new Error('island.tables is not an array');
    if (!Array.isArray(edges)) problems.push('island.edges is not an array');
    if (!Array.isArray(focus)) throw new Error('island.focus is not an array');
    if (!Number.isInteger(cap)) problems.push(`island.cap is ${q(cap)}, not an integer`);
    const badIdx = focus.filter((i) => !Number.isInteger(i) || i < 0 || i >= tables.length);
    if (badIdx.length) problems.push(`island.focus has indices outside tables[0..${tables.length}): ${q(badIdx.slice(0, 10))}`);
    if (new Set(focus).size !== focus.length) problems.push('island.focus repeats an index');
    if (focus.length > cap) problems.push(`island.focus.length ${focus.length} > cap ${cap}`);
    const focusNames = focus.filter((i) => tables[i]).map((i) => tables[i].name);
    for (const i of focus) if (tables[i] && tables[i].partition_of) problems.push(`island.focus names partition ${q(tables[i].name)} (partitions are not drawn)`);
    const drawn = nodeNames(dom);
    const drawnCount = new Map();
    for (const n of drawn) drawnCount.set(n, (drawnCount.get(n) || 0) + 1);
    for (const [n, k] of drawnCount) if (k > 1) problems.push(`g.node[data-table=${q(n)}] drawn ${k} times`);
    const want = new Set(focusNames);
    const got = new Set(drawn);
    for (const n of setDiff(want, got)) problems.push(`focus table ${q(n)} has no g.node`);
    for (const n of setDiff(got, want)) problems.push(`g.node[data-table=${q(n)}] is not in island.focus`);
    if (dom.nodesWithoutTable) problems.push(`${dom.nodesWithoutTable} g.node without data-table`);
    // The island's tables are the JSON report's tables; its partitions are marked
    // partition_of (they are drawn as their partitioned table).
    const listed = new Set(tables.map((t) => t.name));
    const drawable = new Set(tables.filter((t) => !t.partition_of).map((t) => t.name));
    const reported = new Set(json.tables.map((t) => t.table));
    for (const n of setDiff(reported, listed)) problems.push(`JSON table ${q(n)} is not in island.tables`);
    for (const n of setDiff(drawable, reported)) problems.push(`island table ${q(n)} (no partition_of) is not a table of the JSON report`);
    // Error tables drawn when they fit.
    const byName = new Map(tables.map((t) => [t.name, t]));
    const errorTables = json.tables.filter((t) => t.status === 'error' && byName.has(t.table) && !byName.get(t.table).partition_of);
    let note = `${errorTables.length} error tables`;
    // The default view keeps up to two thirds of the cap for tables with findings.
    if (errorTables.length <= Math.floor(cap * 2 / 3)) {
      for (const t of errorTables) if (!got.has(t.table)) problems.push(`error table ${q(t.table)} is not drawn (${errorTables.length} error tables, at most two thirds of cap ${cap})`);
      note += ', all drawn';
    } else {
      note += ` (>= cap ${cap}, not all required)`;
    }
    return { problems, ok: `island parses (${tables.length} tables, ${edges.length} edges); ${drawn.length} nodes drawn = focus (cap ${cap}); ${note}` };
  });

  // f: hazards on edges and nodes.
  if (island) {
    await check(c, 'f edges', async () => {
      const problems = [];
      const { tables, edges } = island;
      // fk-missing-index findings by (table, constraint); a partly indexed key's
      // object is `<constraint>.partly-indexed`.
      const missing = new Set(json.findings.filter((f) => f.rule === 'fk-missing-index')
        .map((f) => `${f.table}\u0000${String(f.object).replace(/\.partly-indexed$/, '')}`));
      // A partitioned table's edge stands for the keys declared on its partitions
      // (count of them; its name is the first one's): the finding is on a partition.
      const partitionsOf = new Map();
      for (const t of tables) {
        if (!t.partition_of) continue;
        if (!partitionsOf.has(t.partition_of)) partitionsOf.set(t.partition_of, []);
        partitionsOf.get(t.partition_of).push(t.name);
      }
      const family = (name) => {
        const out = [name];
        for (let k = 0; k < out.length; k++) out.push(...(partitionsOf.get(out[k]) || []));
        return out;
      };
      // true / false, or null when the edge merges several partitions' keys and the
      // one it is named after is not reported (another may be).
      const expectUnindexed = (fromName, fkName, count) => {
        const reported = family(fromName).some((n) => missing.has(`${n}\u0000${fkName}`));
        return reported ? true : (count > 1 ? null : false);
      };
      const byKey = new Map();
      for (const ed of edges) {
        const k = `${tables[ed.from]?.name}\u0000${tables[ed.to]?.name}\u0000${ed.name}`;
        byKey.set(k, ed);
        if (!ON_DELETE.includes(ed.on_delete)) problems.push(`island edge ${q(ed.name)} on_delete ${q(ed.on_delete)} is none of ${ON_DELETE.join(', ')}`);
        const unindexed = expectUnindexed(tables[ed.from]?.name, ed.name, ed.count || 1);
        if (unindexed !== null && !!ed.unindexed !== unindexed) problems.push(`island edge ${q(ed.name)} unindexed is ${q(ed.unindexed)}, the JSON ${unindexed ? 'has' : 'has no'} fk-missing-index finding for it`);
      }
      const drawn = new Set(nodeNames(dom));
      let unindexedCount = 0;
      for (const ed of dom.edges) {
        const from = ed['data-from'];
        const to = ed['data-to'];
        const fk = ed['data-fk'];
        const label = `path.edge[data-fk=${q(fk)}] (${from} -> ${to})`;
        if (from === null || to === null || fk === null) { problems.push(`path.edge without data-from/data-to/data-fk: ${q(ed)}`); continue; }
        if (!drawn.has(from) || !drawn.has(to)) problems.push(`${label} ends at a table that is not drawn`);
        const ie0 = byKey.get(`${from}\u0000${to}\u0000${fk}`);
        const unindexed = expectUnindexed(from, fk, ie0 ? ie0.count || 1 : 1);
        if (ed.cls.includes('unindexed')) unindexedCount++;
        if (unindexed !== null && unindexed !== ed.cls.includes('unindexed')) {
          problems.push(`${label}: fk-missing-index ${unindexed ? 'fires' : 'does not fire'} but class is ${q(ed.cls.join(' '))}`);
        }
        const od = ed.cls.filter((k) => k.startsWith('on-delete-'));
        const ie = byKey.get(`${from}\u0000${to}\u0000${fk}`);
        if (od.length !== 1 || !ON_DELETE.includes(od[0].slice(10))) {
          problems.push(`${label}: expected exactly one on-delete-* class, got ${q(od)}`);
        } else if (!ie) {
          problems.push(`${label}: no island edge with that name from ${q(from)} to ${q(to)}`);
        } else if (od[0] !== `on-delete-${ie.on_delete}`) {
          problems.push(`${label}: class ${od[0]}, island on_delete ${q(ie.on_delete)}`);
        }
      }
      return { problems, ok: `${dom.edges.length} edges: unindexed on ${unindexedCount} as fk-missing-index says, one on-delete-* class each as the island says` };
    });
    await check(c, 'f edges complete', async () => {
      // Every island edge between two drawn tables is drawn, once.
      const problems = [];
      const { tables, edges } = island;
      const drawn = new Set(nodeNames(dom));
      const got = new Map();
      for (const ed of dom.edges) {
        const k = `${ed['data-from']}\u0000${ed['data-to']}\u0000${ed['data-fk']}`;
        got.set(k, (got.get(k) || 0) + 1);
      }
      let want = 0;
      for (const ed of edges) {
        const from = tables[ed.from]?.name;
        const to = tables[ed.to]?.name;
        if (!drawn.has(from) || !drawn.has(to)) continue;
        want++;
        const n = got.get(`${from}\u0000${to}\u0000${ed.name}`) || 0;
        if (n !== 1) problems.push(`island edge ${q(ed.name)} (${from} -> ${to}${from === to ? ', self-reference' : ''}) between drawn tables is drawn ${n} times`);
      }
      return { problems, ok: `all ${want} island edges between drawn tables drawn once` };
    });
  }
  await check(c, 'f nodes', async () => {
    const problems = [];
    const status = new Map(json.tables.map((t) => [t.table, t.status]));
    const counts = {};
    for (const n of dom.nodes) {
      const sev = n.cls.filter((k) => k.startsWith('sev-'));
      const s = status.get(n.table);
      const want = s === 'error' ? 'sev-error' : s === 'warning' ? 'sev-warning' : 'sev-ok';
      counts[want] = (counts[want] || 0) + 1;
      if (sev.length !== 1 || sev[0] !== want) problems.push(`g.node[data-table=${q(n.table)}] (status ${q(s)}): expected class ${want}, got ${q(sev)}`);
    }
    return { problems, ok: `severity classes as the JSON status: ${JSON.stringify(counts)}` };
  });
  if (island) {
    await check(c, 'f soft-delete', async () => {
      const problems = [];
      const soft = new Map(island.tables.map((t) => [t.name, !!t.soft_delete]));
      let n = 0;
      for (const node of dom.nodes) {
        const want = soft.get(node.table);
        if (want) n++;
        if (want !== node.cls.includes('soft-delete')) problems.push(`g.node[data-table=${q(node.table)}]: island soft_delete ${want ? 'set' : 'null'}, class ${q(node.cls.join(' '))}`);
      }
      return { problems, ok: `class soft-delete on the ${n} drawn tables the island marks soft_delete` };
    });
  }

  // g: geometry of the first layout.
  await check(c, 'g geometry', async () => ({
    problems: dom.nodes.length ? checkGeometry(dom) : ['no g.node drawn'],
    ok: `${dom.nodes.length} boxes without overlap, ${dom.edges.length} orthogonal M/L paths`,
  }));

  // h: #show-more before any interaction.
  if (island) {
    await check(c, 'h show-more', async () => {
      const drawable = island.tables.filter((t) => !t.partition_of).length;
      const should = drawable > dom.nodes.length;
      const is = !!dom.showMore && !dom.showMore.hidden;
      const problems = should === is ? [] : [`#show-more ${is ? 'present' : dom.showMore ? 'hidden' : 'absent'} with ${drawable} drawable island tables (partitions not counted; ${island.tables.length} in all) and ${dom.nodes.length} drawn`];
      return { problems, ok: `#show-more ${is ? 'present' : 'absent'} (${drawable} drawable tables, ${dom.nodes.length} drawn)` };
    });
  }

  // h: search, panel, expand, search a table not drawn, wheel.
  if (island && dom.layout === 'done' && dom.nodes.length) {
    const { tables, edges } = island;
    const idx = new Map(tables.map((t, i) => [t.name, i]));
    const parents = new Set(tables.map((t) => t.partition_of).filter(Boolean));
    const partitioned = (name) => !!tables[idx.get(name)]?.partition_of || parents.has(name);
    const drawnIdx = new Set(nodeNames(dom).map((n) => idx.get(n)));
    // Drawn neighbour of a partition: its parent.
    const drawable = (i) => (tables[i].partition_of ? idx.get(tables[i].partition_of) : i);
    const neighbours = (i) => {
      const s = new Set();
      for (const ed of edges) {
        if (ed.from === i) s.add(drawable(ed.to));
        if (ed.to === i) s.add(drawable(ed.from));
      }
      s.delete(undefined);
      return s;
    };
    const findingsOf = (name) => json.findings.filter((f) => f.table === name);
    const candidates = nodeNames(dom);
    let selected;
    if (c.injection) selected = candidates.find((n) => /[<>"]/.test(n));
    if (!selected) {
      const score = (n) => findingsOf(n).length + (partitioned(n) ? -1000 : 0)
        + 100 * [...neighbours(idx.get(n))].filter((i) => !drawnIdx.has(i)).length;
      selected = [...candidates].sort((a, b) => score(b) - score(a) || (a < b ? -1 : 1))[0];
    }
    await check(c, 'h search', async () => {
      await search(page, selected);
      if (!(await waitSelected(page, selected, 5000))) {
        const d = await page.evaluate(readPage);
        const n = d.nodes.find((x) => x.table === selected);
        return { problems: [`after typing ${q(selected)} + Enter in #search: g.node[data-table=${q(selected)}] classes ${q(n && n.cls)}, data-layout ${q(d.layout)} (expected class selected within 5 s)`] };
      }
      const d = await page.evaluate(readPage);
      const problems = [];
      if (!d.panel) problems.push('no #panel');
      else {
        if (!d.panel.text.includes(selected)) problems.push(`#panel text does not contain the table name ${q(selected)}: ${q(d.panel.text.slice(0, 200))}`);
        if (!partitioned(selected)) {
          const want = findingsOf(selected);
          if (d.panel.findings.length !== want.length) problems.push(`#panel li.finding count for ${q(selected)}: expected ${want.length}, got ${d.panel.findings.length}`);
          const wantFp = new Set(want.map((f) => f.fingerprint));
          const gotFp = d.panel.findings.filter(Boolean);
          for (const f of gotFp) if (!wantFp.has(f)) problems.push(`#panel li.finding[data-fingerprint=${q(f)}] is not a finding of ${q(selected)}`);
        }
      }
      return { problems, ok: `${q(selected)} selected; #panel shows its name and ${d.panel ? d.panel.findings.length : 0} findings${partitioned(selected) ? ' (partitioned: count not checked)' : ''}` };
    });
    await check(c, 'h expand', async () => {
      const before = new Set((await page.evaluate(readPage)).nodes.map((n) => idx.get(n.table)));
      const want = new Set([...before, ...neighbours(idx.get(selected))]);
      const wantNames = [...want].map((i) => tables[i].name);
      const t = performance.now();
      await page.click('#expand');
      if (!(await waitForNodes(page, wantNames, Math.max(budget, 10000)))) {
        const d = await page.evaluate(readPage);
        const got = new Set(d.nodes.map((n) => n.table));
        const w = new Set(wantNames);
        return { problems: [`after #expand on ${q(selected)}: expected ${w.size} nodes (drawn ∪ 1-hop FK neighbours), got ${got.size}, data-layout ${q(d.layout)}; missing ${q(setDiff(w, got).slice(0, 8))}; extra ${q(setDiff(got, w).slice(0, 8))}; #diagram-status ${q(d.status)}`] };
      }
      const ms = Math.round(performance.now() - t);
      const d = await page.evaluate(readPage);
      const geo = checkGeometry(d);
      return { problems: geo.map((g) => `after #expand: ${g}`), ok: `${before.size} -> ${want.size} nodes (1-hop neighbours of ${q(selected)}), data-layout done in ${ms} ms, no overlap, orthogonal` };
    });
    const current = new Set((await page.evaluate(readPage)).nodes.map((n) => n.table));
    const absent = tables.map((t) => t.name).filter((n) => !current.has(n) && !tables[idx.get(n)].partition_of);
    if (absent.length) {
      const other = absent[Math.floor(absent.length / 2)];
      await check(c, 'h search not drawn', async () => {
        const t = performance.now();
        await search(page, other);
        if (!(await waitSelected(page, other, Math.max(budget, 10000)))) {
          const d = await page.evaluate(readPage);
          const n = d.nodes.find((x) => x.table === other);
          return { problems: [`after typing ${q(other)} (not drawn) + Enter: ${n ? `drawn with classes ${q(n.cls)}` : 'not drawn'}, data-layout ${q(d.layout)}, #diagram-status ${q(d.status)}`] };
        }
        return { problems: [], ok: `${q(other)} drawn and selected in ${Math.round(performance.now() - t)} ms` };
      });
    } else {
      console.log(`     ${c.name} h search not drawn: every table is drawn, nothing to check`);
    }
    await check(c, 'h click', async () => {
      // A node the user can see: its centre inside #diagram and the window, and the
      // node itself (not an edge or another node) under the pointer there.
      await page.locator('#diagram').scrollIntoViewIfNeeded();
      const visibleNode = () => page.evaluate(() => {
        const area = document.querySelector('#diagram').getBoundingClientRect();
        for (const g of document.querySelectorAll('#diagram svg g.node[data-table]')) {
          if (g.classList.contains('selected')) continue;
          const b = g.getBoundingClientRect();
          const x = b.x + Math.min(b.width / 2, 12);
          const y = b.y + Math.min(b.height / 2, 12);
          if (x < Math.max(area.left, 0) || y < Math.max(area.top, 0) || x > Math.min(area.right, innerWidth) || y > Math.min(area.bottom, innerHeight)) continue;
          const hit = document.elementFromPoint(x, y);
          if (hit && hit.closest('g.node') === g) return { table: g.getAttribute('data-table'), x, y };
        }
        return null;
      });
      let target = await visibleNode();
      if (!target && (await page.$('#fit'))) {
        await page.click('#fit');
        await sleep(300);
        target = await visibleNode();
      }
      if (!target && (await page.evaluate(readPage)).nodes.length < 2) return { problems: [], ok: 'one table drawn, nothing else to click' };
      if (!target) return { problems: ['no unselected g.node is visible in #diagram to click (even after #fit)'] };
      await page.mouse.click(target.x, target.y);
      if (!(await waitSelected(page, target.table, 5000))) {
        const after = await page.evaluate(readPage);
        return { problems: [`clicking g.node[data-table=${q(target.table)}] at (${Math.round(target.x)},${Math.round(target.y)}) did not give it class selected; selected now: ${q(after.nodes.filter((n) => n.cls.includes('selected')).map((n) => n.table))}`] };
      }
      const after = await page.evaluate(readPage);
      const problems = [];
      const sel = after.nodes.filter((n) => n.cls.includes('selected')).map((n) => n.table);
      if (sel.length !== 1) problems.push(`after the click, ${sel.length} nodes have class selected: ${q(sel)}`);
      if (!after.panel || !after.panel.text.includes(target.table)) problems.push(`#panel does not show ${q(target.table)} after the click`);
      return { problems, ok: `click on ${q(target.table)} selects it (only it) and #panel shows it` };
    });
    await check(c, 'h wheel', async () => {
      const svg = page.locator('#diagram svg').first();
      await svg.scrollIntoViewIfNeeded();
      const box = await svg.boundingBox();
      const before = await page.getAttribute('#diagram svg g#viewport', 'transform');
      await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height, VIEWPORT.height) / 2);
      await page.mouse.wheel(0, -240);
      try {
        await page.waitForFunction((b) => document.querySelector('#diagram svg g#viewport')?.getAttribute('transform') !== b, before, { timeout: 3000 });
      } catch { /* reported below */ }
      const after = await page.getAttribute('#diagram svg g#viewport', 'transform');
      return {
        problems: after === before ? [`wheel over #diagram svg left g#viewport transform at ${q(before)}`] : [],
        ok: `g#viewport transform ${q(before)} -> ${q(after)}`,
      };
    });
  }

  // h (cases with tables left out): #show-all draws every table within the budget (a
  // second click when the first only arms it), without overlap, orthogonal.
  if (island && dom.layout === 'done' && (await page.isVisible('#show-all')) && island.tables.filter((t) => !t.partition_of).length > (await page.evaluate(readPage)).nodes.length) {
    await check(c, 'h show-all', async () => {
      const all = island.tables.filter((t) => !t.partition_of).map((t) => t.name);
      const t = performance.now();
      await page.click('#show-all');
      await sleep(300);
      // Still done, nothing new drawn: the first click only armed the button.
      const layout = await page.evaluate(() => document.querySelector('#diagram').getAttribute('data-layout'));
      if (layout === 'done' && (await page.evaluate(readPage)).nodes.length < all.length) await page.click('#show-all');
      if (!(await waitForNodes(page, all, budget))) {
        const d = await page.evaluate(readPage);
        return { problems: [`after #show-all: ${d.nodes.length} of ${all.length} tables drawn after ${budget} ms, data-layout ${q(d.layout)}, #diagram-status ${q(d.status)}`] };
      }
      const ms = Math.round(performance.now() - t);
      const d = await page.evaluate(readPage);
      const problems = checkGeometry(d).map((g) => `after #show-all: ${g}`);
      const want = island.edges.filter((e) => !island.tables[e.from].partition_of && !island.tables[e.to].partition_of).length;
      if (d.edges.length !== want) problems.push(`after #show-all: ${d.edges.length} path.edge, expected ${want} (island edges between tables that are not partitions)`);
      return { problems, ok: `${all.length} tables, ${d.edges.length} edges drawn in ${ms} ms (budget ${budget} ms), no overlap, orthogonal` };
    });
  }

  // k: licence notice.
  await check(c, 'k notices', async () => ({
    problems: dom.notices === null ? ['no #notices'] : dom.notices.includes('Eclipse Public License 2.0') ? [] : [`#notices does not mention "Eclipse Public License 2.0": ${q(dom.notices.slice(0, 200))}`],
    ok: '#notices mentions Eclipse Public License 2.0',
  }));

  // i: hostile names stay text.
  await sleep(300);
  const after = await page.evaluate(readPage);
  if (c.injection) {
    await check(c, 'i safety', async () => {
      const problems = [];
      if (dialogs.length) problems.push(`dialogs opened: ${dialogs.join(', ')}`);
      if (after.imgs) problems.push(`document.querySelectorAll('img').length == ${after.imgs}`);
      if (after.nestedSvg) problems.push(`document.querySelectorAll('svg svg').length == ${after.nestedSvg}`);
      const hostile = json.tables.map((t) => t.table).filter((n) => /[<>]/.test(n));
      if (!hostile.length) problems.push('the JSON report has no table with < or > in its name: is this the injection fixture?');
      for (const t of json.tables) if (!after.text.includes(t.table)) problems.push(`table name ${q(t.table)} does not appear as text (outside script/style)`);
      let columns = 0;
      if (island) {
        const drawn = new Set(after.nodes.map((n) => n.table));
        for (const t of island.tables) {
          if (!drawn.has(t.name)) continue;
          for (const col of t.columns || []) {
            const name = typeof col === 'string' ? col : col.name;
            columns++;
            if (!after.text.includes(name)) problems.push(`column ${q(name)} of drawn table ${q(t.name)} does not appear as text`);
          }
        }
      }
      return { problems, ok: `no dialog, no <img>, no nested <svg>; ${json.tables.length} table names (${hostile.map(q).join(', ')}) and ${columns} columns of drawn tables shown as text` };
    });
  }

  // a, b: after everything the page did.
  await check(c, 'a offline', async () => ({
    problems: checkOffline(requests, after),
    ok: `${requests.size} requests, all file:/data:/blob:; CSP ${q(after.csp[0]?.content)}`,
  }));
  await check(c, 'b no errors', async () => ({
    problems: [...errors, ...(c.injection ? [] : dialogs.map((d) => `dialog: ${d}`))],
    ok: 'no page error, no console error',
  }));
  await context.close();

  // c (first case only): a layout worker that fails to start ends in data-layout="error"
  // (a server's CSP header without worker-src blob: blocks it the same way), not pending
  // for ever; the tables and findings stay.
  if (c.first) {
    await check(c, 'c worker failure', async () => {
      const ctx = await browser.newContext({ viewport: VIEWPORT });
      await ctx.addInitScript(() => {
        const Real = window.Worker;
        window.Worker = function (url, options) {
          const failing = URL.createObjectURL(new Blob(['throw new Error("simulated: the layout worker fails to start")'], { type: 'text/javascript' }));
          return new Real(failing, options);
        };
      });
      const p = await ctx.newPage();
      await p.goto(url, { waitUntil: 'load', timeout: 60000 });
      let state = null;
      try {
        await p.waitForSelector('#diagram[data-layout="error"], #diagram[data-layout="done"]', { state: 'attached', timeout: 5000 });
      } catch { /* reported below */ }
      const d = await p.evaluate(readPage);
      state = d.layout;
      await ctx.close();
      const problems = [];
      if (state !== 'error') problems.push(`worker failing at start: #diagram data-layout ${q(state)} after 5 s (expected "error"); #diagram-status ${q(d.status)}`);
      else if (!d.status) problems.push('data-layout="error" with an empty #diagram-status');
      if (d.rows.length !== json.tables.length) problems.push(`#tables rows: expected ${json.tables.length}, got ${d.rows.length}`);
      return { problems, ok: `data-layout="error", #diagram-status ${q(d.status)}` };
    });
  }

  // j: without JavaScript.
  await check(c, 'j no javascript', async () => {
    const ctx = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false });
    const reqs = new Set();
    ctx.on('request', (r) => reqs.add(r.url()));
    const p = await ctx.newPage();
    await p.goto(url, { waitUntil: 'load', timeout: 60000 });
    const d = await p.evaluate(readPage);
    await p.screenshot({ path: path.join(outDir, `${c.name}-nojs.png`), fullPage: false });
    await ctx.close();
    const problems = checkNumbers(json, d);
    for (const u of reqs) if (!ALLOWED_SCHEMES.has(new URL(u).protocol)) problems.push(`request to ${u}`);
    if (c.injection) {
      if (d.imgs) problems.push(`without JavaScript: ${d.imgs} <img> elements`);
      if (d.nestedSvg) problems.push(`without JavaScript: ${d.nestedSvg} nested <svg>`);
    }
    return { problems, ok: `grade ${d.grade}, ${d.rows.length} table rows, ${d.fingerprints.length} findings, as with JavaScript` };
  });
}

const browser = await chromium.launch(LAUNCH);
try {
  for (const [i, dir] of caseDirs.entries()) {
    try {
      await runCase(browser, dir, i === 0);
    } catch (e) {
      failed++;
      console.log(`FAIL ${path.basename(dir)}: ${e.stack || e}`);
    }
  }
} finally {
  await browser.close();
}
console.log(`browser-test: ${passed} checks passed, ${failed} failed; screenshots in ${outDir}`);
process.exit(failed ? 1 : 0);
