r"""
선형 층: 형태, 파라미터, 그리고 작은 모델
=========================================

선형 층(Linear layer)은 입력(input)의 모든 숫자를 출력(output)의 모든 숫자와 연결합니다. 그래서
완전 연결 층(:term:`fully connected layer <완전 연결 층>`)이라고도 부릅니다. 이 장에서는 선형 층이
데이터의 형태(shape)를 어떻게 바꾸는지 보고, 강의에서처럼 파라미터(parameter)를 세어 보고,
편향(bias)이 왜 필요한지 알아봅니다. 마지막으로 NumPy만으로 작은 모델을 학습(training)시키면서
과적합(overfitting)이 일어나는 모습을 직접 확인합니다.
"""

# %%
# (N, in)에서 (N, out)으로
# ------------------------
# :term:`선형 층` ``Linear(in_features, out_features)``\ 는 입력의 **마지막** :term:`축`\ (axis)에
# 있는 ``in_features``\ 개의 숫자를 ``out_features``\ 개의 숫자로 바꿉니다. 나머지 축은 그대로
# 지나갑니다. 그래서 특성(feature)이 2개인 예제 4개, 곧 (4, 2) 형태의 :term:`배치`\ (batch)는
# (4, 3)이 됩니다. 안에서 하는 일은 행렬 곱 한 번, ``y = x @ weight.T + bias``\ 입니다.
# :term:`가중치`\ (weight)의 형태는 PyTorch와 똑같이 (out, in)입니다.

import matplotlib.pyplot as plt
import numpy as np

from layerguide.layers import SGD, Linear, MSELoss, ReLU, Sequential, manual_seed
from layerguide.viz import use_korean_font

use_korean_font()
manual_seed(0)

layer = Linear(2, 3)
x = np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5], [3.0, -2.0]], dtype=np.float32)
y = layer(x)
print("입력   x:", x.shape)
print("가중치 W:", layer.weight.shape, " 편향 b:", layer.bias.shape)
print("출력   y:", y.shape)
print(
    "손으로 계산한 y[0]과 층의 결과가 같은가:",
    np.allclose(x[0] @ layer.weight.data.T + layer.bias.data, y[0]),
)

# %%
# 앞쪽 축은 그대로 남습니다. 한 단계에 숫자 2개씩, 10단계짜리 시퀀스 8개인 (8, 10, 2)는
# (8, 10, 3)이 되어 나옵니다. ``output_shape``\ 는 값은 계산하지 않고 이 형태 계산만 합니다.

print("(8, 10, 2) →", layer.output_shape((8, 10, 2)))

# %%
# 파라미터 세기
# -------------
# 입력 ``in``\ 개를 출력 ``out``\ 개로 잇는 선형 층에는 연결마다 가중치가 하나씩, 모두
# ``in × out``\ 개가 있습니다. :term:`편향`\ 을 쓰면 출력마다 하나씩 더 붙습니다. 강의에서는
# 편향 없는 작은 층 세 개, 2 → 3, 3 → 1, 4 → 1을 셉니다(그림에서 선 하나가 가중치 하나입니다).
# 여기서는 층이 직접 세게 합니다. ``parameters()``\ 는 :term:`층`\ 이 학습하는 배열, 곧
# :term:`파라미터`\ 를 모두 돌려주고, ``numel()``\ 은 그 안의 숫자 개수를 셉니다.

lesson = [Linear(2, 3, bias=False), Linear(3, 1, bias=False), Linear(4, 1, bias=False)]
counts = [sum(p.numel() for p in lin.parameters()) for lin in lesson]
for lin, count in zip(lesson, counts, strict=True):
    print(
        f"{lin.in_features} → {lin.out_features}: {lin.in_features} × {lin.out_features} = {count}"
    )
total = sum(counts)
print(" + ".join(map(str, counts)), "=", total)

fig, axes = plt.subplots(1, 3, figsize=(9, 3), layout="constrained")
for ax, lin, count in zip(axes, lesson, counts, strict=True):
    n_in, n_out = lin.in_features, lin.out_features
    y_in, y_out = np.linspace(0, 1, n_in + 2)[1:-1], np.linspace(0, 1, n_out + 2)[1:-1]
    for a in y_in:
        for b in y_out:
            ax.plot([0, 1], [a, b], color="#4c72b0", lw=1.2)
    ax.scatter(np.zeros(n_in), y_in, s=250, color="#dd8452", zorder=3)
    ax.scatter(np.ones(n_out), y_out, s=250, color="#55a868", zorder=3)
    ax.set_title(f"{n_in} → {n_out}: 가중치 {count}개")
    ax.set_xlim(-0.3, 1.3)
    ax.set_axis_off()

