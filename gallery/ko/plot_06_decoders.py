r"""
되살리는 세 가지 방법: 업샘플링, 전치 합성곱, 완전 연결
=======================================================

인코더는 숫자 이미지를 작게 만들었습니다. 이제 디코더(decoder)가 다시 크게 만들어야 합니다.
강의는 디코더를 세 갈래로 나눕니다. 업샘플링(upsampling)은 먼저 정해진 규칙으로 특징 맵(feature
map)을 키우고, 세밀한 부분은 뒤따르는 합성곱(convolution)에 맡깁니다. 전치 합성곱(transposed
convolution)은 키우기와 거르기를 학습되는 한 단계로 한꺼번에 합니다. 완전 연결 층(fully
connected layer)으로 된 디코더는 격자를 아예 무시하고, 모든 픽셀을 코드 값 전체로부터 한 번에
계산합니다. 이 장에서는 먼저 작은 예로 각 연산이 하는 일을 보고, 같은 코드로 디코더 다섯 개를
학습시켜 비교합니다.
"""

# %%
# 2 × 2 맵을 4 × 4로 업샘플링하기
# -------------------------------
# 값이 1, 2, 3, 4인 2 × 2 특징 맵을 예로 듭니다.
#
# * **최근접 이웃**\ (nearest neighbour, 복사로 하는 :term:`업샘플링`)은 값 하나를 2 × 2 칸 전체에 복사합니다.
# * **베드 오브 네일즈**\ (bed of nails)는 값을 칸의 왼쪽 위 모서리에만 두고 나머지는 0으로 채웁니다.
# * **최대 언풀링**\ (max unpooling)은 값을 인코더의 최대 풀링(max pooling)이 최댓값을 찾았던
#   자리로 돌려놓습니다. 그러려면 인코더가 넘겨주는 풀링 위치(인덱스)가 필요합니다. 즉 코드보다 더
#   많은 것을 받습니다. 풀링된 값마다 네 자리 중 어디가 이겼는지, 곧 2비트씩의 정보가 더 들어옵니다.
#   강의에서 다루는 방법이라 그대로 두되, 표에 이 점을 밝혀 둡니다.

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from layerguide.autoencoder import (
    DECODER_FAMILIES,
    DECODERS,
    AutoencoderConfig,
    load_mnist,
    pretrained,
)
from layerguide.autoencoder.models import bed_of_nails, max_unpool, nearest
from layerguide.autoencoder.train import PAGE_BUDGET, bce_floor
from layerguide.viz import use_korean_font

use_korean_font()

small = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])  # (N, C, H, W) = (1, 1, 2, 2)
before_pooling = torch.tensor(
    [[[[0.1, 0.5, 0.2, 0.0], [1.0, 0.3, 0.4, 2.0], [0.2, 3.0, 0.1, 0.3], [0.0, 0.1, 4.0, 0.2]]]]
)
pooled, indices = nn.MaxPool2d(2, return_indices=True)(before_pooling)  # (1, 1, 2, 2)
print("풀링된 값:", pooled[0, 0].tolist(), " 인덱스:", indices[0, 0].tolist())

panels = [
    ("입력 (2, 2)", small),
    ("최근접 이웃 (4, 4)", nearest(small, 4)),
    ("베드 오브 네일즈 (4, 4)", bed_of_nails(small, 4)),
    ("최대 언풀링 (4, 4)", max_unpool(pooled, indices, 4)),
]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.9))
for ax, (title, t) in zip(axes, panels, strict=True):
    values = t[0, 0].numpy()
    ax.imshow(values, cmap="Blues", vmin=0, vmax=4.5)
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=11)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()

# %%
# 세 규칙이 움직이는 모습입니다. 3장의 최대 풀링 애니메이션이 만든 2 × 2 결과에서 시작해,
# 값 하나하나가 4 × 4 맵의 제자리로 갑니다. 최대 언풀링은 그 풀링의 인덱스를 씁니다.

from layerguide.viz import animate_upsampling

upsampling_steps = animate_upsampling(lang="ko")
upsampling_steps

# %%
# 전치 합성곱과 체커보드 무늬
# ---------------------------
# 스트라이드(stride)가 2인 전치 합성곱은 입력 값 하나마다 k × k 커널(kernel) 전체를 그 값만큼
# 키워서 출력의 두 칸 간격 자리에 찍고, 겹치는 곳은 더합니다. 가중치와 입력을 모두 1로 두면
# 출력은 각 픽셀에 커널이 몇 번 겹쳤는지를 그대로 셉니다. 커널이 3이고 스트라이드가 2이면
# 이 횟수가 1, 2, 4로 번갈아 나옵니다. 커널 크기가 스트라이드로 나누어떨어지지 않아 겹침이
# 고르지 않기 때문입니다. 그래서 체커보드 무늬가 생깁니다(Odena, Dumoulin, Olah, *Deconvolution and
# Checkerboard Artifacts*, Distill 2016). 커널이 4이면 안쪽 픽셀은 모두 같은 횟수만큼 겹칩니다.
# 우리의 ``transpose`` 디코더는 마지막 두 층에 커널 4를 쓰고, 다른 크기가 맞지 않는 첫 층(4 → 7)에만
# 커널 3을 씁니다. 또 인코더보다 채널이 많습니다(7 × 7에서 64개 대신 128개, 14 × 14에서 16개 대신
# 32개). 전치 합성곱은 각 단계의 작은 쪽 크기에서 계산하므로, 업샘플링한 뒤에 도는 합성곱보다 채널을
# 늘리는 데 드는 시간이 적습니다. 그 대가로 늘어난 파라미터 수는 아래 표에서 볼 수 있습니다.

