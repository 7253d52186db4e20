r"""
파라미터와 수용 영역: 합성곱이 이득인 이유
==========================================

선형 층(Linear layer)은 입력 숫자 전부를 한꺼번에 보고, 숫자 하나마다 가중치(weight)를
하나씩 둡니다. 합성곱(convolution)은 작은 창으로 들여다보면서 같은 가중치 몇 개를 모든
위치에 다시 씁니다. 이 장에서는 그 덕분에 파라미터(parameter)가 얼마나 줄어드는지
``layerguide.trace`` 함수로 세어 보고, 층을 쌓을수록 한 층이 입력을 얼마나 넓게
"보는지", 곧 수용 영역(receptive field)이 어떻게 커지는지 살펴봅니다. 마지막으로 숫자만
849 GB인 90분짜리 영화를, 메모리를 한 바이트도 쓰지 않고 추적(trace)해 봅니다.
"""

# %%
# 이미지 전체에 선형 층 하나
# --------------------------
# ``trace(model, input_size)``\ 는 모델을 한 번 실행하면서 층마다 입력(input)과
# 출력(output)의 형태(shape), 파라미터 개수와 그 계산식, :term:`연산량`\ (MACs), 수용 영역을
# 적어 둡니다. 연산량은 :term:`곱셈-누산`\ (multiply-accumulate, MAC)의 횟수로 세며,
# 1 MAC은 2 FLOPs입니다. 추적은 PyTorch의 *meta* 장치에서 합니다. 형태만 계산하고 숫자는
# 계산하지 않으므로 메모리를 쓰지 않습니다.
#
# 먼저 강의에 나온 가장 단순한 방법부터 봅니다. 풀 HD 컬러 프레임 한 장,
# (1, 3, 1080, 1920)을 숫자 6,220,800개로 평탄화(flatten)하고, 그 전부를 출력 하나에
# 연결합니다.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle
from torch import nn

from layerguide import trace
from layerguide.viz import use_korean_font

use_korean_font()
torch.manual_seed(0)

frame = (1, 3, 1080, 1920)
with torch.device("meta"):  # 가중치에도 메모리를 쓰지 않습니다
    dense = nn.Sequential(nn.Flatten(), nn.Linear(3 * 1080 * 1920, 1))
dense_trace = trace(dense, frame, lang="ko")
dense_trace

# %%
# 출력 하나에 벌써 파라미터가 6,220,801개입니다. 입력 숫자마다 가중치 하나, 그리고
# 편향(bias) 하나입니다. 출력이 100개인 층이라면 6억 개가 넘게 필요합니다.

print(f"프레임 전체에 선형 층: 파라미터 {dense_trace.total_params:,}개")
print(dense_trace.rows[-1].param_formula)

# %%
# 대신 작은 필터 16개
# -------------------
# 컬러 채널 3개 위에서 5 × 5 필터(filter) 16개로 합성곱을 하면, 가중치는
# 3 × 16 × 5 × 5 = 1,200개, 편향은 16개입니다. 이미지가 아무리 커도 이 수는 그대로입니다.
# 스트라이드(stride)를 5로 하면 창이 겹치지 않고, 프레임은 216 × 384 크기의 특징 맵(feature
# map) 16장이 됩니다. 이것을 평탄화하고 똑같이 출력 하나를 붙입니다.

with torch.device("meta"):
    conv = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=5, stride=5),
        nn.Flatten(),
        nn.Linear(16 * 216 * 384, 1),
    )
conv_trace = trace(conv, frame, lang="ko")
conv_trace

# %%
# 합성곱 층 자체의 파라미터는 1,216개뿐입니다. 나머지는 그 뒤의 선형 층 몫입니다.
# 16 × 216 × 384 = 1,327,104개의 숫자가 여전히 선형 층으로 들어가기 때문입니다. 전부 합쳐
# 1,328,321개로, 단순한 방법의 6,220,801개보다 4.7배 적습니다. 게다가 필터 하나하나가 모든
# 위치에서 쓰이는 작은 무늬 검출기가 됩니다.

print(f"Conv2d: {conv_trace.rows[0].param_formula}")
print(f"특징 맵: {conv_trace.rows[0].output_shape}")
print(f"평탄화 뒤: {conv_trace.rows[1].output_shape}")
print(f"전체: 파라미터 {conv_trace.total_params:,}개")
ratio = dense_trace.total_params / conv_trace.total_params
print(f"{ratio:.1f}배 적습니다 (선형 층만 쓰면 {dense_trace.total_params:,}개)")

fig, ax = plt.subplots(figsize=(7, 2.2))
labels = ["프레임 전체에 선형 층", "Conv2d (5×5 필터 16개)", "Conv2d + 선형 층"]
counts = [dense_trace.total_params, conv_trace.rows[0].params, conv_trace.total_params]
ax.barh(labels, counts, color=["tab:red", "tab:green", "tab:blue"])
ax.set_xscale("log")
ax.invert_yaxis()
for y, n in enumerate(counts):
    ax.text(n, y, f" {n:,}", va="center")
ax.set_xlim(100, 1e8)
ax.set_xlabel("파라미터 개수 (로그 눈금)")
ax.set_title("1080×1920 컬러 프레임에서 출력 하나를 얻는 데 드는 파라미터")
fig.tight_layout()

# %%
# 한 층이 볼 수 있는 범위
# -----------------------
# 앞의 5 × 5 합성곱에서 출력 하나는 이미지의 5 × 5 조각에만 의존합니다. 이 조각이 그
# 출력의 :term:`수용 영역`\ 입니다. 층을 쌓으면 수용 영역이 커집니다. 3 × 3 합성곱은 수용
# 영역을 아래 층의 두 칸만큼 넓힙니다. 2 × 2 최대 풀링(max pooling)은
# :term:`유효 스트라이드`\ (effective stride), 곧 이웃한 출력 사이의 거리를 입력 픽셀로 잰 값을
# 두 배로 만듭니다. 그래서 그 뒤의 층은 수용 영역을 두 배 빠르게 넓힙니다. 32 × 32 흑백
# 이미지에 작은 층 묶음을 적용해 봅니다.

