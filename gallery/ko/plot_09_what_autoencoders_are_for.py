r"""
오토인코더는 어디에 쓸까
========================

5장에서는 :term:`오토인코더`\ (autoencoder)가 숫자 이미지를 값 128개짜리 :term:`잠재 코드`\ (code)로
줄였다가 다시 그대로 만들어 내도록 학습시켰습니다. 그런데 입력을 똑같이 베끼기만 해서는 쓸모가
없습니다. 그렇다면 이 신경망은 어디에 쓸 수 있을까요? 이 장에서는 Keras 블로그에 나온 세 가지 쓰임을
우리 모델로 직접 해 봅니다. 잡음이 섞인 숫자 이미지를 깨끗하게 되돌리는
:term:`잡음 제거 오토인코더`\ (denoising autoencoder), :term:`주성분 분석`\ (principal component
analysis)으로 눈에 보이게 만든 코드 공간, 그리고 한 숫자 이미지의 코드에서 다른 숫자 이미지의 코드로
걸어가는 :term:`보간`\ (interpolation)입니다. 이어서 한계도 수치로 확인합니다. 오토인코더는 정보를
잃고, 학습한 것과 비슷한 데이터만 다룰 줄 알며, 다른 이미지를 압축하는 도구로는 쓸 수 없습니다.

이 장을 직접 실행하려면 ``layerguide`` 패키지를 먼저 설치하세요(``pip install layerguide``).
설치 방법과, 이 페이지를 빌드할 때 쓴 버전은 다음 주소에서 확인할 수 있습니다:
https://layerguide.github.io/layerguide/ko/install.html
"""
# %%
# 두 모델, 다른 점은 하나
# -----------------------
# 첫 번째 모델은 깨끗한 숫자 이미지를 그대로 베끼도록 학습한 5장의 모델입니다. 두 번째 모델은
# 층도 같고 학습량도 같습니다. 다른 것은 입력뿐입니다. 학습에 쓰는 숫자 이미지마다 잡음을 섞습니다.
# 픽셀마다 표준 정규 분포에서 뽑은 난수에 0.5를 곱해 더하고, [0, 1] 범위를 벗어난 값은 0이나 1로
# 자릅니다(Keras 블로그와 같은 방법입니다). 손실은 여전히 출력을 **깨끗한** 숫자 이미지와 비교해서
# 구합니다. 입력을 베끼기만 하는 신경망이라면 잡음까지 베낄 것입니다. 손실을 줄이려면 이 모델은
# 숫자가 어떻게 생겼는지를 배워야 합니다. 두 모델 모두 한 번만 학습해 캐시에 저장해 두고, 두 언어
# 페이지가 함께 씁니다.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

from layerguide.autoencoder import (
    DENOISE_BUDGET,
    PAGE_BUDGET,
    AutoencoderConfig,
    add_noise,
    evaluate,
    load_mnist,
    pretrained,
)
from layerguide.lesson.uses import (
    as_digit,
    code_path,
    codes_of,
    first_of,
    grey_share,
    image_scores,
    nearest_label_agreement,
    pca,
    pixel_path,
    stripes,
    zlib_sizes,
)
from layerguide.viz import (
    score_table,
    show_code_map,
    show_code_path,
    show_denoising,
    show_strangers,
    use_korean_font,
)

LANG = "ko"
use_korean_font()

test = load_mnist("test")
n_test = 1000  # 테스트 숫자 이미지 중 앞의 1,000장: 재기에 충분하고 실행이 빠릅니다
x, labels = test.images[:n_test], test.labels[:n_test]
config = AutoencoderConfig()
plain, plain_info = pretrained(config, PAGE_BUDGET)
denoiser, denoiser_info = pretrained(config, DENOISE_BUDGET)
budget = DENOISE_BUDGET
print(f"두 모델 모두: {budget.steps}단계, 단계마다 이미지 {budget.batch_size}장")
print(f"잡음 제거 모델의 입력에 섞는 잡음: 표준 편차 {budget.noise}")

