r"""
선형 층: 선형 변환, 가중치, 그리고 과적합
===========================================

:term:`선형 층`\ (Linear layer)이 하는 일은 :term:`선형 변환`\ (linear transformation)입니다.
모든 점에 같은 행렬 하나를 곱해, 우리가 정한 크기의 공간으로 옮깁니다. 이 장에서는 강의의 예제를
따라 사각형 두 개를 각각 수 하나로 요약해 보고, 가중치와 파라미터를 세어 보고, 편향이 왜 필요한지
알아봅니다. 마지막으로 작은 모델과 큰 모델을 학습시켜 과적합이 어떻게 나타나는지 비교합니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""

# %%
# 선형 변환, 그리고 여러 가지 이름
# --------------------------------
# ``Linear(in_features, out_features)`` :term:`층`\ 은 입력의 **마지막** 축에 있는 값
# ``in_features``\ 개를 ``out_features``\ 개로 바꿉니다. 나머지 축은 그대로 둡니다. 안에서 하는
# 계산은 행렬 곱 한 번과 덧셈 한 번, ``y = x @ weight.T + bias``\ 입니다. :term:`가중치`\ (weight)는
# PyTorch와 똑같이 (out, in) 형태의 행렬입니다. 다른 자료에서는 같은 층을 :term:`완전 연결 층`,
# Keras의 ``Dense``, 피드포워드 층, MLP 층이라고도 부릅니다.
#
# 강의의 첫 입력은 사각형 하나입니다. 꼭짓점 네 개가 저마다 (x, y) 좌표를 가지므로 (4, 2) 행렬이
# 됩니다. 배치가 아니라 점 네 개입니다. 2 → 3 층을 지나면 점마다 값이 3개가 됩니다.

import numpy as np
import torch

from layerguide import trace, viz
from layerguide.layers import SGD, Linear, MSELoss, ReLU, Sequential, manual_seed
from layerguide.lesson import linear as lesson

LANG = "ko"
viz.use_korean_font()
manual_seed(0)

layer = Linear(2, 3)
quads = lesson.QUADRILATERALS  # 이름 → (4, 2) 꼭짓점
x = quads["A"]
y = layer(x)
print("입력 x:", x.shape, "  가중치 W:", layer.weight.shape, "  편향 b:", layer.bias.shape)
print("출력 y:", y.shape)
by_hand = x[0] @ layer.weight.data.T + layer.bias.data
print("손으로 계산한 y[0]과 층의 결과가 같은가:", np.allclose(by_hand, y[0]))

# %%
# 앞쪽 축은 그대로 남습니다. 시점마다 값이 2개인 길이 10짜리 시퀀스 8개, 곧 (8, 10, 2)는
# (8, 10, 3)이 됩니다. ``output_shape``\ 는 값은 계산하지 않고 형태만 계산합니다.

print("(8, 10, 2) →", layer.output_shape((8, 10, 2)))

# %%
# 강의의 사각형 두 개
# -------------------
# 강의에서는 사각형 하나를 수 하나로 요약하려고 가중치 두 개를 씁니다. 먼저 (2, 1) 가중치가 점
# 하나를 수 하나로 바꿉니다. (4, 2) → (4, 1)입니다. 다음으로 (4, 1) 가중치가 네 점의 값을 섞어
# 하나로 만듭니다. (4, 1) → (1, 1)입니다. 그런데 층은 **마지막** 축을 읽고, 첫 번째 곱셈이 끝나면
# 네 점은 첫 번째 축에 놓여 있습니다. 그래서 두 번째 가중치 앞에서 (4, 1) → (1, 4)로 전치해야
# 합니다. 형태를 맞추려면 전치가 꼭 필요합니다. 전치하지 않으면 층에서 형태 오류가 납니다.
# (PyTorch와 layerguide는 가중치를 (out, in) 순서로 저장하므로, 강의의 (2, 1) 가중치와 (4, 1)
# 가중치는 아래에서 (1, 2)와 (1, 4)로 보입니다.)

manual_seed(0)
two_step = lesson.two_step_network()
try:
    two_step.layers[2](two_step.layers[0](x))
except ValueError as err:
    print("전치하지 않으면:", err)
print(two_step)
print("가중치 (out, in):", [w.shape for w in two_step.parameters()])
two_step_torch = lesson.two_step_network_torch(two_step)
values = {name: float(two_step(q)[0, 0]) for name, q in quads.items()}
values_torch = {n: two_step_torch(torch.from_numpy(q))[0, 0].item() for n, q in quads.items()}
for name, value in values.items():
    print(f"사각형 {name}: layerguide {value:.6f}, torch {values_torch[name]:.6f}")
viz.show_quadrilaterals(quads, values, lang=LANG)

# %%
# NumPy 신경망과, 같은 가중치를 넣은 ``torch.nn`` 신경망은 두 사각형에서 같은 값을 냅니다.
# ``trace``\ 는 층마다 형태를 표로 보여 주며 두 종류의 모델을 모두 추적합니다. 여기서는 NumPy
# 신경망을, 다음 절에서는 torch 신경망을 추적합니다.

trace(two_step, (4, 2), lang=LANG)

# %%
# 조금 더 큰 신경망 만들기
# ------------------------
# 이어서 강의는 점마다 값을 3개로 늘린 뒤에 요약합니다. (4, 2) → (4, 3) → (4, 1) → (1, 1)입니다.
# 값 ``in``\ 개를 ``out``\ 개로 바꾸는 선형 층에는 원소가 ``in × out``\ 개인 가중치 행렬이 하나
# 있고, 그 원소 하나하나가 :term:`파라미터`\ (parameter)입니다. 따라서 이 신경망에는 가중치 행렬이 3개,
# 파라미터가 2×3 + 3×1 + 4×1 = 13개 있습니다(아래 그림에서 선 하나가 파라미터 하나입니다).
# ``parameters()``\ 는 가중치 행렬들을 돌려주고, ``numel()``\ 은 그 원소 수를 셉니다.

richer = lesson.richer_network()
weights = richer.parameters()
counts = [w.numel() for w in weights]
total = sum(counts)
print(f"가중치 행렬 {len(weights)}개:", [w.shape for w in weights])
print(" + ".join(map(str, counts)), "=", total, "(파라미터 개수)")
viz.show_connections([(2, 3), (3, 1), (4, 1)], lang=LANG)
trace(lesson.richer_network_torch(richer), (4, 2), lang=LANG)

# %%
# :term:`편향`\ (bias)을 쓰면 층마다 출력 개수만큼 파라미터가 늘어납니다. 6 + 3, 3 + 1, 4 + 1입니다.

richer_bias = lesson.richer_network(bias=True)
counts_bias = lesson.parameter_counts(richer_bias)
total_bias = sum(counts_bias)
print("편향 포함:", counts_bias, "=", total_bias)

# %%
# 높이 1080, 너비 1920인 컬러 이미지를 :term:`평탄화`\ (flatten)해 벡터 하나로 만들고 출력 하나에
# 연결하면 개수가 걷잡을 수 없이 커집니다. 가중치 3 × 1080 × 1920 = 6,220,800개에 편향 1개입니다.
# 3장에서는 합성곱이 이 문제를 어떻게 피하는지 봅니다.

image_to_one = Linear(3 * 1080 * 1920, 1)
big = sum(p.numel() for p in image_to_one.parameters())
print(f"Linear({image_to_one.in_features:,} → 1): 파라미터 {big:,}개")

# %%
# 무작위로 시작해 학습으로 다듬기
# -------------------------------
# 우리가 정하는 것은 가중치의 **형태**\ 뿐입니다. 처음 값은 무작위 수로 채워지고(``manual_seed``\ 는
# 매번 같은 무작위 수가 나오게 합니다), :term:`학습`\ (training)이 그 값을 조금씩 옮깁니다. 여기서는
# 1 → 1 층이 y = 2x + 1 위의 점들을 경사 하강법으로 배웁니다. 클래스 이름은 ``SGD``\ 이지만 단계마다
# 점 21개를 모두 쓰므로 확률적이지는 않습니다. 한 단계에서는 :term:`순전파`\ (forward pass)를 하고,
# :term:`손실`\ (loss)의 :term:`기울기`\ (gradient)를 구하고, ``backward``\ 로
# :term:`역전파`\ (backpropagation)를 해서 모든 ``param.grad``\ 를 채웁니다. 그러면
# :term:`옵티마이저`\ (optimizer)가 파라미터를 기울기의 반대 방향으로 조금 옮깁니다.

x_line = np.linspace(-2, 2, 21, dtype=np.float32)[:, None]  # (21, 1)
y_line = 2 * x_line + 1
fits, snapshots = {}, {}
for use_bias in (True, False):
    model = Linear(1, 1, bias=use_bias)
    opt = SGD(model.parameters(), lr=0.1)
    loss = MSELoss()
    for step in range(201):
        if use_bias and step in (0, 1, 3, 10, 200):
            snapshots[step] = (float(model.weight.data[0, 0]), float(model.bias.data[0]))
        opt.zero_grad()
        loss(model(x_line), y_line)
        model.backward(loss.backward())
        opt.step()
    fits[use_bias] = model
print("단계별 w, b:", snapshots)
viz.show_training_steps(x_line, y_line, snapshots, lang=LANG)

# %%
# 편향이 하는 일
# --------------
# 편향이 없으면 선형 층은 0을 언제나 0으로 보냅니다. 출력은 원점을 지나는 직선일 수밖에 없습니다.
# 편향은 이 직선을 위아래로 옮겨 줍니다. 편향이 있는 층은 w = 2, b = 1을 찾았고, 편향이 없는 층은
# (0, 0)을 지나는 직선 가운데 가장 나은 것만 찾을 수 있습니다.

w_bias, b_bias = float(fits[True].weight.data[0, 0]), float(fits[True].bias.data[0])
w_zero = float(fits[False].weight.data[0, 0])
print(f"편향 있음: w = {w_bias:.3f}, b = {b_bias:.3f},  편향 없음: w = {w_zero:.3f}")
viz.show_bias_fit(x_line, y_line, fits[True](x_line), fits[False](x_line), lang=LANG)

# %%
# 같은 층을 평면 위의 변환으로 볼 수도 있습니다. ``Linear(2, 2)``\ 는 사각형의 네 꼭짓점,
# 곧 (4, 2) 입력을 받아 새로운 점 네 개를 내놓습니다. 애니메이션을 한 프레임씩 넘겨 보세요.
# 가중치는 원점을 그대로 둔 채 도형을 돌리고 늘립니다. 원점을 옮기는 것은 편향뿐입니다.
# 모든 프레임의 점은 ``Linear`` 층이 계산한 출력입니다.

from layerguide.viz import animate_linear_map

linear_map = animate_linear_map(lang=LANG)
linear_map

# %%
# 활성화 함수 없이 쌓은 층
# ------------------------
# 조금 더 큰 신경망은 가중치 두 개짜리 신경망보다 더 많은 일을 할 수 있을까요? 층 사이에 아무것도
# 없다면 그렇지 않습니다. 점 하나는 가중치 W₁ (3, 2)와 W₂ (1, 3)을 차례로 지나는데, 행렬 곱을 두 번
# 잇달아 하는 것은 두 행렬을 먼저 곱해 둔 행렬을 한 번 곱하는 것과 같습니다. W₂W₁은 (1, 2) 가중치
# 하나입니다. 이어서 W₃ (1, 4)가 네 점의 값을 섞으므로, 신경망 전체는 4 × 2 행렬
# M = W₃ᵀ(W₂W₁) 하나로 Σ Mᵢⱼ xᵢⱼ를 계산합니다. 사각형의 수 8개를 수 하나로 바꾸는 선형 변환 하나일
# 뿐입니다. 게다가 M의 랭크는 1입니다(모든 행이 W₂W₁의 배수입니다). 파라미터 13개로 계산하는 것은
# 무엇이든 가중치 두 개짜리 신경망의 파라미터 6개로도 계산할 수 있습니다. 두 사각형 모두 M으로
# 계산한 값이 신경망의 출력과 같습니다.

product = lesson.collapsed_weight(richer)  # W₃ᵀ(W₂W₁): (4, 1) @ (1, 2) = (4, 2)
rank = int(np.linalg.matrix_rank(product))
same = {n: (float(richer(q)[0, 0]), float((product * q).sum())) for n, q in quads.items()}
for name, (net_value, map_value) in same.items():
    print(f"사각형 {name}: 신경망 {net_value:.6f}, 행렬 하나 {map_value:.6f}")
print("M = W₃ᵀ(W₂W₁) =", product.astype(float).round(3).tolist(), " 랭크:", rank)

# %%
# 층 사이에 :term:`활성화 함수`\ (activation function)를 넣으면 달라집니다. ReLU는 양수는 그대로
# 두고 음수는 0으로 바꾸므로, 층들을 더는 행렬 하나로 합칠 수 없습니다. 사각형 A의 꼭짓점 가운데
# x = y인 두 곳에서는 0을, 나머지 두 곳에서는 1을 내도록 해 봅시다. XOR처럼 마주 보는 꼭짓점끼리
# 값이 같습니다. 선형 층으로는 이 값을 맞출 수 없습니다. 최소 제곱법으로 정확히 구한 가장 좋은
# Linear(2, 1)도 모든 꼭짓점에서 0.5를 내어 평균 제곱 오차가 0.25인데, 최소 제곱법은 오차가 가장
# 작은 답을 찾으므로 어떤 선형 층도 이보다 나을 수 없습니다. 선형 층 두 개 사이에 ReLU를 넣고
# 가운데 값을 8개로 하면, SGD로 1000단계 학습해 오차가 0.001 아래로 떨어집니다. (가운데 값이 3개이면
# 무작위로 정한 처음 값에 따라 학습이 도중에 막히기도 합니다. 연습 문제에서 확인해 보세요.)

x_xor, y_xor = lesson.xor_square()
fitted = {"linear": lesson.least_squares_linear(x_xor, y_xor)}
manual_seed(0)
fitted["relu"] = Sequential(Linear(2, 8), ReLU(), Linear(8, 1)).to(np.float64)
xor_run = lesson.fit(fitted["relu"], (x_xor, y_xor, x_xor, y_xor), x_xor, steps=1000, lr=0.05)
mse = {kind: float(np.mean((m(x_xor) - y_xor) ** 2)) for kind, m in fitted.items()}
print("평균 제곱 오차:", mse)
viz.show_collapse(product, x_xor, y_xor, fitted, lang=LANG)

# %%
# 같은 잡음 데이터로 학습한 작은 모델과 큰 모델
# ----------------------------------------------
# 이제 작지만 진짜 신경망 두 개를 만듭니다. 선형 층 사이에 활성화 함수 ReLU를 넣고
# ``Sequential``\ 로 쌓습니다. 가운데 있는 층이 :term:`은닉 층`\ (hidden layer)입니다. 순전파는 층을
# 차례대로 지나고, 역전파는 각 층의 ``backward``\ 를 역순으로 호출합니다. 두 모델 모두 잡음이 섞인
# 사인 곡선의 점 12개로 학습하고, 학습에 쓰지 않는 점 200개는 따로 떼어 둡니다. 이렇게 떼어 둔
# 데이터를 검증 데이터라고 하며, 모델이 처음 보는 데이터에서 얼마나 잘하는지 확인하는 데 씁니다.
# ``fit``\ 은 위의 학습 반복문을 3000단계 돌리면서 단계마다 두 손실을 기록합니다.

manual_seed(0)
data = lesson.noisy_sine()
grid = np.linspace(-1, 1, 200)[:, None]
small = Sequential(Linear(1, 3), ReLU(), Linear(3, 1)).to(np.float64)
large = Sequential(Linear(1, 32), ReLU(), Linear(32, 32), ReLU(), Linear(32, 1)).to(np.float64)
models = {"작은 모델": small, "큰 모델": large}  # 표와 그림에 보일 이름
sizes = {name: sum(p.numel() for p in m.parameters()) for name, m in models.items()}
runs = {name: lesson.fit(m, data, grid) for name, m in models.items()}
results = viz.overfitting_table(sizes, runs, data, lang=LANG)
results

# %%
# 과적합
# ------
# 큰 모델은 점 12개를 파라미터 1,153개로 배웁니다. 잡음까지 포함해 모든 점을 지나갈 수 있으니
# 학습 손실은 거의 0까지 떨어지고, 검증 손실은 가장 낮은 지점을 지난 뒤 다시 올라갑니다. 이것이
# :term:`과적합`\ (overfitting)입니다. 작은 모델(파라미터 10개)은 그만큼 휘어지지 못합니다. 학습
# 손실은 잡음 수준보다 높게 머물고 검증 손실도 거의 오르지 않습니다. 대신 사인 곡선조차 따라가지
# 못하는 과소적합이 나타납니다. 모델이 너무 작기 때문입니다. 과적합을 막는 흔한 방법으로는 검증
# 손실이 가장 낮을 때 학습을 멈추기(조기 종료), 데이터 더 모으기, 더 작은 모델 쓰기가 있습니다.

viz.show_overfitting(grid, data[0], data[1], {n: (sizes[n], r) for n, r in runs.items()}, lang=LANG)

# %%
# Keras와 PyTorch
# ---------------
# Keras는 같은 층을 다른 이름으로 부르고, 같은 값을 다른 축 순서로 저장합니다.
# ``Dense(units, use_bias=True)``\ 는 ``nn.Linear(in, out, bias=True)``\ 와 같은 층입니다. Keras는
# ``in``\ 을 데이터에서 알아내고, 가중치(Keras에서는 kernel)를 (in, out) 형태, 곧 PyTorch의
# (out, in)을 전치한 형태로 저장합니다. Keras의 이미지는 채널이 맨 뒤에 오는 (N, H, W, C)로, 1장에서
# 본 이미지 파일의 순서와 같습니다. PyTorch는 채널이 앞에 오는 (N, C, H, W)를 씁니다.

viz.keras_table(lesson.keras_pytorch_pairs(), lang=LANG)

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열리고, 애니메이션은 창 안에서 재생됩니다.

import matplotlib.pyplot as plt

plt.show()

# %%
# 기억할 것
# ---------
# * ``Linear(in, out)``\ 은 마지막 축에 적용하는 선형 변환입니다. (…, in) → (…, out)입니다.
# * 가중치는 행렬이고, 그 원소 하나하나가 파라미터입니다. 강의의 신경망
#   (4, 2) → (4, 3) → (4, 1) → (1, 1)에는 가중치 행렬 3개, 파라미터 13개가 있습니다(편향까지 18개).
# * 편향이 있어야 출력이 0에서 벗어날 수 있습니다.
# * 형태는 우리가 정하고, 처음 값은 무작위 수가 채우고, 학습이 그 값을 옮깁니다. 샘플보다
#   파라미터가 훨씬 많은 모델은 잡음까지 맞추므로 검증 손실을 지켜봐야 합니다.
#
# 더 읽을거리
# -----------
# * Dive into Deep Learning 한국어판: https://ko.d2l.ai/
# * Dive into Deep Learning(영어판)의 일반화와 과적합 절: https://d2l.ai/chapter_linear-regression/generalization.html
# * PyTorch ``nn.Linear`` 문서: https://pytorch.org/docs/stable/generated/torch.nn.Linear.html
# * Keras ``Dense`` 문서: https://keras.io/api/layers/core_layers/dense/

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/02_linear`.
