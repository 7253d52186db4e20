"""Max pooling (``torch.nn.MaxPool2d``): the largest value of each window."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.layers._base import Module
from layerguide.layers._checks import LayerValueError, Shape, check_rank, conv_out_size, pair
from layerguide.layers._fast import merge_phases, set_where, split_phases, valid_block

__all__ = ["MaxPool2d"]


def _first_valid(out_len: int, stride: int, padding: int, dilation: int) -> NDArray[np.intp]:
    """Per output row: the first input row inside the image (where torch starts its index)."""
    start = np.arange(out_len) * stride - padding
    skip = np.where(start < 0, -(start // dilation), 0)  # taps that fall in the padding
    return start + skip * dilation


def _check_no_empty_window(
    name: str, axis: str, n: int, k: int, s: int, p: int, d: int, n_out: int
) -> None:
    """Refuse a window whose every tap falls in the padding (only possible with dilation).

    torch returns -inf there with an index outside the plane, and its backward then writes
    into a neighbouring plane; we would rather say so. Only the first few windows (those
    that start inside the padding) can be empty, so this loop is short.
    """
    for o in range(n_out):
        start = o * s - p
        if start >= 0:
            return
        if not any(0 <= start + j * d < n for j in range(k)):
            raise LayerValueError(
                f"{name}: window {o} along {axis} lies entirely in the padding "
                f"({axis}={n}, kernel_size={k}, padding={p}, dilation={d}: its taps are at "
                f"{[start + j * d for j in range(k)]})"
            )


class MaxPool2d(Module):
    """2-D max pooling, like ``torch.nn.MaxPool2d``: keep the largest value of each window.

    The window slides like a convolution's, but has no weights: it keeps the maximum.
    Padding counts as −∞ (it never wins). With ``return_indices=True`` the layer also
    returns *where* each maximum came from — the flat index ``row * W + col`` inside its
    own (H, W) input plane, exactly as torch defines it — which :class:`MaxUnpool2d` needs.
    When several values tie, the first one in reading order wins (as in torch on CPU).

    See https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html.

    Shape
    -----
    - Input: (N, C, H, W)
    - Output: (N, C, H_out, W_out) with
      ``H_out = floor((H + 2·padding - dilation·(k - 1) - 1) / stride) + 1``;
      indices have the same shape (int64).

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; default ``kernel_size`` (windows do not overlap).
    padding : int or (int, int), default 0
        −∞ added on each side; at most ``kernel_size // 2`` (torch's rule).
    dilation : int or (int, int), default 1
        Spacing between the window's taps.
    return_indices : bool, default False
        Also return the indices of the maxima.

    Attributes
    ----------
    kernel_size, stride, padding, dilation : (int, int)
        Stored as pairs.

    Examples
    --------
    >>> x = np.array([[[[1.0, 5.0, 2.0, 0.0],
    ...                 [3.0, 4.0, 8.0, 1.0]]]])
    >>> out, idx = MaxPool2d(2, return_indices=True)(x)
    >>> out
    array([[[[5., 8.]]]])
    >>> idx
    array([[[[1, 6]]]])
    >>> MaxPool2d(2).output_shape((8, 16, 28, 28))
    (8, 16, 14, 14)
    """

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        dilation: int | tuple[int, int] = 1,
        return_indices: bool = False,
    ) -> None:
        name = type(self).__name__
        self.kernel_size = pair(name, "kernel_size", kernel_size, 1)
        self.stride = self.kernel_size if stride is None else pair(name, "stride", stride, 1)
        self.padding = pair(name, "padding", padding, 0)
        self.dilation = pair(name, "dilation", dilation, 1)
        for axis, k, p in zip("HW", self.kernel_size, self.padding, strict=True):
            if p > k // 2:
                raise LayerValueError(
                    f"{name}: padding {p} must be at most half the kernel_size "
                    f"({axis}: kernel_size // 2 = {k} // 2 = {k // 2})"
                )
        self.return_indices = bool(return_indices)

    torch_class = "MaxPool2d"

    def torch_arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        args = (self.kernel_size, self.stride, self.padding, self.dilation)
        return args, {"return_indices": self.return_indices}

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import window_field

        return window_field(f, shape_in, self.kernel_size, self.stride, self.dilation)

    def extra_repr(self) -> str:
        s = f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.return_indices:
            s += ", return_indices=True"
        return s

    def output_shape(self, input_shape: Shape) -> Shape:
        name = type(self).__name__
        n, c, h, w = check_rank(name, input_shape, 4, "(N, C, H, W)")
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
        )
        ho = conv_out_size(name, "H", h, kh, sh, ph, dh)
        wo = conv_out_size(name, "W", w, kw, sw, pw, dw)
        for axis, m, k, s, p, d, m_out in (
            ("H", h, kh, sh, ph, dh, ho),
            ("W", w, kw, sw, pw, dw, wo),
        ):
            _check_no_empty_window(name, axis, m, k, s, p, d, m_out)
        return (n, c, ho, wo)

    def forward(self, x: Any) -> Any:
        out_shape = self.output_shape(x.shape)
        ho, wo = out_shape[2:]
        h, w = x.shape[2:]
        kh, kw = self.kernel_size
        # The input split by stride phase, so that every tap reads contiguous rows.
        phases = split_phases(x, self.stride)  # (N, C, sH, sW, ceil(H/sH), ceil(W/sW))
        taps = self._taps(h, w, ho, wo)
        best = np.full(out_shape, -np.inf, dtype=x.dtype)  # (N, C, H_out, W_out)
        for _, out_block, in_block in taps:
            b = best[(..., *out_block)]
            np.maximum(b, phases[(..., *in_block)], out=b)  # NaN wins, as in torch
        # Which tap won: the first one (in reading order) that holds the maximum, as in
        # torch — so walk the taps backwards and let earlier ones overwrite later ones.
        n_taps = kh * kw
        arg = np.full(out_shape, n_taps, dtype=np.uint8 if n_taps < 255 else np.int32)
        for t, out_block, in_block in reversed(taps):
            set_where(
                arg[(..., *out_block)], t, phases[(..., *in_block)] == best[(..., *out_block)]
            )
        if np.isnan(best).any():  # torch keeps the *last* NaN of a window
            for t, out_block, in_block in taps:
                set_where(arg[(..., *out_block)], t, np.isnan(phases[(..., *in_block)]))
        self.save_for_backward(out_shape, arg=arg, taps=taps, in_shape=x.shape)
        if not self.return_indices:
            return best
        return best, self._indices(arg, h, w, ho, wo)

    def _taps(self, h: int, w: int, ho: int, wo: int) -> list[tuple[int, Any, Any]]:
        """For every tap (i, j) of the window: the output block where it lies inside the
        image (a rectangle) and where it reads in the stride-phase layout."""
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
        )
        taps = []
        for i in range(kh):
            rows = valid_block(h, ho, sh, i * dh - ph)
            for j in range(kw):
                cols = valid_block(w, wo, sw, j * dw - pw)
                if rows is None or cols is None:
                    continue
                (o_r, phase_r, q_r), (o_c, phase_c, q_c) = rows, cols
                taps.append((i * kw + j, (o_r, o_c), (phase_r, phase_c, q_r, q_c)))
        return taps

    def _indices(
        self, arg: NDArray[np.integer], h: int, w: int, ho: int, wo: int
    ) -> NDArray[np.int64]:
        """torch's indices: the flat position ``row * W + col`` of each maximum in its plane."""
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
        )
        corner = (np.arange(ho) * sh - ph)[:, None] * w + (np.arange(wo) * sw - pw)
        offset = np.array([i * dh * w + j * dw for i in range(kh) for j in range(kw)] + [0])
        idx = corner + offset[arg]  # (N, C, H_out, W_out), int64
        never = arg == kh * kw  # every value was -inf: torch points at the first valid one
        if never.any():
            first = _first_valid(ho, sh, ph, dh)[:, None] * w + _first_valid(wo, sw, pw, dw)
            idx = np.where(never, first, idx)
        return idx.astype(np.int64, copy=False)

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self.saved_for_backward(grad_out)
        n, c, h, w = saved["in_shape"]
        arg = saved["arg"]
        sh, sw = self.stride
        hq, wq = -(-h // sh), -(-w // sw)
        grad_phases = np.zeros((n, c, sh, sw, hq, wq), dtype=grad_out.dtype)
        finite = bool(np.isfinite(grad_out).all())  # then g·won is exact, and much faster
        tmp = np.empty_like(grad_out)
        for t, out_block, in_block in saved["taps"]:
            won = arg[(..., *out_block)] == t  # windows whose maximum is tap t
            g, sent = grad_out[(..., *out_block)], tmp[(..., *out_block)]
            if finite:
                np.multiply(g, won, out=sent)
            else:
                np.copyto(sent, np.where(won, g, 0))
            grad_phases[(..., *in_block)] += sent  # overlapping windows add up
        return merge_phases(grad_phases, (h, w))