# %%
# 잡음이 섞인 숫자 이미지를 넣고 깨끗한 숫자 이미지를 받기
# ----------------------------------------------------------
# 테스트 숫자 이미지 중 앞의 1,000장에도 같은 세기의 잡음을 섞습니다. 난수는 따로 고정해서 뽑으므로
# 어느 모델도 학습 중에 본 적이 없는 잡음입니다. 위에서부터 잡음을 섞은 입력, 두 모델이 각각 되살린
# 결과, 깨끗한 원본입니다. 모델 이름 아래에는 1,000장 전체에서 깨끗한 원본과 비교해 잰 BCE를
# 적었습니다.

noisy = add_noise(x, budget.noise, generator=torch.Generator().manual_seed(9))
models = {"plain": plain, "denoising": denoiser}
noisy_bce = {k: evaluate(m, x, inputs=noisy).bce for k, m in models.items()}
clean_bce = {k: evaluate(m, x).bce for k, m in models.items()}
with torch.no_grad():
    outputs = {k: torch.sigmoid(m(noisy[:8])) for k, m in models.items()}
rows = {"noisy": noisy[:8], **outputs, "clean": x[:8]}
show_denoising(rows, bce=noisy_bce, lang=LANG)
print(f"보통: BCE 잡음 {noisy_bce['plain']:.4f}, 원본 {clean_bce['plain']:.4f}")
print(f"잡음 제거: BCE 잡음 {noisy_bce['denoising']:.4f}, 원본 {clean_bce['denoising']:.4f}")

# %%
# 잡음을 섞은 입력에서 잡음 제거 오토인코더의 BCE는 보통 오토인코더의 절반쯤입니다. 보통 모델은
# 잡음의 얼룩까지 베끼려다가 그 속에서 획을 잃어버립니다. 잡음 제거 모델은 획을 남기고 얼룩을
# 지웁니다. 깨끗한 입력에서는 순서가 뒤바뀌어 보통 모델이 조금 낫습니다. 잡음 제거 모델은 같은
# 학습량을 더 어려운 일에 썼기 때문입니다.

# %%
# 코드 공간을 눈으로 보기
# -----------------------
# 코드 하나는 128차원 공간의 점 하나입니다. 128차원은 그림으로 그릴 수 없습니다. 주성분 분석은
# 코드들이 가장 크게 퍼져 있는 두 방향을 찾고, 모든 코드를 그 두 방향 위에 나타냅니다. 계산은
# 평균을 뺀 코드들에 특잇값 분해를 한 번 하는 것으로 끝납니다(NumPy의 ``np.linalg.svd``). 아래
# 그림은 테스트 숫자 이미지 1,000장의 코드이며, 점의 색은 그 이미지의 정답 레이블입니다. 인코더는
# 레이블을 한 번도 보지 않았습니다.

codes = codes_of(plain, x)
projection = pca(codes, k=2)
show_code_map(projection.points, labels, projection.explained, lang=LANG)
print("두 축이 설명하는 분산의 비율:", np.round(projection.explained, 3))
agree_code = nearest_label_agreement(codes, labels)
agree_pixels = nearest_label_agreement(x.reshape(n_test, -1), labels)
agree_2d = nearest_label_agreement(projection.points, labels)
print(f"가장 가까운 이웃의 레이블이 같은 비율: 코드 {agree_code:.1%}, ", end="")
print(f"픽셀 {agree_pixels:.1%}, 2차원 그림 {agree_2d:.1%}")

