"""``.. learning-path::`` — the home page's chapter cards, made from the gallery itself.

Each ``plot_NN_*.py`` script in this language's gallery becomes a card with its number,
its title (from the script's docstring, so in the page's language), a one-line summary
written for the card (:data:`SUMMARIES`, one per chapter and language) and its
sphinx-gallery thumbnail. A chapter that does not exist yet has no card; a chapter without
a written summary is a build warning (and, with ``-W``, a failed build).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_gallery.py_source_parser import split_code_and_text_blocks

logger = logging.getLogger(__name__)

#: The card text of each chapter: what a reader gets from it, in one line per language.
SUMMARIES: dict[str, dict[str, str]] = {
    "plot_01_data_shapes": {
        "en": "What shape data has before any layer: images as (C, H, W), batches as "
        "(N, C, H, W), a movie as (T, C, H, W), and how big each is.",
        "ko": "층에 들어가기 전 데이터의 형태를 봅니다. 이미지는 (C, H, W), 배치는 (N, C, H, W), "
        "영화는 (T, C, H, W)이고, 각각 얼마나 큰지 셉니다.",
    },
    "plot_02_linear": {
        "en": "The Linear layer as a linear transformation: the lesson's quadrilaterals, 13 "
        "parameters counted and traced, a random start, training and overfitting.",
        "ko": "선형 층을 선형 변환으로 이해합니다. 강의의 사각형 예제로 파라미터 13개를 세고, "
        "무작위로 시작한 가중치가 학습되는 과정과 과적합을 봅니다.",
    },
    "plot_03_convolution": {
        "en": "A small filter moved across an image: how stride and padding set the output "
        "size, how few parameters it needs, and what max pooling keeps.",
        "ko": "작은 필터를 이미지 위에서 옮겨 가며 계산합니다. 스트라이드와 패딩이 출력 크기를 "
        "어떻게 정하는지, 파라미터가 얼마나 적은지, 최대 풀링이 무엇을 남기는지 봅니다.",
    },
    "plot_04_parameters_and_receptive_field": {
        "en": "Why convolution pays off: parameter bills compared, and how far one output "
        "can see as layers and pooling stack up.",
        "ko": "합성곱이 왜 이득인지 파라미터 개수로 비교하고, 층과 풀링을 쌓을수록 출력 하나가 "
        "입력을 얼마나 넓게 보는지(수용 영역) 확인합니다.",
    },
    "plot_05_autoencoder": {
        "en": "An autoencoder squeezes each MNIST digit into a 128-value code and learns to "
        "rebuild the image from it.",
        "ko": "오토인코더가 MNIST 숫자 이미지를 값 128개짜리 잠재 코드로 줄였다가, 그 코드에서 "
        "이미지를 다시 만들어 내도록 학습합니다.",
    },
    "plot_06_decoders": {
        "en": "Three ways a decoder makes the small code big again — upsampling, transposed "
        "convolution, fully connected — compared side by side.",
        "ko": "인코더가 작게 줄인 숫자 이미지를 디코더가 다시 키우는 세 가지 방법, 업샘플링, "
        "전치 합성곱, 완전 연결을 나란히 비교합니다.",
    },
}


def chapter_summary(script: Path) -> tuple[str, str]:
    """(title, first sentence) of a gallery script's docstring (the fallback card text)."""
    _, blocks = split_code_and_text_blocks(script)
    lines = [line.rstrip() for line in blocks[0].content.strip().splitlines()]
    title = lines[0].strip()
    body = " ".join(line.strip() for line in lines[2:]).strip()
    paragraph = body.split("  ")[0]
    sentence = re.split(r"(?<=[.!?。])\s", paragraph, maxsplit=1)[0]
    sentence = re.sub(r":term:`([^`<]*?)\s*(<[^`]*>)?`(?:\\ )?", r"\1", sentence)
    return title, sentence


class LearningPath(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict] = {"columns": str}

    def run(self) -> list[nodes.Node]:
        gallery = Path(self.config.sphinx_gallery_conf["examples_dirs"][0])
        scripts = sorted(gallery.glob("plot_*.py"))
        columns = self.options.get("columns", "1 2 3 3")
        rst = [f".. grid:: {columns}", "   :gutter: 3", ""]
        for number, script in enumerate(scripts, start=1):
            self.env.note_dependency(str(script))
            title, sentence = chapter_summary(script)
            stem = script.stem
            written = SUMMARIES.get(stem, {}).get(self.config.language or "en")
            if written is None:
                logger.warning(
                    "learning-path: no written summary for %s (%s); add it to SUMMARIES",
                    stem,
                    self.config.language,
                    location=self.get_location(),
                )
            sentence = written or sentence
            rst += [
                f"   .. grid-item-card:: {number}. {title}",
                f"      :link: auto_examples/{stem}",
                "      :link-type: doc",
                f"      :img-top: auto_examples/images/thumb/sphx_glr_{stem}_thumb.png",
                f"      :img-alt: {title}",
                "      :class-card: lg-chapter-card",
                "",
                f"      {sentence}",
                "",
            ]
        container = nodes.container(classes=["lg-learning-path"])
        self.state.nested_parse(StringList(rst, source="learning-path"), 0, container)
        return [container]


def setup(app: Sphinx) -> dict:
    app.add_directive("learning-path", LearningPath)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
