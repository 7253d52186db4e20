r"""
풀링과 그 대안, 그리고 메모리가 쓰이는 곳
==========================================

4장에서는 최대 풀링이 순전파에서 하는 일을 재 보았습니다. 입력이 한 픽셀 움직였을 때 풀링한 맵은
특징 맵보다 덜 바뀌었습니다. 이 장에서는 거꾸로, 학습할 때의 역전파를 따라가며 풀링이 기울기를
어디로 보내는지 봅니다. 이어서 실제 신경망이 풀링 대신 쓰는 방법(스트라이드가 있는 합성곱, 팽창,
작은 합성곱 여러 개 쌓기)과 풀링을 나란히 비교하고, 풀링 덕분에 그 뒤의 층에서 무엇이 줄어드는지
셉니다. 마지막으로 VGG-16에서 파라미터는 어디에 몰려 있고 메모리는 어디에 쓰이는지 살펴봅니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""

# %%
# 기울기는 어디로 가는가
# ----------------------
# 3장의 풀링 그림에 나온 4 × 4 맵을 NumPy ``MaxPool2d(2)``\ 로 풀링합니다. 2 × 2 창마다 가장 큰
# 값이 남습니다. 학습할 때는 풀링의 출력 쪽에서 기울기가 창마다 하나씩 돌아오는데, 여기서는
# 1, 2, 3, 4입니다. 층의 ``backward``\ 는 이 기울기를 입력 16개에 얼마씩 나눠 줄지 정해야 합니다.

import numpy as np
import torch

from layerguide import trace
from layerguide.layers import MaxPool2d
from layerguide.lesson.pooling import (
    HEADS,
    POOL_INPUT,
    UPSTREAM,
    alternatives,
    average_pool,
    average_pool_backward,
    pooled_head,
)
from layerguide.lesson.vgg import vgg16, vgg_blocks
from layerguide.viz import (
    alternatives_table,
    show_layer_bill,
    show_pool_gradients,
    show_pooling_savings,
    use_korean_font,
)

LANG = "ko"
use_korean_font()

pool = MaxPool2d(2)
pooled = pool(POOL_INPUT)  # (1, 1, 4, 4) → (1, 1, 2, 2)
max_grad = pool.backward(UPSTREAM)  # (1, 1, 2, 2) → (1, 1, 4, 4)
print("풀링한 맵:", pooled[0, 0].tolist())
print("입력의 기울기:", max_grad[0, 0].tolist())

# %%
# 창마다 기울기는 모두 그 창의 최댓값, 곧 출력으로 넘어간 입력 하나에 갑니다. 입력 16개 가운데
# 나머지 12개는 0을 받습니다. 최댓값을 미분하면 이렇게 됩니다. 최댓값이 아닌 입력은 조금 바꿔도
# 출력이 그대로이기 때문입니다. 그래서 학습 단계 한 번에 이 풀링을 거쳐 기울기를 받는 곳은
# 16자리 가운데 4자리뿐이고, 앞 층의 가중치도 이 네 값을 계산하는 데 쓰인 만큼만 기울기를
# 받습니다.
#
# :term:`평균 풀링`\ (average pooling)은 창마다 평균을 남깁니다. 창 평균에는 입력 하나하나가
# 4분의 1의 비중으로 들어가므로, 기울기도 창 기울기의 4분의 1씩 받습니다. 0을 받는 입력은 없고,
# 기울기의 합은 어느 쪽이든 10으로 같습니다.

average = average_pool(POOL_INPUT, 2)  # (1, 1, 2, 2)
avg_grad = average_pool_backward(UPSTREAM, 2)  # (1, 1, 4, 4)
zeros = int((max_grad == 0).sum())
print(f"최대 풀링: 0을 받는 입력 {zeros}개(전체 {max_grad.size}개), 합 {max_grad.sum():g}")
print("평균 풀링한 맵:", average[0, 0].tolist())
print(f"평균 풀링: {np.unique(avg_grad).tolist()}, 합 {avg_grad.sum():g}")
show_pool_gradients(POOL_INPUT, UPSTREAM, max_grad, avg_grad, lang=LANG)

# %%
# 풀링 대신 쓰는 방법
# -------------------
# 풀링은 두 가지 일을 합니다. 맵을 줄이고, 그 뒤 층의 :term:`수용 영역`\ 이 더 빨리 커지게
# 합니다. 이 일은 다른 층도 할 수 있습니다. 채널 64개, 56 × 56인 맵(ResNet의 처음 몇 층이 넘겨주는
# 맵입니다)에 풀링과 다른 방법 네 가지를 적용해 추적해 봅니다. 가중치만 세려고 편향은 뺐습니다.
#
# * **스트라이드가 있는 합성곱**\ (3 × 3, 스트라이드 2)은 풀링처럼 맵을 줄이지만, 어떻게 줄일지를
#   가중치로 학습합니다.
# * **팽창 합성곱**\ (3 × 3, :term:`팽창` 2)은 커널 값 9개를 5 × 5 픽셀 범위에 띄엄띄엄 놓습니다.
#   가중치는 그대로인데 수용 영역이 넓어지고, 맵의 크기도 유지됩니다.
# * **3 × 3 합성곱 세 개**\ 를 차례로 쌓으면 **7 × 7 합성곱 한 개**\ 만큼 넓게 봅니다.

C = 64
MAP = (1, C, 56, 56)
with torch.device("meta"):  # 형태만 계산하고 메모리는 쓰지 않습니다
    ways = alternatives(C)
way_traces = {key: trace(way, MAP, lang=LANG) for key, way in ways.items()}
alternatives_table(way_traces, lang=LANG)

# %%
# 스트라이드가 있는 합성곱은 풀링과 같은 (1, 64, 28, 28)을 내고, 가중치는 9 × 64² = 36,864개입니다.
# 팽창 합성곱은 56 × 56을 유지하면서 5 × 5를 봅니다. 3 × 3 합성곱 세 개는 7 × 7 합성곱 한 개와
# 똑같이 7 × 7 픽셀을 보지만, 가중치는 49 × 64² = 200,704개가 아니라 27 × 64² = 110,592개로
# 55%뿐입니다. 게다가 그 사이에는 합성곱 한 개에는 없는 ReLU가 두 번 들어갑니다. 이것이 VGG가
# 3 × 3 합성곱만 쓰는 까닭입니다.

params = {key: t.total_params for key, t in way_traces.items()}
fields = {key: t.rows[-1].receptive_field for key, t in way_traces.items()}
print(f"스트라이드 2: {way_traces['strided'].output_shape}, 가중치 {params['strided']:,}개")
print(f"팽창 2: {way_traces['dilated'].output_shape}, 수용 영역 {fields['dilated']}")
print(f"3 × 3 세 개: 수용 영역 {fields['three_3x3']}, 가중치 {params['three_3x3']:,}개")
print(f"7 × 7 한 개: 수용 영역 {fields['one_7x7']}, 가중치 {params['one_7x7']:,}개")
stack_share = params["three_3x3"] / params["one_7x7"]
print(f"3 × 3 세 개의 가중치는 7 × 7 한 개의 {stack_share:.0%}")

# %%
# 풀링이 그 뒤에서 줄여 주는 것
# -----------------------------
# 풀링에는 파라미터가 없지만, 그 뒤에 오는 모든 층의 비용을 바꿉니다. 같은 64 × 56 × 56 맵에
# 3 × 3 합성곱(채널 64 → 128)과 출력이 10개인 분류 층을 세 가지 방식으로 붙여 봅니다. 풀링 없이
# 평탄화 + 선형 층을 붙이는 방식, 먼저 2 × 2 최대 풀링을 하는 방식, 그리고 풀링 없이 선형 층 앞에
# 7장에서 본 :term:`전역 평균 풀링`\ (global average pooling)을 두는 방식입니다. 전역 평균 풀링은 채널마다
# 평균 하나만 남기며, VGG 이후의 신경망은 대부분 이렇게 끝납니다.

with torch.device("meta"):
    heads = {head: pooled_head(C, 56, head) for head in HEADS}
head_traces = {head: trace(model, MAP, lang=LANG) for head, model in heads.items()}
convs = {head: next(r for r in t.rows if r.kind == "Conv2d") for head, t in head_traces.items()}
conv_macs = {head: conv.macs for head, conv in convs.items()}
linear_params = {head: t.rows[-1].params for head, t in head_traces.items()}
print("합성곱의 연산량(MACs):", conv_macs)
print("선형 층의 파라미터 개수:", linear_params)
show_pooling_savings(head_traces, lang=LANG)

# %%
# 합성곱의 파라미터 73,856개는 그대로입니다. 하지만 풀링한 28 × 28 맵에서는 계산할 위치가 4분의
# 1이므로, 연산량이 231,211,008 MACs에서 57,802,752 MACs로 줄어듭니다. 평탄화 뒤의 선형 층도
# 파라미터가 같은 비율로 줄어 4,014,090개에서 1,003,530개가 됩니다. 읽는 값 하나마다 가중치가
# 하나씩 있기 때문입니다. 전역 평균 풀링을 하면 선형 층이 읽을 값이 128개뿐이어서 파라미터가 1,290개입니다.

(conv_params,) = {conv.params for conv in convs.values()}  # 어느 경우든 같은 층
print(f"합성곱: 어느 경우든 파라미터 {conv_params:,}개")
print(f"풀링하면 둘 다 {conv_macs['flatten'] / conv_macs['pool']:g}분의 1")

# %%
# VGG-16: 파라미터는 어디에 있고 메모리는 어디에 쓰이는가
# --------------------------------------------------------
# VGG-16은 3 × 3 합성곱 블록 다섯 개로 이루어지고, 블록마다 끝에 2 × 2 최대 풀링이 있으며, 그 뒤에
# 선형 층 세 개가 옵니다. ``vgg16()``\ 은 이 신경망을 torchvision과 똑같은 구성으로 만드는데,
# 여기서는 meta 장치 위에 만듭니다. 추적 결과에는 층마다 출력이 차지하는 메모리를 보여 주는 열이
# 있고, 이 값을 모두 더한 것이 :term:`활성화 메모리`\ (activation memory)입니다. 입력을 그 자리에서
# 덮어쓰는 ReLU와 평탄화, 드롭아웃은 새 텐서를 만들지 않으므로 0 B입니다.

vgg_trace = trace(vgg16(device="meta"), (1, 3, 224, 224), lang=LANG)
vgg_trace

# %%
# 이 신경망의 파라미터 138,357,544개 가운데 102,764,544개, 곧 74%가 첫 번째 선형 층에 있습니다.
# 마지막 맵의 값 512 × 7 × 7 = 25,088개를 출력 4,096개에 모두 연결하는 층입니다. 메모리는
# 정반대입니다. 224 × 224 이미지 한 장을 순전파하면 float32 :term:`활성화 값`\ (activation)이
# 60.4 MB 생기는데, 그 가운데 47.8%를 첫 블록(해상도를 그대로 둔 채널 64개짜리 합성곱 두 개와
# 풀링)이 만듭니다. 첫 블록의 파라미터는 전체의 0.03%뿐입니다. 풀링할 때마다 H와 W가 절반이 되므로,
# 채널이 더 많은 뒤쪽 블록이 만드는 활성화 값은 오히려 적습니다. 차례로 23.9%, 17.3%, 8.6%,
# 2.2%입니다. 학습할 때는 역전파에 쓰려고 배치의 이미지마다 이 활성화 값을 모두 보관합니다. 그래서
# 배치 크기를 키우다 보면 파라미터보다 활성화 메모리가 훨씬 먼저 한계에 이릅니다.

first_linear = next(r for r in vgg_trace.rows if r.kind == "Linear")
linear_share = first_linear.params / vgg_trace.total_params
blocks = vgg_blocks(vgg_trace)  # block1 … block5, 그리고 마지막 분류 부분
memory_shares = [f"{float(b.activation_share):.1%}" for b in blocks]
print(f"파라미터 {vgg_trace.total_params:,}개, {first_linear.name}: {linear_share:.0%}")
print(f"활성화: {vgg_trace.activation_bytes / 1e6:.1f} MB, 블록마다: {memory_shares}")
print(f"첫 블록의 파라미터: {float(blocks[0].param_share):.2%}")
show_layer_bill(vgg_trace.rows, lang=LANG)

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열립니다.

import matplotlib.pyplot as plt

plt.show()

# %%
# 기억할 것
# ---------
# * 최대 풀링의 역전파는 창의 기울기를 그 창의 최댓값 자리에만 보냅니다(여기서는 입력 16개 중
#   12개가 0을 받았습니다). 평균 풀링은 창 안의 입력들에 똑같이 나눠 줍니다.
# * 스트라이드가 있는 합성곱은 학습되는 가중치로 맵을 줄이고, 팽창은 가중치를 늘리지 않고 수용
#   영역을 넓힙니다. 3 × 3 합성곱 세 개는 7 × 7 합성곱 한 개만큼 넓게 보면서, 가중치는 49C² 대신
#   27C²만 씁니다.
# * 풀링에는 파라미터가 없지만, 2 × 2 풀링은 다음 합성곱의 연산량과 평탄화 뒤 선형 층의 파라미터를
#   4분의 1로 줄입니다. 전역 평균 풀링을 하면 선형 층은 채널마다 값 하나만 읽습니다.
# * VGG-16에서는 파라미터 138,357,544개 가운데 74%가 첫 번째 선형 층에 있고, 파라미터가 0.03%뿐인
#   첫 블록이 활성화 메모리의 47.8%를 만듭니다(224 × 224 이미지 한 장에 60.4 MB).
#   ``trace``\ 는 메모리를 한 바이트도 쓰지 않고 이 두 가지를 모두 보여 줍니다.
#
# 더 읽을거리
# -----------
# * d2l, 풀링: https://d2l.ai/chapter_convolutional-neural-networks/pooling.html
# * Simonyan과 Zisserman, 「Very Deep Convolutional Networks for Large-Scale Image
#   Recognition」(VGG): https://arxiv.org/abs/1409.1556
# * Springenberg 외, 「Striving for Simplicity: The All Convolutional Net」:
#   https://arxiv.org/abs/1412.6806
# * Lin, Chen, Yan, 「Network In Network」(전역 평균 풀링): https://arxiv.org/abs/1312.4400
# * cs231n, Convolutional Neural Networks: https://cs231n.github.io/convolutional-networks/

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/08_pooling_and_memory`.
