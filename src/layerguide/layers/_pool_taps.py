"""Pooling taps: max pooling compares whole blocks tap by tap in the stride-phase layout
(:func:`~layerguide.layers._im2col.split_phases`) and records the winning tap with integer
arithmetic instead of boolean indexing. :class:`MaxTaps` puts it together for
:class:`~layerguide.layers.MaxPool2d`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.layers._im2col import Pair, merge_phases, split_phases

__all__ = ["MaxTaps", "set_where", "valid_block"]


def set_where(a: NDArray[np.integer], value: int, mask: NDArray[np.bool_]) -> None:
    """``a[mask] = value`` in place, as ``a += (value - a) * mask`` — many times faster
    than boolean indexing when the mask is dense (exact in integer arithmetic)."""
    d = np.subtract(value, a, dtype=a.dtype)
    d *= mask
    a += d


def valid_block(n: int, n_out: int, s: int, offset: int) -> tuple[slice, int, slice] | None:
    """Along one axis, the outputs whose tap reads row ``o·s + offset`` inside [0, n).

    Returns the output slice, and where those rows sit in the stride-phase layout:
    row ``R`` is phase ``R % s``, position ``R // s``.
    """
    rows = np.arange(n_out) * s + offset
    ok = np.flatnonzero((rows >= 0) & (rows < n))
    if ok.size == 0:
        return None
    first = int(rows[ok[0]])
    return slice(ok[0], ok[-1] + 1), first % s, slice(first // s, first // s + ok.size)


class MaxTaps:
    """The taps (i, j) of a max-pooling window, each as one block of the stride-phase layout.

    A tap reads input row ``y·s + i·d − p`` for output row ``y``; the outputs whose tap
    falls inside the image form a rectangle, and the rows it reads one contiguous block of
    a stride phase. So the maximum is kH·kW block-wise ``np.maximum`` calls, and the
    winning tap of every window is one small integer (``arg``), from which
    :meth:`indices` makes torch's indices and :meth:`send_back` routes the gradient.
    """

    def __init__(
        self, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, in_hw: Pair, out_hw: Pair
    ) -> None:
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation
        self.in_hw, self.out_hw = in_hw, out_hw
        (kh, kw), (sh, sw), (ph, pw), (dh, dw), (h, w), (ho, wo) = (
            kernel, stride, padding, dilation, in_hw, out_hw
        )  # fmt: skip
        #: (t, output block, phase block) for every tap t = i·kW + j that reads the image
        self.taps: list[tuple[int, Any, Any]] = []
        for i in range(kh):
            rows = valid_block(h, ho, sh, i * dh - ph)
            for j in range(kw):
                cols = valid_block(w, wo, sw, j * dw - pw)
                if rows is None or cols is None:
                    continue
                (o_r, phase_r, q_r), (o_c, phase_c, q_c) = rows, cols
                self.taps.append((i * kw + j, (o_r, o_c), (phase_r, phase_c, q_r, q_c)))

    def maximum(self, x: NDArray[np.floating]) -> tuple[NDArray[np.floating], NDArray[np.integer]]:
        """The maximum of every window and which tap holds it (``kH·kW`` if none does).

        Ties go to the first tap in reading order and NaN wins, the last NaN of a window
        giving the index, as in torch on CPU.
        """
        n, c = x.shape[:2]
        phases = split_phases(x, self.stride)  # (N, C, sH, sW, ceil(H/sH), ceil(W/sW))
        best = np.full((n, c, *self.out_hw), -np.inf, dtype=x.dtype)  # (N, C, H_out, W_out)
        for _, out_block, in_block in self.taps:
            b = best[(..., *out_block)]
            np.maximum(b, phases[(..., *in_block)], out=b)  # NaN wins, as in torch
        n_taps = self.kernel[0] * self.kernel[1]
        arg: NDArray[np.integer] = np.full(
            best.shape, n_taps, dtype=np.uint8 if n_taps < 255 else np.int32
        )
        # The first tap holding the maximum wins: walk backwards, earlier ones overwrite.
        for t, out_block, in_block in reversed(self.taps):
            at = (..., *out_block)
            set_where(arg[at], t, phases[(..., *in_block)] == best[at])
        if np.isnan(best).any():  # torch keeps the *last* NaN of a window
            for t, out_block, in_block in self.taps:
                set_where(arg[(..., *out_block)], t, np.isnan(phases[(..., *in_block)]))
        return best, arg

    def indices(self, arg: NDArray[Any]) -> NDArray[np.int64]:
        """torch's indices: the flat position ``row·W + col`` of each maximum in its plane."""
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (
            self.kernel, self.stride, self.padding, self.dilation
        )  # fmt: skip
        w, (ho, wo) = self.in_hw[1], self.out_hw
        corner = (np.arange(ho) * sh - ph)[:, None] * w + (np.arange(wo) * sw - pw)
        offset = np.array([i * dh * w + j * dw for i in range(kh) for j in range(kw)] + [0])
        idx = corner + offset[arg]  # (N, C, H_out, W_out), int64
        never = arg == kh * kw  # every value was -inf: torch points at the first valid one
        if never.any():
            first = _first_valid(ho, sh, ph, dh)[:, None] * w + _first_valid(wo, sw, pw, dw)
            idx = np.where(never, first, idx)
        return idx.astype(np.int64, copy=False)

    def send_back(self, grad_out: NDArray[np.floating], arg: NDArray[Any]) -> NDArray[np.floating]:
        """(N, C, H_out, W_out) → (N, C, H, W): each gradient to its window's maximum."""
        n, c = grad_out.shape[:2]
        (h, w), (sh, sw) = self.in_hw, self.stride
        grad_phases = np.zeros((n, c, sh, sw, -(-h // sh), -(-w // sw)), dtype=grad_out.dtype)
        finite = bool(np.isfinite(grad_out).all())  # then g·won is exact, and much faster
        tmp = np.empty_like(grad_out)
        for t, out_block, in_block in self.taps:
            won = arg[(..., *out_block)] == t  # windows whose maximum is tap t
            g, sent = grad_out[(..., *out_block)], tmp[(..., *out_block)]
            if finite:
                np.multiply(g, won, out=sent)
            else:
                np.copyto(sent, np.where(won, g, 0))
            grad_phases[(..., *in_block)] += sent  # overlapping windows add up
        return merge_phases(grad_phases, (h, w))


def _first_valid(out_len: int, stride: int, padding: int, dilation: int) -> NDArray[np.intp]:
    """Per output row: the first input row inside the image (where torch starts its index)."""
    start = np.arange(out_len) * stride - padding
    skip = np.where(start < 0, -(start // dilation), 0)  # taps that fall in the padding
    return start + skip * dilation
