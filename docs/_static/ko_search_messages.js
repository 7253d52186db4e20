// Sphinx's Korean catalog leaves the search summary empty (msgstr[0] ""), and a project
// sphinx.po does not reach the JavaScript catalog. Deferred, so it runs after
// translations.js and before a search starts.
Documentation.addTranslations({
  locale: "ko",
  plural_expr: "0",
  messages: {
    "Search finished, found one page matching the search query.": [
      "검색을 마쳤습니다. 검색어와 일치하는 페이지를 ${resultCount}개 찾았습니다.",
    ],
  },
});
