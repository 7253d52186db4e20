r"""
합성곱: 스트라이드, 패딩, 파라미터, 최대 풀링
=============================================

합성곱(convolution)은 작은 필터(filter)를 이미지 위로 밀어 가며, 멈추는 곳마다 곱하고 더합니다.
같은 가중치 몇 개를 모든 위치에서 다시 쓰기 때문에, 이미지가 아무리 커도 층은 작습니다.
이 장에서는 스트라이드(stride)와 패딩(padding)을 바꿔 가며 합성곱을 지나는 데이터의
형태(shape)를 따라가고, 파라미터를 세고, 풀 HD 이미지에 적용해 봅니다. 마지막으로
최대 풀링(max pooling)과, 각 최댓값이 어디에서 왔는지 기억하는 인덱스를 살펴봅니다.
"""

# %%
# 작은 이미지에 필터 적용하기
# ---------------------------
# 첫 장의 사진을 60 × 60 흑백 이미지로 줄이고, 층이 받는 (N, C, H, W) 형태로 바꿉니다.
# 이미지 한 장, :term:`채널`\ (channel) 하나입니다. :term:`합성곱` 층 ``Conv2d(1, 1, 3)``\ 에는
# 3 × 3 :term:`커널`\ (kernel)이 하나 있습니다. 결과로 나오는 :term:`특징 맵`\ (feature map)을
# 읽기 쉽도록, 커널을 세로 경계를 찾는 필터로 정해 둡니다.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cbook

from layerguide.layers import Conv2d, Flatten, Linear, MaxPool2d, MaxUnpool2d, Sequential
from layerguide.viz import use_korean_font

use_korean_font()

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = plt.imread(f)  # (600, 512, 3) uint8
grey = photo[:480, 16:496].mean(axis=2) / 255  # (480, 480)
small = grey.reshape(60, 8, 60, 8).mean(axis=(1, 3))  # (60, 60): 8 × 8 블록의 평균
image = small[None, None].astype(np.float32)  # (N, C, H, W) = (1, 1, 60, 60)
print("이미지:", image.shape)

edge = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)  # 가로 방향 소벨 필터
settings = [(1, 0), (1, 1), (2, 1), (3, 0)]  # (스트라이드, 패딩)
maps = []
for stride, padding in settings:
    conv = Conv2d(1, 1, 3, stride=stride, padding=padding, bias=False)
    conv.weight.data[0, 0] = edge
    maps.append(conv(image))
    print(f"스트라이드={stride}, 패딩={padding}: {image.shape} → {maps[-1].shape}")

fig, axes = plt.subplots(1, 5, figsize=(14, 3.4), layout="constrained")
axes[0].imshow(image[0, 0], cmap="gray")
axes[0].set_title(f"입력\n{image.shape[2:]}")
for ax, (stride, padding), fmap in zip(axes[1:], settings, maps, strict=True):
    ax.imshow(fmap[0, 0], cmap="RdBu_r", vmin=-2, vmax=2)
    ax.set_title(f"스트라이드={stride}, 패딩={padding}\n{fmap.shape[2:]}")
for ax in axes:
    ax.set_axis_off()

# %%
# 같은 계산을 출력 값 하나씩 따라가 봅시다. 입력은 4 × 4, 커널은 3 × 3입니다. 회색 칸이
# 0으로 채운 패딩입니다. 프레임마다 창과 커널을 칸끼리 곱하고 그 곱을 모두 더합니다. 그 합이
# 지금 채워지는 출력 값입니다. 네 번의 훑기는 (커널, 스트라이드, 패딩) = (3, 1, 0), (3, 1, 1),
# (3, 2, 1)과, 커널의 칸 사이를 2픽셀씩 띄운 팽창(dilation) 커널입니다.

from layerguide.viz import animate_convolution

conv_steps = animate_convolution(lang="ko")
conv_steps

