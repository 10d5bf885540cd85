// Browser tests for the medsearch search box (web/medsearch.js) and search page (web/index.html).
//
//   node tests/browser/run.mjs --medsearch build/cli/medsearch --data data/monographs --out build/browser
//
// Indexes --data with that binary, serves it on a free loopback port, serves a test page
// that embeds the box the way a Jekyll site does from a second port (another origin, so
// CORS is exercised), and drives headless Chromium through the scenarios below.
// Prints one line per scenario; exits 0 only if all pass. Optional: --chromium PATH
// (default: $CHROMIUM or /usr/bin/chromium).
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const DEADLINE_MS = 150_000;  // hard stop: never hang CI
const STEP_MS = 20_000;       // longest wait for one condition, on a machine busy with other tests

function parseArgs(argv) {
  const args = { chromium: process.env.CHROMIUM || "/usr/bin/chromium" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!["medsearch", "data", "out", "chromium"].includes(key) || argv[i + 1] === undefined) {
      console.error(`usage: node run.mjs --medsearch PATH --data DIR --out DIR [--chromium PATH]`);
      process.exit(2);
    }
    args[key] = path.resolve(argv[i + 1]);
  }
  for (const key of ["medsearch", "data", "out"]) {
    if (!args[key]) {
      console.error(`run.mjs: missing --${key}`);
      process.exit(2);
    }
  }
  return args;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Polls `get` until `ok(value)` holds; throws `message` with the last value otherwise.
