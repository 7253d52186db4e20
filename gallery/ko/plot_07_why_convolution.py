r"""
합성곱은 왜 잘 작동할까
=======================

2장부터 4장까지 선형 층과 합성곱(convolution)을 나란히 배웠습니다. 이 장에서는 둘 사이에
다리를 놓습니다. 먼저 컬러 이미지에 쓰는 합성곱의 출력 하나를 채널별로 나누어 손으로 계산합니다.
이어서 1 × 1 합성곱이 모든 픽셀에 선형 층을 적용하는 것과 같고, 평탄화 뒤의 선형 층은 커널이
아주 큰 합성곱 하나와 같다는 것을 확인합니다. 그다음 입력을 옮기면 출력도 함께 옮겨지는 것을
보고, 강의의 풀 HD 예제로 파라미터 수를 정직하게 따져 봅니다. 국소성이 파라미터를 얼마나
줄이는지, 가중치 공유와 스트라이드는 또 얼마나 줄이는지, 그리고 전역 평균 풀링이 모델의
끝부분을 어떻게 바꾸는지 차례로 살펴봅니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""

# %%
# 필터 하나, 채널 셋
# -------------------
# 1장의 사진을 픽셀 6 × 6개씩 평균해 줄이고, 그 일부를 64 × 64 컬러 이미지로 잘라 냅니다.
# 여기에 강의의 층 ``Conv2d(3, 16, 5)``\ 를 스트라이드 1로 적용합니다. 가중치의 형태는
# (16, 3, 5, 5)입니다. 필터 16개는 저마다 입력 :term:`채널` 하나에 5 × 5 커널 조각 하나씩을
# 가집니다.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

from layerguide import trace
from layerguide.autoencoder import AutoencoderConfig
from layerguide.autoencoder.encoder import Encoder
from layerguide.layers import Conv2d, Flatten, Linear, Sequential
from layerguide.lesson.bridges import (
    channel_patch,
    channel_sums,
    equivariance,
    linear_as_conv,
    linear_at_every_pixel,
    parameter_bill,
    pointwise_linear,
)
from layerguide.lesson.convnet import HD_FRAME
from layerguide.torch_twin import max_difference
from layerguide.viz import use_korean_font
from layerguide.viz.bridges import show_bill_by_idea, show_channels_by_hand, show_equivariance

LANG = "ko"
use_korean_font()

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = plt.imread(f)  # (600, 512, 3) uint8
blocks = photo[:600, :510].reshape(100, 6, 85, 6, 3).mean(axis=(1, 3)) / 255  # (100, 85, 3)
image = np.moveaxis(blocks, -1, 0)[None].astype(np.float32)  # (1, 3, 100, 85)
crop = image[:, :, :64, 8:72]  # (1, 3, 64, 64)
conv = Conv2d(3, 16, 5, rng=0)
maps = conv(crop)  # (1, 16, 60, 60)
print("가중치:", conv.weight.shape, " 입력:", crop.shape, " 출력:", maps.shape)

# %%
# 필터 0의 출력 가운데 절댓값이 가장 큰 것을 고릅니다. 그 위치를 r행 c열이라 합시다. 이 출력이
# 읽는 창은 3 × 5 × 5 배열입니다. 빨강 채널의 5 × 5 패치, 초록 채널의 패치, 파랑 채널의 패치가
# 하나씩 들어 있습니다. 각 패치에 필터에서 그 채널에 해당하는 조각을 자리끼리 곱하고 25개의
# 곱을 더하면, 채널마다 수가 하나씩, 모두 세 개가 나옵니다. 이 셋을 더하고 필터의 편향까지
# 더하면 층이 계산한 출력과 같아집니다.

r, c = np.unravel_index(np.abs(maps[0, 0]).argmax(), maps.shape[2:])
sums = channel_sums(conv, crop, 0, r, c)  # (3,): 입력 채널마다 합 하나
bias = float(conv.bias.data[0])
by_hand, layer = sums.sum() + bias, float(maps[0, 0, r, c])
print(f"출력 ({r}, {c}): {' '.join(f'{s:+.4f}' for s in sums)} {bias:+.4f} = {by_hand:.4f}")
print(f"층의 출력: {layer:.4f}; torch와의 가장 큰 차이: {max_difference(conv, crop):.1e}")
patch = channel_patch(conv, crop, r, c)  # (3, 5, 5)
show_channels_by_hand(patch, conv.weight.data[0], sums, bias, layer, lang=LANG)

# %%
# 그러니 두 설명은 모두 맞습니다. 강의는 필터가 *3개의 채널에 각각 적용된다*\ 고 말합니다.
# 채널마다 자기 몫의 5 × 5 조각을 만나니 맞는 말입니다. 3장은 :term:`필터`\ 가 *입력 채널
# 전체를 한꺼번에 본다*\ 고 말합니다. 세 결과를 더해 출력 값 하나를 만들므로, 필터는 서로 다른
# 필터 세 개가 아니라 3 × 5 × 5 배열 하나입니다. 그래서 강의는 가중치를 3 × 16 × 5 × 5개로
# 셉니다.
#
# 1 × 1 합성곱은 픽셀마다 적용한 선형 층입니다
# --------------------------------------------
# 커널이 1 × 1이면 창은 픽셀 하나, 곧 그 픽셀의 채널 값 16개입니다. 출력 채널 하나는 이 값
# 16개의 가중합에 편향을 더한 것이고, 이것은 ``Linear(16, 4)``\ 가 수 16개짜리 벡터에 하는
# 일과 똑같습니다. 합성곱의 (4, 16, 1, 1) 가중치를 선형 층에 옮겨 넣고 모든 픽셀의 채널
# 벡터에 적용하면 출력이 같습니다.

mix = Conv2d(16, 4, 1, rng=1)
per_pixel = pointwise_linear(mix.weight.data, mix.bias.data)  # Linear(16, 4)
mix_gap = np.abs(mix(maps) - linear_at_every_pixel(per_pixel, maps)).max()
print(per_pixel, f" 가장 큰 차이: {mix_gap:.1e}")

# %%
# 5장 오토인코더의 인코더도 이런 층으로 끝납니다. ``to_code``\ 는 ``Conv2d(96, 8, 1)``\ 이고,
# 4 × 4 크기의 채널 96개를 잠재 코드의 채널 8개로 바꿉니다. 다시 말해 16개 위치 모두에 같은
# ``Linear(96, 8)``\ 을 적용하는 것과 같습니다. 그 가중치를(여기서는 학습 전의 초깃값입니다)
# 우리 선형 층에 옮겨 넣고, 무작위 입력을 넣어 PyTorch의 출력과 비교합니다.

torch.manual_seed(0)
to_code = Encoder(AutoencoderConfig()).to_code  # torch Conv2d(96, 8, kernel_size=1)
as_linear = pointwise_linear(to_code.weight.detach().numpy(), to_code.bias.detach().numpy())
hidden = np.random.default_rng(0).random((1, 96, 4, 4), dtype=np.float32)
with torch.no_grad():
    code = to_code(torch.from_numpy(hidden)).numpy()  # (1, 8, 4, 4)
code_gap = np.abs(code - linear_at_every_pixel(as_linear, hidden)).max()
print(to_code, "→", as_linear, f" 가장 큰 차이: {code_gap:.1e}")

# %%
# 평탄화 + 선형 층은 커다란 합성곱 하나입니다
# ---------------------------------------------
# 이번에는 거꾸로 가 봅니다. 60 × 60 특징 맵 16장을 평탄화하고 ``Linear(57600, 10)``\ 을
# 적용합니다. 출력 10개는 저마다 맵의 값마다 가중치를 하나씩 가집니다. 가중치 한 행을
# (16, 60, 60) 배열로 읽으면 맵 전체만 한 필터가 됩니다. ``Conv2d(16, 10, 60)``\ 은 맵에 꼭
# 한 번 들어맞고, 같은 수 열 개를 (1, 10, 1, 1) 형태로 내놓습니다.

head = Linear(16 * 60 * 60, 10, rng=2)
whole = linear_as_conv(head, (16, 60, 60))
flat_out, conv_out = Sequential(Flatten(), head)(maps), whole(maps)
head_gap = np.abs(flat_out - conv_out[:, :, 0, 0]).max()
print(whole, flat_out.shape, conv_out.shape, f" 가장 큰 차이: {head_gap:.1e}")

# %%
# 선형 층은 :term:`국소성`\ (locality)이 하나도 남지 않은 합성곱입니다. 출력마다 입력 전체를
# 읽습니다. 합성곱을 가볍게 만드는 것은 작은 창입니다.
#
# 입력을 옮기면 출력도 옮겨집니다
# -------------------------------
# 합성곱은 모든 위치에서 같은 필터를 씁니다. 이것을 :term:`가중치 공유`\ (weight sharing)라고
# 합니다. 그래서 사진을 위로 3픽셀, 왼쪽으로 5픽셀 옮기면, 모든 창이 같은 픽셀을 3행 위, 5열
# 왼쪽에서 만나고 특징 맵도 꼭 그만큼 옮겨집니다. 이 성질을 :term:`평행 이동 등변성`\ (translation
# equivariance)이라고 합니다. 두 특징 맵에서 겹치는 부분을 비교하면, 가장 큰 차이도 float32의
# 반올림 오차 정도에 그칩니다. 스트라이드가 s이면 입력이 s픽셀 움직일 때마다 출력 위치는 1씩
# 움직입니다. 강의의 스트라이드 5 층은 입력이 (5, 10)만큼 움직이면 맵이 (1, 2)만큼 움직입니다.

shift = equivariance(conv, image[:, :, :, 8:], 3, 5, 64)
strided = equivariance(Conv2d(3, 16, 5, stride=5, rng=0), image[:, :, :, 8:], 5, 10, 64)
print(f"스트라이드 1: {shift.difference:.1e};  스트라이드 5: {strided.difference:.1e}")
show_equivariance(
    [x[0] for x in shift.inputs], [o[0, 0] for o in shift.outputs], (3, 5), shift.difference,
    lang=LANG,
)  # fmt: skip

# %%
# 파라미터 수를 정직하게 따져 보기
# --------------------------------
# 강의의 예제로 돌아갑니다. 3 × 1080 × 1920 프레임에 ``Conv2d(3, 16, 5, stride=5)``\ 를
# 적용하면 출력은 16 × 216 × 384 = 1,327,104개의 값입니다. 이 형태의 출력을 내는 층을 세
# 가지 생각해 봅시다. 파라미터 수가 자릿수로 거의 10자리나 차이 납니다.
#
# * 완전 연결 층: 입력 값 6,220,800개 하나하나에서 출력 값 하나하나로 가중치를 하나씩 둡니다.
#   가중치가 약 8.26 × 10¹²개입니다.
# * :term:`국소 연결 층`\ (locally connected layer): 출력마다 자기 3 × 5 × 5 창만 읽지만,
#   가중치 75개와 편향을 저마다 따로 가지고 아무와도 나누지 않습니다. 가중치 99,532,800개와
#   편향 1,327,104개입니다.
# * 합성곱: 가중치 1,200개와 편향 16개입니다.
#
# 국소성만으로도 가중치 수가 82,944분의 1로 줄고, 가중치 공유를 더하면 다시 82,944분의 1로
# 줄어듭니다. 두 비율이 같은 까닭은 스트라이드가 5여서 5 × 5 창이 프레임을 빈틈없이 나누어 덮기
# 때문입니다. 값 75개짜리 창 216 × 384 = 82,944개가 입력 6,220,800개를 이룹니다. 다만 가중치
# 공유가 줄이는 것은 파라미터 수이지 :term:`연산량`\ (MACs)이 아닙니다. 합성곱의 연산량은 여전히
# 99,532,800입니다. 국소 연결 층이 가질 가중치 하나마다 곱셈-누산을 한 번씩 하는 셈입니다.

bill = parameter_bill()
for name, cost in bill.items():
    print(f"{name:>15}: 가중치 {cost.weights:>17,} + 편향 {cost.biases:>9,} = {cost.total:,}")
locality, sharing = (bill["dense"].weights // bill["local"].weights,
                     bill["local"].weights // bill["conv"].weights)  # fmt: skip
print(f"국소성이 줄이는 비율 ×{locality:,}, 가중치 공유 ×{sharing:,}")
macs = trace(Conv2d(3, 16, 5, stride=5), HD_FRAME).total_macs
print(f"합성곱의 연산량: {macs:,}")

# %%
# 강의는 이어서 맵을 평탄화하고 ``Linear(→1)``\ 을 붙입니다. 파라미터는 1,328,321개로, 프레임
# 전체에 선형 층을 쓸 때의 6,220,801개보다 적습니다(강의에 나오는 약 130만 개와 약 620만
# 개가 이 두 수입니다). 그런데 이 절약은 대부분 합성곱이 아니라 스트라이드에서 나옵니다.
# 스트라이드가 1이면 맵은 16 × 1,076 × 1,916 = 32,985,856개의 값이 되고, 모델에는 파라미터가
# 32,987,073개 필요합니다. 프레임 전체에 선형 층을 쓸 때보다 5.3배 많습니다. ResNet을 비롯한
# 많은 실제 신경망은 그 대신 :term:`전역 평균 풀링`\ (global average pooling)으로 끝납니다. 특징 맵마다 평균을 내어 수
# 16개를 얻고 ``Linear(16, 1)``\ 을 적용합니다. 이 모델의 파라미터는 1,233개이고, 프레임
# 크기가 달라도 이 수는 그대로입니다.

small = parameter_bill((3, 64, 64))
times = bill["stride1_linear"].total / bill["linear"].total
print(f"스트라이드 1 + 평탄화 + 선형 층: 프레임 전체의 선형 층의 {times:.1f}배")
print(f"전역 평균 풀링 모델: {bill['gap_linear'].total:,} (64 × 64 입력: "
      f"{small['gap_linear'].total:,})", maps.mean(axis=(2, 3)).shape)  # fmt: skip
show_bill_by_idea({k: v.total for k, v in bill.items()}, (16, 216, 384), 75, lang=LANG)

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열립니다.

plt.show()

# %%
# 기억할 것
# ---------
# * 필터는 입력 채널마다 k × k 커널 조각을 하나씩 가집니다. 출력 값 하나는 채널마다 구한
#   (커널 조각 × 패치)의 합을 모두 더하고, 편향 하나를 더한 값입니다.
# * 1 × 1 합성곱은 모든 픽셀의 채널 벡터에 적용한 선형 층입니다. 평탄화 + 선형 층은 커널이
#   맵 전체를 덮는 합성곱입니다.
# * 국소성(작은 창)과 가중치 공유(모든 곳에 같은 커널)는 강의의 예에서 완전 연결 층의
#   가중치 수를 각각 82,944분의 1로 줄입니다. 가중치 공유 덕분에 층은 평행 이동 등변성도 갖습니다.
# * 스트라이드는 맵을 작게 만들고, 전역 평균 풀링은 모델 끝부분의 파라미터 수를 이미지
#   크기와 상관없게 만듭니다.
#
# 더 읽을거리
# -----------
# * d2l, 완전 연결 층에서 합성곱으로:
#   https://d2l.ai/chapter_convolutional-neural-networks/why-conv.html
# * CS231n, 합성곱 신경망 강의 노트: https://cs231n.github.io/convolutional-networks/
# * 「Network In Network」(2013, 1 × 1 합성곱과 전역 평균 풀링):
#   https://arxiv.org/abs/1312.4400

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/07_why_convolution`.