ones = torch.ones(1, 1, 4, 4)
counts = {}
for k in (3, 4):
    up = nn.ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=k % 2, bias=False)
    nn.init.ones_(up.weight)
    with torch.no_grad():
        counts[k] = up(ones)[0, 0].numpy()  # (8, 8)
    print(f"커널 {k}, 스트라이드 2: {tuple(ones.shape[2:])} → {counts[k].shape}")

fig, axes = plt.subplots(1, 2, figsize=(7, 3.4))
for ax, (k, c) in zip(axes, counts.items(), strict=True):
    ax.imshow(c, cmap="magma", vmin=0, vmax=4)
    for (r, col), v in np.ndenumerate(c):
        ax.text(
            col,
            r,
            f"{v:g}",
            ha="center",
            va="center",
            fontsize=8,
            color="black" if v >= 3 else "white",
        )
    ax.set_title(f"커널 {k}, 스트라이드 2: 픽셀마다 겹친 횟수", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()

# %%
# 한 번에 하나씩 찍어 봅시다. 입력 값마다 커널(여기서는 모두 1)에 그 값을 곱해 출력에
# 더하고, 다음 값은 두 칸 옆에 찍습니다. 오른쪽 칸은 픽셀마다 겹친 횟수를 셉니다. 커널 3에서는
# 체커보드 무늬가 쌓이고, 커널 4에서는 쌓이지 않습니다.

from layerguide.viz import animate_transposed_convolution

transposed_steps = animate_transposed_convolution(lang="ko")
transposed_steps

# %%
# 완전 연결
# ---------
# 완전 연결 디코더는 8 × 4 × 4 코드를 128개의 수로 평탄화(flatten)하고, 은닉층을 거쳐 784개의
# 출력으로 바꾼 뒤 (1, 28, 28)로 모양을 바꿉니다. 출력 픽셀 하나하나가 은닉 값마다 자기 가중치를
# 따로 가집니다. 어느 픽셀이 이웃인지 알려 주는 것이 없으니, 파라미터(parameter)는 많고 격자에 대한
# 감각은 없습니다.

fc = AutoencoderConfig(decoder="fc")
print(
    f"코드 {fc.code_size} → Linear({fc.code_size}, {fc.fc_hidden}) → "
    f"Linear({fc.fc_hidden}, 784) → 모양 바꾸기 (1, 28, 28)"
)

# %%
# 디코더 다섯 개, 같은 코드 크기, 같은 예산
# -----------------------------------------
# 모든 디코더를 같은 인코더, 같은 128개짜리 코드, 앞 장과 같은 짧은 예산으로 학습시킵니다(한 번
# 학습하고 그다음부터는 캐시에서 읽습니다). 손실(loss)은 테스트 숫자 10,000개로 잽니다. 이 예산에서의
# 숫자는 어느 디코더가 *빨리* 배우는지를 보여 줍니다. 더 오래 학습한 뒤의 순위는
# ``bench/autoencoder.py``\ 의 60초 벤치마크가 보여 줍니다.
#
# 표를 읽을 때 ``max_unpool``\ 이 유리하다는 점을 기억하세요. 코드 128개 말고도 풀링 인덱스를 받기
# 때문에, 밝은 픽셀이 어디에 있었는지 알고 시작합니다.

family_names = {
    "upsampling": "업샘플링",
    "transposed convolution": "전치 합성곱",
    "fully connected": "완전 연결",
}
test = load_mnist("test")
models, infos = {}, {}
for name in DECODERS:
    models[name], infos[name] = pretrained(AutoencoderConfig(decoder=name), PAGE_BUDGET)

print(f"학습 예산: 디코더마다 {PAGE_BUDGET.budget}, 배치 크기 {PAGE_BUDGET.batch_size}")
print("디코더        갈래                      파라미터  테스트 BCE  테스트 MSE")
for name, info in infos.items():
    note = " (+ 풀링 인덱스)" if name == "max_unpool" else ""
    print(
        f"{name:<13} {family_names[DECODER_FAMILIES[name]]:<23} {info['params']:>8,} "
        f"{info['test_bce']:>9.4f} {info['test_mse']:>9.5f}{note}"
    )
print(f"BCE 바닥값 (테스트 픽셀의 엔트로피): {bce_floor(test.images):.4f}")

# %%
# 복원 결과 나란히 보기
# ---------------------
# 같은 테스트 숫자 여덟 개를 디코더마다 복원했습니다. 흐릿함(코드에 다 담지 못한 세부), 베드 오브
# 네일즈의 빈자리에서 생기는 점무늬, 그리고 전치 합성곱 줄에 규칙적인 격자 무늬가 있는지 살펴보세요.

digits = torch.from_numpy(test.images[:8])
rows = [("입력", digits)]
with torch.no_grad():
    for name, m in models.items():
        rows.append((name, torch.sigmoid(m(digits))))

fig, axes = plt.subplots(len(rows), 8, figsize=(8, 1.1 * len(rows)))
for r, (name, images) in enumerate(rows):
    for i in range(8):
        axes[r, i].imshow(images[i, 0], cmap="gray", vmin=0, vmax=1)
        axes[r, i].set_xticks([])
        axes[r, i].set_yticks([])
    axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
fig.suptitle("디코더별 복원 결과")
fig.tight_layout()
plt.show()
