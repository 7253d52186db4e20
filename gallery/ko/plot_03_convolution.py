r"""
합성곱: 스트라이드, 패딩, 파라미터, 최대 풀링
=============================================

합성곱(convolution)은 작은 필터를 이미지 위에서 일정한 간격으로 옮겨 가며, 필터가 놓인
자리마다 겹친 값끼리 곱해 모두 더합니다. 같은 가중치 몇 개를 모든 자리에서 다시 쓰므로,
이미지가 아무리 커도 층의 파라미터 수는 그대로입니다. 이 장에서는 출력 픽셀 하나를 손으로 계산해
보고, 널리 쓰이는 필터 여덟 개를 사진에 적용해 봅니다. 이어서 스트라이드와 패딩에 따라 데이터의
형태가 어떻게 바뀌는지 따라가고, 학습이 실제 필터를 얼마나 바꾸는지 학습하지 않은 필터와 견주어
본 다음, 숨겨 둔 커널을 학습으로 찾아봅니다. 풀 HD 이미지로 파라미터를 세어 본 뒤, 마지막으로
최대 풀링과 최댓값의 자리를 기억하는 인덱스를 살펴봅니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""

# %%
# 작은 이미지에 필터 적용하기
# ---------------------------
# 1장의 사진을 60 × 60 흑백 이미지로 줄이고, 층이 받는 (N, C, H, W) 형태로 바꿉니다.
# 이미지 한 장, :term:`채널` 하나입니다. :term:`합성곱` 층 ``Conv2d(1, 1, 3)``\ 에는
# 3 × 3 :term:`커널`\ (kernel)이 하나 있습니다. 이 커널을 x 방향 소벨 커널로 정해 둡니다.
# 왼쪽에서 오른쪽으로 갈 때 밝기가 얼마나 바뀌는지 재는 커널이라, :term:`특징 맵`\ (feature
# map)에서는 세로로 뻗은 경계가 밝게 드러납니다.

import matplotlib.pyplot as plt
import numpy as np
import torch

from layerguide import viz
from layerguide.autoencoder import PAGE_BUDGET, AutoencoderConfig, pretrained
from layerguide.kernels import grey_photo
from layerguide.layers import Conv2d, MaxPool2d, MaxUnpool2d
from layerguide.lesson.convnet import HD_FRAME, KERNELS, hd_convnet, window_counts
from layerguide.lesson.learned import EDGE_KERNELS, filter_baseline, initial_filters, recover_kernel
from layerguide.torch_twin import max_difference

LANG = "ko"
viz.use_korean_font()

image = grey_photo(60)[None, None]  # (1, 1, 60, 60): 사진을 8 × 8 블록 평균으로 줄인 것

edge = KERNELS["sobel_x"]  # x 방향 소벨: 오른쪽 열에서 왼쪽 열을 뺍니다
settings = [(1, 0), (1, 1), (2, 1), (3, 0)]  # (스트라이드, 패딩)
maps = []
for stride, padding in settings:
    conv = Conv2d(1, 1, 3, stride=stride, padding=padding, bias=False)
    conv.weight.data[0, 0] = edge
    maps.append(conv(image))
    print(f"스트라이드 {stride}, 패딩 {padding}: {image.shape} → {maps[-1].shape}")

viz.show_feature_maps(image, maps, settings, lang=LANG)

# %%
# 출력 픽셀 하나를 손으로 계산하기
# --------------------------------
# 첫 번째 특징 맵(스트라이드 1, 패딩 없음)에서 절댓값이 가장 큰 자리를 골라 봅니다. r행
# c열의 출력은 왼쪽 위 모서리가 (r, c)인 입력의 3 × 3 조각에서 나옵니다. 조각과 커널에서 같은
# 자리에 있는 값끼리 곱하고, 곱 아홉 개를 모두 더하면 층이 계산한 값과 정확히 같습니다.
# (신호 처리 교과서의 합성곱은 커널을 뒤집은 다음에 곱하지만, 딥러닝의 합성곱 층은 뒤집지 않고
# 그대로 곱합니다. PyTorch의 ``Conv2d``\ 도 마찬가지입니다.)

r, c = np.unravel_index(np.abs(maps[0][0, 0]).argmax(), maps[0].shape[2:])
patch = image[0, 0, r : r + 3, c : c + 3]  # (3, 3)
by_hand = (patch * edge).sum()
print(f"출력 ({r}, {c}): 손으로 계산 {by_hand:.4f}, 층 {maps[0][0, 0, r, c]:.4f}")
viz.show_pixel_by_hand(patch, edge, maps[0][0, 0, r, c], lang=LANG)

# %%
# 같은 계산을 출력 값 하나씩 따라가 봅시다. 입력은 4 × 4, 커널은 3 × 3입니다. 회색 칸이
# 0으로 채운 패딩입니다. 프레임마다 창과 커널을 칸끼리 곱하고 그 곱을 모두 더합니다. 그 합이
# 지금 채워지는 출력 값입니다. 애니메이션은 (커널, 스트라이드, 패딩, 팽창)이 (3, 1, 0, 1),
# (3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 1, 2)인 네 가지 경우를 차례로 보여 줍니다. 마지막 경우에는
# 커널의 이웃한 칸이 2픽셀씩 떨어져 있습니다. 이것을 :term:`팽창`\ (dilation)이 2라고 합니다.

from layerguide.viz.animate.conv import CONV_SETTINGS, animate_convolution

conv_steps = animate_convolution(lang=LANG)
conv_steps

# %%
# 왜 이런 크기가 나올까요?
# ------------------------
# 픽셀이 n개인 축 하나에 크기 k인 커널은 n − k + 1번 들어갑니다. :term:`패딩`\ 은 가장자리에
# 0으로 된 행과 열을 덧붙이고, :term:`스트라이드` s는 s칸마다 한 번씩만 계산하게 합니다.
# 팽창 d는 커널의 칸 k개를 d픽셀씩 떨어뜨려 놓습니다. 그러면 커널이 걸치는 폭은 k가 아니라
# k′ = d(k − 1) + 1픽셀이 되고, 커널은 n − k′ + 1번 들어갑니다. 두 자료는 이 결과를 서로 다른
# 식으로 적습니다.
#
# * 《Dive into Deep Learning》(d2l)은 위아래 패딩을 합친 **전체** 패딩 p_h로, 팽창이 없는
#   커널에 대해 ⌊(n − k + p_h + s) / s⌋라고 씁니다. 팽창이 있으면 k 자리에 k′ 값을 넣습니다.
# * PyTorch의 ``padding``\ 은 **한쪽** 패딩이므로 p_h = 2 · padding이고, 공식 문서에는
#   ⌊(n + 2 · padding − d(k − 1) − 1) / s⌋ + 1로 나와 있습니다. d = 1이면
#   ⌊(n + 2 · padding − k) / s⌋ + 1입니다.
#
# 두 식의 값은 같습니다. 내림 기호 안에 s를 더하면 밖에 1을 더한 것과 같아지기 때문입니다.
# 아래 표에서는 사진의 네 설정(n = 60)과 애니메이션의 네 설정(n = 4)에 대해 두 식을 층의
# ``output_shape``\ 가 돌려준 값과 맞춰 봅니다. 팽창이 있는 마지막 경우에는 k = 3, d = 2이므로
# k′ = 5입니다. 패딩 1, 스트라이드 1로 4 × 4 입력을 훑으면 출력의 폭은
# ⌊(4 + 2 − 2 · 2 − 1) / 1⌋ + 1 = 2로, 애니메이션이 채우는 2 × 2와 같습니다. d를 빼고 계산하면
# 4가 나옵니다.

cases = [(60, 3, s, p, 1) for s, p in settings] + [(4, *c) for c in CONV_SETTINGS]
rows = []  # (n, k, s, padding, d): 위의 사진, 그다음 애니메이션의 4 × 4 입력
for n, k, stride, padding, dilation in cases:
    p_h, k_d = 2 * padding, dilation * (k - 1) + 1  # k_d: 커널이 걸치는 폭 (k′)
    d2l = (n - k_d + p_h + stride) // stride
    pytorch = (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    h_out = Conv2d(1, 1, k, stride, padding, dilation).output_shape((1, 1, n, n))[2]
    rows.append([n, stride, padding, dilation, p_h, d2l, pytorch, h_out])
without_d = (n + 2 * padding - k) // stride + 1  # 마지막 경우(팽창한 커널의 훑기)에서 d를 뺀 값
viz.conv_formula_table(k, rows, lang=LANG)

# %%
# d2l의 전체 패딩은 홀수일 수도 있습니다(아래쪽이 위쪽보다 한 줄 더 많은 경우). 정수 하나로 주는
# ``padding``\ 으로는 이것을 나타낼 수 없습니다. PyTorch에서 양쪽을 다르게 채우는 것은
# ``padding="same"``\ (스트라이드 1)뿐이고, 그 밖의 경우에는 입력에 패딩을 먼저 따로 붙입니다.
#
# 패딩에는 위 그림에 드러난 부작용도 있습니다. 스트라이드 1, 패딩 1인 특징 맵의 맨 오른쪽 열은
# 값이 큰 음수입니다(평균 −1.81). 이 자리에서 커널은 오른쪽의 0에서 밝은 사진 값을 빼기
# 때문입니다. 맨 왼쪽 열은 같은 이유로 양수인데(평균 +0.77), 사진의 왼쪽 가장자리가 더 어두워서
# 덜 두드러집니다. 스트라이드 2, 패딩 1에서는 패딩한 입력(너비 62)의 0, 2, …, 58번 열에서 창이
# 시작하므로, 오른쪽의 0 열에는 창이 닿지 않습니다(평균 +0.04).

border = {
    "스트라이드 1, 오른쪽 열": maps[1][0, 0, :, -1].mean(),
    "스트라이드 1, 왼쪽 열": maps[1][0, 0, :, 0].mean(),
    "스트라이드 2, 오른쪽 열": maps[2][0, 0, :, -1].mean(),
}
print({name: round(float(v), 2) for name, v in border.items()})

# %%
# 패딩이 있어야 가장자리도 제 몫을 합니다
# ---------------------------------------
# 패딩이 없으면 가장자리 픽셀은 가운데 픽셀보다 적은 수의 창에만 들어갑니다. 8 × 8 입력에 3 × 3
# 커널을 쓰면 모서리 픽셀은 창 1개에, 안쪽 픽셀은 창 9개에 들어가므로 모서리는 출력에 거의 영향을
# 주지 못합니다. 패딩을 1로 주면 모서리 픽셀은 창 4개에, 나머지 가장자리 픽셀은 창 6개에
# 들어갑니다. 아래 수는 층을 써서 직접 셌습니다. 값이 모두 1인 커널로 순전파한 뒤 역전파하면,
# 입력 픽셀마다 기울기가 그 픽셀을 쓴 창의 수와 같아집니다.

counts = [window_counts(8, 3, padding=p) for p in (0, 1)]
print("모서리:", [int(c[0, 0]) for c in counts], " 안쪽:", [int(c[4, 4]) for c in counts])
viz.show_window_counts(counts, [0, 1], 3, lang=LANG)

# %%
# 여러 가지 커널
# --------------
# 아래 커널은 모두 층 하나, ``Conv2d(1, 8, 3, padding=1)``\ 의 필터입니다. 이 층의 가중치 형태는
# (out_channels, in_channels, kH, kW) = (8, 1, 3, 3)이고, 160 × 160으로 줄인 사진을 한 번
# 통과시키면 특징 맵 8장이 나옵니다. 흐림 커널은 주변 값의 평균을 냅니다(값의 합이 1입니다).
# 선명화 커널은 가운데 값과 이웃의 차이를 가운데에 한 번 더 더합니다.
# :term:`소벨 필터`\ (Sobel filter)는 한 방향의 밝기 변화에, 라플라시안은 모든 방향의 변화에
# 반응합니다. 엠보스는 경계의 한쪽 대각선 면을 밝게 만듭니다.
# 같은 가중치를 넣은 PyTorch의 ``nn.Conv2d``\ 도 float32 반올림 오차 안에서 똑같은 특징 맵 8장을
# 계산합니다. 마지막으로 출력한 줄이 두 결과의 최대 차이입니다.

gallery = Conv2d(1, len(KERNELS), 3, padding=1, bias=False)
gallery.weight.data[:, 0] = np.stack(list(KERNELS.values()))  # (8, 1, 3, 3)
photo160 = grey_photo(160)[None, None]  # (1, 1, 160, 160)
results = gallery(photo160)  # (1, 8, 160, 160)
print("가중치:", gallery.weight.shape, " 결과:", results.shape)
print(f"torch.nn.Conv2d와의 최대 차이: {max_difference(gallery, photo160):.1e}")
viz.show_kernel_gallery(KERNELS, results, lang=LANG)

# %%
# 필터는 학습으로 정해집니다
# --------------------------
# 실제 신경망에서는 아무도 커널 값을 손으로 정하지 않습니다. 합성곱 층에는 필터가 수십 개 있고,
# 처음에는 무작위 값으로 시작했다가 학습을 거치며 과제에 맞는 값으로 바뀝니다. 아래 그림은 5장
# 오토인코더의 첫 층 필터 16개를 나란히 보여 줍니다. 왼쪽은 학습을 시작할 때의 값(같은 시드로
# 다시 만듭니다)이고, 가운데는 320단계의 짧은 학습을 마친 뒤의 값(학습 캐시에서 읽어 옵니다)입니다.
# 각 필터 위에는 손으로 정한 커널 가운데 그 필터와 가장 닮은 것의 이름과, 둘 사이의
# :term:`코사인 유사도`\ (cosine similarity)를 적었습니다. 1이면 같은 무늬이고, 음수이면 부호를
# 뒤집은 같은 무늬에 가깝습니다. 이 유사도의 절댓값을 필터 16개에 대해 평균한 값을 그 층의 점수로
# 삼습니다. 점수 하나만
# 봐서는 높은지 낮은지 알 수 없으므로, 학습하지 않은 ``Conv2d(1, 16, 3)`` 층 1,000개를 PyTorch가
# 초기화하는 방식대로 뽑아(시드 0) 그 점수도 함께 계산합니다.

torch.manual_seed(0)
autoencoder, info = pretrained(AutoencoderConfig(), PAGE_BUDGET)
learned = autoencoder.encoder.stages[0].conv.weight.detach().numpy()  # (16, 1, 3, 3)
initial = initial_filters(AutoencoderConfig(), PAGE_BUDGET)  # (16, 3, 3), 첫 단계 전의 값
baseline = filter_baseline(initial, learned[:, 0], draws=1000, seed=0)
edges = [baseline.resembling(w, EDGE_KERNELS) for w in ("initial", "trained")]
print(f"학습 전 점수 {baseline.initial_score:.2f}, 학습 후 점수 {baseline.trained_score:.2f}")
print(f"학습하지 않은 층: 평균 {baseline.mean:.2f}, 90%가 {baseline.low:.2f}–{baseline.high:.2f}")
print("경계 커널을 닮은 필터(전, 후):", edges, " 같은 커널:", baseline.kept)
print("이만큼 높은 점수를 받은 학습하지 않은 층:", baseline.as_high)
viz.show_filter_baseline(baseline, PAGE_BUDGET.steps, lang=LANG)

# %%
# 이 비교에서 무엇을 알 수 있을까요? 학습은 필터를 손으로 정한 무늬 쪽으로 옮겼습니다. 점수가
# 0.57에서 0.66으로 올랐고, 학습하지 않은 층 1,000개 가운데 이만큼 높은 점수를 받은 층은 1개뿐입니다.
# 하지만 그 변화는 크지 않아서, 학습된 필터만 보면 오해하기 쉽습니다. 학습하지 않은 층의 점수는
# 평균 0.53이고, 90%가 0.47과 0.59 사이에 있습니다. 무작위 3 × 3 필터도 우연히 손으로 정한 커널
# 가운데 어느 하나를 닮기 마련입니다. 학습 전에 이미 필터 16개 가운데 9개가 경계 커널(소벨,
# 엠보스)을 가장 닮았고, 학습 뒤에는 10개였습니다. 또 16개 가운데 11개는 학습 전과 후에 가장 닮은
# 커널이 같습니다. 짧은 학습은 무작위로 시작한 필터에 우연히 있던 무늬를 또렷하게 다듬을 뿐,
# 경계를 찾는 필터를 처음부터 만들어 내지는 않습니다.
#
# 숨겨 둔 커널을 학습으로 찾기
# ----------------------------
# 이번에는 더 분명한 실험을 해 봅시다. 커널 하나를 숨겨 두고, 학습이 그 커널을 찾아내는지 봅니다.
# 60 × 60 사진에 x 방향 소벨 커널을 적용해 목표 특징 맵을 만들고, 무작위 값으로 시작하는(시드 0)
# 새 ``Conv2d(1, 1, 3)``\ 을 학습시켜 같은 사진에서 같은 특징 맵을 만들어 내도록 합니다. 이 층은
# 숨겨 둔 커널을 보지 못하고 자기 출력과 목표만 봅니다. MSE 손실이 둘을 비교하고, 2장의 ``SGD``
# 옵티마이저에 학습률 0.4, 모멘텀 0.9를 주어 300단계 학습합니다. 모멘텀이 0.9이면 단계마다 바로
# 앞 단계에서 움직인 양의 0.9배를 더 움직이므로, 한 방향으로 천천히 내려가야 하는 구간을 빨리
# 지나갑니다.

recovery = recover_kernel(image, edge, steps=300, lr=0.4, momentum=0.9, seed=0)
d = recovery.distances  # 각 단계 직전의 ‖커널 − x 방향 소벨‖, 마지막 값은 학습을 마친 뒤
print(f"x 방향 소벨까지의 거리: 처음 {d[0]:.2f}, {recovery.steps}단계 뒤 {d[-1]:.4f}")
viz.show_kernel_recovery(recovery, "sobel_x", lang=LANG)

# %%
# 커널과 x 방향 소벨 커널 사이의 거리는 3.30에서 0.0003으로 줄었습니다. 층이 숨겨 둔 커널을
# 찾아냈고, 편향도 거의 0이 되었습니다(목표를 만들 때 편향을 쓰지 않았습니다). 곡선이 출렁이는
# 것은 모멘텀 때문에 최솟값을 지나쳤다가 되돌아오기 때문이며, 출렁임은 갈수록 작아집니다. 연습
# 문제에서는 모멘텀 없이 같은 학습을 해 봅니다.
#
# 파라미터 세기
# -------------
# :term:`필터`\ 하나는 입력 채널 전체를 한꺼번에 봅니다. 그래서 강의에서 컬러 이미지에 쓰는
# 필터 16개는 저마다 가중치 3 × 5 × 5개와 편향 하나로 이루어집니다. PyTorch는 가중치를
# (out_channels, in_channels, kH, kW) = (16, 3, 5, 5) 형태로 저장합니다. 강의에서는 같은 곱을
# 3 × 16 × 5 × 5로 적었고, 값은 똑같이 1,200입니다. 강의는 필터를 "3개 채널 각각에
# 적용한다"고도 설명하는데, 두 설명은 모두 맞습니다. 왜 그런지는
# :doc:`7장 </auto_examples/plot_07_why_convolution>`\ 에서 출력 픽셀 하나를 손으로 계산하며
# 보여 줍니다.

model = hd_convnet()
conv = model[0]
n_weights, n_biases = conv.weight.numel(), conv.bias.numel()
print("가중치:", conv.weight.shape, " 편향:", conv.bias.shape)
print(f"16 × 3 × 5 × 5 = 가중치 {n_weights:,}개, + 편향 {n_biases}개 = {n_weights + n_biases:,}")

# %%
# 풀 HD 이미지
# ------------
# 파라미터 개수는 이미지 크기와 상관없습니다. 달라지는 것은 특징 맵입니다.
# ``output_shape``\ 는 아무것도 계산하지 않고 형태만 알려 줍니다. 높이 1080, 너비 1920인
# 컬러 이미지(H × W = 1080 × 1920)에 스트라이드 5를 쓰면 216 × 384 크기의 특징 맵 16장이 됩니다.

print(HD_FRAME, "→", conv.output_shape(HD_FRAME))

# %%
# 입력이 25 MB 정도라 한 번 실제로 계산해 볼 만합니다. 계산한 출력도 앞에서 예측한 형태와
# 똑같습니다.

frame = np.random.default_rng(0).random(HD_FRAME, dtype=np.float32)
feature_maps = conv(frame)
print("계산 결과:", feature_maps.shape)

# %%
# 지난 장과 비교해 봅시다. 평탄화한 이미지를 출력 하나에 연결하는 데 파라미터가 6,220,801개
# 필요했습니다. 합성곱은 1,216개면 됩니다. 특징 맵을 선형 층으로 출력 하나에 연결해도,
# 모델 크기는 5분의 1에 가깝습니다.

print(model.output_shape(HD_FRAME))
n_model = sum(p.numel() for p in model.parameters())
n_linear_only = 3 * 1080 * 1920 + 1
print(f"합성곱 + Linear(→1): 파라미터 {n_model:,}개,  Linear(→1)만: {n_linear_only:,}개")

# %%
# 최대 풀링과 인덱스
# ------------------
# :term:`최대 풀링`\ 은 창마다 가장 큰 값만 남깁니다. 스트라이드 2인 2 × 2 창은 높이와 너비를
# 절반으로 줄이며, 파라미터는 없습니다. ``return_indices=True``\ 를 주면 각 최댓값이 어디에
# 있었는지도 돌려줍니다. 이 인덱스는 입력 맵을 한 줄로 펼쳤을 때의 위치 ``행 × W + 열``\ 로,
# PyTorch가 쓰는 인덱스와 같습니다. :term:`최대 언풀링`\ (max unpooling)은 각 값을 그 자리에
# 되돌려 놓고 나머지는 0으로 채웁니다. 입력 그림에서 테두리를 친 칸이 각 창의 최댓값입니다.

fmap = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]], dtype=np.float32)
x = fmap[None, None]  # (1, 1, 4, 4)
pooled, indices = MaxPool2d(2, return_indices=True)(x)
restored = MaxUnpool2d(2)(pooled, indices)
print("풀링 결과:", pooled.shape, " 인덱스:", indices.shape, " 언풀링 결과:", restored.shape)
viz.show_pooling(x, pooled, indices, restored, lang=LANG)

# %%
# 창을 하나씩 차례로 보면 이렇습니다. 2 × 2 창마다 가장 큰 값(초록색)을 고르고, 풀링이 그
# 값에 기록하는 평탄화 인덱스 ``행 × W + 열``\ 을 적습니다.

pool_steps = viz.animate_max_pooling(lang=LANG)
pool_steps

# %%
# 맨 위에서 만든 경계 특징 맵도 풀링하면 크기가 절반으로 줄어, (60, 60)이 (30, 30)이
# 됩니다.

print(maps[1].shape, "→", MaxPool2d(2).output_shape(maps[1].shape))

# %%
# 직접 해 보기: 합성곱 놀이터
# ------------------------------
# 입력 크기, 커널 크기, 스트라이드, 패딩, 팽창(dilation)을 바꾸면서 출력 형태가 위의 공식대로
# 바뀌는지 확인해 보세요. 층 메뉴에서 최대 풀링이나 6장의 전치 합성곱으로 바꿀 수도 있습니다.
# 출력 칸을 누르거나 화살표 키로 옮기면 그 칸이 읽는 입력 칸을 보여 줍니다. 그 아래 커널
# 모음에서는 이 장의 사진에 대표적인 3 × 3 필터를 적용해 볼 수 있습니다. 모든 계산을
# 브라우저 안에서 하므로 인터넷 연결이 없어도 됩니다.
#
# .. conv-playground::

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열리고, 애니메이션은 창 안에서 재생됩니다.

plt.show()

# %%
# 기억할 것
# ---------
# * 출력 값 하나는 입력 조각과 커널을 자리끼리 곱해 더한 값입니다. 층은 모든 자리에서 같은
#   가중치로 이 계산을 합니다.
# * 축 하나의 출력 크기: ⌊(n + 2 · padding − d(k − 1) − 1) / s⌋ + 1 (PyTorch, 한쪽 패딩,
#   팽창 d). 전체 패딩 p_h와, 팽창을 준 커널이 걸치는 폭 k′ = d(k − 1) + 1을 쓰는 d2l의
#   ⌊(n − k′ + p_h + s) / s⌋와 같은 값입니다(d = 1이면 k′ = k).
# * 알맞은 패딩은 출력 크기를 지켜 주고, 가장자리 픽셀도 여러 창에 들어가게 합니다.
# * 커널이 k × k이고 채널을 C_in개에서 C_out개로 바꾸는 합성곱에는 가중치
#   C_out × C_in × k × k개와 편향 C_out개가 있습니다. 강의의 층은 1,200 + 16개이고, 이미지
#   크기와는 상관없습니다. 그 값은 학습이 정합니다.
# * 학습된 필터는 학습하지 않은 필터와 견주어 판단해야 합니다. 무작위 필터도 우연히 손으로 정한
#   커널을 닮습니다. 숨겨 둔 커널의 출력을 목표로 주면, 학습은 그 커널 자체를 찾아냅니다.
# * 최대 풀링은 창마다 가장 큰 값을 남기고, 그 인덱스 덕분에 최대 언풀링이 값을 제자리에
#   돌려놓을 수 있습니다.
#
# 더 읽을거리
# -----------
# * d2l, 합성곱 신경망 장: https://d2l.ai/chapter_convolutional-neural-networks/index.html
# * Dumoulin과 Visin, 「A guide to convolution arithmetic for deep learning」:
#   https://arxiv.org/abs/1603.07285
# * setosa.io, 이미지 커널을 그림으로 설명한 글: https://setosa.io/ev/image-kernels/
# * CNN Explainer: https://poloclub.github.io/cnn-explainer/
# * PyTorch 문서: https://docs.pytorch.org/docs/stable/generated/torch.nn.Conv2d.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.MaxUnpool2d.html

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/03_convolution`.
