r"""
데이터의 형태: 이미지, 배치, 그리고 90분짜리 영화
=================================================

딥러닝을 가장 쉽게 이해하는 방법은 데이터의 형태(shape)가 바뀌는 모습을 지켜보는 것입니다.
그러려면 먼저 데이터가 층(layer)에 들어가기 전의 형태부터 알아야 합니다. 컬러 이미지는
픽셀마다 값이 세 개입니다. 배치(batch)는 이미지 여러 장을 쌓은 것이고, 영화는 프레임(frame)을
쌓은 것입니다. 이 장에서는 각각을 살펴보고, 커다란 데이터는 실제로 만들지 않고 값의 개수만 셉니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""

# %%
# 실제 사진 한 장
# ---------------
# matplotlib에는 그레이스 호퍼(Grace Hopper)의 사진이 들어 있어서 따로 내려받을 필요가
# 없습니다. ``plt.imread``\ 는 이미지 파일이 픽셀을 저장하는 방식 그대로, 높이 → 너비 → 색
# :term:`채널`\ (channel, 3개) 순서로 사진을 돌려줍니다. 이 축 순서를 **(H, W, C)**\ 라고 씁니다.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

from layerguide.shapes import Video, format_bytes, hwc_to_chw, nbytes
from layerguide.viz import show_channels, show_image, show_side_by_side, show_sizes, use_korean_font

LANG = "ko"
use_korean_font()

with cbook.get_sample_data("grace_hopper.jpg") as f:
    image_hwc = plt.imread(f)

print("형태:", image_hwc.shape, " 자료형:", image_hwc.dtype)
height, width, channels = image_hwc.shape
print(f"H = {height}, W = {width}, C = {channels}")
show_image(image_hwc, "(H, W, C): 이미지 파일과 matplotlib의 저장 순서", lang=LANG)

# %%
# 채널을 앞으로: (C, H, W)
# ------------------------
# PyTorch의 층은 채널 :term:`축`\ (axis)이 맨 앞에 오는 **(C, H, W)** 형태로 데이터를 받습니다. 축을 옮겨도
# 값은 하나도 바뀌지 않습니다. 바뀌는 것은 값을 꺼내는 방법뿐입니다. 이제
# ``image_chw[0]``\ 은 빨강 채널 전체, 즉 밝기 값이 담긴 (H, W) 격자 하나입니다.

image_chw = hwc_to_chw(image_hwc)
print("(H, W, C) →", image_hwc.shape, "   (C, H, W) →", image_chw.shape)
print("100행 200열의 빨강 값은 같습니다:", image_hwc[100, 200, 0], image_chw[0, 100, 200])
show_channels(image_chw, ["빨강 채널", "초록 채널", "파랑 채널"], lang=LANG)

# %%
# 같은 데이터를 NumPy와 torch로
# -----------------------------
# ``torch.tensor``\ 는 NumPy 배열을 복사해 :term:`텐서`\ (tensor)로 만들고, ``permute``\ 는 torch에서
# ``moveaxis``\ 에 해당하는 함수입니다. 두 라이브러리의 값은 모두 같고, 축의 순서만 다릅니다.
# 층은 부동소수점 수로 계산하므로 0…255의 바이트 값도 0…1로 바꿔 둡니다.

tensor_hwc = torch.tensor(image_hwc)
tensor_chw = tensor_hwc.permute(2, 0, 1).float() / 255
print("torch (H, W, C):", tuple(tensor_hwc.shape), tensor_hwc.dtype)
print("torch (C, H, W):", tuple(tensor_chw.shape), tensor_chw.dtype)
print("값이 같은가:", np.allclose(tensor_chw.numpy(), image_chw / 255))

# %%
# 배치: (N, C, H, W)
# ------------------
# 층은 :term:`샘플`\ (sample) 여러 개를 한꺼번에 처리합니다. 이미지 N장을 쌓아 :term:`배치`\ 를 만들면 맨 앞에 축이
# 하나 더 생깁니다. 여기서는 원본 사진, 좌우로 뒤집은 사진, 위아래로 뒤집은 사진, 색을 반전한 사진으로 네 장짜리
# 배치를 만듭니다.

batch = torch.stack([tensor_chw, tensor_chw.flip(2), tensor_chw.flip(1), 1 - tensor_chw])
n, c, h, w = batch.shape
print("배치의 형태 (N, C, H, W):", tuple(batch.shape))
print("배치에 든 값의 개수:", batch.numel(), "=", n, "×", c, "×", h, "×", w)
show_side_by_side(
    [img.permute(1, 2, 0).numpy() for img in batch],
    ["batch[0]", "batch[1]: 좌우 반전", "batch[2]: 상하 반전", "batch[3]: 색 반전"],
    lang=LANG,
)

# %%
# H와 W의 순서가 중요한 이유
# --------------------------
# :term:`형태`\ 는 값의 개수만 알려 주는 것이 아닙니다. 모든 층에 값을 어떤 순서로 읽을지도
# 알려 줍니다. 똑같은 600 × 512 = 307,200개의 회색 값도 축의 순서를 잘못 알고 읽으면
# (``reshape``\ 로 (H, W) 대신 (W, H)로 바꾸면) 그림이 비스듬한 줄무늬로 뭉개집니다. 잃어버린
# 값은 없지만 모든 행이 엉뚱한 자리에서 시작합니다. 축을 제대로 맞바꾸면(전치, transpose) 픽셀의
# 이웃 관계는 그대로 남습니다. 그림이 주대각선을 기준으로 뒤집혀서 맨 위 행이 맨 왼쪽 열이 됩니다.
# 이것은 회전이 아닙니다. 90도 회전에 좌우 반전을 더한 것이어서, 얼굴이 거울에 비친 것처럼 보입니다.

grey = image_hwc.mean(axis=2)
wrong_order = grey.reshape(width, height)
transposed = grey.T
print("회색조:", grey.shape, " reshape(W, H):", wrong_order.shape, " 전치:", transposed.shape)
show_side_by_side(
    [grey, wrong_order, transposed],
    ["저장된 그대로 (H, W)", "(W, H)로 reshape: 뒤섞임", "(W, H)로 전치: 대각선 뒤집기"],
    lang=LANG,
)

# %%
# 강의에 나온 영화: (T, C, H, W)
# ------------------------------
# 강의에서는 흑백 영화 한 편을 떠올려 보라고 합니다. 1280 × 1024 픽셀, 초당 30프레임,
# 상영 시간 90분입니다. 영화는 :term:`프레임`\ 을 시간 순서로 쌓은 것이므로, 시간이 축 하나가
# 되어 채널 앞에 붙습니다.
#
# 강의에서는 이 영화의 형태에 (T, C, H, W)라는 이름을 붙이고 (162000, 1, 1280, 1024)로 적었습니다.
# 1280을 H 자리에 둔 것입니다. 그런데 "1280 × 1024"는 화면 해상도이고, 해상도는 **너비 × 높이**
# 순서로 씁니다(1280 × 1024 모니터는 세로보다 가로가 깁니다). (T, C, H, W)에서는 높이가 먼저 오므로
# 이 영화는 (162000, 1, 1024, 1280)입니다. 값의 개수는 어느 쪽이든 같습니다. 달라지는 것은 층이 어느
# 축을 행으로 보느냐입니다. H 방향으로 내려가야 할 커널(kernel)이 엉뚱한 방향으로 움직이고, 순서를
# 잘못 알고 보여 준 프레임은 위의 그림처럼 뒤섞입니다.

movie = Video(width=1280, height=1024, fps=30, minutes=90, channels=1)
lesson_shape = (movie.frames, movie.channels, movie.width, movie.height)
print("프레임 수 T = 30 × 60 × 90 =", movie.frames)
print("강의가 (T, C, H, W)라고 적은 형태:", lesson_shape)
print("H와 W를 제자리에 둔 형태 (T, C, H, W):", movie.shape("TCHW"))
print(f"값의 개수: {movie.numel:,}")

# %%
# 얼마나 클까?
# ------------
# 이 배열은 한 번도 만들지 않습니다. 크기는 형태와 값 하나당 바이트 수만 알면 나옵니다.
# 8비트 회색 값(``uint8``)으로 저장하면 약 212 GB, 신경망이 계산에 쓰는 ``float32``\ 로는
# 그 네 배입니다. 그래서 모델은 영화 전체가 아니라 프레임 몇 장씩 나누어 봅니다.

for dtype in ("uint8", "float32"):
    print(f"{dtype:>8}: {movie.nbytes(dtype):,} 바이트 = {format_bytes(movie.nbytes(dtype))}")

sizes = {
    "사진 한 장 (C, H, W), uint8": nbytes(image_chw.shape, "uint8"),
    "배치 (N, C, H, W), float32": nbytes(batch.shape, "float32"),
    "영화 프레임 한 장 (C, H, W), float32": nbytes(movie.shape()[1:], "float32"),
    "영화 전체 (T, C, H, W), uint8": movie.nbytes("uint8"),
    "영화 전체 (T, C, H, W), float32": movie.nbytes("float32"),
}
show_sizes(
    list(sizes), list(sizes.values()), xlabel="바이트 (로그 눈금)", title="메모리에서 차지하는 크기"
)

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열립니다.

import matplotlib.pyplot as plt

plt.show()

# %%
# 기억할 것
# ---------
# * 이미지는 파일과 matplotlib에서는 (H, W, C), PyTorch에서는 (C, H, W)입니다. 값은 같고
#   축의 순서만 다릅니다.
# * 배치는 맨 앞에 N을 더해 (N, C, H, W), 동영상은 T를 더해 (T, C, H, W)가 됩니다.
# * 형태는 뒤에 오는 모든 층이 데이터를 읽는 방법을 정합니다. 그래서 H와 W의 순서가 맞아야
#   합니다. "1280 × 1024"는 너비 × 높이이므로 영화는 (162000, 1, 1024, 1280)입니다. 뒤의
#   장들도 이 약속을 지키며, 크기는 높이 × 너비 순서로 씁니다.
#
# 더 읽을거리
# -----------
# * Dive into Deep Learning 한국어판: https://ko.d2l.ai/
# * PyTorch ``Tensor.permute`` 문서: https://pytorch.org/docs/stable/generated/torch.permute.html
# * NumPy ``moveaxis`` 문서: https://numpy.org/doc/stable/reference/generated/numpy.moveaxis.html
# * 크기는 형태에서 나옵니다. 값의 개수를 세고, 값 하나당 바이트 수를 곱하면 됩니다.

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/01_data_shapes`.