# %%
# 편향을 쓰면 층마다 출력 개수만큼 숫자가 늘어납니다. 6 + 3, 3 + 1, 4 + 1입니다.
# 1080 × 1920 컬러 이미지를 :term:`평탄화`\ (flatten)해 벡터 하나로 만들고 출력 하나에 연결하면
# 숫자가 무섭게 커집니다. 가중치가 3 × 1080 × 1920 = 6,220,800개, 편향이 1개입니다. 다음
# 장에서는 합성곱(convolution)이 이 문제를 어떻게 피하는지 봅니다.

with_bias = [Linear(n_in, n_out) for n_in, n_out in [(2, 3), (3, 1), (4, 1)]]
print("편향 포함:", [sum(p.numel() for p in lin.parameters()) for lin in with_bias])
image_to_one = Linear(3 * 1080 * 1920, 1)
big = sum(p.numel() for p in image_to_one.parameters())
print(f"Linear({image_to_one.in_features:,} → 1): 파라미터 {big:,}개")

# %%
# 편향이 하는 일
# --------------
# 편향이 없으면 선형 층은 0을 언제나 0으로 보냅니다. 출력이 원점을 지나는 직선(또는 평면)일
# 수밖에 없습니다. 편향은 이 직선을 위아래로 옮겨 줍니다. y = 2x + 1 위의 점들을 1 → 1 층으로
# 맞춰 보겠습니다. 편향이 있는 층과 없는 층을 기본적인 경사 하강법(``SGD``)으로
# :term:`학습`\ 시킵니다. 한 단계마다 :term:`순전파`\ (forward pass)를 하고,
# :term:`손실`\ (loss)의 :term:`기울기`\ (gradient)를 구하고, :term:`역전파`\ (backpropagation)로
# 모든 ``param.grad``\ 를 채웁니다. 그러면 옵티마이저(optimiser)가 파라미터를 기울기의 반대
# 방향으로 조금 옮깁니다.

x_line = np.linspace(-2, 2, 21, dtype=np.float32)[:, None]  # (21, 1)
y_line = 2 * x_line + 1
fits = {}
for use_bias in (True, False):
    model = Linear(1, 1, bias=use_bias)
    opt = SGD(model.parameters(), lr=0.1)
    loss = MSELoss()
    for _ in range(200):
        opt.zero_grad()
        loss(model(x_line), y_line)
        model.backward(loss.backward())
        opt.step()
    fits[use_bias] = model
    b = float(model.bias.data[0]) if use_bias else 0.0
    print(f"편향={use_bias!s:5}: w = {model.weight.data[0, 0]:.3f}, b = {b:.3f}, "
          f"손실 = {float(loss(model(x_line), y_line)):.3f}")  # fmt: skip

fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
ax.scatter(x_line[:, 0], y_line[:, 0], color="black", s=15, label="데이터: y = 2x + 1")
ax.plot(x_line[:, 0], fits[True](x_line)[:, 0], label="편향 있는 Linear(1, 1)")
ax.plot(x_line[:, 0], fits[False](x_line)[:, 0], "--", label="Linear(1, 1, bias=False)")
ax.axhline(0, color="grey", lw=0.5)
ax.axvline(0, color="grey", lw=0.5)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("편향이 없으면 직선은 (0, 0)을 지나야 합니다")
ax.legend()

# %%
# 같은 층을 평면 위의 변환으로 볼 수도 있습니다. ``Linear(2, 2)``\ 는 사각형의 네 꼭짓점,
# 곧 (4, 2) 입력을 받아 새로운 점 네 개를 내놓습니다. 애니메이션을 한 프레임씩 넘겨 보세요.
# 가중치는 원점을 그대로 둔 채 도형을 돌리고 늘립니다. 원점을 옮기는 것은 편향뿐입니다.
# 모든 프레임의 점은 ``Linear`` 층이 계산한 출력입니다.

from layerguide.viz import animate_linear_map

linear_map = animate_linear_map(lang="ko")
linear_map

# %%
# NumPy로 학습하는 작은 모델
# --------------------------
# 이제 작지만 진짜 신경망을 만듭니다. 선형 층 사이에 :term:`활성화 함수`\ (activation function)
# ReLU를 넣고 ``Sequential``\ 로 쌓습니다. 순전파는 층을 차례대로 지나고, 역전파는 각 층의
# ``backward``\ 를 거꾸로 부릅니다. 연쇄 법칙(chain rule)을 한 층씩 적용하는 셈입니다.
# 학습용으로는 잡음이 섞인 사인 곡선의 점 12개만 주고, 다른 점 200개는 따로 떼어
# 둡니다(held out). 모델이 한 번도 학습하지 않은 데이터에서 얼마나 잘하는지 확인하기
# 위해서입니다.