stack = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1),
    nn.ReLU(),
    nn.Conv2d(8, 8, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 16, 3, padding=1),
)
stack_trace = trace(stack, (1, 1, 32, 32), lang="ko")
stack_trace

# %%
# 표에서 합성곱과 풀링 행의 수용 영역은 3, 5, 6, 10, 12, 20픽셀로 커지고, 유효 스트라이드는
# 1, 1, 2, 2, 4, 4가 됩니다. 아래 그림의 사각형은 각 층에서 가운데 출력의 수용 영역을 입력
# 이미지 위에 그린 것입니다.

grown = [r for r in stack_trace.rows if r.kind != "ReLU"]
for row in grown:
    print(
        f"{row.name} {row.kind:9} 수용 영역 {row.receptive_field}  유효 스트라이드 {row.effective_stride}"
    )

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
left.imshow(np.zeros((32, 32)), cmap="Greys", vmin=0, vmax=1)
left.set_xticks(range(-1, 32, 8))
left.set_yticks(range(-1, 32, 8))
left.grid(color="0.85", lw=0.5)
colors = plt.cm.viridis(np.linspace(0, 0.9, len(grown)))
for row, color in zip(grown, colors, strict=True):
    size = row.receptive_field[0]
    corner = 15.5 - size / 2 + 0.5
    left.add_patch(Rectangle((corner, corner), size, size, fill=False, lw=2, color=color))
    left.text(corner + 0.3, corner + 0.9, f"{row.name}: {size}", color=color, fontsize=8)
left.set_title("가운데 출력의 수용 영역")
steps = range(1, len(grown) + 1)
right.plot(steps, [r.receptive_field[0] for r in grown], "o-", label="수용 영역")
right.plot(steps, [r.effective_stride[0] for r in grown], "s--", label="유효 스트라이드")
right.set_xticks(list(steps), [f"{r.name}\n{r.kind}" for r in grown], fontsize=8)
right.set_ylabel("입력 픽셀")
right.set_title("풀링 뒤의 층은 더 빨리 넓게 봅니다")
right.legend()
fig.tight_layout()

# %%
# 수용 영역은 층의 목록이 아니라 데이터가 실제로 흐르는 길을 따라갑니다. 두 갈래가 만나는
# 곳(``x + y``\ 나 ``torch.cat``)에서는 둘 중 큰 쪽을 따르고, 평탄화 뒤의 선형 층은 이미지
# 전체를 봅니다. 그래서 추적기는 발표된 값과 똑같은 결과를 냅니다. AlexNet은 195픽셀,
# VGG16은 212픽셀, ResNet-50은 483픽셀입니다.
#
# 90분짜리 영화를 메모리 없이 추적하기
# ------------------------------------
# 초당 30프레임이면 90분은 162,000프레임입니다. 1280 × 1024 흑백 프레임을 배치(batch)
# 하나로 묶으면 영화의 형태는 (162000, 1, 1280, 1024)이고, float32로 849 GB입니다. 실제
# 입력 텐서(tensor)를 만드는 도구는 여기서 실패합니다(torchinfo 1.8은 ``device="meta"``\ 를
# 주어도 텐서를 만듭니다). meta 장치는 형태만 다루므로 문제가 없습니다.

movie = (162_000, 1, 1280, 1024)
movie_net = nn.Sequential(
    nn.Conv2d(1, 16, 5, stride=5),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 64 * 51, 10),
)
movie_trace = trace(movie_net, movie, lang="ko")
movie_trace

# %%
# 이 신경망의 파라미터는 1,049,546개뿐이지만, 영화를 한 번 순전파(forward pass)하려면
# 곱셈-누산이 13.3조 번 필요합니다. 첫 특징 맵 (162000, 16, 256, 204)만 해도 숫자가 1,350억
# 개가 넘습니다. 추적기는 이 모든 것을 한 바이트도 쓰기 전에 알려 줍니다.

first = movie_trace.rows[0].output_shape
print(f"입력: {movie_trace.input_shapes[0]}, float32로 {162_000 * 1280 * 1024 * 4:,}바이트")
print(f"첫 특징 맵: {first} = 숫자 {torch.Size(first).numel():,}개")
print(f"파라미터: {movie_trace.total_params:,}개")
print(f"곱셈-누산: {movie_trace.total_macs:,}번 (FLOPs: {movie_trace.total_flops:,})")

# %%
# 기억할 것
# ---------
# * 평탄화한 이미지에 선형 층을 연결하면 픽셀과 채널마다 가중치가 하나씩 필요합니다. 풀 HD
#   프레임에서 출력 하나를 얻는 데 파라미터가 6,220,801개 듭니다.
# * 합성곱에는 필터 값만 있으면 됩니다. 여기서는 3 × 16 × 5 × 5 + 16 = 1,216개이고,
#   이미지 크기와 상관없습니다. 평탄화와 선형 층(→1)까지 붙여도 1,328,321개입니다.
# * 수용 영역은 층마다 커지고, 풀링으로 유효 스트라이드가 곱해질 때마다 더 빨리 커집니다.
# * ``layerguide.trace``\ 는 데이터를 만들지 않고도 형태, 파라미터, 연산량, 수용 영역을
#   보여 줍니다. 849 GB짜리 영화도 마찬가지입니다.

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요: :doc:`/exercises/04_parameters_and_receptive_field`.
