// Sphinx's Korean catalog leaves the search summary empty (msgstr[0] ""), and a project
// sphinx.po does not reach the JavaScript catalog. Deferred, so it runs after
// translations.js and before a search starts. Its words are the catalogue's [site.search]
// table, written into every page as window.layerguideWords by docs/_ext/accessibility.py.
(function () {
  var words = (window.layerguideWords || {}).search;
  if (!words || !words.found) {
    console.error("ko_search_messages.js: this page has no [site.search] words (window.layerguideWords)");
    return;
  }
  Documentation.addTranslations({
    locale: "ko",
    plural_expr: "0",
    messages: {
      "Search finished, found one page matching the search query.": [words.found],
    },
  });
})();