# %%
# 왜 이런 크기가 나올까요?
# ------------------------
# (패딩한 특징 맵의 오른쪽 가장자리에 보이는 진한 선은 패딩 때문에 생긴 것입니다. 밝은 픽셀
# 옆에 0으로 된 열이 붙으면 필터는 그것을 경계로 봅니다.)
#
# 픽셀이 n개인 축 하나에 크기 k인 커널은 n − k + 1번 들어갑니다. :term:`패딩`\ 은 가장자리에
# 0으로 된 행과 열을 덧붙이고, :term:`스트라이드` s는 s번째 자리마다 한 번씩만 멈추게 합니다.
# 두 책은 이 결과를 서로 다른 식으로 씁니다.
#
# * 《Dive into Deep Learning》(d2l)은 **전체** 패딩 p_h(위 + 아래)를 써서
#   ⌊(n − k + p_h + s) / s⌋로 씁니다.
# * PyTorch의 ``padding``\ 은 **한쪽** 패딩이므로 p_h = 2 · padding이고, 문서에는
#   ⌊(n + 2 · padding − k) / s⌋ + 1로 나와 있습니다.
#
# 두 식의 값은 같습니다. 내림 기호 안에 s를 더하는 것은 밖에 1을 더하는 것과 같기 때문입니다.
# 아래 표에서 층의 ``output_shape``\ 와도 맞춰 봅니다.

n, k = 60, 3
print(" s  padding  p_h   d2l  PyTorch  output_shape")
for stride, padding in settings:
    p_h = 2 * padding
    d2l = (n - k + p_h + stride) // stride
    pytorch = (n + 2 * padding - k) // stride + 1
    layer = Conv2d(1, 1, k, stride=stride, padding=padding)
    h_out = layer.output_shape((1, 1, n, n))[2]
    print(f"{stride:2} {padding:8} {p_h:4} {d2l:5} {pytorch:8} {h_out:13}")

# %%
# d2l의 전체 패딩은 홀수일 수도 있습니다(아래쪽이 위쪽보다 한 줄 더 많은 경우). PyTorch의
# ``Conv2d``\ 는 ``padding`` 인자로 이것을 나타낼 수 없어서, 입력에 패딩을 먼저 따로 붙입니다.
#
# 파라미터 세기
# -------------
# :term:`필터`\ 하나는 입력 채널 전체를 한꺼번에 봅니다. 그래서 강의에서 컬러 이미지에 쓰는
# 필터 16개는 각각 숫자 3 × 5 × 5개와 편향 하나로 이루어집니다. 가중치의 형태는
# (out_channels, in_channels, kH, kW)입니다.

conv = Conv2d(3, 16, kernel_size=5, stride=5)
n_weights, n_biases = conv.weight.numel(), conv.bias.numel()
print("가중치:", conv.weight.shape, " 편향:", conv.bias.shape)
print(f"16 × 3 × 5 × 5 = 가중치 {n_weights:,}개, + 편향 {n_biases}개 = {n_weights + n_biases:,}")

# %%
# 풀 HD 이미지
# ------------
# 파라미터 개수는 이미지 크기와 상관없습니다. 달라지는 것은 특징 맵입니다.
# ``output_shape``\ 는 아무것도 계산하지 않고 형태만 알려 줍니다. 1080 × 1920 컬러 이미지에
# 스트라이드 5를 쓰면 216 × 384 크기의 특징 맵 16장이 됩니다.

hd = (1, 3, 1080, 1920)
print(hd, "→", conv.output_shape(hd))

# %%
# 이 정도는 한 번 실제로 돌려 볼 만큼 작습니다(입력 25 MB). 실제 출력도 약속한 형태
# 그대로입니다.

frame = np.random.default_rng(0).random(hd, dtype=np.float32)
feature_maps = conv(frame)
print("계산 결과:", feature_maps.shape)

# %%
# 지난 장과 비교해 봅시다. 평탄화한 이미지를 출력 하나에 연결하는 데 파라미터가 6,220,801개
# 필요했습니다. 합성곱은 1,216개면 됩니다. 특징 맵을 선형 층으로 출력 하나에 연결해도,
# 모델은 다섯 배 가까이 작습니다.