async function until(get, ok, message, timeout = STEP_MS) {
  const end = Date.now() + timeout;
  let value;
  for (;;) {
    try {
      value = await get();
      if (ok(value)) return value;
    } catch (e) {
      value = `(${e.message.split("\n")[0]})`;
    }
    if (Date.now() > end) throw new Error(`${message}; got ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

// Status of a GET on a fresh connection: a kept-alive idle connection would hold one of
// the server's worker threads.
function httpStatus(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => { res.resume(); resolve(res.statusCode); }).on("error", reject);
  });
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

// The page a Jekyll site would have: the script from the medsearch server, an input to enhance.
function sitePage(api) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test site: Paracetamol</title>
<script src="${api}/medsearch.js" data-endpoint="${api}" defer></script>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #222; }
  header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid #ddd; }
  header strong { white-space: nowrap; }
  header .search { flex: 1; max-width: 28rem; }
  header input { box-sizing: border-box; width: 100%; padding: .5em .7em; font: inherit; border: 1px solid #bbb; border-radius: 4px; }
  main { max-width: 40rem; padding: 1rem; }
</style>
</head>
<body>
<header>
  <strong>Medicine site</strong>
  <div class="search"><input id="site-search" type="search" data-medsearch placeholder="Search medicines (press /)"></div>
</header>
<main>
  <h1>Paracetamol</h1>
  <p>Paracetamol is used for pain and fever. This page stands in for a monograph of a Jekyll site.</p>
  <label>Another input <input id="other"></label>
</main>
</body>
</html>`;
}

function startSite(getApi) {
  const server = http.createServer((req, res) => {
    if (req.url === "/" || req.url === "/index.html") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(sitePage(getApi()));
    } else {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

class Medsearch {
  constructor(binary, db, port, corsOrigin) {
    Object.assign(this, { binary, db, port, corsOrigin, proc: null, log: "" });
    this.url = `http://127.0.0.1:${port}`;
  }

  async start() {
    this.log = "";
    // Explicitly the default 16 workers: cpp-httplib holds a worker for each idle keep-alive
    // connection (up to 1 s), and the browser keeps several open.
    const proc = spawn(this.binary, ["serve", "--db", this.db, "--listen", `127.0.0.1:${this.port}`, "--threads", "16",
                                     "--cors-origin", this.corsOrigin], { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    const keep = (d) => { this.log = (this.log + d).slice(-4000); };
    proc.stdout.on("data", keep);
    proc.stderr.on("data", keep);
    proc.exited = new Promise((r) => proc.on("exit", r));
    await until(async () => {
      if (proc.exitCode !== null) return `exited ${proc.exitCode}`;
      return await httpStatus(`${this.url}/healthz`);
    }, (s) => s === 200 || String(s).startsWith("exited"), "medsearch serve did not answer /healthz");
    if (proc.exitCode !== null) throw new Error(`medsearch serve exited ${proc.exitCode}:\n${this.log}`);
  }

  // SIGTERM, then SIGKILL after graceMs (the server waits for idle keep-alive connections).
  async stop(graceMs = 1000) {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(graceMs > 0 ? "SIGTERM" : "SIGKILL");
    const killed = await Promise.race([proc.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!killed) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.out, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), "medsearch-browser-"));
  let site, api, browser;
  const results = [];

  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await api?.stop().catch(() => {});
    site?.closeAllConnections?.();
    site?.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  // Whatever happens, leave no server or browser behind.
  process.on("exit", () => { if (api?.proc && api.proc.exitCode === null) api.proc.kill("SIGKILL"); });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => cleanup().finally(() => process.exit(1)));
  const deadline = setTimeout(() => {
    console.log(`FAIL the browser tests took longer than ${DEADLINE_MS / 1000} s`);
    cleanup().finally(() => process.exit(1));
  }, DEADLINE_MS);

  try {
    const db = path.join(tmp, "index");
    const index = spawnSync(args.medsearch, ["index", "--source", args.data, "--db", db],
                            { encoding: "utf8", timeout: 30_000 });
    if (index.error) throw new Error(`cannot run ${args.medsearch}: ${index.error.message}`);
    if (index.status !== 0) throw new Error(`medsearch index exited ${index.status}:\n${index.stderr}`);

    site = await startSite(() => api.url);
    const siteUrl = `http://127.0.0.1:${site.address().port}`;
    api = new Medsearch(args.medsearch, db, await freePort(), siteUrl);
    await api.start();

    browser = await chromium.launch({
      executablePath: args.chromium,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1024, height: 720 } });
    context.setDefaultTimeout(STEP_MS);

    // Each scenario gets a fresh tab on the test site; a script error on the page fails it.
    async function scenario(number, name, body) {
      const page = await context.newPage();
      const errors = [], start = Date.now();
      page.on("pageerror", (e) => errors.push(e.message));
      try {
        await page.goto(`${siteUrl}/`);
        await page.waitForSelector("#site-search[role=combobox]");
        await body(page, page.locator("#site-search"));
        check(errors.length === 0, `script error on the page: ${errors[0]}`);
        results.push(true);
        console.log(`ok ${number} ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
      } catch (e) {
        results.push(false);
        console.log(`FAIL ${number} ${name}: ${e.message.split("\n")[0]}`);
        if (process.env.DEBUG) console.log(e.message);
      } finally {
        await page.close().catch(() => {});
      }
    }
    const options = (page) => page.locator("[role=listbox] [role=option]");
    const titles = (page) => options(page).locator(".ms-title").evaluateAll(
      (els) => els.map((e) => e.firstChild.textContent));
    const expanded = (input) => input.getAttribute("aria-expanded");
    // Waits until the list answers `q` (not a prefix typed on the way) and returns its titles.
    const answered = async (page, q) => {
      await until(() => page.locator("[role=listbox]").getAttribute("data-query", { timeout: 200 }),
                  (v) => v === q, `no list for ${JSON.stringify(q)}`);
      return titles(page);
    };

    await scenario(1, "a half name opens the suggestions, Amitriptyline first", async (page, input) => {
      await input.pressSequentially("amitr", { delay: 30 });
      const t = await answered(page, "amitr");
      check(t[0] === "Amitriptyline", `first option is ${JSON.stringify(t[0])}, expected "Amitriptyline"`);
      check(await expanded(input) === "true", "aria-expanded is not true with the list open");
      check(await page.locator(".ms-popup").isVisible(), "the list is not visible");
      await page.screenshot({ path: path.join(args.out, "widget-suggestions.png") });
    });

    await scenario(2, "ArrowDown + Enter opens the page on the site's origin", async (page, input) => {
      await input.pressSequentially("amitr", { delay: 30 });
      const t = await answered(page, "amitr");
      check(t[0] === "Amitriptyline", `first option is ${JSON.stringify(t[0])}`);
      await input.press("ArrowDown");
      await input.press("Enter");
      const want = `${siteUrl}/composition/a/amitriptyline/`;
      await until(() => page.url(), (u) => u === want, `did not navigate to ${want}`);
    });

    await scenario(3, "a section question shows the section label and a marked snippet", async (page, input) => {
      await input.pressSequentially("metformin side effects", { delay: 10 });
      await answered(page, "metformin side effects");
      const first = options(page).first();
      const title = await first.locator(".ms-title").evaluate((e) => e.firstChild.textContent);
      check(title === "Metformin", `first result is ${JSON.stringify(title)}, expected "Metformin"`);
      const label = await first.locator(".ms-section").textContent();
      check(label === "Side Effects", `section label is ${JSON.stringify(label)}, expected "Side Effects"`);
      const marks = await first.locator(".ms-snippet mark").allTextContents();
      check(marks.length > 0, `the snippet has no <mark>: ${JSON.stringify(await first.locator(".ms-snippet").textContent())}`);
      const href = await first.getAttribute("href");
      check(href === `${siteUrl}/composition/m/metformin/#side-effects`, `result links to ${href}`);
    });

    await scenario(4, "a misspelling searched as corrected says so", async (page, input) => {
      await input.pressSequentially("amitriptiline", { delay: 10 });
      const note = await until(() => page.locator(".ms-note").textContent({ timeout: 200 }),
                               (t) => t.startsWith("Showing results for"), "no correction shown");
      check(note === "Showing results for amitriptyline", `note reads ${JSON.stringify(note)}`);
      check(await options(page).count() >= 1, "no results for the corrected name");
    });

    await scenario(5, "combobox ARIA: role, aria-expanded, aria-activedescendant", async (page, input) => {
      check(await input.getAttribute("role") === "combobox", "input has no role=combobox");
      check(await input.getAttribute("aria-autocomplete") === "list", "aria-autocomplete is not list");
      check(await expanded(input) === "false", "aria-expanded is not false before typing");
      const listId = await input.getAttribute("aria-controls");
      check(await page.locator(`[id="${listId}"]`).getAttribute("role") === "listbox",
            `aria-controls=${listId} is not the listbox`);
      await input.pressSequentially("para", { delay: 20 });
      check((await answered(page, "para")).length >= 2, "fewer than two options for 'para'");
      check(await expanded(input) === "true", "aria-expanded did not become true");
      check(await input.getAttribute("aria-activedescendant") === null, "an option is active before any arrow key");
      const ids = await options(page).evaluateAll((els) => els.map((e) => e.id));
      for (const [press, want] of [["ArrowDown", 0], ["ArrowDown", 1], ["ArrowUp", 0]]) {
        await input.press(press);
        const active = await input.getAttribute("aria-activedescendant");
        check(active === ids[want], `after ${press} aria-activedescendant=${active}, expected ${ids[want]}`);
        const selected = await options(page).evaluateAll(
          (els) => els.filter((e) => e.getAttribute("aria-selected") === "true").map((e) => e.id));
        check(selected.length === 1 && selected[0] === ids[want], `aria-selected on ${selected}, expected ${ids[want]}`);
        check(await page.evaluate(() => document.activeElement.id) === "site-search", "focus left the input");
      }
      const live = await page.locator(".medsearch [role=status]").textContent();
      check(live === `${ids.length} results`, `live region says ${JSON.stringify(live)}, expected "${ids.length} results"`);
      await input.press("Escape");
      check(await expanded(input) === "false", "aria-expanded did not go back to false");
      check(await input.getAttribute("aria-activedescendant") === null, "aria-activedescendant stayed after closing");
    });

    await scenario(6, "Esc closes the list; / and Ctrl+K focus the box", async (page, input) => {
      await input.pressSequentially("ibu", { delay: 20 });
      await until(() => page.locator(".ms-popup").isVisible(), (v) => v, "the list did not open");
      await input.press("Escape");
      await until(() => page.locator(".ms-popup").isVisible(), (v) => !v, "Esc did not close the list");
      check(await input.inputValue() === "ibu", "the first Esc should keep the text");
      // Esc right after a keystroke: the answer to it must not open the list again.
      await input.press("p");
      await input.press("Escape");
      await sleep(600);
      check(!(await page.locator(".ms-popup").isVisible()), "an answer arriving after Esc reopened the list");
      await input.press("ArrowDown");
      const t = await answered(page, "ibup");
      check(t[0] === "Ibuprofen", `ArrowDown opened ${JSON.stringify(t)} for 'ibup'`);
      await input.press("Escape");
      await page.locator("h1").click();
      check(await page.evaluate(() => document.activeElement.id) === "", "the box kept focus after clicking away");
      await page.keyboard.press("/");
      check(await page.evaluate(() => document.activeElement.id) === "site-search", "/ did not focus the box");
      check(await input.inputValue() === "ibup", "/ was typed into the box");
      await input.press("Escape");   // focus shows the earlier list again; close it
      await page.locator("#other").click();
      await page.keyboard.type("a/b");
      check(await page.locator("#other").inputValue() === "a/b", "/ was taken from another input");
      check(await page.evaluate(() => document.activeElement.id) === "other", "/ stole focus from another input");
      await page.locator("h1").click();
      await page.keyboard.press("Control+k");
      check(await page.evaluate(() => document.activeElement.id) === "site-search", "Ctrl+K did not focus the box");
    });

    await scenario(7, "an unreachable server shows the error state", async (page, input) => {
      await api.stop(0);   // gone at once, kept-alive connections too
      try {
        await input.pressSequentially("ibuprofen", { delay: 10 });
        const text = await until(() => page.locator(".ms-note").textContent({ timeout: 200 }),
                                 (t) => t !== "", "no message shown");
        check(text === "Search is unavailable right now.", `message is ${JSON.stringify(text)}`);
        check(await page.locator(".ms-note.ms-error").isVisible(), "the error is not visible");
        check(await options(page).count() === 0, "options shown without a server");
      } finally {
        await api.start();
      }
      // Back up: the next keystroke shows results again.
      await input.fill("");
      await input.pressSequentially("ibuprofen", { delay: 10 });
      const t = await answered(page, "ibuprofen");
      check(t[0] === "Ibuprofen", `after the server came back the list shows ${JSON.stringify(t)}`);
      check(await page.locator(".ms-note.ms-error").count() === 0, "the error stayed after the server came back");
    });

    await scenario(8, "the search page: Enter gives full results with pages", async (page) => {
      // A question every page answers: more than one page of results on the bundled data.
      await page.goto(`${api.url}/`);
      const q = page.locator("#q");
      await q.pressSequentially("side effects", { delay: 10 });
      await q.press("Enter");
      const items = page.locator(".ms-results > li");
      const status = page.locator(".ms-status");
      const ranks = () => items.evaluateAll((els) => els.map((e) => e.dataset.rank));
      const r1 = await until(ranks, (r) => r.length === 10, "page 1 does not have 10 results");
      check(r1.join() === "1,2,3,4,5,6,7,8,9,10", `page 1 ranks ${r1}`);
      check(/^Results 1\u201310 of (about )?\d+$/.test(await status.textContent()), `status: ${await status.textContent()}`);
      check(await items.first().locator(".ms-section").textContent() === "Side Effects", "first result is not from Side Effects");
      const params = new URL(page.url()).searchParams;
      check(params.get("q") === "side effects" && !params.has("page"), `URL is ${page.url()}`);
      check(await page.locator(".ms-pages a[rel=prev]").count() === 0, "page 1 has a Previous link");
      await page.screenshot({ path: path.join(args.out, "search-page.png"), fullPage: true });
      const titles1 = await items.locator("h2 a").allTextContents();

      await page.locator(".ms-pages a[rel=next]").click();
      const r2 = await until(ranks, (r) => r[0] === "11", "page 2 does not start at rank 11");
      check(r2.every((r, i) => r === String(11 + i)), `page 2 ranks ${r2}`);
      check(await page.locator(".ms-results").evaluate((ol) => ol.start) === 11, "page 2 list is not numbered from 11");
      const s2 = await status.textContent();
      check(new RegExp(`^Results 11\u2013${10 + r2.length} of (about )?\\d+$`).test(s2), `status: ${s2}`);
      check(new URL(page.url()).searchParams.get("page") === "2", `URL is ${page.url()}`);
      check(await page.locator(".ms-pages a[rel=prev]").count() === 1, "page 2 has no Previous link");
      const titles2 = await items.locator("h2 a").allTextContents();
      check(!titles2.some((t) => titles1.includes(t)), `page 2 repeats page 1: ${titles2}`);

      await page.goBack();
      await until(ranks, (r) => r[0] === "1", "Back did not show page 1 again");
      check(await q.inputValue() === "side effects", "Back lost the query in the box");
    });

    await scenario(9, "a slow answer to an older query never replaces the newer one", async (page, input) => {
      let slow = 0;
      // Answers to the first query ("ibu") come 1.5 s late, after the newer query's, and name
      // a page no real answer has, so a stale answer shown is plain to see.
      const stale = { label: "Stale Suggestion", detail: "", kind: "drug", url: "/stale/", path: "s/stale.md" };
      const staleHit = { rank: 1, title: "Stale Result", url: "/stale/", section: "usage", section_label: "Usage",
                         snippet: "stale", matched: ["name"], path: "s/stale.md", score: 1 };
      await page.route(`${api.url}/**`, async (route) => {
        const url = new URL(route.request().url());
        if (url.searchParams.get("q") !== "ibu") return route.continue();
        slow++;
        await sleep(1500);
        const body = url.pathname === "/suggest"
          ? { query: "ibu", corrected: null, suggestions: [stale] }
          : { query: "ibu", total: 1, corrected: null, expanded: [], intent: null, hits: [staleHit] };
        await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body),
                              headers: { "Access-Control-Allow-Origin": siteUrl } }).catch(() => {});
      });
      await input.pressSequentially("ibu", { delay: 10 });
      await until(() => slow, (n) => n > 0, "the first query was never sent");
      await input.fill("metformin");
      check((await answered(page, "metformin"))[0] === "Metformin", "the newer query's results did not show");
      await sleep(1800);   // the old answers arrive (or would) now
      const t = await titles(page);
      check(t[0] === "Metformin" && !t.some((x) => /stale/i.test(x)), `list shows ${JSON.stringify(t)}`);
      check(await input.inputValue() === "metformin", "the box text changed");
    });

    await scenario(10, "a kind of medicine: its medicines first, and the kind itself offered as a search", async (page, input) => {
      await input.pressSequentially("allergy tablets", { delay: 10 });
      await answered(page, "allergy tablets");
      const heads = await page.locator(".ms-head").allTextContents();
      check(heads[0] === "Allergy tablets (antihistamines)", `first group is ${JSON.stringify(heads[0])}`);
      const first = options(page).first();
      check(await first.locator(".ms-title").textContent() === "Cetirizine", "the kind's first medicine is not Cetirizine");
      check(await first.getAttribute("href") === `${siteUrl}/composition/c/cetirizine/`, "it does not link to its page");
      const topic = page.locator(".ms-group", { hasText: "Topics" }).locator("[role=option]").first();
      check(await topic.locator(".ms-title").textContent() === "Allergy tablets (antihistamines)",
            "the kind is not offered among the suggestions");
      const href = new URL(await topic.getAttribute("href"));
      check(href.searchParams.get("q") === "allergy tablets", `the kind's suggestion links to ${href}`);
      await page.screenshot({ path: path.join(args.out, "widget-topic.png") });
    });

    await scenario(11, "the search page: the medicines of a kind of medicine above the results", async (page) => {
      await page.goto(`${api.url}/?q=${encodeURIComponent("allergy tablets")}`);
      const topic = page.locator(".ms-topic");
      await topic.waitFor();
      check(await topic.locator("h2").textContent() === "Allergy tablets (antihistamines)", "no topic heading");
      const links = await topic.locator(".ms-members a").evaluateAll((as) => as.map((a) => [a.textContent, a.href]));
      check(links.length >= 1 && links[0][0] === "Cetirizine" && links[0][1].endsWith("/composition/c/cetirizine/"),
            `members: ${JSON.stringify(links)}`);
      const before = await page.evaluate(() => {
        const t = document.querySelector(".ms-topic"), r = document.querySelector(".ms-results");
        return !!(t && r && (t.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING));
      });
      check(before, "the topic is not above the results");
      await page.screenshot({ path: path.join(args.out, "search-page-topic.png"), fullPage: true });
    });

    // A misspelling close to several names: the readings the API offers are
    // shown, and choosing one searches it.
    const offeredByApi = async (q) => (await (await fetch(`${api.url}/search?q=${encodeURIComponent(q)}`)).json())
      .did_you_mean.map((d) => d.text);
    await scenario(12, "a misspelling close to several names: did you mean one or another", async (page, input) => {
      const expected = await offeredByApi("hydrozine");
      check(expected.length >= 2, `the API offers ${JSON.stringify(expected)}`);
      await input.pressSequentially("hydrozine", { delay: 10 });
      // The note of a shorter prefix typed on the way may show first: wait for the whole word's.
      const offered = await until(() => page.locator(".ms-note .ms-fix").allTextContents(),
                                  (t) => JSON.stringify(t) === JSON.stringify(expected),
                                  `the API's readings ${JSON.stringify(expected)} not offered`);
      check(offered.length >= 2, `offered ${JSON.stringify(offered)}, API ${JSON.stringify(expected)}`);
      const note = await page.locator(".ms-note").textContent();
      check(note.includes("Did you mean ") && note.endsWith("?"), `note reads ${JSON.stringify(note)}`);
      await page.locator(".ms-fix", { hasText: expected[1] }).click();
      check(await input.inputValue() === expected[1], "clicking a reading did not put it in the box");
      await answered(page, expected[1]);
    });

    await scenario(13, "the search page: did you mean, as links that search each reading", async (page) => {
      const expected = await offeredByApi("hydrozine");
      await page.goto(`${api.url}/?q=hydrozine`);
      const ask = page.locator(".ms-did-you-mean");
      await ask.waitFor();
      const links = await ask.locator("a").allTextContents();
      check(JSON.stringify(links) === JSON.stringify(expected), `did you mean ${JSON.stringify(links)}, API ${JSON.stringify(expected)}`);
      await ask.locator("a", { hasText: expected[0] }).click();
      await until(() => new URL(page.url()).searchParams.get("q"), (q) => q === expected[0], "the reading was not searched");
    });

    await scenario(14, "the search page: a filter chip narrows the results, the URL keeps it, Back restores", async (page) => {
      await page.goto(`${api.url}/?q=side+effects`);
      const status = page.locator(".ms-status");
      const total = async () => Number(((await status.textContent()).match(/of (?:about )?(\d+)$/) || [])[1]);
      const all = await until(total, (n) => n > 0, "no results for side effects");
      const chip = page.locator('.ms-chip[data-filter="kind:combination"]');
      await chip.waitFor();
      check(await chip.getAttribute("aria-pressed") === "false", "the chip is pressed before it is chosen");
      const count = Number(await chip.locator(".ms-count").textContent());
      check(count > 0 && count < all, `combination count ${count} of ${all}`);
      // Keyboard: the chip is a button that takes focus and Space.
      await chip.focus();
      await page.keyboard.press("Space");
      await until(total, (n) => n === count, `results after the chip are not its count ${count}`);
      check(new URL(page.url()).searchParams.getAll("filter").join() === "kind:combination", `URL is ${page.url()}`);
      check(await page.locator('.ms-chip[data-filter="kind:combination"]').getAttribute("aria-pressed") === "true",
            "the chosen chip is not pressed");
      await page.screenshot({ path: path.join(args.out, "search-page-filtered.png") });
      const titles = await page.locator(".ms-results h2 a").allTextContents();
      check(titles.every((t) => t.includes("+")), `a result is not a combination: ${titles}`);
      await page.goBack();
      await until(total, (n) => n === all, "Back did not restore every result");
      check(!new URL(page.url()).searchParams.has("filter"), `URL after Back is ${page.url()}`);
      check(await page.locator('.ms-chip[data-filter="kind:combination"]').getAttribute("aria-pressed") === "false",
            "the chip is still pressed after Back");
      await page.reload();
      await until(total, (n) => n === all, "a reload lost the results");
    });
  } catch (e) {
    console.log(`FAIL setup: ${e.message}`);
    results.push(false);
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }
  const failed = results.filter((r) => !r).length;
  console.log(failed ? `${failed} of ${results.length} failed` : `all ${results.length} passed`);
  process.exit(failed || results.length === 0 ? 1 : 0);
}

main();
