r"""
되살리는 세 가지 방법: 업샘플링, 전치 합성곱, 완전 연결
=======================================================

인코더가 작게 줄인 숫자 이미지를 이제 디코더가 다시 키워야 합니다. 강의는 디코더를 세 갈래로
나눕니다. **업샘플링**\ 은 먼저 정해진 규칙으로 특징 맵을 키우고, 세밀한 부분은 뒤따르는
합성곱에 맡깁니다. **전치 합성곱**\ 은 특징 맵을 키우는 일과 필터를 적용하는 일을 학습되는 층
하나에서 한꺼번에 합니다. **완전 연결** 디코더는 격자 구조를 아예 쓰지 않고, 코드 값 전체를 써서
모든 픽셀을 한꺼번에 계산합니다. 이 장에서는 먼저 작은 예로 각 연산이 하는 일을 보고, 전치
합성곱의 크기 계산을 따져 본 뒤, 같은 크기의 코드로 디코더 다섯 개를 학습시켜 비교합니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""

# %%
# 2 × 2 맵을 4 × 4로 업샘플링하기
# -------------------------------
# 값이 1, 2, 3, 4인 2 × 2 특징 맵을 예로 듭니다.
#
# * **최근접 이웃**\ (nearest neighbor)은 값을 복사하는 :term:`업샘플링`\ 으로, 값 하나를
#   2 × 2 칸 전체에 그대로 복사합니다.
# * **베드 오브 네일즈**\ (bed of nails)는 값을 칸의 왼쪽 위 모서리에만 두고 나머지는 0으로
#   채웁니다.
# * **최대 언풀링**\ (max unpooling)은 값을 인코더의 최대 풀링이 최댓값을 찾았던 자리로
#   돌려놓습니다. 그러려면 인코더가 넘겨주는 풀링 인덱스가 있어야 하므로, 코드보다 더 많은 것을
#   받습니다. 풀링한 값마다 창의 네 자리(가장자리에서는 그보다 적은 자리) 중 어느 자리가
#   최댓값이었는지, 즉 값 하나당 최대 2비트의 정보를 더 받는 셈입니다.
#
# PyTorch에서 최근접 이웃은 ``nn.Upsample(scale_factor=2, mode="nearest")``, 최대 언풀링은
# ``nn.MaxUnpool2d(2)``\ 입니다. Keras에서는 최근접 이웃을 ``UpSampling2D(2)``, 아래에서 볼 전치
# 합성곱을 ``Conv2DTranspose``\ 라고 부릅니다. 베드 오브 네일즈는 두 라이브러리 모두 따로 층이
# 없습니다.

import matplotlib.pyplot as plt
import numpy as np
import torch

from layerguide import viz
from layerguide.autoencoder import (
    DECODER_FAMILIES,
    DECODERS,
    PAGE_BUDGET,
    AutoencoderConfig,
    bce_floor,
    bed_of_nails,
    load_mnist,
    max_unpool,
    nearest,
    pretrained,
)
from layerguide.layers import ConvTranspose2d
from layerguide.lesson import decoders as lesson
from layerguide.lesson import transposed
from layerguide.lesson.convnet import window_counts

LANG = "ko"
viz.use_korean_font()

small = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])  # (N, C, H, W) = (1, 1, 2, 2)
pooled, indices = lesson.pooled_example()  # 4 × 4 맵에 nn.MaxPool2d(2): (1, 1, 2, 2)
print("풀링한 값:", pooled[0, 0].tolist(), " 인덱스:", indices[0, 0].tolist())
panels = {"input": small, "nearest": nearest(small, 4), "bed_of_nails": bed_of_nails(small, 4)}
panels["max_unpool"] = max_unpool(pooled, indices, 4)
viz.show_upsampling(panels, lang=LANG)

# %%
# 인코더 전체로 모으면 이 정보는 꽤 많습니다. 풀링 세 번이 모두 인덱스를 넘기므로
# 16·14·14 + 64·7·7 + 96·4·4 = 7,808개입니다. 온전한 2 × 2 창의 인덱스는 네 자리 가운데 하나를
# 고르므로 2비트입니다. 7 → 4에서는 마지막 행과 열의 창이 가장자리 밖으로 걸쳐 후보 자리가 2개(1비트),
# 모서리 창은 1개(0비트)뿐입니다. 모두 합하면 인덱스는 약 14.8킬로비트로, 코드의 float32 값
# 128개가 담는 4,096비트의 3.6배입니다. 강의에서 다루는 방법이라 그대로 두되, 아래 표에 이 유리한
# 점을 밝혀 둡니다.

side = lesson.unpool_side_information(AutoencoderConfig())
print("풀링마다 인덱스 (C, H, W):", side.shapes, "=", f"인덱스 {side.indices:,}개")
print(f"인덱스 {side.bits / 1000:.1f}킬로비트, 코드 {side.code_bits:,}비트")
print(f"비율 {side.bits / side.code_bits:.1f}")

# %%
# 세 가지 규칙을 애니메이션으로 보겠습니다. 3장의 최대 풀링 애니메이션이 만든 2 × 2 결과에서
# 시작해, 값 하나하나가 4 × 4 맵의 제자리로 갑니다. 최대 언풀링은 그 풀링의 인덱스를 씁니다.

upsampling_steps = viz.animate_upsampling(lang=LANG)
upsampling_steps

# %%
# 전치 합성곱과 체커보드 무늬
# ---------------------------
# 스트라이드가 2인 :term:`전치 합성곱`\ 은 입력 값 하나하나에 k × k 커널 전체를 곱해, 그 결과를
# 출력에 두 칸 간격으로 찍고 겹치는 곳은 더합니다. 가중치와 입력을 모두 1로 두면 출력은 픽셀마다
# 커널이 몇 번 겹쳤는지를 그대로 셉니다. 커널 크기가 3이고 스트라이드가 2이면 이 횟수가 1, 2, 4로
# 번갈아 나옵니다. 커널 크기가 스트라이드로 나누어떨어지지 않아 겹침이 고르지 않기 때문이며, 그
# 결과 :term:`체커보드 무늬`\ (checkerboard artifact)가 생깁니다(Odena, Dumoulin, Olah, Distill
# 2016). 커널 크기가 4이면 안쪽 픽셀은 모두 같은 횟수만큼 겹칩니다.

counts = {}
for k in (3, 4):
    up = ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=k % 2, bias=False)
    up.weight.data[...] = 1
    counts[k] = up(np.ones((1, 1, 4, 4), dtype=np.float32))[0, 0]  # (8, 8)
    print(f"커널 크기 {k}, 스트라이드 2: (4, 4) → {counts[k].shape}")
viz.show_overlaps(counts, lang=LANG)

# %%
# 출력은 얼마나 커질까
# --------------------
# 전치 합성곱 출력의 한 변 길이는 (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1입니다.
# n은 입력 크기, s는 스트라이드, p는 패딩, d는 팽창(dilation), k는 커널 크기입니다. 합성곱의 크기
# 공식을 거꾸로 푼 꼴이라, 여기서는 ``padding``\ 이 가장자리를 잘라 내고 ``output_padding``\ 이
# 아래쪽과 오른쪽에 한 줄씩 되돌려 붙입니다. 표의 처음 세 줄은 ``transpose`` 디코더의 층이고,
# ConvTranspose2d 열은 층이 실제로 돌려준 크기입니다.
#
# ``output_padding``\ 은 왜 있을까요? 스트라이드가 1보다 큰 합성곱은 출력 크기를 셀 때 나눗셈의
# 나머지를 버립니다. 그래서 커널 크기 3, 스트라이드 2, 패딩 1인 합성곱은 7과 8을 둘 다 4로
# 만듭니다(3과 4는 2로, 5와 6은 3으로). 그래서 4에서 되돌아갈 때는 원래 크기가 무엇이었는지 전치 합성곱에 알려 주어야 합니다.
# ``output_padding``\ 이 없으면 7(첫 줄), 1이면 8(넷째 줄)이 됩니다.

print("n → Conv2d(k=3, s=2, p=1):", transposed.conv_sizes(range(3, 9), 3, 2, 1))
settings = [(4, 3, 2, 1, 0, 1), (7, 4, 2, 1, 0, 1), (14, 4, 2, 1, 0, 1), (4, 3, 2, 1, 1, 1)]
settings += [(7, 2, 2, 0, 0, 1), (7, 3, 2, 1, 1, 1), (4, 3, 1, 0, 0, 2)]
sizes = [(*a, lesson.transposed_size(*a), lesson.measured_size(*a)) for a in settings]
viz.size_table(sizes, lang=LANG)

# %%
# 스트라이드 2로 4를 7로 키우는 커널 크기는 무엇일까요? 커널 크기 1~5 각각에 대해, 출력이 7이
# 되는 가장 작은 패딩과 그때 필요한 ``output_padding``\ (스트라이드보다 작은 값)을 찾아봅니다.

fits = lesson.kernel_fits(4, 7, stride=2)
viz.fits_table(fits, lang=LANG)

# %%
# 맞는 커널 크기는 다섯 가지입니다. 1 × 1 커널은 출력 픽셀 네 개 중 세 개를 비워 둡니다. 2 × 2
# 커널은 서로 전혀 겹치지 않아서 출력 픽셀 하나에 입력 값 하나만 반영됩니다. 커널 크기 4와 5도
# 맞지만, 4는 ``output_padding``\ 을 1로 줘야 하고 5는 가중치가 더 많습니다. 여기서 쓰는
# ``transpose`` 디코더는 이 첫 층에 커널 크기 3을 씁니다. 출력에 찍힌 커널끼리 겹치는 가장 작은
# 크기이고, 네 변 모두 패딩이 1로 같으며 ``output_padding``\ 이 필요 없기 때문입니다. 그 대신
# 겹침이 고르지 않습니다. 다음 두 층은 커널 크기 4를 씁니다. 이 두 층은 인코더보다 채널도 많습니다(풀링
# 뒤 기준 7 × 7에서 64개 대신 128개, 14 × 14에서 16개 대신 32개). 전치 합성곱은 키우기 전의 작은
# 맵에서 계산하므로, 업샘플링한 뒤에 적용하는 합성곱보다 채널을 늘리는 데 드는 시간이 적습니다.

# %%
# 왜 "전치"일까: 한 층을 네 가지로 계산하기
# -----------------------------------------
# 디코더 첫 층의 설정(커널 크기 3, 스트라이드 2, 패딩 1)에 ``output_padding``\ 을 1로 주어
# 2 × 2 입력을 4 × 4로 키워 봅니다. 수를 하나하나 따라갈 수 있도록 커널에는 1부터 9까지 넣습니다.
# 네 가지 방법으로 계산해도 출력은 같습니다.
#
# **보통 합성곱으로.** 이웃한 입력 값 사이에 0을 스트라이드 − 1 = 1개씩 넣고(베드 오브 네일즈),
# 네 변에 0을 k − p − 1 = 1줄씩 덧댄 뒤(아래쪽과 오른쪽에는 ``output_padding``\ 만큼 1줄 더),
# 위아래와 좌우를 뒤집은 커널로 스트라이드 1 합성곱을 합니다. 채널이 여러 개면 커널의 처음 두 축도
# 서로 바뀝니다. ``ConvTranspose2d``\ 의 가중치는 (C_in, C_out, k, k)이고 ``Conv2d``\ 의 가중치는
# (C_out, C_in, k, k)이기 때문입니다.

kernel = np.arange(1.0, 10.0).reshape(3, 3)
y = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])  # (N, C, H, W) = (1, 1, 2, 2)
up = transposed.transposed_layer(kernel, stride=2, padding=1, output_padding=1)
out = up(y)  # (1, 1, 4, 4)
view = transposed.as_convolution(up, y)
print("ConvTranspose2d:\n", out[0, 0], "\n0 넣기, 패딩, 뒤집은 커널:\n", view.output[0, 0])
viz.show_as_convolution(view, lang=LANG)

# %%
# **역전파로.** ``Conv2d(1, 1, 3, stride=2, padding=1)``\ 은 4 × 4 입력을 2 × 2로 줄입니다. 이
# 합성곱에 같은 가중치를 넣으면, 역전파는 2 × 2 출력의 기울기를 4 × 4 입력 쪽으로 돌려보냅니다.
# y를 출력의 기울기로 넣으면 ``Conv2d.backward``\ 가 위와 같은 출력을 돌려줍니다. 3장에서 창의
# 개수를 셀 때 쓴 방법이 바로 이것입니다. 그래서 가중치와 입력이 모두 1일 때 앞 절에서 센 겹친
# 횟수는, 8 × 8 입력에 ``Conv2d(1, 1, k, stride=2, padding=1)``\ 을 적용하고 3장처럼
# ``Conv2d.backward``\ 로 센 창의 개수와 같습니다.

by_backward = transposed.as_backward(up, y)
same = {k: np.array_equal(counts[k], window_counts(8, k, stride=2, padding=1)) for k in counts}
print("겹친 횟수 == 3장의 창 개수:", same)

# %%
# **행렬로.** 합성곱은 선형 변환이므로 행렬 하나로 쓸 수 있습니다. 4 × 4 입력에서는 4 × 16 행렬
# C가 되고, C의 각 행에는 창이 덮는 자리에 커널의 값이 놓입니다(가장자리 창은 일부가 패딩에
# 걸치므로 커널의 일부만 놓입니다). 이 행렬의 전치 Cᵀ는 16 × 4로, 값 4개를 다시 16개로 보냅니다.
# Cᵀ가 하는 일은 전치 합성곱과 정확히 같습니다. 전치 합성곱이라는 이름은 여기서 왔습니다. 입력
# 채널 8개, 출력 채널 3개에 편향까지 있는 층에서도 네 가지 방법과 torch의 ``conv_transpose2d``\ 가
# 같은 값을 냅니다(가장 큰 차이가 1e-15보다 작습니다).

matrix = transposed.conv_matrix(kernel, 4, stride=2, padding=1)  # (4, 16)
by_matrix = (matrix.T @ y.ravel()).reshape(4, 4)
print("가장 큰 차이:", np.abs(by_backward - out).max(), np.abs(by_matrix - out).max())
wide = ConvTranspose2d(8, 3, 3, stride=2, padding=1, output_padding=1, dtype=np.float64, rng=0)
differences = transposed.max_differences(wide, np.random.default_rng(0).random((2, 8, 4, 4)))
print("채널 8개 → 3개, 가장 큰 차이:", differences)
viz.show_conv_matrix(matrix, lang=LANG)

# %%
# **전치일 뿐, 역행렬은 아닙니다.** C는 값 16개를 4개로 보내며 랭크(계수)가 4입니다. 입력의 열두
# 방향은 ``Cx``\ 에 아무 흔적도 남기지 않습니다. 이 방향으로만 다른 입력들은 ``Cx``\ 가 같으므로,
# ``Cx``\ 만 보고는 서로 구별할 수 없습니다. 아래 사진에서 4 × 4 조각 x를 잘라 C로 보냈다가 되돌려
# 봅니다. ``Cᵀ(Cx)``\ 는 값이 크게 부풀어 x와 전혀 다릅니다. ‖x‖가 2.18인데 ``‖Cᵀ(Cx) − x‖``\ 는
# 757.5입니다(커널 값을 모두 더하면 45입니다). ``Cx``\ 가 같은 입력 가운데 가장 작은 것을 돌려주는
# 유사 역행렬 C⁺를 써도 x와의 거리가 1.04로, ‖x‖의 절반쯤 됩니다. 전치 합성곱이 되돌리는 것은
# 형태이지 값이 아닙니다. 디코더가 이보다 잘 되돌리려면 숫자 이미지가 어떻게 생겼는지 알아야 하고,
# 그것을 가중치로 학습합니다.

grey = lesson.grey_photo()  # (120, 120), 값은 0~1
patch = grey[44:48, 56:60]  # (4, 4)
trip = transposed.round_trip(matrix, patch)
print(f"C의 랭크: {trip.rank},  ‖x‖ = {trip.norm:.2f}")
print(f"‖Cᵀ(Cx) − x‖ = {trip.error_back:.1f},  ‖C⁺(Cx) − x‖ = {trip.error_best:.2f}")

# %%
# 사진에 생기는 체커보드 무늬
# ---------------------------
# 고르지 않은 겹침은 횟수 표에만 나타나는 것이 아닙니다. 사진을 60 × 60으로 절반 줄인 뒤 세 가지
# 방법으로 다시 두 배로 키워 봅니다. 커널 값을 모두 같게 두어 겹침만 다르게 했습니다. 커널 크기가
# 3이면 커널이 네 번 겹친 픽셀이 한 번 겹친 픽셀보다 네 배 밝게 나옵니다. 커널 크기가 4이거나,
# 먼저 크기를 키운 뒤 합성곱을 하면 2 × 2 격자의 네 자리가 고르게 나옵니다.

upsampled = lesson.checkerboard(grey)  # 120 × 120 → 60 × 60 → 120 × 120
ratios = {key: lesson.phase_ratio(image) for key, image in upsampled.items() if key != "input"}
print({key: round(r, 2) for key, r in ratios.items()})
viz.show_checkerboard(upsampled, ratios, lang=LANG)

# %%
# 직접 해 보기: 놀이터에서 전치 합성곱 다뤄 보기
# ----------------------------------------------
# 입력 크기, 커널, 스트라이드, 패딩, 출력 패딩을 골라 공식이 주는 출력 크기를 확인해 보세요.
# 위의 예처럼 커널 크기 3, 스트라이드 2, 패딩 1, 출력 패딩 1이면 4가 8이 됩니다. 출력 칸을 누르면
# 그 칸에 값을 보내는 입력 칸이 보입니다. 커널 크기 3, 스트라이드 2에서는 이웃한 칸들이 입력 값을
# 하나, 둘, 넷씩 받습니다. 바로 위에서 본 체커보드 무늬입니다.
#
# .. conv-playground::
#    :mode: transpose
#    :no-gallery:

# %%
# 한 번에 하나씩 찍어 봅시다. 입력 값마다 커널(여기서는 모두 1)에 그 값을 곱해 출력에
# 더하고, 다음 값은 두 칸 옆에 찍습니다. 오른쪽 그림은 픽셀마다 겹친 횟수를 셉니다. 커널 크기 3에서는
# 체커보드 무늬가 쌓이고, 커널 크기 4에서는 쌓이지 않습니다.

transposed_steps = viz.animate_transposed_convolution(lang=LANG)
transposed_steps

# %%
# 완전 연결
# ---------
# 완전 연결 디코더는 8 × 4 × 4 코드를 값 128개로 평탄화하고, 은닉 층을 거쳐 출력 784개를 만든 뒤
# (1, 28, 28) 형태로 바꿉니다. 출력 픽셀 하나하나가 은닉 값마다 자기 가중치를 따로 가집니다. 어느
# 픽셀끼리 이웃인지가 구조에 드러나 있지 않아서, 파라미터는 많은데도 이미지의 격자 구조를 활용하지
# 못합니다.

fc = AutoencoderConfig(decoder="fc")
print(f"코드 {fc.code_size} → Linear({fc.code_size}, {fc.fc_hidden}) → ", end="")
print(f"Linear({fc.fc_hidden}, 784) → 형태 바꾸기 (1, 28, 28)")

# %%
# 디코더 다섯 개, 같은 코드 크기, 같은 학습량
# --------------------------------------------
# 디코더마다 구조가 같은 인코더, 크기가 같은 코드(값 128개)와 짝을 지어 앞 장과 같은 짧은 학습을
# 합니다. 짝마다 따로 학습하므로 인코더의 가중치와 코드 값은 서로 다릅니다. 한 번 학습한 뒤로는
# 캐시에서 읽습니다. 손실은 테스트 숫자 이미지 10,000장으로 잽니다. 이처럼 짧게 학습한 결과로는
# 어느 디코더가 **빨리** 배우는지만 알 수 있습니다. 더 오래 학습한 뒤의 순위는
# ``bench/autoencoder.py``\ 의 60초 벤치마크에서 볼 수 있습니다.

test = load_mnist("test")
models, infos = {}, {}
for name in DECODERS:
    models[name], infos[name] = pretrained(AutoencoderConfig(decoder=name), PAGE_BUDGET)
print(f"BCE 바닥값(테스트 픽셀의 엔트로피): {bce_floor(test.images):.4f}")
viz.decoder_table(infos, DECODER_FAMILIES, PAGE_BUDGET, n_test=len(test.images), lang=LANG)

# %%
# 표에서 읽을 수 있는 것
# ----------------------
# 손실이 가장 낮은 것은 최대 언풀링이지만, 다른 디코더와 같은 조건은 아닙니다. 이 디코더는 코드
# 외에 인코더의 풀링 인덱스도 받는데, 위에서 본 것처럼 그 양이 코드보다 많습니다. 코드만 받는
# 디코더 가운데 완전 연결 디코더는 파라미터가 훨씬 많은데도(534,024개로 전치 합성곱 디코더의
# 2.2배) 손실이 가장 높습니다. 이웃한 픽셀끼리 비슷하다는 가정이 구조에 들어 있지 않아서 출력
# 픽셀마다 가중치를 따로 배워야 하는데, 320단계로는 모자랍니다. 합성곱 디코더는 같은 필터를
# 이미지의 모든 위치에서 공유하므로 더 빨리 배웁니다.
#
# 이 실험으로 알 수 있는 것과 알 수 없는 것도 구분해 둡시다. 디코더마다 한 번씩, 시드 하나로 짧게
# 학습했을 뿐입니다. 이 실험에서는 파라미터가 가장 많은 디코더의 손실이 가장 높았으니, 파라미터 개수만으로
# 디코더의 순위가 정해지지는 않습니다. 그러나 더 오래 학습하면 완전 연결 디코더가 따라잡는지는 알
# 수 없고, 합성곱 디코더끼리의 순위도 정할 수 없습니다. 이들의 테스트 BCE 차이는 많아야 0.004입니다.
# 여기서는 업샘플링 디코더보다 파라미터가 두 배 가까이 많은 전치 합성곱 디코더가 앞서지만, 시드를
# 바꾸면 순서가 달라질 수 있습니다. 더 오래 학습한 결과는 ``bench/autoencoder.py``\ 의 60초
# 벤치마크에서 볼 수 있습니다.

reading = lesson.read_table(infos)
print({k: round(v, 3) if isinstance(v, float) else v for k, v in reading._asdict().items()})

# %%
# 복원 결과 나란히 보기
# ---------------------
# 같은 테스트 숫자 이미지 여덟 장을 디코더마다 복원했습니다. 흐릿한 부분(코드에 담기지 못한 세부),
# 베드 오브 네일즈의 빈자리에서 생기는 얼룩, 전치 합성곱 줄의 규칙적인 격자 무늬를 찾아보세요.

digits = torch.from_numpy(test.images[:8])
with torch.no_grad():
    rows = {"input": digits} | {n: torch.sigmoid(m(digits)) for n, m in models.items()}
viz.show_reconstructions(rows, lang=LANG)

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열리고, 애니메이션은 창 안에서 재생됩니다.

plt.show()

# %%
# 기억할 것
# ---------
# * 작은 코드를 다시 크게 만드는 방법은 세 갈래입니다. 업샘플링(최근접 이웃, 베드 오브 네일즈,
#   최대 언풀링)은 자체 가중치가 없어서 뒤에 합성곱을 붙입니다. 전치 합성곱은 크기를 키우는 방법
#   자체를 학습합니다. 완전 연결 층은 격자 구조를 활용하지 않습니다.
# * 전치 합성곱 출력의 한 변 길이는 (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1입니다.
#   스트라이드 2에서 4를 7로 만드는 커널 크기는 하나가 아닙니다.
# * 커널 크기가 스트라이드로 나누어떨어지지 않으면 출력에 찍히는 커널들이 고르지 않게 겹쳐
#   체커보드 무늬가 생깁니다(예: 스트라이드 2, 커널 크기 3). 커널 크기가 4라면 고르게 겹칩니다.
# * 최대 언풀링은 각 값을 최댓값이 있던 자리로 돌려놓지만, 코드에 담기지 않는 인코더의 풀링
#   인덱스가 있어야만 그렇게 할 수 있습니다.
# * 이 장의 320단계 학습에서는 파라미터가 훨씬 많은 디코더의 손실이 가장 높았습니다. 파라미터가
#   많다고 더 좋은 디코더가 되지는 않았고, 이미지에 맞는 구조가 더 중요했습니다. 더 오래 학습한
#   뒤의 순위는 이 짧은 실험만으로는 알 수 없습니다.
#
# 더 읽을거리
# -----------
# * Augustus Odena, Vincent Dumoulin, Chris Olah, "Deconvolution and Checkerboard
#   Artifacts", Distill(2016): https://distill.pub/2016/deconv-checkerboard/
# * Vincent Dumoulin, Francesco Visin, "A guide to convolution arithmetic for deep
#   learning"(2016): https://arxiv.org/abs/1603.07285
# * Francois Chollet, "Building Autoencoders in Keras", Keras 블로그(2016):
#   https://blog.keras.io/building-autoencoders-in-keras.html
# * PyTorch 문서:
#   https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.Upsample.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.MaxUnpool2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.Linear.html

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/06_decoders`.
# 직접 그린 숫자로 학습된 디코더 다섯 가지를 층마다 비교해 보세요: :doc:`/explorer`.
