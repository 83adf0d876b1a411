/* The "Try it" widgets of K-Means from Scratch: the shared module.
 *
 * Plain JavaScript, no framework, nothing fetched. Each widget's root is
 *   <div class="kmlib-widget" data-widget="NAME"> <script type="application/json">DATA</script>
 *   <figure class="kmlib-widget-fallback">...</figure> </div>
 * written by kmlib.plot.try_NAME at build time. A widget script registers
 * itself with KMW.register(NAME, init); on load, init(root, data) builds the
 * live widget, the fallback figure is hidden, and after every interaction the
 * widget writes its state as JSON into root.dataset.state (the test contract).
 */
(function () {
  "use strict";
  const SVG_NS = "http://www.w3.org/2000/svg";
  // kmlib.plot.PALETTE (Okabe & Ito), and the noise grey of kmlib.plot._style.
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                   "#D55E00", "#F0E442", "#999999"];
  const NOISE = "#BBBBBB";
  const inits = {};
  let counter = 0;

  function uid(prefix) { counter += 1; return `kmw-${prefix}-${counter}`; }

  function el(tag, attrs, parent, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function svg(tag, attrs, parent) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function color(j) { return j < 0 ? NOISE : PALETTE[j % PALETTE.length]; }

  /* A plot area: an SVG with a viewBox, and the map between data and SVG units. */
  function plot(parent, bounds, opts) {
    const o = Object.assign({ width: 360, height: 300, label: "plot" }, opts || {});
    const [x0, y0, x1, y1] = bounds;
    const s = Math.min(o.width / (x1 - x0), o.height / (y1 - y0));
    const w = (x1 - x0) * s, h = (y1 - y0) * s;
    const root = svg("svg", { viewBox: `0 0 ${w.toFixed(2)} ${h.toFixed(2)}`,
                              class: "kmw-plot", role: "img", "aria-label": o.label }, parent);
    const p = {
      svg: root, width: w, height: h,
      x: (v) => (v - x0) * s, y: (v) => (y1 - v) * s,
      /* data coordinates of a pointer event */
      data(event) {
        const pt = root.createSVGPoint();
        pt.x = event.clientX; pt.y = event.clientY;
        const q = pt.matrixTransform(root.getScreenCTM().inverse());
        return [x0 + q.x / s, y1 - q.y / s];
      },
      clampX: (v) => Math.min(x1, Math.max(x0, v)),
      clampY: (v) => Math.min(y1, Math.max(y0, v)),
      bounds,
    };
    return p;
  }

  function controls(parent) { return el("div", { class: "kmw-controls" }, parent); }

  function button(parent, text, onclick, title) {
    const b = el("button", { type: "button", class: "kmw-button" }, parent, text);
    if (title) b.setAttribute("title", title);
    b.addEventListener("click", onclick);
    return b;
  }

  function select(parent, labelText, options, onchange) {
    const id = uid("select");
    const wrap = el("span", { class: "kmw-field" }, parent);
    el("label", { for: id }, wrap, labelText);
    const s = el("select", { id }, wrap);
    options.forEach((text, i) => el("option", { value: String(i) }, s, text));
    s.addEventListener("change", () => onchange(Number(s.value)));
    return s;
  }

  /* A labelled range input; valuetext(v) is read by screen readers and shown. */
  function slider(parent, labelText, min, max, value, oninput, valuetext) {
    const id = uid("range");
    const wrap = el("span", { class: "kmw-field" }, parent);
    el("label", { for: id }, wrap, labelText);
    const r = el("input", { id, type: "range", min: String(min), max: String(max),
                            step: "1", value: String(value) }, wrap);
    const out = el("output", { for: id, class: "kmw-value" }, wrap);
    const show = () => {
      const text = valuetext ? valuetext(Number(r.value)) : r.value;
      out.textContent = text;
      r.setAttribute("aria-valuetext", text);
    };
    r.addEventListener("input", () => { show(); oninput(Number(r.value)); });
    r.setValue = (v) => { r.value = String(v); show(); };
    show();
    return r;
  }

  function status(parent) {
    return el("p", { class: "kmw-status", role: "status", "aria-live": "polite" }, parent);
  }

  function setState(root, state) { root.dataset.state = JSON.stringify(state); }

  /* mulberry32: a small seeded PRNG, uniform in [0, 1). */
  function prng(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /* numpy's pairwise summation of a float64 array (numpy/_core/src/umath/loops_utils.h). */
  function pairwiseSum(a, start, n) {
    if (n < 8) {
      let res = 0.0;  // numpy starts from -0.0; the same for any sum that is not -0
      for (let i = 0; i < n; i++) res += a[start + i];
      return res;
    }
    if (n <= 128) {
      const r = new Float64Array(8);
      for (let j = 0; j < 8; j++) r[j] = a[start + j];
      let i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
      }
      let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) res += a[start + i];
      return res;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
  }

  /* Arrow keys on a focused element: calls move(dx, dy) with steps of `step`. */
  function arrowKeys(node, move) {
    node.addEventListener("keydown", (e) => {
      const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      if (!d) return;
      e.preventDefault();
      move(d[0] * (e.shiftKey ? 4 : 1), d[1] * (e.shiftKey ? 4 : 1));
    });
  }

  /* Pointer dragging of an SVG element: onmove(dataX, dataY). */
  function draggable(node, p, onmove) {
    node.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      node.setPointerCapture(e.pointerId);
      node.focus();
      const move = (ev) => { const [x, y] = p.data(ev); onmove(p.clampX(x), p.clampY(y)); };
      const up = () => {
        node.removeEventListener("pointermove", move);
        node.removeEventListener("pointerup", up);
        node.removeEventListener("pointercancel", up);
      };
      node.addEventListener("pointermove", move);
      node.addEventListener("pointerup", up);
      node.addEventListener("pointercancel", up);
    });
  }

  /* The polygon of points of `box` (x0, y0, x1, y1) nearer to centres[i] than to any other
   * (ties to the lowest index), by clipping the box with one half-plane per other centre. */
  function voronoiCell(centers, i, box) {
    const [x0, y0, x1, y1] = box;
    let poly = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    const [ax, ay] = centers[i];
    for (let j = 0; j < centers.length && poly.length; j++) {
      if (j === i) continue;
      const [bx, by] = centers[j];
      if (bx === ax && by === ay) { if (j < i) return []; continue; }
      // keep 2 p.(b - a) <= |b|^2 - |a|^2
      const nx = 2 * (bx - ax), ny = 2 * (by - ay), c = bx * bx + by * by - ax * ax - ay * ay;
      const f = (q) => nx * q[0] + ny * q[1] - c;
      const out = [];
      for (let m = 0; m < poly.length; m++) {
        const P = poly[m], Q = poly[(m + 1) % poly.length];
        const fp = f(P), fq = f(Q);
        if (fp <= 0) out.push(P);
        if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
          const t = fp / (fp - fq);
          out.push([P[0] + t * (Q[0] - P[0]), P[1] + t * (Q[1] - P[1])]);
        }
      }
      poly = out;
    }
    return poly;
  }

  function star(parent, x, y, r, attrs) {
    const pts = [];
    for (let m = 0; m < 10; m++) {
      const a = -Math.PI / 2 + m * Math.PI / 5, rr = m % 2 ? r * 0.45 : r;
      pts.push(`${(x + rr * Math.cos(a)).toFixed(2)},${(y + rr * Math.sin(a)).toFixed(2)}`);
    }
    return svg("polygon", Object.assign({ points: pts.join(" "), class: "kmw-center" }, attrs || {}), parent);
  }

  /* The SVG path of cluster j's marker at (x, y), as kmlib.plot.MARKERS ("o s ^ D v P X h"):
   * colour is never the only cue. j < 0 (no cluster yet, or noise) is a circle. */
  function markerPath(j, x, y, r) {
    const f = (v) => v.toFixed(2);
    const poly = (pts) => "M" + pts.map(([a, b]) => `${f(x + a * r)},${f(y + b * r)}`).join("L") + "Z";
    switch (j < 0 ? 0 : j % 8) {
      case 1: return poly([[-0.85, -0.85], [0.85, -0.85], [0.85, 0.85], [-0.85, 0.85]]);
      case 2: return poly([[0, -1.15], [1.05, 0.75], [-1.05, 0.75]]);
      case 3: return poly([[0, -1.15], [1.0, 0], [0, 1.15], [-1.0, 0]]);
      case 4: return poly([[0, 1.15], [1.05, -0.75], [-1.05, -0.75]]);
      case 5: return poly([[-0.35, -1], [0.35, -1], [0.35, -0.35], [1, -0.35], [1, 0.35], [0.35, 0.35],
                           [0.35, 1], [-0.35, 1], [-0.35, 0.35], [-1, 0.35], [-1, -0.35], [-0.35, -0.35]]);
      case 6: return poly([[-1, -0.6], [-0.6, -1], [0, -0.4], [0.6, -1], [1, -0.6], [0.4, 0], [1, 0.6],
                           [0.6, 1], [0, 0.4], [-0.6, 1], [-1, 0.6], [-0.4, 0]]);
      case 7: return poly([[0, -1.05], [0.9, -0.52], [0.9, 0.52], [0, 1.05], [-0.9, 0.52], [-0.9, -0.52]]);
      default: return `M${f(x - r)},${f(y)}a${f(r)},${f(r)} 0 1,0 ${f(2 * r)},0a${f(r)},${f(r)} 0 1,0 ${f(-2 * r)},0Z`;
    }
  }

  function register(name, init) { inits[name] = init; }

  function start(root) {
    if (root.dataset.kmwStarted) return;
    const init = inits[root.dataset.widget];
    const script = root.querySelector("script.kmlib-widget-data");
    if (!init || !script) return;
    root.dataset.kmwStarted = "1";
    const data = JSON.parse(script.textContent);
    const live = el("div", { class: "kmw-live" });
    root.appendChild(live);
    root.classList.add("kmlib-widget-live");
    init(root, live, data);
  }

  function startAll() { document.querySelectorAll(".kmlib-widget[data-widget]").forEach(start); }

  window.KMW = { PALETTE, NOISE, el, svg, color, plot, controls, button, select, slider, status,
                 setState, prng, pairwiseSum, markerPath, arrowKeys, draggable, voronoiCell, star, register,
                 startAll, uid };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else setTimeout(startAll, 0);
})();
