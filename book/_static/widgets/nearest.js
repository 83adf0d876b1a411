/* Chapter 1: the nearest centre. Drag the query point or a centre (or focus one and use the
 * arrow keys, steps of 0.25, Shift for 1); the distances and the nearest centre follow, ties
 * going to the lowest index as in kmlib.nearest. Distances are sqrt(dx*dx + dy*dy), computed
 * from the differences as kmlib.euclidean does. */
(function () {
  "use strict";
  const K = window.KMW;
  const STEP = 0.25;

  function init(root, live, data) {
    const [x0, y0, x1, y1] = [data.bounds[0], data.bounds[1], data.bounds[2], data.bounds[3]];
    const st = { query: data.query.slice(), centers: data.centers.map((c) => c.slice()) };
    const holder = K.el("div", { class: "kmw-figure" }, live);
    const p = K.plot(holder, [x0, y0, x1, y1], { label: "A query point, the centres and their regions. "
                                           + "Tab to a handle and move it with the arrow keys." });
    const regions = K.svg("g", {}, p.svg);
    const spokes = K.svg("g", {}, p.svg);
    const labelsG = K.svg("g", {}, p.svg);
    const handles = K.svg("g", {}, p.svg);
    const info = K.status(live);
    const table = K.el("ul", { class: "kmw-distances" }, live);

    function handle(kind, j) {
      const g = K.svg("g", { tabindex: "0", role: "slider", class: "kmw-handle",
                             "aria-label": kind === "query" ? "query point" : `centre c${j}` }, handles);
      const get = () => (kind === "query" ? st.query : st.centers[j]);
      const set = (x, y) => { const t = get(); t[0] = x; t[1] = y; draw(); };
      K.draggable(g, p, set);
      K.arrowKeys(g, (dx, dy) => {
        const t = get();
        set(p.clampX(t[0] + dx * STEP), p.clampY(t[1] + dy * STEP));
      });
      return g;
    }
    const centerHandles = st.centers.map((_, j) => handle("center", j));
    const queryHandle = handle("query", -1);

    /* A 2-D handle as an ARIA slider: the value is its x; the text says both coordinates. */
    function aria(g, xy, text) {
      g.setAttribute("aria-valuemin", String(x0));
      g.setAttribute("aria-valuemax", String(x1));
      g.setAttribute("aria-valuenow", String(xy[0]));
      g.setAttribute("aria-valuetext", text);
    }

    function distances() {
      return st.centers.map((c) => {
        const dx = st.query[0] - c[0], dy = st.query[1] - c[1];
        return Math.sqrt(dx * dx + dy * dy);
      });
    }

    function draw() {
      const d = distances();
      let best = 0;
      for (let j = 1; j < d.length; j++) if (d[j] < d[best]) best = j;
      regions.textContent = ""; spokes.textContent = ""; labelsG.textContent = "";
      st.centers.forEach((_, j) => {
        const cell = K.voronoiCell(st.centers, j, [x0, y0, x1, y1]);
        if (cell.length >= 3) {
          K.svg("polygon", { points: cell.map((q) => `${p.x(q[0]).toFixed(2)},${p.y(q[1]).toFixed(2)}`).join(" "),
                             fill: K.color(j), class: "kmw-region" }, regions);
        }
      });
      const qx = p.x(st.query[0]), qy = p.y(st.query[1]);
      st.centers.forEach((c, j) => {
        const cx = p.x(c[0]), cy = p.y(c[1]);
        K.svg("line", { x1: qx, y1: qy, x2: cx, y2: cy,
                        class: j === best ? "kmw-spoke kmw-spoke-best" : "kmw-spoke",
                        style: j === best ? `stroke: ${K.color(j)}` : "" }, spokes);
        K.svg("text", { x: ((qx + cx) / 2 + 4).toFixed(1), y: ((qy + cy) / 2 - 4).toFixed(1),
                        class: "kmw-center-label" }, labelsG).textContent = d[j].toFixed(2);
      });
      centerHandles.forEach((g, j) => {
        g.textContent = "";
        const c = st.centers[j];
        K.star(g, p.x(c[0]), p.y(c[1]), 11);
        K.svg("text", { x: (p.x(c[0]) + 10).toFixed(1), y: (p.y(c[1]) - 9).toFixed(1),
                        class: "kmw-center-label" }, g).textContent = `c${j}`;
        aria(g, c, `c${j} at (${c[0].toFixed(2)}, ${c[1].toFixed(2)})`);
      });
      queryHandle.textContent = "";
      K.svg("circle", { cx: qx, cy: qy, r: "7", class: "kmw-query" }, queryHandle);
      aria(queryHandle, st.query,
           `query at (${st.query[0].toFixed(2)}, ${st.query[1].toFixed(2)}), nearest c${best}`);
      info.textContent = `Query (${st.query[0].toFixed(2)}, ${st.query[1].toFixed(2)}): ` +
                         `nearest centre c${best}, at distance ${d[best].toFixed(2)}.`;
      table.textContent = "";
      d.forEach((v, j) => {
        const li = K.el("li", {}, table, `c${j}: ${v.toFixed(2)}${j === best ? " (nearest)" : ""}`);
        li.style.borderLeftColor = K.color(j);
      });
      K.setState(root, { query: st.query, centers: st.centers, nearest: best, distances: d });
    }
    draw();
  }

  K.register("nearest", init);
  if (document.readyState !== "loading") K.startAll();
})();