# %%
# 학습에 레이블을 전혀 쓰지 않았는데도 어떤 숫자들은 저마다의 영역에 모여 있습니다. 가장 뚜렷한 것은
# 1입니다. 다른 숫자들은 서로 겹칩니다. 두 축이 설명하는 분산은 전체의 3분의 1이 안 되므로(축마다
# 제목에 그 비율을 적었습니다), 이 그림에는 코드의 많은 부분이 드러나지 않습니다. 얼마나
# 가려지는지는 위에 출력한 값이 알려 줍니다. 코드 값 128개를 모두 쓰면, 1,000장 각각에서 가장 가까운
# 이웃이 같은 숫자인 경우가 열에 아홉쯤이고, 픽셀 784개로 잴 때와 비슷합니다. 2차원 그림에서는 셋에
# 하나쯤에 그칩니다. 그래도 무작위로 고를 때의 열에 하나보다는 훨씬 높습니다.

# %%
# 두 코드 사이를 걷기
# -------------------
# 테스트 숫자 이미지 가운데 2와 7을 하나씩 골라 코드를 구하고, 두 코드를 잇는 직선 위의 점들을
# 디코더로 되살립니다. ``t`` 값 여덟 개마다 ``(1 − t)·code(2) + t·code(7)``\ 을
# 계산합니다. 둘째 줄은 두 이미지의 픽셀을 같은 비율로 섞은 결과입니다.

a, b = test.images[first_of(test.labels, 2)], test.images[first_of(test.labels, 7)]
t = np.linspace(0, 1, 8)
paths = {"code": code_path(plain, a, b, steps=8), "pixels": pixel_path(a, b, steps=8)}
show_code_path(paths, t, lang=LANG)
grey = grey_share(paths["code"])
print("코드 사이 길에서 회색 픽셀(0.25 < 값 < 0.75)의 비율:", np.round(grey, 3))

# %%
# 픽셀을 섞으면 한 숫자가 흐려지는 동안 다른 숫자가 짙어질 뿐이고, 한가운데에서는 두 숫자가 반씩
# 겹쳐 보입니다. 코드를 따라 되살린 길에서는 획 자체가 바뀌지만, 가운데 이미지들은 숫자라기보다
# 얼룩에 가깝습니다. 획도 배경도 아닌 회색 픽셀이 양 끝의 이미지보다 많습니다(위에 출력한
# 비율). 우리 오토인코더는 실제 숫자 이미지의 코드를 되살리는 것만 배웠고, 코드 사이의
# 점을 되살리는 것은 배운 적이 없기 때문입니다. 변분 오토인코더처럼 코드 공간을 걸어 다니도록 만든
# 모델은 이 요구를 학습 목표에 넣습니다.

# %%
# 오토인코더가 할 수 없는 일
# --------------------------
# **정보를 잃습니다.** 숫자 이미지에서도 출력은 입력과 똑같지 않습니다. 5장의 바닥값은 완벽하게
# 베꼈을 때의 BCE입니다. 아래 표를 보면 테스트 숫자 이미지의 BCE는 바닥값보다 높고, 복원 결과에서는
# 세밀한 부분이 사라진 것이 보입니다.
#
# **학습한 데이터에서만 통합니다.** 같은 모델에 숫자가 아닌 이미지 두 장을 넣어 봅니다. 하나는
# 1장에서 본 그레이스 호퍼 사진을 회색조로 바꾸고 28 × 28로 줄인 것입니다(새 픽셀 하나는 그 픽셀이
# 덮는 원래 픽셀들의 평균입니다). 다른 하나는 대각선 줄무늬입니다. 비교할 수 있도록 테스트 숫자
# 이미지 한 장과, 모델이 가장 못 되살린 테스트 숫자 이미지도 함께 넣습니다.

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = as_digit(plt.imread(f))
digits = image_scores(plain, x)
worst = int(digits.bce.argmax())
names = ["digit", "worst", "photo", "stripes"]
inputs = np.concatenate([x[[0, worst]], photo, stripes()])  # (4, 1, 28, 28)
scores = image_scores(plain, inputs)
show_strangers(names, inputs, scores, lang=LANG)
score_table(names, scores, digits=digits, lang=LANG)

