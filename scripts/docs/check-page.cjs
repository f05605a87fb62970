// Opens the API reference page (built by `cargo xtask docs`) in headless Chromium and checks
// that a reader finds on it what the spec promises: every operation (summary, method, path,
// the bearer scheme and each of its response codes, on the operation's own route), the
// servers on the overview, and the bearer scheme's details. Saves a screenshot.
//
//   node scripts/docs/check-page.cjs PAGE.html EXPECTED.json SCREENSHOT.png
//
// Screenshots: SCREENSHOT.png (the overview) and SCREENSHOT-security.png (the first operation
// with its security details open).
//
// EXPECTED.json is written by `cargo xtask docs` from the spec itself, so the check follows
// the spec as it grows. Redoc 3 renders one route at a time (`#/<tag>/<operationId>`), so the
// check visits each route and reads the text a person would see (innerText), never the spec
// embedded in the page. Requests that leave the machine are refused and reported.
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

const [page_file, expected_file, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: check-page.cjs PAGE.html EXPECTED.json SCREENSHOT.png');
  process.exit(2);
}
const expected = require(path.resolve(expected_file));
const url = 'file://' + path.resolve(page_file);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

async function textOf(page, hash, mustSee) {
  await page.evaluate((h) => { window.location.hash = h; }, hash);
  // Redoc renders the route after the hash changes; wait for the text we look for, up to a
  // bound, then read whatever is there (a miss is reported by the caller).
  try {
    await page.waitForFunction((t) => document.body.innerText.includes(t), mustSee, { timeout: 5000 });
  } catch (_) { /* reported below */ }
  return page.innerText('body');
}

// The text of one operation's own section (Redoc gives it the id `<tag>/<operationId>`), once
// rendered; empty when it never appears. The sidebar repeats summaries, so it is left out.
async function sectionOf(page, tag, operationId, timeout) {
  await page.evaluate((h) => { window.location.hash = h; }, `#/${tag}/${operationId}`);
  const selector = `[id="${tag}/${operationId}"]`;
  try {
    await page.waitForSelector(selector, { timeout });
  } catch (_) {
    return '';
  }
  return page.innerText(selector);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const outside = new Set();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.route((u) => !/^(file|data|blob|about):/.test(u.toString()), (route) => {
      outside.add(route.request().url());
      return route.abort();
    });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: 'load' });

    // The overview: title, version and servers.
    const overview = await textOf(page, '#/', expected.servers[0] || expected.title);
    for (const want of [expected.title, ...expected.servers]) {
      if (!overview.includes(want)) problems.push(`the overview does not show ${JSON.stringify(want)}`);
    }
    await page.screenshot({ path: screenshot });

    // Every operation, on its own route.
    let found = 0;
    for (const op of expected.operations) {
      const text = await sectionOf(page, op.tag, op.operationId, 10000);
      const missing = [op.summary, op.method.toUpperCase(), op.path, expected.scheme.name, ...op.responses]
        .filter((want) => !text.includes(want));
      if (missing.length) {
        problems.push(`${op.operationId} (${op.method.toUpperCase()} ${op.path}): not on its page: ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
      } else {
        found += 1;
      }
    }

    // The bearer scheme's details, opened as a reader would.
    const first = expected.operations[0];
    await sectionOf(page, first.tag, first.operationId, 10000);
    const before = await page.innerText('body');
    const details = page.getByText('View security details').first();
    if (await details.count()) {
      await details.click();
      await page.waitForTimeout(500);
    } else {
      problems.push(`${first.operationId}: no "View security details" button`);
    }
    const after = await page.innerText('body');
    // What the details add to the page (Redoc shows them in a dialog over it).
    for (const want of expected.scheme.shows) {
      if (before.includes(want) || !after.includes(want)) {
        problems.push(`the security details of ${first.operationId} do not show ${JSON.stringify(want)}`);
      }
    }
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-security.png') });

    // The control: a name that is not in the spec must not be found, or the check proves nothing.
    const control = await sectionOf(page, first.tag, expected.control.operationId, 2000);
    if (control.includes(expected.control.summary)) {
      problems.push(`the control ${JSON.stringify(expected.control.summary)} (not in the spec) was found: the check is broken`);
    }
    for (const e of errors) problems.push(`page error: ${e}`);
    console.log(`docs check: ${found} of ${expected.operations.length} operations on their pages, ` +
      `${expected.servers.length} servers, scheme ${expected.scheme.name}; control name not found: ` +
      `${!control.includes(expected.control.summary)}; screenshot ${screenshot}`);
    if (outside.size) console.log(`docs check: refused requests leaving the machine: ${[...outside].join(', ')}`);
  } finally {
    await browser.close();
  }
  if (problems.length) {
    for (const p of problems) console.error(`docs check: ${p}`);
    process.exit(1);
  }
})().catch((e) => { console.error(`docs check: ${e.stack || e}`); process.exit(1); });
