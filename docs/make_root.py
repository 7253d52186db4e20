"""Write the site's root ``index.html``: pick a language, with a visible choice.

Usage: ``python docs/make_root.py docs/_build/html``. The page works without
JavaScript (two plain links); with JavaScript it follows the browser's language once,
unless the reader came back to choose.
"""

from __future__ import annotations

import sys
from pathlib import Path

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>layerguide — choose a language / 언어 선택</title>
<link rel="alternate" hreflang="en" href="en/index.html">
<link rel="alternate" hreflang="ko" href="ko/index.html">
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem;
         line-height: 1.6; color: #222; }
  h1 { font-size: 1.8rem; margin-bottom: .25rem; }
  .choices { display: flex; gap: 1rem; margin-top: 2rem; flex-wrap: wrap; }
  .choices a { display: block; padding: 1rem 1.5rem; border: 2px solid #4c72b0; border-radius: .5rem;
               text-decoration: none; color: #1d3f73; font-size: 1.2rem; min-width: 12rem; }
  .choices a:hover, .choices a:focus { background: #eef3fb; }
  .choices small { display: block; color: #555; font-size: .9rem; }
</style>
</head>
<body>
<h1>layerguide</h1>
<p>See how data changes shape as it flows through deep-learning layers.<br>
<span lang="ko">딥러닝의 층을 지나면서 데이터의 형태가 어떻게 바뀌는지 눈으로 확인합니다.</span></p>
<div class="choices">
  <a id="choose-ko" href="ko/index.html" hreflang="ko" lang="ko">한국어<small>한국어로 읽기</small></a>
  <a id="choose-en" href="en/index.html" hreflang="en" lang="en">English<small>Read in English</small></a>
</div>
<script>
  // Follow the browser's language, unless the reader asked to stay here (?choose).
  (function () {
    if (location.search.indexOf("choose") !== -1) return;
    var langs = navigator.languages || [navigator.language || ""];
    var target = "en";
    for (var i = 0; i < langs.length; i++) {
      var l = (langs[i] || "").toLowerCase();
      if (l.indexOf("ko") === 0) { target = "ko"; break; }
      if (l.indexOf("en") === 0) { target = "en"; break; }
    }
    location.replace(target + "/index.html");
  })();
</script>
</body>
</html>
"""


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python docs/make_root.py HTML_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    missing = [lang for lang in ("en", "ko") if not (out / lang / "index.html").is_file()]
    if missing:
        print(f"make_root: {out} has no built language(s) {missing}", file=sys.stderr)
        return 1
    (out / "index.html").write_text(PAGE, encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")
    print(f"make_root: wrote {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
