// The web view of an optlib Explorer: sliders switch between results computed when
// the book was built (embedded below as float32 arrays); nothing is requested.
(function (root, spec) {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  // a panel's plot box; its legend (one row per labelled series) goes below it.
  // Colours are CSS classes and variables (the page's theme), sizes >= 12 px.
  const W = 320, H = 270, M = {l: 52, r: 12, t: 22, b: 44}, ROW = 18;

  function decode(entry) {
    const bytes = Uint8Array.from(atob(entry.b64), c => c.charCodeAt(0));
    return {values: new Float32Array(bytes.buffer), shape: entry.shape};
  }
  const data = {};
  for (const key in spec.data) data[key] = decode(spec.data[key]);

  function el(tag, attrs, parent) {
    const node = document.createElementNS(NS, tag);
    for (const a in attrs) node.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, str, attrs) {
    const t = el("text", Object.assign({x: x, y: y, "font-size": 12}, attrs || {}), parent);
    t.textContent = str;
    return t;
  }
  function fmt(v) {  // as _fmt in explore.py: 6 significant digits, no trailing zeros
    if (v === 0) return "0";
    const a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) return (+v.toPrecision(6)).toExponential().replace("e+", "e");
    return String(+v.toPrecision(6));
  }
  function niceTicks(lo, hi, n) {
    const span = hi - lo, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map(s => s * mag).find(s => span / s <= n) || 10 * mag;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) ticks.push(+v.toPrecision(12));
    return ticks;
  }
  function logTicks(lo, hi) {
    const ticks = [];
    for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) ticks.push(Math.pow(10, e));
    return ticks.length > 7 ? ticks.filter((_, i) => i % Math.ceil(ticks.length / 6) === 0) : ticks;
  }
  function scale(lo, hi, a, b, log) {
    if (log) { const l0 = Math.log10(lo), l1 = Math.log10(hi); return v => a + (Math.log10(v) - l0) / (l1 - l0) * (b - a); }
    return v => a + (v - lo) / (hi - lo) * (b - a);
  }
  function axes(svg, panel, xr, yr) {
    const sx = scale(xr[0], xr[1], M.l, W - M.r, false), sy = scale(yr[0], yr[1], H - M.b, M.t, panel.logy);
    const axis = {class: "ox-axis"};
    el("line", Object.assign({x1: M.l, y1: H - M.b, x2: W - M.r, y2: H - M.b}, axis), svg);
    el("line", Object.assign({x1: M.l, y1: M.t, x2: M.l, y2: H - M.b}, axis), svg);
    for (const v of niceTicks(xr[0], xr[1], 5)) {
      el("line", Object.assign({x1: sx(v), x2: sx(v), y1: H - M.b, y2: H - M.b + 4}, axis), svg);
      text(svg, sx(v), H - M.b + 16, fmt(v), {"text-anchor": "middle"});
    }
    for (const v of (panel.logy ? logTicks(yr[0], yr[1]) : niceTicks(yr[0], yr[1], 5))) {
      el("line", Object.assign({x1: M.l - 4, x2: M.l, y1: sy(v), y2: sy(v)}, axis), svg);
      text(svg, M.l - 6, sy(v) + 4, fmt(v), {"text-anchor": "end"});
    }
    text(svg, (M.l + W - M.r) / 2, H - 8, panel.xlabel, {"text-anchor": "middle", "font-size": 13});
    text(svg, 14, (M.t + H - M.b) / 2, panel.ylabel,
         {"text-anchor": "middle", "font-size": 13, transform: `rotate(-90 14 ${(M.t + H - M.b) / 2})`});
    if (panel.title) text(svg, (M.l + W - M.r) / 2, 14, panel.title, {"text-anchor": "middle", "font-size": 13});
    return [sx, sy];
  }
  function series(key, k) {
    const d = data[key], per = d.shape.slice(1).reduce((a, b) => a * b, 1);
    return {values: d.values.subarray(k * per, (k + 1) * per), shape: d.shape.slice(1)};
  }
  function look(panel, i, width) {  // series i of a panel: its colour and dash pattern
    const attrs = {class: "ox-series", style: `--c:var(--ox-c${panel.colors[i]})`, "stroke-width": width};
    if (panel.dashes[i]) attrs["stroke-dasharray"] = panel.dashes[i].map(d => d * width).join(" ");
    return attrs;
  }
  // A segment clipped to the box b = [x0, y0, x1, y1] (Liang and Barsky), or null if it
  // misses it: the part of the line that can be seen, with its direction unchanged.
  function clipSegment(p, q, b) {
    const dx = q[0] - p[0], dy = q[1] - p[1];
    let t0 = 0, t1 = 1;
    for (const [a, c] of [[-dx, p[0] - b[0]], [dx, b[2] - p[0]], [-dy, p[1] - b[1]], [dy, b[3] - p[1]]]) {
      if (a === 0) { if (c < 0) return null; continue; }
      const r = c / a;
      if (a < 0) { if (r > t1) return null; t0 = Math.max(t0, r); }
      else { if (r < t0) return null; t1 = Math.min(t1, r); }
    }
    return [[p[0] + t0 * dx, p[1] + t0 * dy], [p[0] + t1 * dx, p[1] + t1 * dy]];
  }
  // A run that leaves the plot far behind (an optimizer escaping a saddle) would put
  // points millions of pixels away, which the clip path hides but some tools measure
  // (axe-core built a grid over them and never finished): lines are cut to a box three
  // times the panel's size, so what is drawn does not change.
  function polyline(svg, pts, attrs, clip) {
    const box = [-W, -H, 2 * W, 2 * H];
    let run = [];
    const draw = () => {
      if (run.length >= 2) {
        el("polyline", Object.assign({points: run.map(p => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" "),
                                      "clip-path": clip}, attrs), svg);
      }
      run = [];
    };
    for (let j = 1; j < pts.length; j++) {
      const s = clipSegment(pts[j - 1], pts[j], box);
      if (!s) { draw(); continue; }
      const end = run[run.length - 1];
      if (!end || end[0] !== s[0][0] || end[1] !== s[0][1]) { draw(); run.push(s[0]); }
      run.push(s[1]);
    }
    draw();
  }
  function divergence(svg, x, y, step, panel, i) {
    // kept inside the plot box (a run can leave it before it diverges); the note is in the
    // text colour, on the side with room
    x = Math.min(Math.max(x, M.l + 7), W - M.r - 7);
    y = Math.min(Math.max(y, M.t + 14), H - M.b - 4);
    text(svg, x - 5, y + 5, "\u2715", {class: "ox-mark", style: `--c:var(--ox-c${panel.colors[i]})`,
                                       "font-size": 14, "font-weight": "bold"});
    const left = x > (M.l + W - M.r) / 2;
    text(svg, left ? x - 10 : x + 10, y - 7, "diverged at step " + step,
         {class: "ox-note", "text-anchor": left ? "end" : "start"});
  }
  function legend(svg, panel) {  // below the plot: a sample of each line, then its label
    let row = 0;
    panel.labels.forEach((label, i) => {
      if (!label) return;
      const y = H + 8 + ROW * row++;
      el("line", Object.assign({x1: M.l, x2: M.l + 32, y1: y, y2: y}, look(panel, i, 2)), svg);
      text(svg, M.l + 40, y + 4, label);
    });
  }

  function drawPaths(svg, panel, k, clip) {
    const [sx, sy] = axes(svg, panel, panel.xlim, panel.ylim);
    const contour = {class: "ox-contour", "stroke-width": 0.8};
    for (const seg of panel.contours) polyline(svg, seg.map(p => [sx(p[0]), sy(p[1])]), contour, clip);
    if (panel.minimizer) text(svg, sx(panel.minimizer[0]) - 6, sy(panel.minimizer[1]) + 5, "\u2605", {"font-size": 14});
    const said = [];
    panel.keys.forEach((key, i) => {
      const s = series(key, k), n = s.shape[0], pts = [];
      let last = null;
      for (let j = 0; j < n; j++) {
        const x = s.values[2 * j], y = s.values[2 * j + 1];
        if (!isFinite(x) || !isFinite(y)) { if (pts.length) break; continue; }  // leading NaN: not yet defined
        pts.push([sx(x), sy(y)]);
        last = [x, y];
      }
      polyline(svg, pts, look(panel, i, 1.6), clip);
      if (pts.length) el("circle", {cx: pts[0][0], cy: pts[0][1], r: 3, class: "ox-mark",
                                    style: `--c:var(--ox-c${panel.colors[i]})`}, svg);
      const at = spec.diverged[key][k];
      if (at >= 0 && pts.length) divergence(svg, pts[pts.length - 1][0], pts[pts.length - 1][1], at, panel, i);
      said.push(at >= 0 ? `${name(panel, i)} diverges at step ${at}`
                : last ? `${name(panel, i)} ends at (${short(last[0])}, ${short(last[1])})` : "");
    });
    legend(svg, panel);
    return `${panel.title || "paths"} over the contour lines: ${said.filter(x => x).join("; ")}`;
  }
  function drawCurves(svg, panel, k, clip) {
    const all = panel.keys.map(key => series(key, k).values);
    const n = Math.max(...all.map(v => v.length));
    const [lo, hi] = panel.ylim;  // the grid's range (Explorer.ylim): the axes stay put
    const xs = panel.x || Array.from({length: n}, (_, j) => j * panel.stride);
    const [sx, sy] = axes(svg, panel, [xs[0], xs[xs.length - 1]], [lo, hi]);
    const said = [];
    all.forEach((v, i) => {
      const pts = [];
      let last = null;
      for (let j = 0; j < v.length; j++) {
        if (!isFinite(v[j])) { if (pts.length) break; continue; }  // leading NaN: not yet defined
        pts.push([sx(xs[j]), sy(panel.logy ? Math.max(v[j], lo) : v[j])]);
        last = v[j];
      }
      polyline(svg, pts, look(panel, i, 1.6), clip);
      const at = spec.diverged[panel.keys[i]][k];
      if (at >= 0 && pts.length) divergence(svg, pts[pts.length - 1][0], pts[pts.length - 1][1], at, panel, i);
      said.push(at >= 0 ? `${name(panel, i)} diverges at step ${at}`
                : last !== null ? `${name(panel, i)} ends at ${short(last)}` : "");
    });
    legend(svg, panel);
    const scale = panel.logy ? " (log scale)" : "";
    return `${panel.title ? panel.title + ": " : ""}${panel.ylabel} against ${panel.xlabel}${scale}: ` +
      said.filter(x => x).join("; ");
  }
  // words for a screen reader: which series, and where it ends (3 significant digits)
  const name = (panel, i) => panel.labels[i] || (panel.keys.length > 1 ? `series ${i + 1}` : "the run");
  const short = v => String(Number(v.toPrecision(3)));

  const box = root.querySelector(".ox-panels"), readout = root.querySelector(".ox-readout");
  const inputs = Array.from(root.querySelectorAll("input[type=range]"));
  const outputs = Array.from(root.querySelectorAll("output"));
  function index() {
    let k = 0;
    inputs.forEach((input, i) => { k = k * spec.shape[i] + Number(input.value); });
    return k;
  }
  function draw() {
    const k = index();
    inputs.forEach((input, i) => {
      const shown = fmt(spec.sliders[i].values[Number(input.value)]);
      outputs[i].textContent = shown;
      input.setAttribute("aria-valuetext", shown);  // a screen reader hears the value
    });
    box.innerHTML = "";
    spec.panels.forEach((panel, p) => {
      const rows = panel.labels.filter(label => label).length, h = H + (rows ? ROW * rows + 6 : 0);
      const svg = el("svg", {viewBox: `0 0 ${W} ${h}`, width: W, height: h, role: "img"}, box);
      const id = `${root.id}-clip-${p}`;
      const cp = el("clipPath", {id: id}, el("defs", {}, svg));
      el("rect", {x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b}, cp);
      svg.setAttribute("aria-label", (panel.kind === "paths" ? drawPaths : drawCurves)(svg, panel, k, `url(#${id})`));
    });
    readout.textContent = spec.readout ? spec.readout[k] : "";
    root.dataset.index = k;
  }
  inputs.forEach(input => input.addEventListener("input", draw));
  draw();
})(document.getElementById("__ID__"), __SPEC__);
