// Run Sphinx's search JavaScript under node, as the browser would, for
// tests/docs/test_korean_search.py.
//
//   node korean_search_node.js MODE FILE.js [FILE.js ...] < inputs.json > outputs.json
//
// The FILEs are loaded in order into one context (like <script> tags on search.html)
// with the few browser globals searchtools.js touches. inputs.json is a JSON list;
// the output is a JSON list with one entry per input:
//   stem    new Stemmer().stemWord(word)                  (needs a stemmer file)
//   split   splitQuery(text)                              (needs searchtools.js)
//   search  {terms, docs}: the stemmed query terms and the docnames found, in the
//           order searchtools.js ranks them (needs language_data.js, searchtools.js
//           and searchindex.js)
"use strict";
const fs = require("fs");
const vm = require("vm");

const [mode, ...files] = process.argv.slice(2);
const context = {
  _ready: () => {},
  _: (text) => text,
  SPHINX_HIGHLIGHT_ENABLED: false,
  localStorage: { setItem: () => {} },
  document: { getElementById: () => null, querySelectorAll: () => [] },
  console,
};
context.window = context;
vm.createContext(context);
for (const file of files) {
  vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
}

const run = {
  stem: "(words) => { const s = new Stemmer(); return words.map((w) => s.stemWord(w)); }",
  split: "(texts) => texts.map((t) => splitQuery(t))",
  search: `(queries) => queries.map((query) => {
    const parsed = Search._parseQuery(query);
    const results = Search._performSearch(...parsed);
    return { terms: [...parsed[1]], docs: [...new Set(results.map((r) => r[0]))] };
  })`,
}[mode];
if (run === undefined) throw new Error(`unknown mode ${mode}; use stem, split or search`);

const inputs = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(vm.runInContext(run, context)(inputs)));
