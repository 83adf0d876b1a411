/* Chapter 5: DBSCAN with kmlib.dbscan's rules (kmlib/_dbscan.py, kmlib/_kernels/grid.py):
 * N(i) = { j : (xi0 - xj0)**2 + (xi1 - xj1)**2 <= eps * eps }, i itself included, the squares
 * summed coordinate by coordinate from the differences; core when |N(i)| >= min_samples;
 * core points visited in index order, an unlabelled one opens the next cluster, which grows
 * wave by wave; a border point keeps the first cluster that reaches it; the rest is noise.
 * eps = step / denominator (a correctly rounded division, the same number in Python). */
(function () {
  "use strict";
  const K = window.KMW;

  function dbscan(X, eps, minSamples) {
    const n = X.length, eps2 = eps * eps, nb = [];
    for (let i = 0; i < n; i++) {
      const row = [];
      for (let j = 0; j < n; j++) {
        const d0 = X[i][0] - X[j][0], d1 = X[i][1] - X[j][1];
        let sq = d0 * d0;
        sq += d1 * d1;
        if (sq <= eps2) row.push(j);
      }
      nb.push(row);
    }
    const core = nb.map((r) => r.length >= minSamples);
    const labels = new Array(n).fill(-1);
    let cluster = 0;
    for (let i = 0; i < n; i++) {
      if (!core[i] || labels[i] !== -1) continue;
      labels[i] = cluster;
      let wave = [i];
      while (wave.length) {
        const next = [];
        for (const q of wave) {
          for (const j of nb[q]) {
            if (labels[j] === -1) { labels[j] = cluster; if (core[j]) next.push(j); }
          }
        }
        wave = next;
      }
      cluster += 1;
    }
    return { labels, core, clusters: cluster };
  }

  function init(root, live, data) {
    const st = { ds: 0, step: data.datasets[0].eps_step, m: data.min_samples, probe: null };
    const bar = K.controls(live);
    let epsSlider;
    K.select(bar, "Data", data.datasets.map((d) => d.name), (i) => {
      st.ds = i; st.step = data.datasets[i].eps_step; st.probe = null;
      epsSlider.max = String(data.datasets[i].eps_steps);
      epsSlider.setValue(st.step); setup();
    });
    const epsOf = (v) => v / data.datasets[st.ds].eps_denominator;
    epsSlider = K.slider(bar, "eps", 1, data.datasets[0].eps_steps, st.step,
                         (v) => { st.step = v; compute(); }, (v) => String(epsOf(v)));
    K.slider(bar, "min_samples", 1, 20, st.m, (v) => { st.m = v; compute(); }, (v) => String(v));
    const holder = K.el("div", { class: "kmw-figure" }, live);
    const info = K.status(live);
    let p, ds, marks, circle, result;

    function setup() {
      ds = data.datasets[st.ds];
      holder.textContent = "";
      p = K.plot(holder, ds.bounds, { label: `DBSCAN on the ${ds.name}. Point at a point, or focus the plot ` +
                                          "and use the arrow keys, to see its eps circle." });
      p.svg.setAttribute("tabindex", "0");
      circle = K.svg("circle", { class: "kmw-eps", visibility: "hidden" }, p.svg);
      const g = K.svg("g", {}, p.svg);
      marks = ds.points.map(() => K.svg("path", {}, g));
      p.svg.addEventListener("pointermove", (e) => {
        const [x, y] = p.data(e);
        let best = 0, bd = Infinity;
        ds.points.forEach((q, i) => { const d = (q[0] - x) ** 2 + (q[1] - y) ** 2; if (d < bd) { bd = d; best = i; } });
        st.probe = best; drawProbe();
      });
      p.svg.addEventListener("pointerleave", () => { st.probe = null; drawProbe(); });
      K.arrowKeys(p.svg, (dx) => {
        const n = ds.points.length;
        st.probe = st.probe === null ? 0 : (st.probe + (dx || 1) + n) % n;
        drawProbe();
      });
      compute();
    }

    function mark(x, y, kind) {
      if (kind === "noise") return `M${x - 3},${y - 3}L${x + 3},${y + 3}M${x - 3},${y + 3}L${x + 3},${y - 3}`;
      const r = kind === "core" ? 3.6 : 2.4;
      return `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
    }

    function compute() {
      const eps = epsOf(st.step);
      result = dbscan(ds.points, eps, st.m);
      const { labels, core } = result;
      let noise = 0, border = 0;
      ds.points.forEach((q, i) => {
        const kind = labels[i] === -1 ? "noise" : (core[i] ? "core" : "border");
        if (kind === "noise") noise += 1;
        if (kind === "border") border += 1;
        const m = marks[i];
        m.setAttribute("d", mark(p.x(q[0]), p.y(q[1]), kind));
        m.setAttribute("class", `kmw-${kind}`);
        m.setAttribute(kind === "border" ? "stroke" : (kind === "core" ? "fill" : "stroke"), K.color(labels[i]));
        if (kind === "border") m.setAttribute("fill", "none");
        if (kind === "core") m.removeAttribute("stroke");
        if (kind === "noise") m.removeAttribute("fill");
      });
      info.textContent = `eps = ${eps}, min_samples = ${st.m}: ${result.clusters} cluster` +
        `${result.clusters === 1 ? "" : "s"}, ${noise} noise points, ${border} border points ` +
        "(filled: core, rings: border, crosses: noise).";
      drawProbe();
      K.setState(root, { dataset: ds.name, eps, min_samples: st.m, labels,
                         core, n_clusters: result.clusters, n_noise: noise });
    }

    function drawProbe() {
      if (st.probe === null) { circle.setAttribute("visibility", "hidden"); return; }
      const q = ds.points[st.probe], eps = epsOf(st.step);
      circle.setAttribute("cx", p.x(q[0])); circle.setAttribute("cy", p.y(q[1]));
      circle.setAttribute("r", Math.abs(p.x(q[0] + eps) - p.x(q[0])));
      circle.setAttribute("visibility", "visible");
    }
    setup();
  }

  K.register("dbscan", init);
  if (document.readyState !== "loading") K.startAll();
})();
