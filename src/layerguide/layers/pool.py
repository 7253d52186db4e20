"""Max pooling (``torch.nn.MaxPool2d``): the largest value of each window.

The window's taps are compared block by block in :class:`~layerguide.layers._pool_taps.MaxTaps`,
which also records which tap won (for the indices and the backward pass).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.layers._base import Module
from layerguide.layers._checks import Shape, check_rank, conv_out_size, pair
from layerguide.layers._pool_taps import MaxTaps

__all__ = ["MaxPool2d"]


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
            raise ArgumentError(
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
                raise ArgumentError(
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
        _, _, ho, wo = out_shape = self.output_shape(x.shape)
        taps = MaxTaps(self.kernel_size, self.stride, self.padding, self.dilation,
                       (x.shape[2], x.shape[3]), (ho, wo))  # fmt: skip
        best, arg = taps.maximum(x)  # (N, C, H_out, W_out) each: the maximum, and which tap
        self.save_for_backward(out_shape, arg=arg, taps=taps)
        if not self.return_indices:
            return best
        return best, taps.indices(arg)  # flat index row·W + col in the input plane

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self.saved_for_backward(grad_out)
        return saved["taps"].send_back(grad_out, saved["arg"])  # (N, C, H, W)
