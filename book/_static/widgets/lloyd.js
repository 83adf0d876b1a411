/* Chapter 2: Lloyd's algorithm step by step, with kmlib.lloyd's arithmetic.
 *
 * The run works, as kmlib.lloyd does (kmlib/_lloyd.py, LloydData), on the points minus their
 * column means times 2**exponent (both computed by kmlib and shipped in the data), so every
 * rounding is kmlib's:
 *   assign: the first minimum over j of (x . c_j) * -2 + |c_j|^2 (kmlib/_kernels/screen.py);
 *   update: per-cluster sums in index order, times the reciprocal count (kmlib._lloyd.means);
 *           an empty cluster gets the point farthest from its own centre (reseed_empty);
 *   stop:   labels unchanged and nothing re-seeded, or the squared shift <= tol_abs
 *           (then one final assignment), or max_iter iterations (ditto).
 */
(function () {
  "use strict";
  const K = window.KMW;
  const MODES = ["k-means++", "random points", "click to place"];
  const MODE_KEYS = ["k-means++", "random", "click"];

  function init(root, live, data) {
    const st = { ds: 0, k: data.k, mode: 0, seed: data.seed, clicked: [] };
    const bar = K.controls(live);
    K.select(bar, "Data", data.datasets.map((d) => d.name), (i) => { st.ds = i; setup(); });
    K.slider(bar, "K", 1, 10, st.k, (v) => { st.k = v; reset(); }, (v) => `${v}`);
    const modeSel = K.select(bar, "Start", MODES, (i) => { st.mode = i; reset(); });
    const seedBtn = K.button(bar, "New seed", () => { st.seed += 1; reset(); },
                             "New random seed for the start");
    const bar2 = K.controls(live);
    const assignBtn = K.button(bar2, "Assign", () => { halfStep(); draw(); },
                               "Assign every point to its nearest centre");
    const updateBtn = K.button(bar2, "Update", () => { halfStep(); draw(); },
                               "Move every centre to the mean of its points");
    const runBtn = K.button(bar2, "Run to convergence", () => { run(); draw(); });
    K.button(bar2, "Reset", () => { reset(); });
    const holder = K.el("div", { class: "kmw-figure" }, live);
    const info = K.status(live);
    let p, X, Xw, n, ds, regions, dots, centersG, cursor, scale;
    let s;  // the run: centres (work units), labels, counters

    function setup() {
      ds = data.datasets[st.ds];
      X = ds.points; n = X.length;
      scale = 2 ** ds.exponent;
      Xw = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        Xw[2 * i] = (X[i][0] - ds.mean[0]) * scale;
        Xw[2 * i + 1] = (X[i][1] - ds.mean[1]) * scale;
      }
      holder.textContent = "";
      p = K.plot(holder, ds.bounds, { label: `Points of the ${ds.name}, centres and their regions. ` +
                                          "With the start 'click to place': click, or move the ring with the arrow keys and press Enter." });
      p.svg.setAttribute("tabindex", "0");
      regions = K.svg("g", {}, p.svg);
      const pts = K.svg("g", {}, p.svg);
      dots = X.map(() => K.svg("path", { class: "kmw-point" }, pts));
      centersG = K.svg("g", {}, p.svg);
      cursor = K.svg("circle", { r: "7", class: "kmw-cursor", visibility: "hidden" }, p.svg);
      p.svg.addEventListener("click", (e) => {
        if (MODE_KEYS[st.mode] !== "click") return;
        place(p.data(e));
      });
      st.cursor = [(ds.bounds[0] + ds.bounds[2]) / 2, (ds.bounds[1] + ds.bounds[3]) / 2];
      K.arrowKeys(p.svg, (dx, dy) => {
        if (MODE_KEYS[st.mode] !== "click") return;
        const b = ds.bounds;
        st.cursor = [p.clampX(st.cursor[0] + dx * (b[2] - b[0]) / 50),
                     p.clampY(st.cursor[1] + dy * (b[3] - b[1]) / 50)];
        draw();
      });
      p.svg.addEventListener("keydown", (e) => {
        if (MODE_KEYS[st.mode] === "click" && (e.key === "Enter" || e.key === " ")) {
          e.preventDefault(); place(st.cursor);
        }
      });
      reset();
    }

    function place(xy) {
      if (st.clicked.length >= st.k) return;
      st.clicked.push([xy[0], xy[1]]);
      if (st.clicked.length === st.k) start(st.clicked.map((c) => c.slice()));
      else draw();
    }

    /* ---- seeding (the script's own, seeded; the tests read the start from data-state) ---- */
    function randomStart(rand) {
      const idx = Array.from({ length: n }, (_, i) => i);
      for (let j = 0; j < st.k; j++) {
        const r = j + Math.floor(rand() * (n - j));
        [idx[j], idx[r]] = [idx[r], idx[j]];
      }
      return idx.slice(0, st.k).map((i) => X[i].slice());
    }

    function sq(a, b) { const dx = a[0] - b[0], dy = a[1] - b[1]; return dx * dx + dy * dy; }

    function plusPlusStart(rand) {
      const centers = [X[Math.floor(rand() * n)].slice()];
      const D = X.map((x) => sq(x, centers[0]));
      const trials = 2 + Math.floor(Math.log(st.k));
      while (centers.length < st.k) {
        const total = D.reduce((a, b) => a + b, 0);
        let best = -1, bestPot = Infinity, bestD = null;
        for (let t = 0; t < trials; t++) {
          let r = rand() * total, c = 0;
          while (c < n - 1 && r >= D[c]) { r -= D[c]; c += 1; }
          const nd = X.map((x, i) => Math.min(D[i], sq(x, X[c])));
          const pot = nd.reduce((a, b) => a + b, 0);
          if (pot < bestPot) { best = c; bestPot = pot; bestD = nd; }
        }
        centers.push(X[best].slice());
        for (let i = 0; i < n; i++) D[i] = bestD[i];
      }
      return centers;
    }

    function reset() {
      st.clicked = [];
      const mode = MODE_KEYS[st.mode];
      seedBtn.disabled = mode === "click";
      if (mode === "click") { s = null; draw(); return; }
      const rand = K.prng(st.seed * 7919 + st.k);
      start(mode === "random" ? randomStart(rand) : plusPlusStart(rand));
    }

    /* ---- the run, in kmlib's units ---- */
    function work(c) { return [(c[0] - ds.mean[0]) * scale, (c[1] - ds.mean[1]) * scale]; }
    function dataUnits(C) {
      const out = [];
      for (let j = 0; j < C.length / 2; j++) {
        out.push([C[2 * j] / scale + ds.mean[0], C[2 * j + 1] / scale + ds.mean[1]]);
      }
      return out;
    }

    function start(initCenters) {
      const C = new Float64Array(2 * initCenters.length);
      initCenters.forEach((c, j) => { const w = work(c); C[2 * j] = w[0]; C[2 * j + 1] = w[1]; });
      s = { init: initCenters, C, labels: null, shown: null, labelsOld: null, halfStep: 0,
            iter: 0, next: "assign", stop: null, wcss: null, wcssHistory: [], history: [],
            reseeded: false };
      draw();
    }

    function assign(C) {
      const k = C.length / 2, cn = new Float64Array(k), labels = new Int32Array(n);
      for (let j = 0; j < k; j++) cn[j] = C[2 * j] * C[2 * j] + C[2 * j + 1] * C[2 * j + 1];
      for (let i = 0; i < n; i++) {
        const x0 = Xw[2 * i], x1 = Xw[2 * i + 1];
        let best = 0, bestV = Infinity;
        for (let j = 0; j < k; j++) {
          const v = (x0 * C[2 * j] + x1 * C[2 * j + 1]) * -2.0 + cn[j];
          if (v < bestV) { bestV = v; best = j; }
        }
        labels[i] = best;
      }
      return labels;
    }

    function update(labels, C) {
      const k = C.length / 2, counts = new Float64Array(k), sums = new Float64Array(2 * k);
      for (let i = 0; i < n; i++) {
        const l = labels[i];
        counts[l] += 1; sums[2 * l] += Xw[2 * i]; sums[2 * l + 1] += Xw[2 * i + 1];
      }
      const shown = Int32Array.from(labels);
      let reseeded = false;
      const empty = [];
      for (let j = 0; j < k; j++) if (counts[j] === 0) empty.push(j);
      if (empty.length) reseeded = reseed(labels, C, counts, sums, empty, shown);
      const out = new Float64Array(2 * k);
      let heaviest = 0;
      for (let j = 1; j < k; j++) if (counts[j] > counts[heaviest]) heaviest = j;
      for (let j = 0; j < k; j++) {
        if (counts[j] > 0) {
          const r = 1.0 / counts[j];
          out[2 * j] = sums[2 * j] * r; out[2 * j + 1] = sums[2 * j + 1] * r;
        }
      }
      for (let j = 0; j < k; j++) {
        if (!(counts[j] > 0)) { out[2 * j] = out[2 * heaviest]; out[2 * j + 1] = out[2 * heaviest + 1]; }
      }
      return { C: out, reseeded, shown };
    }

    /* kmlib._lloyd.reseed_empty: the len(empty) points farthest from their own centres fill
     * the empty clusters (ascending), taken in decreasing distance, ties to the lowest index. */
    function reseed(labels, C, counts, sums, empty, shown) {
      const dist = new Float64Array(n);
      let maxAbs = 0, maxD = 0;
      for (let i = 0; i < n; i++) {
        const l = labels[i];
        const d0 = Xw[2 * i] - C[2 * l], d1 = Xw[2 * i + 1] - C[2 * l + 1];
        dist[i] = d0 * d0 + d1 * d1;
        maxD = Math.max(maxD, dist[i]);
        maxAbs = Math.max(maxAbs, Math.abs(Xw[2 * i]), Math.abs(Xw[2 * i + 1]));
      }
      const rounding = 2 * (n * 2 ** -52 * maxAbs) ** 2;
      if (!(maxD > rounding)) return false;
      const order = Array.from({ length: n }, (_, i) => i)
        .sort((a, b) => (dist[b] - dist[a]) || (a - b));
      empty.forEach((newId, m) => {
        const point = order[m], old = labels[point];
        sums[2 * old] -= Xw[2 * point]; sums[2 * old + 1] -= Xw[2 * point + 1];
        counts[old] -= 1;
        sums[2 * newId] = Xw[2 * point]; sums[2 * newId + 1] = Xw[2 * point + 1];
        counts[newId] = 1;
        shown[point] = newId;
      });
      return true;
    }

    function wcss(C, labels) {
      const terms = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const l = labels[i];
        const d0 = Xw[2 * i] - C[2 * l], d1 = Xw[2 * i + 1] - C[2 * l + 1];
        terms[i] = d0 * d0 + d1 * d1;
      }
      return K.pairwiseSum(terms, 0, n) * 2 ** (-2 * ds.exponent);
    }

    function same(a, b) {
      if (!a || !b || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
      return true;
    }

    /* One half-step of kmlib.lloyd's loop. */
    function halfStep() {
      if (!s || s.stop === "done") return;
      if (s.next === "assign") {
        s.labels = assign(s.C);
        s.shown = s.labels;
        s.wcss = wcss(s.C, s.labels);
        if (s.stop === null) {
          s.iter += 1;
          s.history.push({ centers: s.iter === 1 ? s.init.map((c) => c.slice()) : dataUnits(s.C),
                           labels: Array.from(s.labels), wcss: s.wcss });
          s.next = "update";
        } else {
          s.stop = "done";  // the final assignment after a tol or max_iter stop
        }
      } else {
        const u = update(s.labels, s.C);
        let shift = new Float64Array(s.C.length);
        for (let m = 0; m < s.C.length; m++) { const d = u.C[m] - s.C[m]; shift[m] = d * d; }
        shift = K.pairwiseSum(shift, 0, shift.length);
        s.C = u.C; s.shown = u.shown; s.reseeded = u.reseeded;
        s.wcss = wcss(s.C, s.shown);
        if (!u.reseeded && same(s.labels, s.labelsOld)) {
          s.stop = "done"; s.converged = true; s.why = "labels unchanged";
        } else if (shift <= ds.tol_abs) {
          s.stop = "final"; s.converged = true; s.why = "centres moved less than tol";
        } else if (s.iter >= data.max_iter) {
          s.stop = "final"; s.converged = false; s.why = "max_iter reached";
        }
        s.labelsOld = s.labels;
        s.next = "assign";
      }
      s.halfStep += 1;
      s.wcssHistory.push(s.wcss);
    }

    function run() {
      if (!s) return;
      let guard = 0;
      while (s.stop !== "done" && guard < 4 * data.max_iter + 4) { halfStep(); guard += 1; }
    }

    /* ---- drawing and the state ---- */
    function draw() {
      const clicking = !s;
      const centers = s ? dataUnits(s.C) : st.clicked;
      regions.textContent = "";
      centersG.textContent = "";
      if (centers.length) {
        const b = ds.bounds;
        centers.forEach((_, j) => {
          const cell = K.voronoiCell(centers, j, b);
          if (cell.length < 3) return;
          K.svg("polygon", { points: cell.map((q) => `${p.x(q[0]).toFixed(2)},${p.y(q[1]).toFixed(2)}`).join(" "),
                             fill: K.color(j), class: "kmw-region" }, regions);
        });
      }
      const labels = s && s.shown;
      dots.forEach((d, i) => {
        const j = labels ? labels[i] : -1;
        d.setAttribute("d", K.markerPath(j, p.x(X[i][0]), p.y(X[i][1]), 2.6));
        d.setAttribute("fill", labels ? K.color(j) : "#777777");
      });
      centers.forEach((c, j) => {
        K.star(centersG, p.x(c[0]), p.y(c[1]), 9, { "data-index": String(j) });
        K.svg("text", { x: (p.x(c[0]) + 8).toFixed(1), y: (p.y(c[1]) - 7).toFixed(1),
                        class: "kmw-center-label" }, centersG).textContent = `c${j}`;
      });
      const clickMode = MODE_KEYS[st.mode] === "click";
      cursor.setAttribute("visibility", clickMode && clicking ? "visible" : "hidden");
      if (clickMode && clicking) {
        cursor.setAttribute("cx", p.x(st.cursor[0]).toFixed(2));
        cursor.setAttribute("cy", p.y(st.cursor[1]).toFixed(2));
      }
      assignBtn.disabled = !s || s.next !== "assign" || s.stop === "done";
      updateBtn.disabled = !s || s.next !== "update" || s.stop === "done";
      runBtn.disabled = !s || s.stop === "done";
      info.textContent = message(clickMode);
      K.setState(root, {
        dataset: ds.name, k: st.k, init: MODE_KEYS[st.mode], seed: st.seed, points: X,
        initial_centers: s ? s.init : null, clicked: st.clicked,
        centers: s ? dataUnits(s.C) : null, labels: s && s.labels ? Array.from(s.labels) : null,
        shown_labels: s && s.shown ? Array.from(s.shown) : null,
        half_step: s ? s.halfStep : 0, iteration: s ? s.iter : 0,
        next: s ? s.next : null, finished: !!s && s.stop === "done",
        converged: !!s && !!s.converged, wcss: s ? s.wcss : null,
        wcss_history: s ? s.wcssHistory : [], history: s ? s.history : [],
      });
    }

    function message(clickMode) {
      if (!s) {
        const left = st.k - st.clicked.length;
        return `Click the plot to place ${left} more centre${left === 1 ? "" : "s"} ` +
               "(or focus it, move the ring with the arrow keys and press Enter).";
      }
      const w = s.wcss === null ? "—" : s.wcss.toFixed(2);
      const what = s.halfStep === 0 ? "start" : (s.next === "update" ? "after assign" : "after update");
      let text = `Iteration ${s.iter}, ${what}: WCSS = ${w}.`;
      if (s.reseeded && s.next === "assign") text += " An empty cluster was re-seeded at the farthest point.";
      if (s.stop === "done") text += ` Converged (${s.why || "final assignment"}) after ${s.iter} iterations.`;
      else if (s.stop === "final") text += ` Stopping (${s.why}): one last assignment.`;
      else if (clickMode && s.halfStep === 0) text += " Centres placed: press Assign.";
      return text;
    }

    modeSel.value = "0";
    setup();
  }

  K.register("lloyd", init);
  if (document.readyState !== "loading") K.startAll();
})();
