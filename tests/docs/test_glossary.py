"""The glossary: one entry per concept in both languages, and every entry is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
TERM_ROLE = re.compile(r"[:{]term[:}]`(?:[^`<]*<([^`>]+)>|([^`]+))`")


def glossary_entries(lang: str) -> list[tuple[str, str]]:
    """(first term, second term) of every entry, in source order."""
    text = (ROOT / "docs" / lang / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.DOTALL)
    assert block, f"docs/{lang}/glossary.md has no glossary directive"
    entries, terms = [], []
    for line in block.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if line[0].isspace():
            if terms:
                assert len(terms) == 2, f"{lang}: entry {terms} must have exactly 2 terms"
                entries.append((terms[0], terms[1]))
                terms = []
        else:
            terms.append(line.strip())
    return entries


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
    unused = [e for e in glossary_entries(lang) if not used.intersection(e)]
    assert unused == [], f"{lang}: glossary entries no page links with the term role"
