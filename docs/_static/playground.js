/* The convolution playground of layerguide (docs/_ext/conv_playground.py writes its markup).
 *
 * Two parts:
 * - pure functions (outputShape, convolve2d, axisTaps, format) that mirror layerguide's
 *   Conv2d, MaxPool2d and ConvTranspose2d. Under node they are exported with
 *   module.exports, and tests/docs/test_playground_rules.py compares them with Python;
 * - the page part, which wires every [data-playground="conv"] element to them.
 *
 * No library, nothing from another host; works from file://.
 */
(function (root) {
  "use strict";

  // ------------------------------------------------------------------ shape rules

  // Smallest value each argument takes (as layerguide.layers._base.check_int).
  var MINIMUM = {
    height: 1, width: 1, kernel: 1, stride: 1, padding: 0, dilation: 1, output_padding: 0,
  };
  // The order in which each layer's constructor checks its arguments.
  var ARGS = {
    conv: ["kernel", "stride", "padding", "dilation"],
    pool: ["kernel", "stride", "padding", "dilation"],
    transpose: ["kernel", "stride", "padding", "output_padding", "dilation"],
  };
  var AXES = [["H", "height"], ["W", "width"]];

  function isInt(v) {
    return typeof v === "number" && Number.isInteger(v);
  }

  function checkArg(name, value) {
    if (!isInt(value)) return { rule: "integer", arg: name };
    if (value < MINIMUM[name]) return { rule: "minimum", arg: name, min: MINIMUM[name] };
    return null;
  }

  /* Conv2d / MaxPool2d along one axis: floor((n + 2p - d(k-1) - 1) / s) + 1,
   * refused when the dilated kernel does not fit in the padded input. */
  function convAxis(axis, n, k, s, p, d) {
    var span = d * (k - 1) + 1;
    var padded = n + 2 * p;
    if (span > padded) {
      return { error: { rule: "kernel_too_large", axis: axis, n: n, k: k, p: p, d: d,
        span: span, padded: padded } };
    }
    return { size: Math.floor((padded - span) / s) + 1 };
  }

  /* MaxPool2d refuses a window whose every tap lies in the padding (only the first
   * windows, those that start in the padding, can be such). */
  function emptyWindow(axis, n, k, s, p, d, nOut) {
    for (var o = 0; o < nOut; o++) {
      var start = o * s - p;
      if (start >= 0) return null;
      var taps = [];
      var touches = false;
      for (var j = 0; j < k; j++) {
        var t = start + j * d;
        taps.push(t);
        if (t >= 0 && t < n) touches = true;
      }
      if (!touches) {
        return { rule: "empty_window", axis: axis, window: o, taps: taps, n: n, k: k, p: p,
          d: d };
      }
    }
    return null;
  }

  /* ConvTranspose2d along one axis: (m - 1)s - 2p + d(k-1) + output_padding + 1 > 0. */
  function transposeAxis(axis, m, k, s, p, op, d) {
    var full = (m - 1) * s + d * (k - 1) + op + 1;
    if (full - 2 * p <= 0) {
      return { error: { rule: "transpose_empty", axis: axis, n: m, k: k, s: s, p: p, op: op,
        d: d, full: full, crop: 2 * p } };
    }
    return { size: full - 2 * p };
  }

  /* The output size of `mode` ("conv", "pool" or "transpose") for settings `st`
   * ({height, width, kernel, stride, padding, dilation, output_padding}), checked in the
   * same order as the Python layers: {ok: true, h, w} or {ok: false, error: {rule, ...}}. */
  function outputShape(mode, st) {
    var args = ARGS[mode];
    if (!args) throw new Error("unknown mode " + mode);
    var fail = function (error) { return { ok: false, error: error }; };
    var i;
    for (i = 0; i < args.length; i++) {
      var e = checkArg(args[i], st[args[i]]);
      if (e) return fail(e);
    }
    var k = st.kernel, s = st.stride, p = st.padding, d = st.dilation;
    if (mode === "pool" && p > Math.floor(k / 2)) {
      return fail({ rule: "pool_padding", axis: "H", k: k, p: p, half: Math.floor(k / 2) });
    }
    var op = st.output_padding;
    if (mode === "transpose" && op >= s && op >= d) {
      return fail({ rule: "output_padding", axis: "H", op: op, s: s, d: d });
    }
    for (i = 0; i < AXES.length; i++) {
      var bad = checkArg(AXES[i][1], st[AXES[i][1]]);
      if (bad) return fail(bad);
    }
    var sizes = [];
    for (i = 0; i < AXES.length; i++) {
      var n = st[AXES[i][1]];
      var r = mode === "transpose"
        ? transposeAxis(AXES[i][0], n, k, s, p, op, d)
        : convAxis(AXES[i][0], n, k, s, p, d);
      if (r.error) return fail(r.error);
      sizes.push(r.size);
    }
    if (mode === "pool") {
      for (i = 0; i < AXES.length; i++) {
        var empty = emptyWindow(AXES[i][0], st[AXES[i][1]], k, s, p, d, sizes[i]);
        if (empty) return fail(empty);
      }
    }
    return { ok: true, h: sizes[0], w: sizes[1] };
  }

  /* Along one axis: the input indices output cell `o` depends on.
   * conv / pool: the window's taps o·s − p + j·d (indices outside [0, n) are padding);
   * transpose: every input m with m·s + j·d − p = o for some tap j (never padding). */
  function axisTaps(mode, o, n, k, s, p, d) {
    var taps = [];
    var j;
    if (mode === "transpose") {
      for (j = 0; j < k; j++) {
        var q = o + p - j * d;
        if (q >= 0 && q % s === 0 && q / s < n) taps.push(q / s);
      }
      return taps.sort(function (a, b) { return a - b; });
    }
    for (j = 0; j < k; j++) taps.push(o * s - p + j * d);
    return taps;
  }

  /* Cross-correlation of an h × w image with a kh × kw kernel (both flat, row-major), zero
   * padding on each side, as Conv2d(1, 1, (kh, kw), stride, padding, bias=False). */
  function convolve2d(image, h, w, kernel, kh, kw, stride, padding) {
    var ho = Math.floor((h + 2 * padding - kh) / stride) + 1;
    var wo = Math.floor((w + 2 * padding - kw) / stride) + 1;
    if (!(ho > 0 && wo > 0)) return null;
    var out = new Float64Array(ho * wo);
    for (var r = 0; r < ho; r++) {
      for (var c = 0; c < wo; c++) {
        var acc = 0;
        for (var i = 0; i < kh; i++) {
          var y = r * stride - padding + i;
          if (y < 0 || y >= h) continue;
          for (var j = 0; j < kw; j++) {
            var x = c * stride - padding + j;
            if (x < 0 || x >= w) continue;
            acc += image[y * w + x] * kernel[i * kw + j];
          }
        }
        out[r * wo + c] = acc;
      }
    }
    return { h: ho, w: wo, data: out };
  }

  /* "{name}" fields of `template` filled from `values`. */
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  /* The message for an error of outputShape (or of the page's range check). */
  function describe(error, strings, limits) {
    var v = {};
    Object.keys(error).forEach(function (key) { v[key] = error[key]; });
    if (error.axis) v.axis = strings["axis_" + error.axis];
    if (error.taps) v.taps = error.taps.join(", ");
    if (error.rule === "integer") {
      return format(strings.err_integer, { label: strings[error.arg] });
    }
    if (error.rule === "minimum" || error.rule === "range") {
      var lim = limits[error.arg];
      return format(strings.err_range, { label: strings[error.arg], min: lim[0], max: lim[1] });
    }
    return format(strings["err_" + error.rule], v);
  }

  var api = {
    MINIMUM: MINIMUM,
    outputShape: outputShape,
    axisTaps: axisTaps,
    convolve2d: convolve2d,
    format: format,
    describe: describe,
  };

  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.layerguidePlayground = api;
  }
  if (typeof document === "undefined") return;

  // ------------------------------------------------------------------ the page

  var SHAPE_FIELDS = ["height", "width", "kernel", "stride", "padding", "dilation",
    "output_padding"];
  var COLORS = {
    cell: "#ffffff", pad: "#d4d4d4", line: "#8a8a8a", tap: "#3b78e7", tapPad: "#9bb9f0",
    chosen: "#f29d38",
  };
  var CANVAS_PX = 320; // largest side of a grid drawing, in CSS pixels
  var PLAY_MS = 700;

  function parseInteger(text) {
    var t = String(text).trim();
    return /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
  }

  function parseNumber(text) {
    var t = String(text).trim().replace(/\u2212/g, "-");
    var frac = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*\/\s*(\d+\.?\d*|\.\d+)$/.exec(t);
    if (frac) {
      var q = Number(frac[1]) / Number(frac[2]);
      return isFinite(q) ? q : NaN;
    }
    return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
  }

  function shortNumber(v) {
    return String(Number(v.toPrecision(4)));
  }

  function decodeFloat32(b64) {
    var bin = atob(b64);
    var view = new DataView(new ArrayBuffer(bin.length));
    for (var i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
    var out = new Float32Array(bin.length / 4);
    for (var j = 0; j < out.length; j++) out[j] = view.getFloat32(4 * j, true);
    return out;
  }

  /* Size a canvas for rows × cols cells; returns the cell size in CSS pixels. */
  function sizeCanvas(canvas, rows, cols, maxPx) {
    var cell = Math.max(1, Math.min(26, Math.floor(maxPx / Math.max(rows, cols))));
    var ratio = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
    var wCss = cols * cell + 1;
    var hCss = rows * cell + 1;
    canvas.width = Math.round(wCss * ratio);
    canvas.height = Math.round(hCss * ratio);
    canvas.style.width = wCss + "px"; // the height follows (CSS height: auto keeps the ratio)
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return { ctx: ctx, cell: cell, rows: rows, cols: cols };
  }

  function drawGrid(g, colorAt) {
    var ctx = g.ctx, cell = g.cell;
    for (var r = 0; r < g.rows; r++) {
      for (var c = 0; c < g.cols; c++) {
        ctx.fillStyle = colorAt(r, c);
        ctx.fillRect(c * cell, r * cell, cell, cell);
      }
    }
    if (cell < 5) return;
    ctx.strokeStyle = COLORS.line;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (var i = 0; i <= g.rows; i++) {
      ctx.moveTo(0, i * cell + 0.5);
      ctx.lineTo(g.cols * cell + 1, i * cell + 0.5);
    }
    for (var j = 0; j <= g.cols; j++) {
      ctx.moveTo(j * cell + 0.5, 0);
      ctx.lineTo(j * cell + 0.5, g.rows * cell + 1);
    }
    ctx.stroke();
  }

  function Playground(el) {
    this.el = el;
    var data = JSON.parse(el.querySelector("script[data-playground-data]").textContent);
    this.t = data.strings;
    this.limits = data.limits;
    this.start = data.start;
    this.kernels = data.kernels;
    this.photo = data.photo;
    this.photoValues = null;
    this.chosen = { r: 0, c: 0 };
    this.shape = null;
    this.timer = null;
    this.q = function (sel) { return el.querySelector(sel); };
    this.control = function (name) { return el.querySelector('[name="' + name + '"]'); };
    this.motion = typeof window.matchMedia === "function"
      ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
    this.bind();
    this.update();
    if (this.q('[data-form="gallery"]')) {
      this.setPreset(this.control("preset").value);
      this.updateGallery();
    }
  }

  Playground.prototype.bind = function () {
    var self = this;
    var onEdit = function (event) {
      var target = event.target;
      if (!target || !target.name) return;
      if (target.closest('[data-form="gallery"]')) {
        if (target.name === "preset") {
          if (target.value !== "custom") self.setPreset(target.value);
        } else if (/^k\d\d$/.test(target.name)) {
          self.control("preset").value = "custom";
        }
        self.updateGallery();
        return;
      }
      if (target.name === "mode" && event.type === "change") self.stop();
      self.update();
    };
    this.el.addEventListener("input", onEdit);
    this.el.addEventListener("change", onEdit);
    Array.prototype.forEach.call(this.el.querySelectorAll("form"), function (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    });
    this.q('[data-action="prev"]').addEventListener("click", function () { self.step(-1); });
    this.q('[data-action="next"]').addEventListener("click", function () { self.step(1); });
    this.q('[data-action="play"]').addEventListener("click", function () { self.togglePlay(); });
    var out = this.q('[data-canvas="output"]');
    out.addEventListener("click", function (event) {
      if (!self.shape) return;
      var box = out.getBoundingClientRect();
      var c = Math.floor(((event.clientX - box.left) / box.width) * self.shape.w);
      var r = Math.floor(((event.clientY - box.top) / box.height) * self.shape.h);
      self.choose(r, c);
    });
    out.addEventListener("keydown", function (event) {
      if (!self.shape) return;
      var moves = {
        ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
      };
      var r = self.chosen.r, c = self.chosen.c;
      if (moves[event.key]) {
        r += moves[event.key][0];
        c += moves[event.key][1];
      } else if (event.key === "Home") {
        r = 0; c = 0;
      } else if (event.key === "End") {
        r = self.shape.h - 1; c = self.shape.w - 1;
      } else {
        return;
      }
      event.preventDefault();
      self.choose(r, c);
    });
    if (this.motion) {
      var changed = function () { self.updateMotion(); };
      if (this.motion.addEventListener) this.motion.addEventListener("change", changed);
    }
  };

  Playground.prototype.updateMotion = function () {
    var reduce = !!(this.motion && this.motion.matches);
    var play = this.q('[data-action="play"]');
    if (reduce) this.stop();
    play.disabled = reduce || !this.shape;
    this.q('[data-output="motion-note"]').hidden = !reduce;
  };

  /* The settings from the controls, or a range error naming the control. */
  Playground.prototype.read = function (mode) {
    var st = {};
    for (var i = 0; i < SHAPE_FIELDS.length; i++) {
      var name = SHAPE_FIELDS[i];
      if (name === "output_padding" && mode !== "transpose") {
        st[name] = 0;
        continue;
      }
      var value = parseInteger(this.control(name).value);
      if (isNaN(value)) return { error: { rule: "integer", arg: name } };
      var lim = this.limits[name];
      if (value < lim[0] || value > lim[1]) return { error: { rule: "range", arg: name } };
      st[name] = value;
    }
    return { settings: st };
  };

  Playground.prototype.update = function () {
    var mode = this.control("mode").value;
    this.el.setAttribute("data-mode", mode);
    this.q('[data-field="output_padding"]').hidden = mode !== "transpose";
    var got = this.read(mode);
    var result = got.error ? { ok: false, error: got.error } : outputShape(mode, got.settings);
    var shapeEl = this.q('[data-output="shape"]');
    var errorEl = this.q('[data-output="error"]');
    this.mode = mode;
    this.settings = got.settings || null;
    this.shape = result.ok ? { h: result.h, w: result.w } : null;
    this.q('[data-action="prev"]').disabled = !result.ok;
    this.q('[data-action="next"]').disabled = !result.ok;
    this.updateMotion();
    if (!result.ok) {
      this.stop();
      shapeEl.setAttribute("data-h", "");
      shapeEl.setAttribute("data-w", "");
      shapeEl.textContent = this.t.no_shape;
      errorEl.textContent = describe(result.error, this.t, this.limits);
      errorEl.hidden = false;
      this.q('[data-output="formula"]').textContent = this.formula(mode, null);
      this.q('[data-output="position"]').textContent = "";
      this.clearCanvases();
      return;
    }
    shapeEl.setAttribute("data-h", String(result.h));
    shapeEl.setAttribute("data-w", String(result.w));
    shapeEl.textContent = format(this.t.shape_value, result);
    errorEl.textContent = "";
    errorEl.hidden = true;
    this.q('[data-output="formula"]').textContent = this.formula(mode, this.settings);
    this.choose(this.chosen.r, this.chosen.c);
  };

  Playground.prototype.formula = function (mode, st) {
    var general = mode === "transpose"
      ? "H_out = (H − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1"
      : "H_out = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1";
    if (!st) return general;
    var lines = [general];
    var sizes = [this.shape.h, this.shape.w];
    ["height", "width"].forEach(function (name, i) {
      var n = st[name];
      var axis = i === 0 ? "H" : "W";
      var filled = mode === "transpose"
        ? "(" + n + " − 1)·" + st.stride + " − 2·" + st.padding + " + " + st.dilation +
          "·(" + st.kernel + " − 1) + " + st.output_padding + " + 1"
        : "⌊(" + n + " + 2·" + st.padding + " − " + st.dilation + "·(" + st.kernel +
          " − 1) − 1) / " + st.stride + "⌋ + 1";
      lines.push(axis + "_out = " + filled + " = " + sizes[i]);
    });
    return lines.join("\n");
  };

  Playground.prototype.clearCanvases = function () {
    var self = this;
    ["input", "output"].forEach(function (name) {
      var g = sizeCanvas(self.q('[data-canvas="' + name + '"]'), 1, 1, 24);
      g.ctx.clearRect(0, 0, 30, 30);
    });
    this.q('[data-canvas="output"]').setAttribute("aria-label", this.t.no_shape);
    this.q('[data-canvas="input"]').setAttribute("aria-label", this.t.no_shape);
  };

  Playground.prototype.choose = function (r, c) {
    if (!this.shape) return;
    this.chosen = {
      r: Math.max(0, Math.min(this.shape.h - 1, r)),
      c: Math.max(0, Math.min(this.shape.w - 1, c)),
    };
    this.draw();
  };

  Playground.prototype.step = function (delta) {
    if (!this.shape) return;
    var total = this.shape.h * this.shape.w;
    var index = (this.chosen.r * this.shape.w + this.chosen.c + delta + total) % total;
    this.choose(Math.floor(index / this.shape.w), index % this.shape.w);
  };

  Playground.prototype.togglePlay = function () {
    if (this.timer !== null) {
      this.stop();
      return;
    }
    if (!this.shape || (this.motion && this.motion.matches)) return;
    var self = this;
    this.timer = window.setInterval(function () { self.step(1); }, PLAY_MS);
    var play = this.q('[data-action="play"]');
    play.textContent = this.t.pause;
    play.setAttribute("aria-pressed", "true");
  };

  Playground.prototype.stop = function () {
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
    var play = this.q('[data-action="play"]');
    play.textContent = this.t.play;
    play.setAttribute("aria-pressed", "false");
  };

  Playground.prototype.describeTaps = function (taps, n) {
    var inside = taps.filter(function (t) { return t >= 0 && t < n; });
    var pad = taps.length - inside.length;
    if (!inside.length) {
      return pad ? format(this.t.only_padding, { pad: pad }) : "";
    }
    var contiguous = inside.every(function (t, i) { return i === 0 || t === inside[i - 1] + 1; });
    var cells = contiguous && inside.length > 2
      ? inside[0] + "–" + inside[inside.length - 1] : inside.join(", ");
    return pad ? format(this.t.with_padding, { cells: cells, pad: pad }) : cells;
  };

  Playground.prototype.draw = function () {
    var st = this.settings, mode = this.mode, t = this.t;
    var k = st.kernel, s = st.stride, p = st.padding, d = st.dilation;
    var rowsTaps = axisTaps(mode, this.chosen.r, st.height, k, s, p, d);
    var colsTaps = axisTaps(mode, this.chosen.c, st.width, k, s, p, d);
    var pad = mode === "transpose" ? 0 : st.padding;
    var inRows = st.height + 2 * pad, inCols = st.width + 2 * pad;
    var tapRow = {}, tapCol = {};
    rowsTaps.forEach(function (v) { tapRow[v + pad] = true; });
    colsTaps.forEach(function (v) { tapCol[v + pad] = true; });
    var inCanvas = this.q('[data-canvas="input"]');
    var gIn = sizeCanvas(inCanvas, inRows, inCols, CANVAS_PX);
    drawGrid(gIn, function (r, c) {
      var isPad = r < pad || c < pad || r >= pad + st.height || c >= pad + st.width;
      if (tapRow[r] && tapCol[c]) return isPad ? COLORS.tapPad : COLORS.tap;
      return isPad ? COLORS.pad : COLORS.cell;
    });
    inCanvas.setAttribute("aria-label", format(t.input_label, { h: inRows, w: inCols }));
    this.q('[data-output="input-caption"]').textContent =
      mode === "transpose" ? t.input_transpose : t.input_conv;
    var chosen = this.chosen;
    var outCanvas = this.q('[data-canvas="output"]');
    var gOut = sizeCanvas(outCanvas, this.shape.h, this.shape.w, CANVAS_PX);
    drawGrid(gOut, function (r, c) {
      return r === chosen.r && c === chosen.c ? COLORS.chosen : COLORS.cell;
    });
    var place = { r: chosen.r, c: chosen.c, h: this.shape.h, w: this.shape.w };
    outCanvas.setAttribute("aria-label", format(t.output_label, place));
    var text;
    if (mode === "transpose" && (!rowsTaps.length || !colsTaps.length)) {
      text = format(t.position_empty, place);
    } else {
      text = format(mode === "transpose" ? t.position_transpose : t.position_conv, {
        r: chosen.r, c: chosen.c,
        rows: this.describeTaps(rowsTaps, st.height),
        cols: this.describeTaps(colsTaps, st.width),
      });
    }
    this.q('[data-output="position"]').textContent = text;
  };

  // ------------------------------------------------------------------ kernel gallery

  Playground.prototype.setPreset = function (name) {
    var kernel = this.kernels[name];
    if (!kernel) return;
    for (var r = 0; r < 3; r++) {
      for (var c = 0; c < 3; c++) this.control("k" + r + c).value = shortNumber(kernel[r][c]);
    }
  };

  /* The kernel in use: the preset's exact numbers, or the typed ones. */
  Playground.prototype.galleryKernel = function () {
    var name = this.control("preset").value;
    var flat = [];
    if (name !== "custom" && this.kernels[name]) {
      this.kernels[name].forEach(function (row) { flat.push.apply(flat, row); });
      return { kernel: flat };
    }
    for (var r = 0; r < 3; r++) {
      for (var c = 0; c < 3; c++) {
        var v = parseNumber(this.control("k" + r + c).value);
        if (isNaN(v)) return { error: format(this.t.err_kernel_value, { r: r + 1, c: c + 1 }) };
        flat.push(v);
      }
    }
    return { kernel: flat };
  };

  Playground.prototype.updateGallery = function () {
    var t = this.t;
    var outEl = this.q('[data-output="gallery"]');
    var errEl = this.q('[data-output="gallery-error"]');
    if (!this.photoValues) {
      this.photoValues = decodeFloat32(this.photo.float32);
      var gPhoto = this.paint(this.q('[data-canvas="photo"]'), this.photoValues,
        this.photo.h, this.photo.w, 0, 1);
      gPhoto.setAttribute("aria-label", format(t.photo_caption, this.photo));
      this.q('[data-output="photo-caption"]').textContent = format(t.photo_caption, this.photo);
    }
    var k = this.galleryKernel();
    var settings = {};
    var problem = k.error || null;
    var self = this;
    ["gallery_stride", "gallery_padding"].forEach(function (name) {
      if (problem) return;
      var v = parseInteger(self.control(name).value);
      var lim = self.limits[name];
      if (isNaN(v)) problem = format(t.err_integer, { label: t[name] });
      else if (v < lim[0] || v > lim[1]) {
        problem = format(t.err_range, { label: t[name], min: lim[0], max: lim[1] });
      }
      settings[name] = v;
    });
    var result = problem ? null : convolve2d(this.photoValues, this.photo.h, this.photo.w,
      k.kernel, 3, 3, settings.gallery_stride, settings.gallery_padding);
    var resultCanvas = this.q('[data-canvas="result"]');
    var rangeEl = this.q('[data-output="gallery-range"]');
    if (!result) {
      outEl.setAttribute("data-h", "");
      outEl.setAttribute("data-w", "");
      outEl.textContent = "";
      outEl.layerguideValues = null;
      outEl.layerguideKernel = null;
      errEl.textContent = problem;
      errEl.hidden = false;
      rangeEl.textContent = "";
      resultCanvas.getContext("2d").clearRect(0, 0, resultCanvas.width, resultCanvas.height);
      return;
    }
    errEl.textContent = "";
    errEl.hidden = true;
    var lo = Infinity, hi = -Infinity, sum = 0;
    for (var i = 0; i < result.data.length; i++) {
      lo = Math.min(lo, result.data[i]);
      hi = Math.max(hi, result.data[i]);
    }
    k.kernel.forEach(function (v) { sum += v; });
    var signed = Math.abs(sum) < 1e-6;
    var bound = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    this.paint(resultCanvas, result.data, result.h, result.w,
      signed ? -bound : 0, signed ? bound : 1);
    outEl.setAttribute("data-h", String(result.h));
    outEl.setAttribute("data-w", String(result.w));
    outEl.layerguideValues = result.data;
    outEl.layerguideKernel = k.kernel.slice();
    outEl.textContent = format(t.result_caption, {
      s: settings.gallery_stride, p: settings.gallery_padding, h: result.h, w: result.w,
    });
    resultCanvas.setAttribute("aria-label", format(t.result_label, result));
    rangeEl.textContent = format(t.range_note, {
      min: shortNumber(lo), max: shortNumber(hi), how: signed ? t.show_signed : t.show_clip,
    });
  };

  /* Draw values as grey levels, vmin → black, vmax → white (clipped). */
  Playground.prototype.paint = function (canvas, values, h, w, vmin, vmax) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = w * 4 + "px";
    var ctx = canvas.getContext("2d");
    var img = ctx.createImageData(w, h);
    for (var i = 0; i < h * w; i++) {
      var g = Math.round(255 * Math.max(0, Math.min(1, (values[i] - vmin) / (vmax - vmin))));
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = g;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    return canvas;
  };

  function init() {
    var roots = document.querySelectorAll('[data-playground="conv"]');
    Array.prototype.forEach.call(roots, function (el) {
      if (!el.layerguidePlayground) el.layerguidePlayground = new Playground(el);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})(this);
