/* Chapter 6: the palette. For each K the image, the palette, the MSE and the PSNR were
 * computed by kmlib.quantize, kmlib.mse and kmlib.psnr at build time; the slider only shows them. */
(function () {
  "use strict";
  const K = window.KMW;

  function init(root, live, data) {
    const st = { i: Math.floor(data.stops.length / 2), original: false };
    const bar = K.controls(live);
    K.slider(bar, "K", 0, data.stops.length - 1, st.i, (v) => { st.i = v; draw(); },
             (v) => `${data.stops[v].k} colours`);
    const orig = K.button(bar, "Show the original", () => { st.original = !st.original; draw(); });
    orig.setAttribute("aria-pressed", "false");
    const fig = K.el("div", { class: "kmw-figure kmw-photo" }, live);
    const img = K.el("img", { width: String(data.width), height: String(data.height) }, fig);
    const strip = K.svg("svg", { class: "kmw-palette", role: "img", preserveAspectRatio: "none" }, fig);
    const info = K.status(live);

    function draw() {
      const stop = data.stops[st.i];
      img.src = st.original ? data.original : stop.image;
      img.alt = st.original ? "The photograph, before quantization"
                            : `The photograph with ${stop.k} colours`;
      orig.setAttribute("aria-pressed", String(st.original));
      orig.textContent = st.original ? "Show the quantized image" : "Show the original";
      strip.textContent = "";
      strip.setAttribute("viewBox", `0 0 ${stop.palette.length} 1`);
      strip.setAttribute("aria-label", `The palette: ${stop.palette.length} colours`);
      stop.palette.forEach((c, j) => K.svg("rect", { x: j, y: 0, width: 1.02, height: 1,
                                                     fill: `rgb(${c[0]},${c[1]},${c[2]})` }, strip));
      info.textContent = "";
      K.el("span", {}, info, `K = ${stop.k}: MSE = `);
      K.el("span", { class: "kmw-mse" }, info, stop.mse_text);
      K.el("span", {}, info, ", PSNR = ");
      K.el("span", { class: "kmw-psnr" }, info, stop.psnr_text);
      K.setState(root, { k: stop.k, mse: stop.mse_text, psnr: stop.psnr_text, original: st.original });
    }
    draw();
  }

  K.register("palette", init);
  if (document.readyState !== "loading") K.startAll();
})();
