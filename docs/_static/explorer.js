/* The autoencoder explorer of layerguide (docs/_ext/explorer.py writes its markup).
 *
 * The trained autoencoders of chapters 5 and 6 run here, in plain JavaScript:
 * - pure functions for the forward pass (conv2d, maxPool2d with ceil_mode and torch's tie
 *   rule, batchNorm in eval mode, exact erf GELU, the three upsamplings, convTranspose2d,
 *   linear) and for the input (prepareDrawing, MNIST's preprocessing). Under node they are
 *   exported with module.exports; tests/docs/test_explorer_js.py compares every
 *   intermediate with PyTorch;
 * - the page part, which wires every [data-explorer="autoencoder"] element to them.
 *
 * The weights come from window.layerguideExplorerData, a script that the build writes once
 * for both languages (layerguide.autoencoder.export). Nothing is loaded from another host;
 * works from file://. All words come from the page's JSON payload.
 */
(function (root) {
  "use strict";

  // ------------------------------------------------------------------ weights

  /* IEEE 754 half precision (16 bits) to a number. */
  function halfToFloat(h) {
    var sign = h & 0x8000 ? -1 : 1;
    var exp = (h >> 10) & 0x1f;
    var frac = h & 0x3ff;
    if (exp === 0) return sign * frac * Math.pow(2, -24);
    if (exp === 31) return frac ? NaN : sign * Infinity;
    return sign * (1 + frac / 1024) * Math.pow(2, exp - 15);
  }

  /* Base85 text (Python's base64.b85encode: 5 characters for 4 bytes, big-endian) to
   * `size` bytes. */
  var B85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
  function base85Bytes(text, size) {
    var table = new Int32Array(128);
    for (var c = 0; c < B85.length; c++) table[B85.charCodeAt(c)] = c;
    var out = new Uint8Array((text.length / 5) * 4);
    for (var i = 0, o = 0; i < text.length; i += 5, o += 4) {
      var v = 0;
      for (var k = 0; k < 5; k++) v = v * 85 + table[text.charCodeAt(i + k)];
      out[o] = v >>> 24;
      out[o + 1] = (v >>> 16) & 255;
      out[o + 2] = (v >>> 8) & 255;
      out[o + 3] = v & 255;
    }
    return out.subarray(0, size);
  }

  /* zlib-inflate with the browser's DecompressionStream (no library). */
  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (buf) { return new Uint8Array(buf); });
  }

  /* The packed weights (every low byte, then every high byte, zlib, base85) as float32. */
  function decodeWeights(data) {
    return inflate(base85Bytes(data.weights, data.packed)).then(function (bytes) {
      var n = data.count;
      if (bytes.length !== 2 * n) throw new Error("explorer: weights have the wrong size");
      var table = new Float32Array(65536);
      for (var h = 0; h < 65536; h++) table[h] = halfToFloat(h);
      var out = new Float32Array(n);
      for (var i = 0; i < n; i++) out[i] = table[bytes[i] | (bytes[n + i] << 8)];
      return out;
    });
  }

  /* name -> {shape, data} for one model, views into the flat weights. */
  function modelTensors(data, weights, name) {
    var out = {};
    var spec = data.models[name].tensors;
    Object.keys(spec).forEach(function (key) {
      var offset = spec[key][0];
      var shape = spec[key][1];
      var size = shape.reduce(function (a, b) { return a * b; }, 1);
      out[key] = { shape: shape, data: weights.subarray(offset, offset + size) };
    });
    return out;
  }

  // ------------------------------------------------------------------ layers
  // A tensor is {shape, data}: shape without the batch dimension ([C, H, W] or [N]),
  // data a Float64Array in row-major order.

  function tensor(shape) {
    var size = shape.reduce(function (a, b) { return a * b; }, 1);
    return { shape: shape, data: new Float64Array(size) };
  }

  /* torch.nn.functional.conv2d for one image; weight (O, C, k, k). As im2col and a matrix
   * product: each output position's input patch (C·k·k values, zeros in the padding) is
   * gathered once, then dotted with each filter (long inner loops run fast in JavaScript). */
  function conv2d(x, weight, bias, stride, padding, dilation) {
    var C = x.shape[0], H = x.shape[1], W = x.shape[2];
    var O = weight.shape[0], k = weight.shape[2];
    var d = dilation || 1, s = stride, p = padding;
    var Ho = Math.floor((H + 2 * p - d * (k - 1) - 1) / s) + 1;
    var Wo = Math.floor((W + 2 * p - d * (k - 1) - 1) / s) + 1;
    var Q = C * k * k, P = Ho * Wo;
    var cols = new Float64Array(P * Q); // (Ho·Wo, C·k·k)
    var xd = x.data, wd = weight.data;
    for (var i = 0; i < Ho; i++) {
      for (var j = 0; j < Wo; j++) {
        var base = (i * Wo + j) * Q;
        for (var c = 0; c < C; c++) {
          for (var ki = 0; ki < k; ki++) {
            var ii = i * s - p + ki * d;
            if (ii < 0 || ii >= H) continue;
            for (var kj = 0; kj < k; kj++) {
              var jj = j * s - p + kj * d;
              if (jj >= 0 && jj < W) cols[base + (c * k + ki) * k + kj] = xd[(c * H + ii) * W + jj];
            }
          }
        }
      }
    }
    var out = tensor([O, Ho, Wo]);
    var od = out.data;
    for (var o = 0; o < O; o++) {
      var wBase = o * Q, b = bias ? bias.data[o] : 0;
      for (var q = 0; q < P; q++) {
        var sum = 0, cBase = q * Q;
        for (var r = 0; r < Q; r++) sum += wd[wBase + r] * cols[cBase + r];
        od[o * P + q] = sum + b;
      }
    }
    return out;
  }

  /* torch.nn.functional.conv_transpose2d for one image; weight (C, O, k, k). As a matrix
   * product and col2im: each input position's C values times the weights give its O·k·k
   * contributions, which are added into the output where they land. */
  function convTranspose2d(x, weight, bias, stride, padding, outputPadding) {
    var C = x.shape[0], H = x.shape[1], W = x.shape[2];
    var O = weight.shape[1], k = weight.shape[2];
    var s = stride, p = padding;
    var Ho = (H - 1) * s - 2 * p + (k - 1) + outputPadding + 1;
    var Wo = (W - 1) * s - 2 * p + (k - 1) + outputPadding + 1;
    var R = O * k * k;
    if (!weight.byRow) { // (O·k·k, C): one contiguous row of C weights per contribution
      weight.byRow = new Float64Array(R * C);
      for (var c = 0; c < C; c++) {
        for (var r = 0; r < R; r++) weight.byRow[r * C + c] = weight.data[c * R + r];
      }
    }
    var wt = weight.byRow, xd = x.data;
    var xs = new Float64Array(C);
    var out = tensor([O, Ho, Wo]);
    var od = out.data;
    for (var o = 0; o < O; o++) {
      if (bias) od.fill(bias.data[o], o * Ho * Wo, (o + 1) * Ho * Wo);
    }
    for (var i = 0; i < H; i++) {
      for (var j = 0; j < W; j++) {
        for (c = 0; c < C; c++) xs[c] = xd[(c * H + i) * W + j];
        for (o = 0; o < O; o++) {
          for (var ki = 0; ki < k; ki++) {
            var ii = i * s - p + ki;
            if (ii < 0 || ii >= Ho) continue;
            for (var kj = 0; kj < k; kj++) {
              var jj = j * s - p + kj;
              if (jj < 0 || jj >= Wo) continue;
              var row = ((o * k + ki) * k + kj) * C, sum = 0;
              for (c = 0; c < C; c++) sum += wt[row + c] * xs[c];
              od[(o * Ho + ii) * Wo + jj] += sum;
            }
          }
        }
      }
    }
    return out;
  }

  /* Output size of torch's pooling (pooling_output_shape): with ceil_mode, a last window
   * must still start inside the input or its left padding. */
  function poolSize(n, k, s, p, ceil) {
    var size = Math.floor((n + 2 * p - (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
    if (ceil && (size - 1) * s >= n + p) size -= 1;
    return size;
  }

  /* torch.nn.functional.max_pool2d(..., return_indices=True) for one image. Torch's CPU
   * rule: scan the window row by row and keep a value if it is greater than the best so
   * far (or NaN), so among equal values the first one wins. Indices are flat positions
   * in the H × W input. */
  function maxPool2d(x, k, s, p, ceil) {
    var C = x.shape[0], H = x.shape[1], W = x.shape[2];
    var Ho = poolSize(H, k, s, p, ceil), Wo = poolSize(W, k, s, p, ceil);
    var out = tensor([C, Ho, Wo]);
    var idx = new Int32Array(C * Ho * Wo);
    for (var c = 0; c < C; c++) {
      for (var i = 0; i < Ho; i++) {
        var h0 = i * s - p, h1 = Math.min(h0 + k, H);
        h0 = Math.max(h0, 0);
        for (var j = 0; j < Wo; j++) {
          var w0 = j * s - p, w1 = Math.min(w0 + k, W);
          w0 = Math.max(w0, 0);
          var best = -Infinity, at = h0 * W + w0;
          for (var ii = h0; ii < h1; ii++) {
            for (var jj = w0; jj < w1; jj++) {
              var v = x.data[(c * H + ii) * W + jj];
              if (v > best || v !== v) { best = v; at = ii * W + jj; }
            }
          }
          out.data[(c * Ho + i) * Wo + j] = best;
          idx[(c * Ho + i) * Wo + j] = at;
        }
      }
    }
    return { out: out, indices: idx };
  }

  /* BatchNorm2d in eval mode: the running statistics, not the batch's. */
  function batchNorm(x, weight, bias, mean, variance, eps) {
    var C = x.shape[0], n = x.data.length / C;
    var out = tensor(x.shape.slice());
    for (var c = 0; c < C; c++) {
      var scale = (weight ? weight.data[c] : 1) / Math.sqrt(variance.data[c] + eps);
      var shift = (bias ? bias.data[c] : 0) - mean.data[c] * scale;
      for (var q = 0; q < n; q++) out.data[c * n + q] = x.data[c * n + q] * scale + shift;
    }
    return out;
  }

  /* erfc(x) for x >= 0: the power series of erf below 2.5, the continued fraction above;
   * about 1e-15 everywhere (tests compare with float64 torch). */
  function erfc(x) {
    if (x < 2.5) {
      var term = x, sum = x, x2 = x * x;
      for (var n = 1; n < 80; n++) {
        term *= -x2 / n;
        var add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      }
      return 1 - (2 / Math.sqrt(Math.PI)) * sum;
    }
    var f = x;
    for (var m = 60; m >= 1; m--) f = x + (m / 2) / f;
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }

  function erf(x) {
    return x >= 0 ? 1 - erfc(x) : erfc(-x) - 1;
  }

  /* GELU, the exact form: x · Φ(x) = x/2 · (1 + erf(x/√2)) = x/2 · erfc(−x/√2). */
  function geluValue(x) {
    var z = x / Math.SQRT2;
    return z >= 0 ? 0.5 * x * (2 - erfc(z)) : 0.5 * x * erfc(-z);
  }

  function gelu(x) {
    var out = tensor(x.shape.slice());
    for (var q = 0; q < x.data.length; q++) out.data[q] = geluValue(x.data[q]);
    return out;
  }

  /* ×2 upsampling, cropped to size: repeat (nearest), top-left corner (bed_of_nails) or
   * back where the encoder's pooling found the maximum (max_unpool, with its indices). */
  function upsample(x, mode, size, indices) {
    var C = x.shape[0], H = x.shape[1], W = x.shape[2];
    var out = tensor([C, size, size]);
    for (var c = 0; c < C; c++) {
      var base = c * size * size;
      if (mode === "max_unpool") {
        for (var q = 0; q < H * W; q++) out.data[base + indices[c * H * W + q]] = x.data[c * H * W + q];
        continue;
      }
      for (var i = 0; i < size; i++) {
        for (var j = 0; j < size; j++) {
          var v = x.data[(c * H + (i >> 1)) * W + (j >> 1)];
          if (mode === "bed_of_nails" && (i % 2 || j % 2)) v = 0;
          out.data[base + i * size + j] = v;
        }
      }
    }
    return out;
  }

  /* torch.nn.functional.linear for one vector; weight (out, in). */
  function linear(x, weight, bias) {
    var O = weight.shape[0], I = weight.shape[1];
    var out = tensor([O]);
    for (var o = 0; o < O; o++) {
      var sum = bias ? bias.data[o] : 0;
      for (var q = 0; q < I; q++) sum += weight.data[o * I + q] * x.data[q];
      out.data[o] = sum;
    }
    return out;
  }

  /* Run a model's steps (layerguide.autoencoder.program) on one 784-pixel input. Returns
   * every step's output; .indices holds the poolings' indices. */
  function forward(steps, tensors, pixels) {
    var x = { shape: [1, 28, 28], data: Float64Array.from(pixels) };
    var slots = {};
    var outs = [];
    steps.forEach(function (step) {
      var a = step.args, t = step.tensors;
      var get = function (role) { return t[role] ? tensors[t[role]] : null; };
      switch (step.op) {
        case "conv2d":
          x = conv2d(x, get("weight"), get("bias"), a.stride, a.padding, a.dilation); break;
        case "conv_transpose2d":
          x = convTranspose2d(x, get("weight"), get("bias"), a.stride, a.padding,
            a.output_padding); break;
        case "max_pool2d": {
          var pooled = maxPool2d(x, a.kernel, a.stride, a.padding, a.ceil_mode);
          slots[a.slot] = pooled.indices;
          x = pooled.out; break;
        }
        case "batch_norm":
          x = batchNorm(x, get("weight"), get("bias"), get("mean"), get("var"), a.eps); break;
        case "gelu": x = gelu(x); break;
        case "upsample": x = upsample(x, a.mode, a.size, slots[a.slot]); break;
        case "flatten": x = { shape: [x.data.length], data: x.data }; break;
        case "linear": x = linear(x, get("weight"), get("bias")); break;
        case "reshape": x = { shape: a.shape.slice(1), data: x.data }; break;
        default: throw new Error("explorer: unknown step " + step.op);
      }
      outs.push(x);
    });
    outs.indices = slots;
    return outs;
  }

  function sigmoid(v) {
    return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
  }

  /* Mean binary cross-entropy of sigmoid(logits) against the pixels, computed from the
   * logits as torch's binary_cross_entropy_with_logits does (the chapters' test BCE). */
  function bce(logits, pixels) {
    var sum = 0;
    for (var q = 0; q < pixels.length; q++) {
      var z = logits[q];
      sum += Math.max(z, 0) - z * pixels[q] + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return sum / pixels.length;
  }

  /* Inclusive input range [a, b] seen by output position i (clipped to 0 … size − 1). */
  function fieldWindow(geometry, i, size) {
    var start = i * geometry.jump - geometry.offset;
    return [Math.max(start, 0), Math.min(start + geometry.rf - 1, size - 1)];
  }

  /* MNIST's preprocessing of a drawing (ink values in [0, 1], rows × cols, any size): crop
   * to the ink, shrink into a 20 × 20 box keeping the aspect ratio (each box pixel the
   * mean of the drawing pixels that fall in it), then place the box in 28 × 28 so that
   * its centre of mass lands on the centre (14, 14), rounded to whole pixels. Returns 784
   * float32 values (as numbers). */
  function prepareDrawing(ink, rows, cols) {
    var out = new Float64Array(784);
    var r0 = rows, r1 = -1, c0 = cols, c1 = -1;
    for (var r = 0; r < rows; r++) {
      for (var c = 0; c < cols; c++) {
        if (ink[r * cols + c] > 0) {
          if (r < r0) r0 = r;
          if (r > r1) r1 = r;
          if (c < c0) c0 = c;
          if (c > c1) c1 = c;
        }
      }
    }
    if (r1 < 0) return out;
    var bh = r1 - r0 + 1, bw = c1 - c0 + 1;
    var f = 20 / Math.max(bh, bw);
    var th = Math.max(1, Math.min(20, Math.round(bh * f)));
    var tw = Math.max(1, Math.min(20, Math.round(bw * f)));
    var sum = new Float64Array(th * tw), count = new Float64Array(th * tw);
    for (r = 0; r < bh; r++) {
      var tr = Math.floor((r * th) / bh);
      for (c = 0; c < bw; c++) {
        var q = tr * tw + Math.floor((c * tw) / bw);
        sum[q] += ink[(r0 + r) * cols + c0 + c];
        count[q] += 1;
      }
    }
    var mass = 0, my = 0, mx = 0;
    for (q = 0; q < th * tw; q++) {
      sum[q] = Math.min(1, sum[q] / count[q]);
      mass += sum[q];
      my += sum[q] * Math.floor(q / tw);
      mx += sum[q] * (q % tw);
    }
    var oy = Math.round(14 - my / mass), ox = Math.round(14 - mx / mass);
    oy = Math.min(Math.max(oy, 0), 28 - th);
    ox = Math.min(Math.max(ox, 0), 28 - tw);
    for (r = 0; r < th; r++) {
      for (c = 0; c < tw; c++) out[(oy + r) * 28 + ox + c] = Math.fround(sum[r * tw + c]);
    }
    return out;
  }

  /* A test digit's pixels: its 0-255 grey levels / 255 in float32, as MNIST's loader. */
  function digitPixels(levels) {
    return Float64Array.from(levels, function (v) { return Math.fround(v / 255); });
  }

  function shapeText(shape) {
    return "(" + shape.join(", ") + (shape.length === 1 ? ",)" : ")");
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  var api = {
    halfToFloat: halfToFloat, decodeWeights: decodeWeights, modelTensors: modelTensors,
    conv2d: conv2d, convTranspose2d: convTranspose2d, maxPool2d: maxPool2d, poolSize: poolSize,
    batchNorm: batchNorm, erf: erf, gelu: gelu, geluValue: geluValue, upsample: upsample,
    linear: linear, forward: forward, sigmoid: sigmoid, bce: bce, fieldWindow: fieldWindow,
    prepareDrawing: prepareDrawing, digitPixels: digitPixels, shapeText: shapeText,
    format: format,
  };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
    return;
  }
  root.layerguideExplorerCore = api;
  if (typeof document === "undefined") return;

  // ------------------------------------------------------------------ the page

  var SCALE = 4; // CSS pixels per cell of every map: widths are to scale
  var DRAW = 280; // the drawing canvas, 10 drawing pixels per MNIST pixel
  var PEN = 20; // stroke width on the drawing canvas

  function numbers(data) {
    return Array.prototype.map.call(data, function (v) { return String(v); }).join(",");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Paint values on a canvas of rows × cols cells: grey (0 white, 1 black) or signed
   * (0 white, positive blue, negative orange, scaled by `limit`). */
  function paint(canvas, values, rows, cols, limit, scale) {
    canvas.width = cols;
    canvas.height = rows;
    canvas.style.width = cols * (scale || SCALE) + "px";
    canvas.style.height = rows * (scale || SCALE) + "px";
    var g = canvas.getContext("2d");
    var img = g.createImageData(cols, rows);
    for (var q = 0; q < rows * cols; q++) {
      var v = q < values.length ? values[q] : 0;
      var rgb;
      if (limit === undefined) {
        var grey = Math.round(255 * (1 - Math.min(Math.max(v, 0), 1)));
        rgb = [grey, grey, grey];
      } else {
        var t = limit > 0 ? Math.min(Math.abs(v) / limit, 1) : 0;
        var to = v >= 0 ? [31, 78, 156] : [192, 80, 31];
        rgb = to.map(function (end) { return Math.round(255 + (end - 255) * t); });
      }
      img.data.set([rgb[0], rgb[1], rgb[2], q < values.length ? 255 : 0], 4 * q);
    }
    g.putImageData(img, 0, 0);
  }

  function Explorer(root, shared) {
    this.root = root;
    this.shared = shared;
    this.page = JSON.parse(root.querySelector("script[data-explorer-data]").textContent);
    this.t = this.page.strings;
    this.q = function (sel) { return root.querySelector(sel); };
    this.decoder = this.q('select[name="decoder"]').value;
    this.cell = null; // {step, c, i, j}
    this.showAll = {};
    this.motion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  }

  Explorer.prototype.start = function () {
    var self = this;
    return decodeWeights(this.shared).then(function (weights) {
      self.models = {};
      Object.keys(self.shared.models).forEach(function (name) {
        self.models[name] = {
          steps: self.shared.models[name].steps,
          tensors: modelTensors(self.shared, weights, name),
        };
      });
      self.bind();
      self.chooseDigit();
      self.root.querySelector('[data-output="status"]').textContent = "";
      self.root.setAttribute("data-ready", "true");
    });
  };

  Explorer.prototype.bind = function () {
    var self = this;
    this.q('select[name="digit"]').addEventListener("change", function () { self.chooseDigit(); });
    this.q('select[name="decoder"]').addEventListener("change", function (event) {
      self.decoder = event.target.value;
      self.update(false);
    });
    this.q('button[name="clear"]').addEventListener("click", function () { self.clearDrawing(); });
    var canvas = this.q('canvas[data-input="draw"]');
    canvas.width = DRAW;
    canvas.height = DRAW;
    this.pen = canvas.getContext("2d");
    this.clearDrawing(true);
    var drawing = null;
    var point = function (event) {
      var box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * (DRAW / box.width),
        (event.clientY - box.top) * (DRAW / box.height)];
    };
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      drawing = point(event);
      self.stroke(drawing, drawing);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var next = point(event);
      self.stroke(drawing, next);
      drawing = next;
    });
    var up = function () {
      if (!drawing) return;
      drawing = null;
      self.fromDrawing();
    };
    canvas.addEventListener("pointerup", up);
    canvas.addEventListener("pointercancel", up);
  };

  Explorer.prototype.stroke = function (a, b) {
    var g = this.pen;
    g.strokeStyle = "#000";
    g.lineWidth = PEN;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.beginPath();
    g.moveTo(a[0], a[1]);
    g.lineTo(b[0] + 0.01, b[1]);
    g.stroke();
  };

  Explorer.prototype.clearDrawing = function (quiet) {
    this.pen.clearRect(0, 0, DRAW, DRAW);
    if (quiet) return;
    this.chooseDigit();
  };

  Explorer.prototype.fromDrawing = function () {
    var pixels = this.pen.getImageData(0, 0, DRAW, DRAW).data;
    var ink = new Float64Array(DRAW * DRAW);
    for (var q = 0; q < ink.length; q++) ink[q] = pixels[4 * q + 3] / 255;
    this.input = prepareDrawing(ink, DRAW, DRAW);
    this.source = "draw";
    this.update(true);
  };

  Explorer.prototype.chooseDigit = function () {
    var index = Number(this.q('select[name="digit"]').value);
    var digit = this.shared.digits.filter(function (d) { return d.index === index; })[0];
    this.input = digitPixels(digit.levels);
    this.source = "digit";
    this.pen.clearRect(0, 0, DRAW, DRAW);
    this.update(true);
  };

  /* Run the chosen decoder's model; `compare` also runs the other four. */
  Explorer.prototype.run = function (name) {
    var model = this.models[name];
    var t0 = performance.now();
    var outs = forward(model.steps, model.tensors, this.input);
    var ms = performance.now() - t0;
    var logits = outs[outs.length - 1].data;
    return { outs: outs, ms: ms, logits: logits, loss: bce(logits, this.input) };
  };

  Explorer.prototype.update = function (inputChanged) {
    var result = this.run(this.decoder);
    this.root.setAttribute("data-pass-ms", result.ms.toFixed(1));
    this.showInput();
    this.showResult(result);
    this.showLayers(result.outs);
    if (inputChanged || !this.compared) this.compare(result);
  };

  Explorer.prototype.showInput = function () {
    var out = this.q('[data-output="input"]');
    out.setAttribute("data-values", numbers(this.input));
    paint(out.querySelector("canvas"), this.input, 28, 28, undefined, 2 * SCALE);
    out.querySelector("figcaption").textContent =
      this.source === "draw" ? this.t.input_drawn : this.t.input_digit;
  };

  Explorer.prototype.showResult = function (result) {
    var recon = result.logits.map(sigmoid);
    var out = this.q('[data-output="reconstruction"]');
    out.setAttribute("data-values", numbers(recon));
    paint(out.querySelector("canvas"), recon, 28, 28, undefined, 2 * SCALE);
    var loss = this.q('[data-output="bce"]');
    loss.setAttribute("data-value", String(result.loss));
    loss.textContent = format(this.t.bce, { value: result.loss.toFixed(4) });
    var steps = this.models[this.decoder].steps;
    var codeAt = steps.findIndex(function (s) { return s.args.code; });
    var code = result.outs[codeAt];
    var codeEl = this.q('[data-output="code"]');
    codeEl.setAttribute("data-values", numbers(code.data));
    this.maps(codeEl.querySelector(".lg-ex-maps"), code, code.shape[0], null, 3 * SCALE);
  };

  /* Draw the first `n` channel maps of a tensor into `box` (one canvas each). */
  Explorer.prototype.maps = function (box, x, n, stepIndex, scale) {
    box.textContent = "";
    var limit = 0;
    for (var q = 0; q < x.data.length; q++) limit = Math.max(limit, Math.abs(x.data[q]));
    var flat = x.shape.length === 1;
    var rows = flat ? Math.ceil(x.shape[0] / 32) : x.shape[1];
    var cols = flat ? Math.min(x.shape[0], 32) : x.shape[2];
    var per = flat ? x.shape[0] : rows * cols;
    for (var c = 0; c < (flat ? 1 : n); c++) {
      var fig = el("div", { class: "lg-ex-map", "data-channel": String(c) });
      var canvas = el("canvas", { "aria-hidden": "true" });
      paint(canvas, x.data.subarray(c * per, (c + 1) * per), rows, cols, limit, scale);
      fig.appendChild(canvas);
      if (stepIndex !== null) fig.appendChild(el("span", { class: "lg-ex-cell", hidden: "" }));
      box.appendChild(fig);
    }
  };

  Explorer.prototype.showLayers = function (outs) {
    var self = this;
    var steps = this.models[this.decoder].steps;
    var lists = { encoder: this.q('[data-output="encoder"]'), decoder: this.q('[data-output="decoder"]') };
    lists.encoder.textContent = "";
    lists.decoder.textContent = "";
    var limit = this.page.first_channels;
    steps.forEach(function (step, k) {
      var x = outs[k];
      var channels = x.shape.length === 1 ? 1 : x.shape[0];
      var shown = self.showAll[k] ? channels : Math.min(channels, limit);
      var encoder = step.part === "encoder";
      var node = el("div", {
        class: "lg-ex-layer", "data-layer": String(k), "data-name": step.name,
        "data-shape": shapeText(step.shape), "data-part": step.part,
      });
      var title = el("div", { class: "lg-ex-layer-title" });
      title.appendChild(el("code", {}, step.name));
      title.appendChild(document.createTextNode(" " + self.kindText(step) + " "));
      title.appendChild(el("span", { class: "lg-ex-shape" }, shapeText(step.shape)));
      node.appendChild(title);
      var box = el("div", { class: "lg-ex-maps" });
      node.appendChild(box);
      self.maps(box, x, shown, encoder ? k : null);
      if (channels > limit) {
        var more = el("button", { type: "button", "data-action": "all",
          "aria-expanded": self.showAll[k] ? "true" : "false" },
        format(self.showAll[k] ? self.t.show_first : self.t.show_all,
          { n: self.showAll[k] ? limit : channels }));
        more.addEventListener("click", function () {
          self.showAll[k] = !self.showAll[k];
          self.update(false);
          var again = self.root.querySelector('[data-layer="' + k + '"] [data-action="all"]');
          if (again) again.focus();
        });
        node.appendChild(more);
      }
      if (encoder) {
        var size = x.shape[1];
        node.setAttribute("tabindex", "0");
        node.setAttribute("role", "group");
        node.setAttribute("aria-label", format(self.t.layer_label,
          { name: step.name, shape: shapeText(step.shape) }));
        node.setAttribute("aria-describedby", self.root.id + "-field " + self.root.id + "-keys");
        node.setAttribute("aria-keyshortcuts", "ArrowUp ArrowDown ArrowLeft ArrowRight PageUp PageDown");
        box.addEventListener("click", function (event) {
          var map = event.target.closest(".lg-ex-map");
          if (!map) return;
          var canvas = map.querySelector("canvas");
          var r = canvas.getBoundingClientRect();
          var i = Math.floor(((event.clientY - r.top) / r.height) * size);
          var j = Math.floor(((event.clientX - r.left) / r.width) * size);
          self.choose(k, Number(map.getAttribute("data-channel")), i, j);
          node.focus({ preventScroll: true });
        });
        node.addEventListener("keydown", function (event) { self.key(event, k, channels, size); });
      }
      lists[step.part].appendChild(node);
    });
    if (this.cell) this.choose(this.cell.step, this.cell.c, this.cell.i, this.cell.j);
  };

  Explorer.prototype.kindText = function (step) {
    if (step.op === "upsample") return this.t["up_" + step.args.mode];
    if (step.op === "reshape") return this.t.reshape;
    return step.kind;
  };

  Explorer.prototype.key = function (event, k, channels, size) {
    var cell = this.cell && this.cell.step === k ? this.cell : { c: 0, i: 0, j: 0 };
    var c = cell.c, i = cell.i, j = cell.j;
    var fresh = !(this.cell && this.cell.step === k);
    switch (event.key) {
      case "ArrowUp": i -= fresh ? 0 : 1; break;
      case "ArrowDown": i += fresh ? 0 : 1; break;
      case "ArrowLeft": j -= fresh ? 0 : 1; break;
      case "ArrowRight": j += fresh ? 0 : 1; break;
      case "PageUp": c -= fresh ? 0 : 1; break;
      case "PageDown": c += fresh ? 0 : 1; break;
      default: return;
    }
    event.preventDefault();
    c = Math.min(Math.max(c, 0), channels - 1);
    i = Math.min(Math.max(i, 0), size - 1);
    j = Math.min(Math.max(j, 0), size - 1);
    if (c >= this.page.first_channels && !this.showAll[k]) {
      this.showAll[k] = true;
      this.cell = { step: k, c: c, i: i, j: j };
      this.update(false);
      this.root.querySelector('[data-layer="' + k + '"]').focus();
      return;
    }
    this.choose(k, c, i, j);
  };

  /* Choose cell (c, i, j) of encoder step k: mark it, light up its field in the input. */
  Explorer.prototype.choose = function (k, c, i, j) {
    var step = this.models[this.decoder].steps[k];
    this.cell = { step: k, c: c, i: i, j: j };
    var reduce = this.motion && this.motion.matches;
    Array.prototype.forEach.call(this.root.querySelectorAll("[data-cell]"), function (node) {
      node.removeAttribute("data-cell");
    });
    Array.prototype.forEach.call(this.root.querySelectorAll(".lg-ex-cell"), function (mark) {
      mark.hidden = true;
    });
    var node = this.root.querySelector('[data-layer="' + k + '"]');
    node.setAttribute("data-cell", c + "," + i + "," + j);
    var map = node.querySelector('[data-channel="' + c + '"]');
    if (map) {
      var mark = map.querySelector(".lg-ex-cell");
      mark.hidden = false;
      mark.style.left = j * SCALE + "px";
      mark.style.top = i * SCALE + "px";
      mark.style.width = mark.style.height = SCALE + "px";
      if (map.scrollIntoView) {
        map.scrollIntoView({ block: "nearest", inline: "nearest", behavior: reduce ? "auto" : "smooth" });
      }
    }
    var rows = fieldWindow(step.geometry, i, 28), cols = fieldWindow(step.geometry, j, 28);
    var field = this.q('[data-output="field"]');
    field.setAttribute("data-rows", rows.join(","));
    field.setAttribute("data-cols", cols.join(","));
    field.textContent = format(this.t.field, {
      name: step.name, c: c, i: i, j: j, r0: rows[0], r1: rows[1], c0: cols[0], c1: cols[1],
      h: rows[1] - rows[0] + 1, w: cols[1] - cols[0] + 1,
      th: step.trace_field[0], tw: step.trace_field[1],
    });
    var box = this.q('[data-output="input"] .lg-ex-field');
    box.hidden = false;
    box.style.top = rows[0] * 2 * SCALE + "px";
    box.style.left = cols[0] * 2 * SCALE + "px";
    box.style.height = (rows[1] - rows[0] + 1) * 2 * SCALE + "px";
    box.style.width = (cols[1] - cols[0] + 1) * 2 * SCALE + "px";
  };

  /* Every decoder's reconstruction of the same input, side by side (after the main one). */
  Explorer.prototype.compare = function () {
    var self = this;
    this.compared = true;
    var input = this.input;
    window.setTimeout(function () {
      if (self.input !== input) return;
      Object.keys(self.models).forEach(function (name) {
        var result = self.run(name);
        var fig = self.root.querySelector('[data-compare="' + name + '"]');
        var recon = result.logits.map(sigmoid);
        fig.setAttribute("data-values", numbers(recon));
        fig.setAttribute("data-bce", String(result.loss));
        paint(fig.querySelector("canvas"), recon, 28, 28);
        fig.querySelector("[data-bce-text]").textContent =
          format(self.t.bce, { value: result.loss.toFixed(4) });
      });
      self.root.setAttribute("data-compared", "true");
    }, 0);
  };

  function init() {
    var roots = document.querySelectorAll('[data-explorer="autoencoder"]');
    Array.prototype.forEach.call(roots, function (node) {
      var status = node.querySelector('[data-output="status"]');
      var shared = root.layerguideExplorerData;
      var strings = JSON.parse(node.querySelector("script[data-explorer-data]").textContent).strings;
      if (!shared || typeof DecompressionStream === "undefined") {
        status.textContent = shared ? strings.no_decompression : strings.no_weights;
        return;
      }
      var explorer = new Explorer(node, shared);
      node.layerguideExplorer = explorer;
      explorer.start().catch(function (error) {
        status.textContent = format(strings.failed, { error: String(error) });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})(typeof window !== "undefined" ? window : this);
