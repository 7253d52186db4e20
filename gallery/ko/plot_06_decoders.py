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
#   받습니다. 풀링된 값마다 창의 네 자리(가장자리에서는 그보다 적은 자리) 중 어느 자리가
#   최댓값이었는지, 즉 값 하나당 최대 2비트의 정보를 더 받는 셈입니다.
#
# PyTorch에서 최근접 이웃은 ``nn.Upsample(scale_factor=2, mode="nearest")``, 최대 언풀링은
# ``nn.MaxUnpool2d(2)``\ 입니다. Keras에서는 최근접 이웃을 ``UpSampling2D(2)``, 아래에서 볼 전치
# 합성곱을 ``Conv2DTranspose``\ 라고 부릅니다. 베드 오브 네일즈는 두 라이브러리 모두 따로 층이
# 없습니다.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook
from torch import nn

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
from layerguide.viz import (
    decoder_table,
    fits_table,
    show_checkerboard,
    show_conv_matrix,
    show_overlaps,
    show_reconstructions,
    show_upsampling,
    size_table,
    use_korean_font,
)

LANG = "ko"
use_korean_font()

small = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])  # (N, C, H, W) = (1, 1, 2, 2)
before_pooling = torch.tensor(
    [[[[0.1, 0.5, 0.2, 0.0], [1.0, 0.3, 0.4, 2.0], [0.2, 3.0, 0.1, 0.3], [0.0, 0.1, 4.0, 0.2]]]]
)
pooled, indices = nn.MaxPool2d(2, return_indices=True)(before_pooling)  # (1, 1, 2, 2)
print("풀링된 값:", pooled[0, 0].tolist(), " 인덱스:", indices[0, 0].tolist())
panels = {
    "input": small,
    "nearest": nearest(small, 4),
    "bed_of_nails": bed_of_nails(small, 4),
    "max_unpool": max_unpool(pooled, indices, 4),
}
show_upsampling(panels, lang=LANG)

# %%
# 인코더 전체로 모으면 이 정보는 꽤 많습니다. 풀링 세 번이 모두 인덱스를 넘기므로
# 16·14·14 + 64·7·7 + 96·4·4 = 7,808개입니다. 7 → 4에서 가장자리에 걸친 창은 후보 자리가 2개나
# 1개뿐이라, 모두 합하면 약 14.8킬로비트가 됩니다. 코드의 float32 값 128개가 담는 4,096비트의
# 3.6배입니다. 강의에서 다루는 방법이라 그대로 두되, 아래 표에 이 유리한 점을 밝혀 둡니다.

side = lesson.unpool_side_information(AutoencoderConfig())
print("풀링마다 인덱스 (C, H, W):", side.shapes, "=", f"인덱스 {side.indices:,}개")
print(f"인덱스 {side.bits / 1000:.1f}킬로비트, 코드 {side.code_bits:,}비트")
print(f"비율 {side.bits / side.code_bits:.1f}")

# %%
# 세 규칙이 움직이는 모습입니다. 3장의 최대 풀링 애니메이션이 만든 2 × 2 결과에서 시작해,
# 값 하나하나가 4 × 4 맵의 제자리로 갑니다. 최대 언풀링은 그 풀링의 인덱스를 씁니다.

from layerguide.viz import animate_upsampling

upsampling_steps = animate_upsampling(lang=LANG)
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
show_overlaps(counts, lang=LANG)

# %%
# 출력은 얼마나 커질까
# --------------------
# 전치 합성곱 출력의 한 변 길이는 (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1입니다.
# n은 입력 크기, s는 스트라이드, p는 패딩, d는 팽창(dilation), k는 커널 크기입니다. 합성곱의 크기
# 공식을 거꾸로 푼 꼴이라, 여기서는 ``padding``\ 이 가장자리를 잘라 내고 ``output_padding``\ 이
# 아래쪽과 오른쪽에 한 줄씩 되돌려 붙입니다. 표의 처음 세 줄은 ``transpose`` 디코더의 층이고,
# ConvTranspose2d 열은 층이 실제로 돌려준 크기입니다.

