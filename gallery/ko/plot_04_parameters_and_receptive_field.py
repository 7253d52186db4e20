r"""
파라미터와 수용 영역: 합성곱이 이득인 이유
==========================================

선형 층은 입력 값 전부를 한꺼번에 보고, 값 하나마다 가중치를 하나씩 둡니다. 합성곱은 작은 창으로
들여다보면서 같은 가중치 몇 개를 모든 위치에 다시 씁니다. 이 장에서는 그 덕분에 파라미터가 얼마나
줄어드는지 ``layerguide.trace`` 함수로 세어 보고, 층을 쌓을수록 출력 하나가 입력을 얼마나 넓게
"보는지", 곧 수용 영역(receptive field)이 어떻게 커지는지 살펴봅니다. 손글씨 숫자 이미지로는
출력 하나가 정말 글씨 전체를 보는지 확인하고, 최대 풀링이 왜 도움이 되는지 직접 재 봅니다.
마지막으로 값만 해도 849 GB에 이르는 90분짜리 영화를 메모리를 한 바이트도 쓰지 않고 추적해 봅니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""

# %%
# 이미지 전체에 선형 층 하나
# --------------------------
# ``trace(model, input_size)``\ 는 모델을 한 번 실행하면서 층마다 입력과 출력의 형태, 파라미터
# 개수와 그 계산식, :term:`연산량`\ (MACs), 수용 영역을 적어 둡니다. 연산량은
# :term:`곱셈-누산`\ (multiply-accumulate, MAC)의 횟수로 세며, 1 MAC은 2 FLOPs입니다. 추적은
# PyTorch의 ``meta`` 장치에서 합니다. 형태만 계산하고 값은 계산하지 않으므로 메모리를 쓰지 않습니다.
#
# 먼저 강의에 나온 가장 단순한 방법부터 살펴봅니다. 높이 1080, 너비 1920인 풀 HD 컬러 프레임 한 장,
# (1, 3, 1080, 1920)을 값 6,220,800개로 평탄화하고, 그 전부를 출력 하나에 연결합니다.

import numpy as np
import torch
from torch import nn

from layerguide import trace
from layerguide.autoencoder import (
    PAGE_BUDGET,
    AutoencoderConfig,
    build_autoencoder,
    load_mnist,
    pretrained,
)
from layerguide.layers import Conv2d, MaxPool2d, ReLU
from layerguide.lesson.convnet import HD_FRAME, KERNELS, MOVIE_SHAPE, field_stack, movie_convnet
from layerguide.tracer.probe import effective_field, probe_field
from layerguide.tracer.windows import centre_window, output_windows, window_layers, window_of
from layerguide.viz import (
    field_table,
    show_field_windows,
    show_parameter_bill,
    show_receptive_fields,
    show_shift,
    use_korean_font,
)

LANG = "ko"
use_korean_font()
torch.manual_seed(0)

with torch.device("meta"):  # 가중치에도 메모리를 쓰지 않습니다
    dense = nn.Sequential(nn.Flatten(), nn.Linear(3 * 1080 * 1920, 1))
dense_trace = trace(dense, HD_FRAME, lang=LANG)
dense_trace

# %%
# 출력이 하나뿐인데도 파라미터가 6,220,801개입니다. 입력 값마다 가중치가 하나씩 있고,
# 편향이 하나 더 있습니다. 출력이 100개인 층이라면 6억 개가 넘게 필요합니다.

print(f"프레임 전체에 선형 층: 파라미터 {dense_trace.total_params:,}개")
print(dense_trace.rows[-1].param_formula)

# %%
# 대신 작은 필터 16개
# -------------------
# 채널이 3개인 컬러 이미지에 5 × 5 필터 16개로 합성곱을 하면, 가중치의 형태는 (16, 3, 5, 5)이고
# 개수는 16 × 3 × 5 × 5 = 1,200개입니다(강의에서는 같은 곱을 3 × 16 × 5 × 5로 적었습니다).
# 여기에 편향 16개만 더하면 되고, 이미지가 아무리 커도 이 수는 그대로입니다. 스트라이드를 5로 하면
# 창이 겹치지 않고, 프레임은 216 × 384 크기의 특징 맵 16장이 됩니다. 이것을 평탄화하고 똑같이
# 출력 하나를 붙입니다.

with torch.device("meta"):
    conv = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=5, stride=5),
        nn.Flatten(),
        nn.Linear(16 * 216 * 384, 1),
    )
conv_trace = trace(conv, HD_FRAME, lang=LANG)
conv_trace

# %%
# 합성곱 층 자체의 파라미터는 1,216개뿐입니다. 나머지는 그 뒤의 선형 층 몫입니다.
# 16 × 216 × 384 = 1,327,104개의 값이 여전히 선형 층으로 들어가기 때문입니다. 전부 합쳐
# 1,328,321개로, 단순한 방법의 6,220,801개와 비교하면 약 4.7분의 1입니다. 게다가 필터 하나하나는
# 모든 위치에서 같은 무늬를 찾는 작은 검출기가 됩니다.

print(f"Conv2d 가중치: {tuple(conv[0].weight.shape)}, 파라미터 {conv_trace.rows[0].params:,}개")
print(f"특징 맵: {conv_trace.rows[0].output_shape}")
print(f"평탄화 뒤: {conv_trace.rows[1].output_shape}")
ratio = dense_trace.total_params / conv_trace.total_params
print(f"전체: 파라미터 {conv_trace.total_params:,}개, 약 {ratio:.1f}분의 1")
show_parameter_bill(
    [dense_trace.total_params, conv_trace.rows[0].params, conv_trace.total_params], lang=LANG
)

# %%
# 한 층이 볼 수 있는 범위
# -----------------------
# 앞의 5 × 5 합성곱에서 출력 하나는 이미지의 5 × 5 조각에만 의존합니다. 이 조각이 그
# 출력의 :term:`수용 영역`\ 입니다. 층을 쌓으면 수용 영역이 커집니다. 3 × 3 합성곱은 수용
# 영역을 아래 층의 두 칸만큼 넓힙니다. 2 × 2 최대 풀링은 :term:`유효 스트라이드`\ (effective
# stride), 곧 이웃한 출력 사이의 거리를 입력 픽셀로 잰 값을 두 배로 만듭니다. 그래서 그 뒤의
# 층은 수용 영역을 두 배 빠르게 넓힙니다. 32 × 32 흑백 이미지에 작은 층 묶음을 적용해 봅니다.

stack = field_stack()  # 합성곱, 합성곱, 풀링, 합성곱, 풀링, 합성곱 (3 × 3과 2 × 2)
stack_trace = trace(stack, (1, 1, 32, 32), lang=LANG)
grown = [r for r in stack_trace.rows if r.kind != "ReLU"]
field_table(grown, lang=LANG)

# %%
# 표에서 합성곱과 풀링 행의 수용 영역은 3, 5, 6, 10, 12, 20픽셀로 커지고, 유효 스트라이드는
# 1, 1, 2, 2, 4, 4가 됩니다. 아래 그림에서는 층마다 가운데 출력(그 층 맵의 H // 2번 행과 열)이
# 보는 창을 입력 이미지 위의 실제 자리에 사각형으로 그렸습니다. 사각형들의 중심은 한 점에 모이지
# 않습니다. 2 × 2 풀링 창은 짝수 행에서 시작하므로, 층이 늘어날수록 사각형의 가운데가 16행에서
# 17.5행으로 내려가고, 마지막 사각형은 8–27행과 8–27열을 덮습니다.

centre = [centre_window(window_layers(stack, r.name), (32, 32)) for r in grown]
print("가운데 출력이 보는 행:", [w.rows for w in centre])
show_receptive_fields(grown, centre, 32, lang=LANG)

# %%
# 추적기는 이 수용 영역을 커널 크기와 스트라이드로 계산합니다. 실험으로 직접 잴 수도 있습니다.
# 층 묶음을 복사해 가중치를 모두 양수로 바꾼 뒤, 입력 픽셀을 하나씩 켜 보면서 가운데 출력을 바꾸는
# 픽셀만 모읍니다. 그 픽셀들은 마지막 행의 수용 영역과 꼭 같은 크기의 정사각형을 채웁니다.

measured = probe_field(stack, (1, 1, 32, 32))
print(f"잰 값: {measured[0]} × {measured[1]}픽셀, 추적기: {grown[-1].receptive_field}")

# %%
# 글씨만큼 커도 충분하지 않습니다
# --------------------------------
# 물체를 알아보려면 출력 하나가 그 물체 전체를 볼 수 있어야 하므로, 수용 영역은 적어도 물체만큼은
# 커야 합니다. 하지만 크기가 맞는다고 물체가 수용 영역 안에 들어오는 것은 아닙니다. MNIST 테스트
# 세트의 첫 숫자 이미지와 5장 오토인코더의 인코더("3 × 3 합성곱, 2 × 2 최대 풀링" 블록 세 개)로
# 확인해 봅니다. 글씨의 획은 7–26행, 6–21열, 곧 높이 20, 너비 16픽셀인 상자 안에 있고, 인코더 층의
# 수용 영역은 3, 4, 8, 10, 18, 22픽셀입니다. 세 번째 풀링(``encoder.stages.2.pool``)부터는 수용
# 영역이 22 × 22가 되어, 높이와 너비 모두 글씨보다 큽니다.

digit = load_mnist("test").images[0, 0]  # (28, 28)
ink = window_of(digit > 0)  # 획을 모두 담는 상자
encoder_trace = trace(build_autoencoder(AutoencoderConfig()), (1, 1, 28, 28), lang=LANG)
layers = [r for r in encoder_trace.rows if r.name.startswith("encoder.stages")]
layers = [r for r in layers if r.kind in ("Conv2d", "MaxPool2d")]
size = (ink.height, ink.width)
first = next(r.name for r in layers if min(np.subtract(r.receptive_field, size)) >= 0)
field_sizes = [r.receptive_field[0] for r in layers]
print(f"글씨: 행 {ink.rows}, 열 {ink.cols}, 수용 영역 {field_sizes}")
print(f"수용 영역이 처음으로 글씨만큼 커지는 층: {first}")

# %%
# 크기는 충분합니다. 그러면 자리는 어떨까요? 이 층의 출력은 4 × 4 격자이고, 출력 16개의 수용
# 영역은 유효 스트라이드만큼, 곧 8픽셀씩 떨어져 있으며 첫 창은 패딩에서 시작합니다. 축마다 네 출력이
# 보는 행(열)은 0–14, 1–22, 9–27, 17–27이고, 처음과 마지막 창은 이미지 가장자리에서 잘립니다.
# 글씨에는 7–26행이 모두 필요한데 이 행을 다 담는 창이 없으므로, 출력 16개 가운데 글씨 전체를
# 보는 출력은 하나도 없습니다. 글씨를 가장 많이 보는 출력 (1, 1)도 1–22행만 보기 때문에 글씨 아래쪽
# 23–26행을 놓치고, 획이 지나간 픽셀의 84%만 봅니다. 수용 영역이 물체만큼 큰 것은 필요조건일 뿐
# 충분조건은 아닙니다. 물체가 어느 한 수용 영역 안에 놓여 있어야 합니다.

autoencoder, info = pretrained(AutoencoderConfig(), PAGE_BUDGET)  # 5장에서 학습한 모델
steps = window_layers(autoencoder, first)  # ``first``까지의 합성곱과 풀링
windows = output_windows(steps, digit.shape)  # {(i, j): 출력 (i, j)가 보는 행과 열}
whole = [p for p, w in windows.items() if w.contains(ink.rows, ink.cols)]
share = {p: w.share(digit > 0) for p, w in windows.items()}
best = max(share, key=share.__getitem__)
print("출력 (i, 0)이 보는 행:", [windows[i, 0].rows for i in range(4)])
print(f"전체를 보는 출력: {whole}, 가장 많이 보는 출력 {best}: {share[best]:.0%}, {windows[best]}")

# %%
# 출력은 창 안의 픽셀을 똑같이 대하지 않습니다. :term:`유효 수용 영역`\ (effective receptive
# field)은 입력 픽셀 하나하나가 출력 값을 실제로 얼마나 바꾸는지 잰 것으로, 출력을 입력으로 미분한
# 기울기의 절댓값 ``|∂ 출력 / ∂ 입력|``\ 을 실제 숫자 이미지들에서 평균한 값입니다. 여기서는 학습된
# 인코더에서 출력 (1, 1)의 코드 채널 값을 모두 더한 것을 출력으로 삼아, 테스트 숫자 이미지
# 1,000장으로 재 보았습니다. 기울기는 1–22행, 1–22열 밖에서는 0이어서 앞에서 계산한 창과 꼭
# 맞습니다. 하지만 기울기가 최댓값의 절반 이상인 픽셀은 6–11행, 9–14열, 곧 6 × 6 조각에만 있습니다.
# 이론으로 구한 정사각형은 바깥 경계일 뿐이고, 출력 값은 주로 그 안의 훨씬 작은 조각에 따라
# 정해집니다.

test_digits = load_mnist("test").images[:1000]  # (1000, 1, 28, 28)
effective = effective_field(lambda x: autoencoder.encoder(x).values, test_digits, best)
support, strong = window_of(effective > 0), window_of(effective >= effective.max() / 2)
print(f"기울기가 0이 아닌 곳: {support}, 최댓값의 절반 이상: {strong}")
show_field_windows(
    digit, windows, ink, effective, best, layer=first, n_images=len(test_digits), lang=LANG
)

# %%
# 최대 풀링이 도움이 되는 이유, 직접 재 보기
# ------------------------------------------
# 최대 풀링은 2 × 2 창마다 가장 강한 반응만 남기고, 그 반응이 창 안의 정확히 어디에 있었는지는
# 버립니다. 그래서 입력이 한 픽셀 움직여도 풀링한 맵은 특징 맵보다 덜 바뀝니다. 테스트 숫자 이미지
# 100장으로 재 봅니다. 경계 필터 두 개(x, y 방향 소벨)와 ReLU를 거친 뒤 2 × 2 최대 풀링을 하고,
# 같은 이미지를 오른쪽으로 한 픽셀 옮겨 다시 계산합니다. 변화량은 차이의 절댓값을 모두 더해 원래
# 맵의 합으로 나눠서 구합니다. 특징 맵은 79%, 풀링한 맵은 50% 바뀝니다. 풀링한다고 위치
# 정보가 모두 사라지지는 않지만, 작은 이동의 영향은 줄어듭니다. 학습할 때 풀링이 기울기를 어디로
# 보내는지, 실제 신경망이 풀링 대신 무엇을 쓰는지, 풀링이 그 뒤의 층에서 무엇을 줄여 주는지는
# :doc:`8장 </auto_examples/plot_08_pooling_and_memory>`\ 에서 다룹니다.

digits = load_mnist("test").images[:100]  # (100, 1, 28, 28)
moved = np.roll(digits, 1, axis=3)  # 오른쪽으로 한 픽셀 (가장자리는 비어 있습니다)
edges = Conv2d(1, 2, 3, padding=1, bias=False)
edges.weight.data[:, 0] = np.stack([KERNELS["sobel_x"], KERNELS["sobel_y"]])
maps = [ReLU()(edges(d)) for d in (digits, moved)]  # 각각 (100, 2, 28, 28)
pooled = [MaxPool2d(2)(m) for m in maps]  # 각각 (100, 2, 14, 14)
changes = [float(np.abs(a - b).sum() / np.abs(a).sum()) for a, b in (maps, pooled)]
print(f"특징 맵의 변화: {changes[0]:.0%}, 풀링한 맵의 변화: {changes[1]:.0%}")
show_shift([maps[0][0, 0], maps[1][0, 0], pooled[0][0, 0], pooled[1][0, 0]], changes, lang=LANG)

# %%
# 추적기는 수용 영역을 층의 목록 순서가 아니라 데이터가 실제로 흐르는 길을 따라
# 계산합니다. 두 갈래가 만나는 곳(``x + y``\ 나 ``torch.cat``)의 출력은 두 갈래가 보는 영역의
# 합집합을 보고, 평탄화 뒤의 선형 층은 이미지 전체를 봅니다. (추적기는 창의 크기뿐 아니라 창이
# 시작하는 자리도 알기 때문에, 두 갈래가 만나면 두 창의 합집합을 구합니다. 전치 합성곱 뒤처럼 창의
# 자리를 알 수 없거나 두 갈래의 유효 스트라이드가 다를 때만 둘 중 큰 수용 영역을 택합니다.) 그래서
# 추적기가 구한 값은 널리 알려진 값과 똑같습니다. AlexNet은 195픽셀, VGG16은 212픽셀, ResNet-50은
# 483픽셀입니다.
#
# 90분짜리 영화를 메모리 없이 추적하기
# ------------------------------------
# 초당 30프레임이면 90분은 162,000프레임입니다. 프레임은 흑백이고 너비 1280, 높이 1024픽셀입니다.
# 1장에서 본 (T, C, H, W) 순서로 영화 전체를 배치 하나로 묶으면 형태는 (162000, 1, 1024, 1280)이고,
# float32로 849 GB입니다. 입력 텐서를 실제로 만드는 도구는 여기서 실패합니다(torchinfo 1.8은
# ``device="meta"``\ 를 주어도 텐서를 만듭니다). meta 장치는 형태만 다루므로 문제가 없습니다.

movie_trace = trace(movie_convnet(), MOVIE_SHAPE, lang=LANG)
movie_trace

# %%
# 이 신경망의 파라미터는 1,049,546개뿐이지만, 영화를 한 번 순전파하려면 곱셈-누산이 13.3조 번
# 필요합니다. 첫 특징 맵 (162000, 16, 204, 256)만 해도 값이 1,350억 개가 넘습니다. 추적기는
# 메모리를 한 바이트도 쓰지 않고 이 모든 것을 알려 줍니다.

first_maps = movie_trace.rows[0].output_shape
print(f"입력: {movie_trace.input_shapes[0]}, {torch.Size(MOVIE_SHAPE).numel() * 4:,}바이트")
print(f"첫 특징 맵: {first_maps} = 값 {torch.Size(first_maps).numel():,}개")
print(f"파라미터: {movie_trace.total_params:,}개")
print(f"곱셈-누산: {movie_trace.total_macs:,}번 (FLOPs: {movie_trace.total_flops:,})")

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열립니다.

import matplotlib.pyplot as plt

plt.show()

# %%
# 기억할 것
# ---------
# * 평탄화한 이미지에 선형 층을 연결하면 픽셀과 채널마다 가중치가 하나씩 필요합니다. 풀 HD
#   프레임에서 출력 하나를 얻는 데 파라미터가 6,220,801개 듭니다.
# * 합성곱의 파라미터는 필터 값과 편향뿐입니다. 여기서는 16 × 3 × 5 × 5 + 16 = 1,216개이고,
#   이미지 크기와 상관없습니다. 평탄화와 선형 층(→1)까지 붙여도 1,328,321개입니다.
# * 수용 영역은 층마다 커지고, 풀링으로 유효 스트라이드가 곱해질 때마다 더 빨리 커집니다.
#   적어도 알아보려는 물체만큼 커야 하지만, 그것만으로는 모자랍니다. 수용 영역들은 유효
#   스트라이드만큼 떨어져 놓이고, 여기서는 인코더의 세 번째 풀링 뒤 수용 영역 16개 가운데 글씨
#   전체를 담는 것이 하나도 없었습니다. 또 출력 값은 주로 수용 영역 안의 더 작은 조각, 곧 유효
#   수용 영역에 따라 정해집니다.
# * 최대 풀링을 거치면 한 픽셀 이동의 영향이 줄어듭니다(여기서는 79%에서 50%로).
# * ``layerguide.trace``\ 는 데이터를 만들지 않고도 형태, 파라미터, 연산량, 수용 영역을
#   보여 줍니다. 849 GB짜리 영화도 마찬가지입니다.
#
# 더 읽을거리
# -----------
# * d2l, 풀링: https://d2l.ai/chapter_convolutional-neural-networks/pooling.html
# * Dumoulin과 Visin, 「A guide to convolution arithmetic for deep learning」:
#   https://arxiv.org/abs/1603.07285
# * CNN Explainer: https://poloclub.github.io/cnn-explainer/
# * PyTorch 문서: https://docs.pytorch.org/docs/stable/generated/torch.nn.Conv2d.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.Linear.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.Flatten.html

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/04_parameters_and_receptive_field`.
