/* Chapter 4: choosing K. Every number is kmlib's, computed at build time
 * (kmlib.kmeans(X, K, random_state) and kmlib.silhouette_score; "—" at K = 1); the script
 * only draws: the clustering at K, the WCSS (elbow) and silhouette curves with K marked. */
(function () {
  "use strict";
  const K = window.KMW;

  function curve(parent, title, ks, values, current, label) {
    const W = 170, H = 130, L = 34, B = 22, T = 16, R = 6;
    const box = K.svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "kmw-plot kmw-curve", role: "img",
                               "aria-label": label }, parent);
    K.svg("text", { x: W / 2, y: 11, class: "kmw-axis-title", "text-anchor": "middle" }, box).textContent = title;
    const vals = values.filter((v) => v !== null);
    const lo = Math.min(...vals), hi = Math.max(...vals);
    const span = hi - lo || 1;
    const x = (k) => L + (k - ks[0]) / (ks[ks.length - 1] - ks[0]) * (W - L - R);
    const y = (v) => T + (1 - (v - lo) / span) * (H - T - B);
    K.svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "kmw-axis" }, box);
    K.svg("line", { x1: L, y1: T, x2: L, y2: H - B, class: "kmw-axis" }, box);
    ks.forEach((k) => {
      K.svg("text", { x: x(k), y: H - B + 11, class: "kmw-tick", "text-anchor": "middle" }, box).textContent = String(k);
    });
    [lo, hi].forEach((v) => {
      K.svg("text", { x: L - 3, y: y(v) + 3, class: "kmw-tick", "text-anchor": "end" }, box)
        .textContent = Math.abs(v) >= 1000 ? v.toExponential(1) : v.toPrecision(2);
    });
    const pts = ks.map((k, i) => [k, values[i]]).filter((q) => q[1] !== null);
    K.svg("polyline", { points: pts.map((q) => `${x(q[0]).toFixed(1)},${y(q[1]).toFixed(1)}`).join(" "),
                        class: "kmw-line" }, box);
    pts.forEach((q) => K.svg("circle", { cx: x(q[0]), cy: y(q[1]), r: 2.2, class: "kmw-dot" }, box));
    const i = ks.indexOf(current);
    if (values[i] !== null) {
      K.svg("circle", { cx: x(current), cy: y(values[i]), r: 6, class: "kmw-current" }, box);
    } else {
      K.svg("text", { x: x(current), y: H - B - 4, class: "kmw-tick", "text-anchor": "middle" }, box).textContent = "—";
    }
    K.svg("line", { x1: x(current), y1: T, x2: x(current), y2: H - B, class: "kmw-marker" }, box);
  }

  function init(root, live, data) {
    const st = { ds: 0, k: data.k };
    const bar = K.controls(live);
    K.select(bar, "Data", data.datasets.map((d) => d.name), (i) => { st.ds = i; draw(); });
    K.slider(bar, "K", 1, data.max_k, st.k, (v) => { st.k = v; draw(); }, (v) => `${v}`);
    const row = K.el("div", { class: "kmw-row" }, live);
    const left = K.el("div", { class: "kmw-figure kmw-cell" }, row);
    const right = K.el("div", { class: "kmw-cell kmw-curves" }, row);
    const info = K.status(live);

    function draw() {
      const ds = data.datasets[st.ds], run = ds.runs[st.k - 1];
      left.textContent = ""; right.textContent = "";
      const p = K.plot(left, ds.bounds, { width: 300, height: 250,
                                          label: `The ${ds.name} clustered with K = ${st.k}` });
      ds.points.forEach((x, i) => {
        const j = Number(run.labels[i]);
        K.svg("path", { d: K.markerPath(j, p.x(x[0]), p.y(x[1]), 2.6), class: "kmw-point",
                        fill: K.color(j) }, p.svg);
      });
      run.centers.forEach((c) => K.star(p.svg, p.x(c[0]), p.y(c[1]), 8));
      const ks = ds.runs.map((r) => r.k);
      curve(right, "WCSS (elbow)", ks, ds.runs.map((r) => r.wcss), st.k,
            `WCSS against K, K = ${st.k} marked`);
      curve(right, "mean silhouette", ks, ds.runs.map((r) => r.silhouette), st.k,
            `Mean silhouette against K, K = ${st.k} marked`);
      info.textContent = "";
      K.el("span", {}, info, `K = ${st.k}: WCSS = `);
      K.el("span", { class: "kmw-wcss" }, info, run.wcss_text);
      K.el("span", {}, info, ", mean silhouette = ");
      K.el("span", { class: "kmw-silhouette" }, info, run.silhouette_text);
      K.setState(root, { dataset: ds.name, k: st.k, inertia: run.wcss_text,
                         silhouette: run.silhouette_text });
    }
    draw();
  }

  K.register("choosing_k", init);
  if (document.readyState !== "loading") K.startAll();
})();