settings = [(4, 3, 2, 1, 0, 1), (7, 4, 2, 1, 0, 1), (14, 4, 2, 1, 0, 1), (7, 2, 2, 0, 0, 1)]
settings += [(7, 3, 2, 1, 1, 1), (4, 3, 1, 0, 0, 2)]
sizes = [(*a, lesson.transposed_size(*a), lesson.measured_size(*a)) for a in settings]
size_table(sizes, lang=LANG)

# %%
# 스트라이드 2로 4를 7로 키우는 커널 크기는 무엇일까요? 커널 크기 1~5마다, 7이 나오는 가장 작은
# 패딩(과 스트라이드보다 작은 ``output_padding``)을 찾아봅니다.

fits = lesson.kernel_fits(4, 7, stride=2)
fits_table(fits, lang=LANG)

# %%
# 맞는 커널 크기는 다섯 가지입니다. 1 × 1 커널은 출력 픽셀 네 개 중 세 개를 비워 두고, 2 × 2
# 커널은 이웃과 전혀 겹치지 않아 출력 픽셀마다 입력 값 하나에서만 옵니다. 커널 크기 4와 5도
# 맞지만, 4는 ``output_padding``\ 이 1 필요하고 5는 가중치가 더 많습니다. 여기서 쓰는
# ``transpose`` 디코더는 이 첫 층에 커널 크기 3을 씁니다. 복사본이 서로 겹치는 가장 작은 커널이고,
# 네 변 모두 패딩 1로 같으며 ``output_padding``\ 이 필요 없기 때문입니다. 고르지 않은 겹침은 그
# 대가이며, 다음 두 층은 커널 크기 4를 씁니다. 이 두 층은 인코더보다 채널도 많습니다(풀링 뒤 기준
# 7 × 7에서 64개 대신 128개, 14 × 14에서 16개 대신 32개). 전치 합성곱은 각 단계의 작은 쪽 크기에서
# 계산하므로, 업샘플링한 뒤에 적용하는 합성곱보다 채널을 늘리는 데 드는 시간이 적습니다.

# %%
# 왜 "전치"일까
# -------------
# 합성곱은 선형 변환이므로 행렬 하나로 쓸 수 있습니다. 패딩 없이 4 × 4 입력에 3 × 3 커널을 쓰면
# 출력은 2 × 2이고, 합성곱은 4 × 16 행렬 C가 됩니다. C의 각 행에는 창이 덮는 자리에 커널의 값
# 9개가 놓입니다. 이 행렬의 전치 Cᵀ는 16 × 4로, 값 4개를 다시 16개로 보냅니다. Cᵀ가 하는 일은 같은
# 커널로 하는 전치 합성곱과 정확히 일치합니다. 전치 합성곱이라는 이름은 여기서 왔습니다.

kernel = np.arange(1.0, 10.0).reshape(3, 3)
matrix = lesson.conv_matrix(kernel, 4)  # (4, 16)
y = np.array([[1.0, 2.0], [3.0, 4.0]])
by_matrix = (matrix.T @ y.ravel()).reshape(4, 4)
by_layer = lesson.transposed_conv(kernel, y)
print("Cᵀ y:\n", by_matrix, "\nConvTranspose2d(y):\n", by_layer)
print("가장 큰 차이:", np.abs(by_matrix - by_layer).max())
show_conv_matrix(matrix, lang=LANG)

