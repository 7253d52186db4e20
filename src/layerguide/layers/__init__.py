"""Teaching layers in NumPy: forward, backward and shape arithmetic, checked against torch.

Every layer mirrors the torch layer of the same name (constructor, defaults,
initialisation, weight layout) and has three methods:

- ``layer(x)`` — the forward pass (NCHW for the 2-D layers; float32/float64 kept);
- ``layer.backward(grad_out)`` — returns the input gradient, fills ``param.grad``;
- ``layer.output_shape(input_shape)`` — the output shape, with the same checks as
  ``forward`` but no computation, so it works for inputs too large for memory.

>>> from layerguide.layers import Conv2d, Flatten, Linear, ReLU, Sequential
>>> model = Sequential(Conv2d(3, 16, 5, stride=5), ReLU(), Flatten(), Linear(16 * 216 * 384, 1))
>>> model.output_shape((1, 3, 1080, 1920))
(1, 1)
>>> sum(p.numel() for p in model.parameters())
1328321
"""

from layerguide.layers._base import Module, Parameter, manual_seed
from layerguide.layers.activation import ReLU, Sigmoid
from layerguide.layers.container import Flatten, Sequential
from layerguide.layers.conv import Conv2d
from layerguide.layers.conv_transpose import ConvTranspose2d
from layerguide.layers.linear import Linear
from layerguide.layers.loss import BCELoss, Loss, MSELoss
from layerguide.layers.optim import SGD
from layerguide.layers.pool import MaxPool2d
from layerguide.layers.unpool import MaxUnpool2d
from layerguide.layers.upsample import Upsample

__all__ = [
    "SGD",
    "BCELoss",
    "Conv2d",
    "ConvTranspose2d",
    "Flatten",
    "Linear",
    "Loss",
    "MSELoss",
    "MaxPool2d",
    "MaxUnpool2d",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Upsample",
    "manual_seed",
]
