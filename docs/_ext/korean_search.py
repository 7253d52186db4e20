"""Korean full-text search for Sphinx: one rule table, a Python and a JavaScript stemmer.

Sphinx has no Korean search language. Without one a Korean page is indexed with its
particles attached (텐서를, 텐서는), so a search for 텐서 finds nothing. This extension
registers :class:`SearchKorean` for ``language = "ko"``.

The search index is written in Python (:meth:`SearchKorean.stem`) and queried in the
browser (``Stemmer.stemWord`` in ``language_data.js``); a page is found only when both
reduce a word to the same stem (sphinx-doc/sphinx#7293). So the rules live in one table,
:data:`ENDINGS` (plus :data:`PLURAL` and :data:`PROTECTED`), and the JavaScript stemmer is
generated from it (:func:`js_stemmer_source`). The two small engines that read the table
implement the same algorithm, tested word for word under node (tests/docs).

Algorithm (both engines)
------------------------
1. Lower-case, NFC-normalise.
2. A token without a Hangul syllable (``tensor``, ``Conv2d``) goes to Sphinx's English
   (snowball) stemmer, as on the English site, so mixed queries work.
3. Otherwise two steps, :data:`ENDINGS` (particles and endings) then :data:`PLURAL` (들).
   In each step the suffixes of the table that the word ends with are tried longest
   first; the first one whose conditions hold is cut off (효과는: 과는 needs a 받침 before
   it, so 는 is cut). At most one suffix per step.
4. If what is left has no Hangul (``Conv2d를`` → ``conv2d``), stem it as English.

Conditions of a rule: ``after`` looks at the syllable before the suffix, as Korean
grammar does when it picks a particle (이/가, 은/는, 을/를, 과/와, 으로/로):
``"C"`` it ends in a consonant (받침), ``"V"`` it does not, ``"VL"`` it does not or the
consonant is ㄹ (로 after 파일), ``"*"`` anything. A non-Hangul character before the
suffix (``Conv2d를``, ``T로``) passes both conditions. ``min_stem`` is the number of
characters that must remain after a Hangul syllable. And no cut may go into a word of
:data:`PROTECTED` that the word starts with: 결과는 keeps 결과 (과는 would leave 결),
높이다 stays whole.

Choices (conservative: a missed stem costs a search hit, a wrong one merges words)
---------------------------------------------------------------------------------
- One-syllable stems are allowed (층이 → 층, 축을 → 축, 값의 → 값). Words that only look
  inflected are :data:`PROTECTED`: 높이, 길이, 깊이, 넓이 (이 after a 받침), 차이, 사이
  (before 이다), 정의, 주의, 임의 (의), 결과, 통과 (과), 추가 (가), 미만 (만), 그대로 …
  A protected word is never shortened; its inflections lose only what follows it
  (높이를 → 높이, 정의합니다 → 정의).
- Bare 도 is not stripped (정도, 속도, 해상도, 정확도 end in 도), only 에도, 으로도, …;
  so 텐서도 stays whole. Bare 인, 게, 고, 다, 면 are not stripped either (확인, 원인,
  무게, 참고, 평면).
- 로, 나, 라는, 란, 라고, 지만 need two syllables before them (회로, 서로, 바로, 하나,
  혼란).
- 하다/되다 endings (계산합니다, 계산되는, 간단한) need a two-syllable stem, so 역할,
  분할, 포함, 제한 stay whole.
- Verbs and adjectives are reduced only where that is a plain suffix cut (습니다,
  하다/되다 endings, 적인 → 적). ``ㅂ니다`` forms (만듭니다) need a jamo edit and are
  left alone; so are stacked endings such as 계산하기를 (one suffix, then 들, only).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sphinx
from sphinx.application import Sphinx
from sphinx.search import SearchLanguage
from sphinx.search.en import SearchEnglish

# The minified snowball stemmers that Sphinx ships for the browser.
SNOWBALL_JS = Path(sphinx.package_dir) / "search" / "minified-js"

__all__ = ["ENDINGS", "PLURAL", "PROTECTED", "SearchKorean", "js_stemmer_source", "stem"]

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3  # 가 … 힣: precomposed syllables
FINAL_COUNT, FINAL_RIEUL = 28, 8  # 28 possible final consonants; index 8 is ㄹ


@dataclass(frozen=True)
class Ending:
    """One strippable suffix and when it may be stripped."""

    suffix: str  # what the word ends with
    after: str = "*"  # "C", "V", "VL" or "*": the syllable before the suffix (module doc)
    min_stem: int = 1  # characters that must remain before the suffix
    replace: str = ""  # appended after stripping (적인 → 적)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _rules(after: str, min_stem: int, suffixes: str, replace: str = "") -> list[Ending]:
    return [Ending(s, after, min_stem, replace) for s in suffixes.split()]


# fmt: off
ENDINGS: tuple[Ending, ...] = tuple(
    # Case particles (조사), paired by the 받침 before them as grammar pairs them.
    _rules("C", 1, "이 은 을 과 으로 과는 과의 과도 으로는 으로의 으로도 으로만 으로서 "
                   "으로써")
    + _rules("V", 1, "가 는 를 와 와는 와의 와도")
    + _rules("VL", 2, "로 로는 로의 로도 로만 로서 로써")
    + _rules("*", 1, "의 에 에서 에게 에게서 한테 까지 부터 보다 처럼 마다 만큼 만 "
                     "에는 에도 에만 에의 에서는 에서도 에서만 에서의 에서부터 에게는 "
                     "까지는 까지도 까지의 부터는 부터의 보다는 만은 만을 만이 만의 만으로")
    + _rules("*", 1, "씩 므로")
    + _rules("C", 1, "으므로")
    + _rules("*", 2, "대로")
    # Copula 이다 and 이나 (or): the 이 may follow a vowel too (텐서이며); after a vowel
    # it is often dropped (텐서라는, 텐서지만).
    + _rules("*", 1, "입니다 이다 이며 이고 이면 이므로 이지만 이라는 이란 이라고 이나")
    + _rules("V", 2, "라는 란 라고 지만 나")
    # Verb and adjective endings that are a plain suffix cut.
    + _rules("C", 1, "습니다")
    + _rules("*", 2, "하다 합니다 합시다 하는 하면 하고 하여 해서 해야 해도 했다 했습니다 "
                     "했고 했으며 했던 한다 하지 하지만 하며 하게 하기 하도록 하려면 하려고 "
                     "하므로 하세요 하십시오 하였다 하였습니다 하여야 하던 하거나 하면서 "
                     "할수록 함으로써 할 한 함")
    + _rules("*", 2, "되다 됩니다 되는 되면 되고 되어 되며 되지 된다 된 될 됨 돼 됐다 "
                     "되었다 되었습니다 되어야 되도록 되므로 되기")
    + _rules("*", 1, "적인", replace="적")
)
# fmt: on

PLURAL: tuple[Ending, ...] = (Ending("들", "*", 1),)

KOREAN_STOPWORDS = _words("및 또는 그리고 그러나 하지만 따라서 또한 즉 등")

# Words that end like an inflected form but are not one, decided with the word list in
# tests/docs/korean_search_words.tsv. Stopwords are protected too, so that the browser
# (which drops stopwords before stemming) and the index (after stemming) agree.
_LOOK_INFLECTED = _words(
    """
    높이 길이 깊이 넓이 먹이 놀이 같이 많이 없이 굳이 깨끗이 일일이 고양이 원숭이
    차이 사이 아이 나이 파이
    정의 재정의 주의 강의 논의 동의 합의 회의 거의 의의 유의 편의 문의 모의 임의 결의
    협의 창의 건의 예의
    결과 통과 성과 학과 일과
    추가 부가 대가 고가 저가 주가 여가 시가
    미만 불만 백만 천만 자만
    그대로 제대로 스스로 저절로 억지로
    그들 이들 저들 하나하나
    무제한
    """
)
PROTECTED: frozenset[str] = _LOOK_INFLECTED | KOREAN_STOPWORDS

CONDITIONS = ("C", "V", "VL", "*")


def _check_table() -> None:
    for table in (ENDINGS, PLURAL):
        suffixes = [e.suffix for e in table]
        for ending in table:
            if ending.after not in CONDITIONS or ending.min_stem < 1:
                raise ValueError(f"korean_search: bad rule {ending}")
            if suffixes.count(ending.suffix) > 1:
                raise ValueError(f"korean_search: suffix {ending.suffix!r} appears twice")


_check_table()


def _is_syllable(char: str) -> bool:
    return HANGUL_FIRST <= ord(char) <= HANGUL_LAST


def _has_hangul(word: str) -> bool:
    return any(_is_syllable(c) for c in word)


def _after_ok(char: str, after: str) -> bool:
    """Does ``char`` (the character before the suffix) meet condition ``after``?"""
    if after == "*" or not _is_syllable(char):
        return True
    final = (ord(char) - HANGUL_FIRST) % FINAL_COUNT
    if after == "C":
        return final != 0
    if after == "V":
        return final == 0
    return final in (0, FINAL_RIEUL)  # "VL"


def _min(base: str, rule: Ending) -> int:
    """Characters that must remain: ``min_stem`` counts only after a Hangul syllable."""
    return rule.min_stem if _is_syllable(base[-1]) else 1


def _by_suffix(table: tuple[Ending, ...]) -> dict[str, Ending]:
    return {e.suffix: e for e in table}


_TABLES = (_by_suffix(ENDINGS), _by_suffix(PLURAL))


def _strip(word: str, rules: dict[str, Ending]) -> str:
    """Cut the longest suffix in ``rules`` whose conditions hold (at most one)."""
    # No cut into the longest protected word that ``word`` starts with.
    floor = max((n for n in range(1, len(word) + 1) if word[:n] in PROTECTED), default=0)
    for size in range(max(map(len, rules)), 0, -1):
        rule = rules.get(word[-size:]) if size < len(word) else None
        if rule is None:
            continue
        base = word[:-size]
        if _after_ok(base[-1], rule.after) and len(base) >= max(floor, _min(base, rule)):
            return base + rule.replace
    return word


_ENGLISH = SearchEnglish({})


def stem(word: str) -> str:
    """Korean stem of one search token (the rules are in the module docstring).

    >>> [stem(w) for w in ["텐서를", "층이", "높이는", "결과는", "Conv2d를", "shapes"]]
    ['텐서', '층', '높이', '결과', 'conv2d', 'shape']
    """
    word = unicodedata.normalize("NFC", word.lower())
    if not _has_hangul(word):
        return _ENGLISH.stem(word)
    for rules in _TABLES:
        word = _strip(word, rules)
    return word if _has_hangul(word) else _ENGLISH.stem(word)


def _table_json(table: tuple[Ending, ...]) -> str:
    rows = [[e.suffix, e.after, e.min_stem, e.replace] for e in table]
    return json.dumps(rows, ensure_ascii=False)


# The JavaScript twin of stem(), _strip() and _after_ok(). Sphinx inserts it into
# language_data.js after the snowball base and English stemmers; searchtools.js calls
# ``new Stemmer().stemWord(queryWordLowercased)``.
_JS_TEMPLATE = """
/* Korean stemmer: generated by docs/_ext/korean_search.py from its rule table. */
var Stemmer = function () {
  var bySuffix = function (rows) {
    var rules = new Map();
    rows.forEach(function (row) { rules.set(row[0], row); });
    return rules;
  };
  var TABLES = [bySuffix(__ENDINGS__), bySuffix(__PLURAL__)];
  var PROTECTED = new Set(__PROTECTED__);
  var english = new EnglishStemmer();
  var isSyllable = function (code) { return code >= __FIRST__ && code <= __LAST__; };
  var hasHangul = function (word) {
    for (var i = 0; i < word.length; i++) if (isSyllable(word.charCodeAt(i))) return true;
    return false;
  };
  var afterOk = function (code, after) {
    if (after === "*" || !isSyllable(code)) return true;
    var last = (code - __FIRST__) % __FINALS__;
    if (after === "C") return last !== 0;
    if (after === "V") return last === 0;
    return last === 0 || last === __RIEUL__;
  };
  var strip = function (word, rules) {
    var floor = 0;
    for (var n = 1; n <= word.length; n++) if (PROTECTED.has(word.slice(0, n))) floor = n;
    var longest = 0;
    rules.forEach(function (rule, suffix) { longest = Math.max(longest, suffix.length); });
    for (var size = longest; size > 0; size--) {
      var rule = size < word.length ? rules.get(word.slice(-size)) : undefined;
      if (rule === undefined) continue;
      var base = word.slice(0, -size);
      var code = base.charCodeAt(base.length - 1);
      var need = Math.max(floor, isSyllable(code) ? rule[2] : 1);
      if (afterOk(code, rule[1]) && Array.from(base).length >= need) return base + rule[3];
    }
    return word;
  };
  this.stemWord = function (w) {
    var word = w.toLowerCase().normalize("NFC");
    if (!hasHangul(word)) return english.stemWord(word);
    TABLES.forEach(function (rules) { word = strip(word, rules); });
    return hasHangul(word) ? word : english.stemWord(word);
  };
};
"""


def js_stemmer_source() -> str:
    """JavaScript for ``language_data.js``: snowball's English stemmer and the Korean one."""
    korean = _JS_TEMPLATE
    for key, value in {
        "__ENDINGS__": _table_json(ENDINGS),
        "__PLURAL__": _table_json(PLURAL),
        "__PROTECTED__": json.dumps(sorted(PROTECTED), ensure_ascii=False),
        "__FIRST__": str(HANGUL_FIRST),
        "__LAST__": str(HANGUL_LAST),
        "__FINALS__": str(FINAL_COUNT),
        "__RIEUL__": str(FINAL_RIEUL),
    }.items():
        korean = korean.replace(key, value)
    snowball = [
        (SNOWBALL_JS / name).read_text(encoding="utf-8")
        for name in ("base-stemmer.js", "english-stemmer.js")
    ]
    return "\n".join([*snowball, korean])


class SearchKorean(SearchLanguage):
    """Korean search language: particles stripped, non-Hangul words stemmed as English.

    Words are split as on every Sphinx site (Python ``\\w+`` when indexing; the default
    ``splitQuery`` of searchtools.js in the browser); both keep a run of Hangul syllables
    and Latin letters/digits (``Conv2d를``) as one token.

    Note that searchtools.js (Sphinx 9) makes query terms of one or two characters
    optional when a query has several terms (sphinx-doc/sphinx#5979): ``텐서 합성곱``
    also lists pages with 합성곱 only. A one-term query is exact.
    """

    lang = "ko"
    language_name = "Korean"
    stopwords = frozenset(SearchEnglish.stopwords) | KOREAN_STOPWORDS
    js_stemmer_code = js_stemmer_source()

    def stem(self, word: str) -> str:
        return stem(word)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(SearchKorean)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