# %%
# 사진에 생기는 체커보드 무늬
# ---------------------------
# 고르지 않은 겹침은 횟수 표에만 나타나는 것이 아닙니다. 사진을 60 × 60으로 절반 줄인 뒤 세 가지
# 방법으로 다시 두 배로 키워 봅니다. 커널 값을 모두 같게 두어 겹침만 다르게 했습니다. 커널 크기가
# 3이면 커널이 네 번 겹친 픽셀이 한 번 겹친 픽셀보다 네 배 밝게 나옵니다. 커널 크기가 4이거나,
# 먼저 크기를 키운 뒤 합성곱을 하면 2 × 2 격자의 네 자리가 고르게 나옵니다.

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = plt.imread(f)  # (600, 512, 3) uint8
grey = photo[:480, 16:496].mean(axis=2).reshape(120, 4, 120, 4).mean(axis=(1, 3)) / 255
upsampled = lesson.checkerboard(grey)  # 120 × 120 → 60 × 60 → 120 × 120
ratios = {key: lesson.phase_ratio(image) for key, image in upsampled.items() if key != "input"}
print({key: round(r, 2) for key, r in ratios.items()})
show_checkerboard(upsampled, ratios, lang=LANG)

# %%
# 직접 해 보기: 놀이터에서 전치 합성곱
# ----------------------------------------
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
# 더하고, 다음 값은 두 칸 옆에 찍습니다. 오른쪽 칸은 픽셀마다 겹친 횟수를 셉니다. 커널 크기 3에서는
# 체커보드 무늬가 쌓이고, 커널 크기 4에서는 쌓이지 않습니다.

from layerguide.viz import animate_transposed_convolution

transposed_steps = animate_transposed_convolution(lang=LANG)
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
# 어느 디코더가 *빨리* 배우는지만 알 수 있습니다. 더 오래 학습한 뒤의 순위는
# ``bench/autoencoder.py``\ 의 60초 벤치마크에서 볼 수 있습니다.

test = load_mnist("test")
models, infos = {}, {}
for name in DECODERS:
    models[name], infos[name] = pretrained(AutoencoderConfig(decoder=name), PAGE_BUDGET)
print(f"BCE 바닥값(테스트 픽셀의 엔트로피): {bce_floor(test.images):.4f}")
decoder_table(
    infos,
    DECODER_FAMILIES,
    steps=PAGE_BUDGET.steps,
    batch_size=PAGE_BUDGET.batch_size,
    n_test=len(test.images),
    lang=LANG,
)

# %%
# 표에서 읽을 수 있는 것
# ----------------------
# 손실이 가장 낮은 것은 최대 언풀링이지만, 다른 디코더와 같은 조건은 아닙니다. 이 디코더는 코드
# 외에 인코더의 풀링 인덱스도 받는데, 위에서 본 것처럼 그 양이 코드보다 많습니다. 코드만 받는
# 디코더 가운데 완전 연결 디코더는 파라미터가 훨씬 많은데도 손실이 가장 높습니다. 이웃한 픽셀끼리
# 비슷하다는 가정이 구조에 들어 있지 않아서 출력 픽셀마다 가중치를 따로 배워야 하는데,
# 320단계로는 모자랍니다. 합성곱 디코더는 같은 필터를 이미지의 모든 위치에서 공유하므로 더 빨리
# 배웁니다. 이렇게 짧게 학습했을 때는 합성곱 디코더끼리의 차이가 작으므로, 이들의 순위는 60초
# 벤치마크 결과로 판단하는 편이 낫습니다.

# %%
# 복원 결과 나란히 보기
# ---------------------
# 같은 테스트 숫자 이미지 여덟 장을 디코더마다 복원했습니다. 흐릿한 부분(코드에 담기지 못한 세부),
# 베드 오브 네일즈의 빈자리에서 생기는 얼룩, 전치 합성곱 줄의 규칙적인 격자 무늬를 찾아보세요.

digits = torch.from_numpy(test.images[:8])
with torch.no_grad():
    rows = {"input": digits} | {n: torch.sigmoid(m(digits)) for n, m in models.items()}
show_reconstructions(rows, lang=LANG)

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
# * 파라미터가 많다고 더 좋은 디코더가 되지는 않습니다. 이미지에 맞는 구조가 더 중요합니다.
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
