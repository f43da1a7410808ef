// Browser half of the meshing benchmark: builds bench/browser (mesh.html + mesh.worker.ts, with
// bench/mesh-ours.ts and the peers bundled by Vite), serves it with `vite preview` (COOP/COEP,
// so crossOriginIsolated; bench/data under /data/), opens Debian's headless Chromium and
// returns the page's cells. bench/mesh-bench.mjs calls runBrowser(); it prints and saves.
//
// Memory: exposes __meshMem(op) to the page. It reads /proc for the Chromium renderer processes
// started by this Node process (descendants with --type=renderer; the page and its dedicated
// workers run in one renderer): 'rss' sums VmRSS; 'reset' writes 5 to each
// /proc/<pid>/clear_refs (resets VmHWM, the kernel's peak-RSS counter) and returns the RSS;
// 'peak' sums VmHWM. If clear_refs is not writable, it samples VmRSS every 10 ms instead.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { buildPage, openChromium, servePage } from './browserSession.mjs';

const KB_PER_MB = 1024;

function procStatus(pid, key) {
  try {
    const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / KB_PER_MB : 0;
  } catch {
    return 0; // the process ended
  }
}

/** Chromium renderer processes below this Node process. */
function rendererPids() {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // gone
    }
  }
  const out = [];
  const queue = [process.pid];
  while (queue.length) {
    const pid = queue.shift();
    for (const c of children.get(pid) ?? []) {
      queue.push(c);
      try {
        if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('--type=renderer')) out.push(c);
      } catch {
        // gone
      }
    }
  }
  return out;
}

function memoryProbe() {
  let sampler;
  let sampledMax = 0;
  let method = 'VmHWM after clear_refs';
  const rss = () => rendererPids().reduce((s, p) => s + procStatus(p, 'VmRSS'), 0);
  return async (op) => {
    if (op === 'rss') return { mb: rss(), method };
    if (op === 'reset') {
      const pids = rendererPids();
      let ok = pids.length > 0;
      for (const p of pids) {
        try {
          writeFileSync(`/proc/${p}/clear_refs`, '5');
        } catch {
          ok = false;
        }
      }
      const now = rss();
      if (!ok) {
        method = 'VmRSS sampled every 10 ms (clear_refs not writable)';
        sampledMax = now;
        clearInterval(sampler);
        sampler = setInterval(() => (sampledMax = Math.max(sampledMax, rss())), 10);
      }
      return { mb: now, method };
    }
    if (sampler) {
      clearInterval(sampler);
      sampler = undefined;
      return { mb: Math.max(sampledMax, rss()), method };
    }
    return { mb: rendererPids().reduce((s, p) => s + procStatus(p, 'VmHWM'), 0), method };
  };
}

/**
 * @param {{ volumes: string[], engines: string[], warm: number, warm512: number, build?: boolean, timeoutMs?: number }} opts
 */
export async function runBrowser(opts) {
  if (opts.build !== false) console.log(`mesh-browser: page built in ${((await buildPage()) / 1000).toFixed(1)} s`);
  const server = await servePage();
  // measureUserAgentSpecificMemory() otherwise waits for a natural GC (up to ~20 s).
  const browser = await openChromium({ extraArgs: ['--enable-blink-features=ForceEagerMeasureMemory'] });
  let result;
  try {
    const { page } = browser;
    await page.exposeFunction('__meshMem', memoryProbe());
    const query = new URLSearchParams({ volumes: opts.volumes.join(','), engines: opts.engines.join(','), warm: String(opts.warm), warm512: String(opts.warm512) });
    console.log(`mesh-browser: ${browser.executablePath} (${browser.version}) → ${server.url}mesh.html?${query}`);
    await page.goto(`${server.url}mesh.html?${query}`);
    await page.waitForFunction(() => window.__meshResult !== undefined, undefined, { timeout: opts.timeoutMs ?? 60 * 60 * 1000, polling: 500 });
    result = await page.evaluate(() => window.__meshResult);
    result.browserVersion = browser.version;
    // The page only knows the reduced user-agent version (156.0.0.0).
    for (const c of result.cells ?? []) c.env = `chromium ${browser.version.split('.')[0]}`;
  } finally {
    if (browser.errors.length) console.log(`page errors/console errors (${browser.errors.length}):\n  ${browser.errors.slice(0, 10).join('\n  ')}`);
    await browser.close();
    await server.close();
  }
  if (result.error) throw new Error(`browser benchmark failed: ${result.error}`);
  return result;
}