rng = np.random.default_rng(0)
x_train = rng.uniform(-1, 1, (12, 1))
y_train = np.sin(3 * x_train) + 0.25 * rng.standard_normal(x_train.shape)
x_held = rng.uniform(-1, 1, (200, 1))
y_held = np.sin(3 * x_held) + 0.25 * rng.standard_normal(x_held.shape)

model = Sequential(Linear(1, 32), ReLU(), Linear(32, 32), ReLU(), Linear(32, 1)).to(np.float64)
print(model)
print("파라미터 수:", sum(p.numel() for p in model.parameters()), "— 학습 데이터는 점 12개")

# %%
# 학습 반복문은 다섯 줄입니다. 단계마다 학습 데이터의 손실과 떼어 둔 데이터의 손실을
# 기록하고, 떼어 둔 데이터의 손실이 가장 낮았던 단계의 모델 곡선을 저장해 둡니다.

grid = np.linspace(-1, 1, 200)[:, None]
opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
loss = MSELoss()
train_curve, held_curve = [], []
best_step, best_curve = 0, model(grid)
for step in range(3000):
    opt.zero_grad()
    train_curve.append(float(loss(model(x_train), y_train)))
    model.backward(loss.backward())
    opt.step()
    held_curve.append(float(loss(model(x_held), y_held)))
    if held_curve[-1] <= min(held_curve):
        best_step, best_curve = step, model(grid)

print(f"떼어 둔 데이터의 가장 낮은 손실: {min(held_curve):.3f} ({best_step}단계)")
print(f"{len(held_curve)}단계 뒤: 학습 손실 {train_curve[-1]:.5f}, "
      f"떼어 둔 데이터의 손실 {held_curve[-1]:.3f}")  # fmt: skip

# %%
# 과적합
# ------
# 학습 손실은 0을 향해 계속 떨어집니다. 파라미터가 1,153개나 되니 모델은 잡음까지 포함해
# 12개 점을 모두 지나갈 수 있습니다. 떼어 둔 데이터의 손실은 처음에는 떨어지다가 다시
# 올라갑니다. 모델이 사인 곡선 대신 12개 점의 잡음을 외우기 시작한 것입니다. 이것이
# :term:`과적합`\ 입니다. 떼어 둔 데이터의 손실이 가장 낮을 때 멈추기(조기 종료), 데이터를
# 더 모으기, 더 작은 모델 쓰기가 흔히 쓰는 처방입니다.

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ax1.plot(train_curve, label="학습 손실 (점 12개)")
ax1.plot(held_curve, label="떼어 둔 데이터의 손실 (점 200개)")
ax1.axvline(best_step, color="grey", ls=":", label=f"떼어 둔 데이터 손실 최저 ({best_step}단계)")
ax1.set_yscale("log")
ax1.set_xlabel("학습 단계")
ax1.set_ylabel("MSE 손실")
ax1.set_title("학습 손실은 계속 줄지만, 떼어 둔 데이터 손실은 커집니다")
ax1.legend()
ax2.plot(grid[:, 0], np.sin(3 * grid[:, 0]), color="black", lw=1, label="실제 곡선 sin(3x)")
ax2.plot(grid[:, 0], best_curve[:, 0], label=f"{best_step}단계의 모델")
ax2.plot(grid[:, 0], model(grid)[:, 0], label=f"{len(held_curve)}단계의 모델")
ax2.scatter(x_train[:, 0], y_train[:, 0], color="black", zorder=3, label="학습 데이터")
ax2.set_xlabel("x")
ax2.set_ylabel("y")
ax2.set_title("마지막 모델은 모든 점을 지나려고 휘어집니다")
ax2.legend(fontsize=8)

# %%
# 기억할 것
# ---------
# * ``Linear(in, out)``\ 은 마지막 축만 바꿉니다. (…, in) → (…, out)입니다.
# * 선형 층에는 가중치 ``in × out``\ 개와 편향 ``out``\ 개가 있습니다. 편향 없는 2 → 3, 3 → 1,
#   4 → 1은 6 + 3 + 4 = 13개입니다.
# * 편향이 있어야 출력이 0에서 벗어날 수 있습니다. 편향이 없으면 모든 직선이 원점을 지납니다.
# * 학습은 순전파, 손실 계산, 역전파, 파라미터 갱신을 되풀이하는 것입니다. 예제보다 파라미터가
#   훨씬 많은 모델은 결국 잡음까지 맞춥니다. 떼어 둔 데이터의 손실을 지켜보세요.

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열리고, 애니메이션은 창 안에서 재생됩니다.

plt.show()
