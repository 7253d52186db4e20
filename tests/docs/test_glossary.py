"""The glossary: one entry per concept in both languages, and every entry is used.

An entry is a Korean/English pair (in the page's language first), optionally followed by
aliases a learner meets elsewhere (레이어, 매개변수, Dense, …): the alias links to the same
entry, so a page never needs a second term for one concept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
TERM_ROLE = re.compile(r"[:{]term[:}]`(?:[^`<]*<([^`>]+)>|([^`]+))`")


def glossary_terms(lang: str) -> list[list[str]]:
    """All terms of every entry (pair first, then aliases), in source order."""
    text = (ROOT / "docs" / lang / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.DOTALL)
    assert block, f"docs/{lang}/glossary.md has no glossary directive"
    entries: list[list[str]] = []
    terms: list[str] = []
    for line in block.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if line[0].isspace():
            if terms:
                assert len(terms) >= 2, f"{lang}: entry {terms} needs a Korean and an English term"
                entries.append(terms)
                terms = []
        else:
            terms.append(line.strip())
    return entries


def glossary_entries(lang: str) -> list[tuple[str, str]]:
    """(first term, second term) of every entry, in source order."""
    return [(terms[0], terms[1]) for terms in glossary_terms(lang)]


def definition(lang: str, term: str) -> str:
    """The definition text of the entry that has ``term`` first."""
    text = (ROOT / "docs" / lang / "glossary.md").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(term)}\n(?:\S.*\n)+((?:   .*\n)+)", text, re.MULTILINE)
    assert match, f"{lang}: no glossary entry {term!r}"
    return " ".join(match.group(1).split())


def referenced_terms(lang: str) -> set[str]:
    sources = [*(ROOT / "gallery" / lang).glob("*.py"), *(ROOT / "docs" / lang).rglob("*.md")]
    sources += (ROOT / "docs" / lang).rglob("*.rst")
    found: set[str] = set()
    for path in sources:
        if "auto_examples" in path.parts or path.name == "glossary.md":
            continue
        for explicit, plain in TERM_ROLE.findall(path.read_text(encoding="utf-8")):
            found.add((explicit or plain).strip())
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_entries_pair_korean_and_english(lang: str) -> None:
    for first, second in glossary_entries(lang):
        korean, english = (first, second) if lang == "ko" else (second, first)
        assert HANGUL.search(korean), f"{lang}: {korean!r} should be the Korean term"
        assert not HANGUL.search(english), f"{lang}: {english!r} should be the English term"


def test_both_glossaries_list_the_same_pairs() -> None:
    en = {(english, korean) for english, korean in glossary_entries("en")}
    ko = {(english, korean) for korean, english in glossary_entries("ko")}
    assert en == ko


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_is_linked_from_a_page(lang: str) -> None:
    used = referenced_terms(lang)
    unused = [e for e in glossary_terms(lang) if not used.intersection(e)]
    assert unused == [], f"{lang}: glossary entries no page links with the term role"


@pytest.mark.parametrize("lang", LANGS)
def test_one_entry_per_term(lang: str) -> None:
    """A term (or alias) names one concept: it appears in one entry only."""
    seen: dict[str, list[str]] = {}
    for terms in glossary_terms(lang):
        for term in terms:
            seen.setdefault(term.casefold(), []).append(terms[0])
    assert {t: e for t, e in seen.items() if len(e) > 1} == {}


def test_korean_aliases_learners_meet_elsewhere() -> None:
    """레이어/계층, 매개변수, 훈련, 변화도 and Dense lead to this site's own term."""
    aliases = {term: terms[0] for terms in glossary_terms("ko") for term in terms[2:]}
    assert aliases == aliases | {
        "레이어": "층",
        "계층": "층",
        "매개변수": "파라미터",
        "훈련": "학습",
        "변화도": "기울기",
        "Dense": "선형 층",
        "코드": "잠재 코드",
    }


@pytest.mark.parametrize(
    ("lang", "weight", "parameter", "matrix", "entry"),
    [
        ("en", "weight", "parameter", "matrix", "entries"),
        ("ko", "가중치", "파라미터", "행렬", "원소"),
    ],
)
def test_weight_is_the_matrix_and_each_entry_a_parameter(lang, weight, parameter, matrix, entry):
    """The lesson's definition (E3): a weight is a matrix; each of its entries is a parameter."""
    assert matrix in definition(lang, weight)
    assert entry in definition(lang, weight)
    assert parameter in definition(lang, weight)
    assert matrix not in definition(lang, parameter).split(".")[0]