model = Sequential(conv, Flatten(), Linear(16 * 216 * 384, 1))
print(model.output_shape(hd))
n_model = sum(p.numel() for p in model.parameters())
n_linear_only = 3 * 1080 * 1920 + 1
print(f"합성곱 + Linear(→1): 파라미터 {n_model:,}개;  Linear(→1)만: {n_linear_only:,}개")

# %%
# 최대 풀링과 인덱스
# ------------------
# :term:`최대 풀링`\ 은 창(window)마다 가장 큰 값만 남깁니다. 스트라이드 2인 2 × 2 창은 H와 W를
# 절반으로 줄이고, 파라미터가 없습니다. ``return_indices=True``\ 를 주면 각 최댓값이 어디에
# 있었는지도 돌려줍니다. 이 인덱스는 입력 맵을 한 줄로 펼쳤을 때의 위치 ``행 × W + 열``\ 로,
# PyTorch가 쓰는 인덱스와 같습니다. :term:`최대 언풀링`\ (max unpooling)은 각 값을 그 자리에
# 되돌려 놓고 나머지는 0으로 채웁니다.

fmap = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]], dtype=np.float32)
x = fmap[None, None]  # (1, 1, 4, 4)
pool = MaxPool2d(2, return_indices=True)
pooled, indices = pool(x)
restored = MaxUnpool2d(2)(pooled, indices)
print("풀링 결과:", pooled.shape, "\n", pooled[0, 0])
print("인덱스:", indices.shape, "\n", indices[0, 0])
print("언풀링 결과:", restored.shape, "\n", restored[0, 0])

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), layout="constrained")
panels = [(x[0, 0], "입력 (4, 4)"), (pooled[0, 0], "최대 풀링 (2, 2)"),
          (restored[0, 0], "최대 언풀링 (4, 4)")]  # fmt: skip
for ax, (grid, title) in zip(axes, panels, strict=True):
    ax.imshow(grid, cmap="Blues", vmin=0, vmax=8)
    for (row, col), value in np.ndenumerate(grid):
        ax.text(col, row, f"{value:g}", ha="center", va="center", fontsize=14)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
for (row, col), index in np.ndenumerate(indices[0, 0]):
    axes[1].text(col, row + 0.3, f"인덱스 {index}", ha="center", va="center", fontsize=8)

# %%
# 한 단계씩 보면 이렇습니다. 2 × 2 창을 차례로 보며 가장 큰 값(초록색)을 고르고, 풀링이 그
# 값에 기록하는 평탄화 인덱스 ``행 × W + 열``\ 을 적습니다.

from layerguide.viz import animate_max_pooling

pool_steps = animate_max_pooling(lang="ko")
pool_steps

# %%
# 맨 위에서 만든 경계 특징 맵을 풀링하면 크기가 다시 절반으로 줄어, (60, 60)이 (30, 30)이
# 됩니다.

print(maps[1].shape, "→", MaxPool2d(2).output_shape(maps[1].shape))

# %%
# 기억할 것
# ---------
# * 축 하나의 출력 크기: ⌊(n + 2 · padding − k) / s⌋ + 1 (PyTorch, 한쪽 패딩). 전체 패딩
#   p_h를 쓰는 d2l의 ⌊(n − k + p_h + s) / s⌋와 같은 값입니다.
# * 커널이 k × k이고 채널을 C_in개에서 C_out개로 바꾸는 합성곱에는 가중치
#   C_out × C_in × k × k개와 편향 C_out개가 있습니다. 강의의 층은 1,200 + 16개이고, 이미지 크기와는 상관없습니다.
# * 스트라이드 5에서 1080 × 1920 이미지는 16 × 216 × 384가 됩니다.
# * 최대 풀링은 창마다 가장 큰 값을 남기고, 그 인덱스 덕분에 최대 언풀링이 값을 제자리에
#   돌려놓을 수 있습니다.

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열리고, 애니메이션은 창 안에서 재생됩니다.

plt.show()