# %%
# 모델은 무엇을 받든 숫자 비슷한 것을 그립니다. 사진의 BCE는 숫자 이미지 평균의 열 배가 넘고,
# 테스트 숫자 이미지 1,000장 중 어느 것보다도 높습니다. 사진은 회색 픽셀이 많아 바닥값도 높으므로,
# 표에는 BCE − 바닥값도 적었습니다. 완벽하게 베꼈을 때만 0이 되는 값입니다. 사진과 줄무늬 모두 이
# 값도 숫자 이미지 평균의 열 배가 넘습니다.
#
# **다른 이미지를 압축하는 도구가 아닙니다.** 코드를 float32로 저장하면 숫자 이미지 한 장에
# 128 × 4 = 512바이트가 들고, 되살린 이미지는 원본과 다릅니다. 범용 압축 도구인 ``zlib``\ 은
# 784바이트짜리 테스트 숫자 이미지를 한 픽셀도 바꾸지 않고 훨씬 적은 바이트에 저장합니다. 아래
# 출력을 보세요.

code_bytes = config.code_size * 4
zipped = zlib_sizes(x)
print(f"코드 {code_bytes}바이트(원본과 다름), zlib.compress {zipped.mean():.0f}바이트(원본 그대로)")

# %%
# 이 파일을 스크립트로 실행하면 모든 그림이 창으로 열립니다.

plt.show()

# %%
# 기억할 것
# ---------
# * 잡음 제거 오토인코더는 망가진 입력을 받고, 깨끗한 원본과 비교해 학습합니다. 학습한 종류의
#   잡음을 지울 수 있게 되는 대신, 여기서는 깨끗한 숫자 이미지를 베끼는 솜씨가 조금 떨어졌습니다.
# * 코드 공간은 눈으로 볼 수 있습니다. 주성분 분석으로 코드를 가장 크게 퍼진 두 축 위에 나타내면,
#   레이블 없이 학습했는데도 같은 숫자끼리 모입니다. 다만 두 축은 분산의 일부만 보여 줍니다.
# * 두 코드 사이의 점을 되살리면 한 숫자에서 다른 숫자로 가는 길이 됩니다. 그 사이의 점이 숫자가
#   되도록 학습한 적은 없어서, 길 가운데의 이미지가 그 사실을 드러냅니다.
# * 오토인코더는 정보를 잃고, 학습한 데이터와 비슷한 데이터에서만 통하며(사진이나 줄무늬는 숫자
#   비슷한 얼룩으로 돌아옵니다), 압축 도구로도 쓸모가 적습니다. ``zlib``\ 은 숫자 이미지를 원본 그대로,
#   코드보다 적은 바이트에 저장합니다.
#
# 더 읽을거리
# -----------
# * Francois Chollet, "Building Autoencoders in Keras", Keras 블로그(2016):
#   https://blog.keras.io/building-autoencoders-in-keras.html
# * Pascal Vincent, Hugo Larochelle, Yoshua Bengio, Pierre-Antoine Manzagol, "Extracting
#   and Composing Robust Features with Denoising Autoencoders", ICML(2008):
#   https://www.cs.toronto.edu/~larocheh/publications/icml-2008-denoising-autoencoders.pdf
# * Geoffrey Hinton, Ruslan Salakhutdinov, "Reducing the Dimensionality of Data with
#   Neural Networks", Science(2006): https://www.science.org/doi/10.1126/science.1127647
# * Diederik P. Kingma, Max Welling, "Auto-Encoding Variational Bayes"(2013):
#   https://arxiv.org/abs/1312.6114
# * NumPy의 ``np.linalg.svd`` 문서:
#   https://numpy.org/doc/stable/reference/generated/numpy.linalg.svd.html

# %%
# 직접 해 보기
# ------------
# 스스로 예상하고 세어 보고 고쳐 본 다음, 풀이와 맞춰 보세요:
# :doc:`/exercises/09_what_autoencoders_are_for`.
