// Page-side probe of the workstation benchmark (bench/workstation-browser.mjs adds it with
// page.addInitScript, so it runs before the app's code). It changes nothing in the app: it only
// wraps two canvas calls and watches the DOM, and records performance.now() timestamps in
// window.__wb:
// - putImageData on the SliceView canvas (data-testid="slice-canvas"): every draw, and the first
//   one with a non-black pixel ("first image" on the slice view);
// - drawImage onto a canvas inside an MPR viewport (data-testid="mpr-axial" etc.): Cornerstone3D
//   renders offscreen with WebGL and copies each viewport onto its canvas with drawImage, so
//   this is the moment a view's new picture lands. The first axial copy with a non-black pixel is
//   "first image" on the axial view;
// - a MutationObserver (runs as a microtask right after each DOM change): the first time
//   <main data-status> takes each value (scanning, loading, ready), the Views section's
//   data-state, the model's progress phases and its stats (data-testid="model-watertight");
// - clicks (capture phase, before React sees them) on buttons, and anchor clicks with a
//   `download` attribute (the app's download() helper): the moment the browser is asked to save.
// Self-contained (no imports): it is serialised into the page as a string.
(() => {
  const wb = {
    slice: [], // { t, nonBlack }
    sliceFirstNonBlack: undefined,
    mpr: [], // { t, o }
    axialFirstNonBlack: undefined,
    status: {}, // value -> first t
    views: {}, // data-state value -> first t
    modelStats: undefined,
    modelPhases: {}, // progress text (Starting, Keeping the largest piece, Extracting the surface, Smoothing…) -> first t
    clicks: [], // { t, text }
    downloads: [], // { t, name }
  };
  window.__wb = wb;
  const nonBlack = (data) => {
    for (let i = 0; i < data.length; i += 4) if (data[i] > 8 || data[i + 1] > 8 || data[i + 2] > 8) return true;
    return false;
  };
  const proto = CanvasRenderingContext2D.prototype;
  const put = proto.putImageData;
  proto.putImageData = function (img, ...rest) {
    const r = put.call(this, img, ...rest);
    if (this.canvas?.dataset?.testid === 'slice-canvas') {
      const t = performance.now();
      const nb = wb.sliceFirstNonBlack === undefined ? nonBlack(img.data) : true;
      wb.slice.push({ t, nonBlack: nb });
      if (nb && wb.sliceFirstNonBlack === undefined) wb.sliceFirstNonBlack = t;
    }
    return r;
  };
  const draw = proto.drawImage;
  proto.drawImage = function (...args) {
    const r = draw.apply(this, args);
    const c = this.canvas;
    const host = c instanceof HTMLCanvasElement ? c.closest('[data-testid^="mpr-"]') : null;
    if (host) {
      const t = performance.now();
      const o = host.dataset.testid.slice(4);
      wb.mpr.push({ t, o });
      if (o === 'axial' && wb.axialFirstNonBlack === undefined && c.width > 0 && c.height > 0) {
        try {
          if (nonBlack(this.getImageData(0, 0, c.width, c.height).data)) wb.axialFirstNonBlack = t;
        } catch {
          // not readable: leave undefined
        }
      }
    }
    return r;
  };
  // Runs after every batch of DOM changes (hundreds while a series loads), so it must cost next
  // to nothing: live collections instead of selector queries, and the model's marks are looked
  // for only after a click on "Create model".
  const mains = document.getElementsByTagName('main');
  const mprs = document.getElementsByClassName('mpr');
  let modelBuilding = false;
  const check = () => {
    const t = performance.now();
    const s = mains[0]?.dataset.status;
    if (s && wb.status[s] === undefined) wb.status[s] = t;
    const v = mprs[0]?.getAttribute('data-state');
    if (v && wb.views[v] === undefined) wb.views[v] = t;
    if (!modelBuilding) return;
    if (wb.modelStats === undefined && document.querySelector('[data-testid="model-watertight"]')) {
      wb.modelStats = t;
      modelBuilding = false;
    }
    const phase = document.querySelector('[role="status"][aria-label="Model progress"] span')?.textContent?.replace(/[\d\s/]+$/, '');
    if (phase && wb.modelPhases[phase] === undefined) wb.modelPhases[phase] = t;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-status', 'data-state'] });
  window.addEventListener(
    'click',
    (e) => {
      const t = performance.now();
      const el = e.target;
      if (el instanceof HTMLAnchorElement && el.hasAttribute('download')) wb.downloads.push({ t, name: el.download });
      else if (el instanceof HTMLElement && el.closest('button')) {
        const text = el.closest('button').textContent;
        wb.clicks.push({ t, text });
        if (text.trim() === 'Create model') modelBuilding = true;
      }
    },
    true,
  );
  /** Resets the per-measurement records (not the load marks). */
  wb.resetDraws = () => {
    wb.slice = [];
    wb.mpr = [];
  };
})();
