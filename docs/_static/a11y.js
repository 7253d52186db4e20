/* Accessibility for controls that other tools generate (loaded on every page by
 * docs/_ext/accessibility.py).
 *
 * 1. matplotlib's jshtml animation players (sphinx-gallery matplotlib_animations =
 *    (True, "jshtml")): the buttons are icons named by English aria-labels, the frame
 *    slider has no label and the frame <img> no alt (matplotlib/_animation_data.py,
 *    DISPLAY_TEMPLATE). Name them in the page's language; each button is recognised by
 *    the method its onclick calls, not by its English text.
 * 2. prefers-reduced-motion: reduce: players are set to play once (never loop) and any
 *    running player or autoplaying <video> is paused.
 * 3. The module index (py-modindex.html) collapses its groups with a clickable <img alt="-">
 *    (Sphinx's domainindex.html and doctools.js): no keyboard access, no name. Wrap each one
 *    in a real <button> named "Collapse/Expand <module>" with aria-expanded.
 */
(function () {
  "use strict";
  // The page's words, written into the page at build time from the language's catalogue
  // (src/layerguide/locales/<lang>.toml, table [player]) by docs/_ext/accessibility.py.
  var T = (window.layerguideWords || {}).player;
  if (!T) {
    console.error("a11y.js: this page has no [player] words (window.layerguideWords)");
    return;
  }
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function name(el, text) {
    el.setAttribute("aria-label", text);
    el.setAttribute("title", text);
  }

  function labelPlayer(player) {
    player.querySelectorAll("button[onclick]").forEach(function (button) {
      var m = /\.(\w+)\(\)/.exec(button.getAttribute("onclick"));
      if (m && T[m[1]]) name(button, T[m[1]]);
      button.querySelectorAll("i").forEach(function (i) { i.setAttribute("aria-hidden", "true"); });
    });
    player.querySelectorAll('input[type="range"]').forEach(function (s) { name(s, T.slider); });
    player.querySelectorAll("img").forEach(function (img) {
      if (!img.getAttribute("alt")) img.setAttribute("alt", player.getAttribute("aria-label") || T.image);
    });
    player.querySelectorAll("form.anim-state").forEach(function (form) {
      name(form, T.mode);
      form.querySelectorAll("label[for]").forEach(function (label) {
        var input = document.getElementById(label.getAttribute("for"));
        if (input && T[input.value]) label.textContent = T[input.value];
      });
    });
  }

  function calm() {
    if (!reduce || !reduce.matches) return;
    document.querySelectorAll(".animation form.anim-state input[value=once]").forEach(function (r) {
      r.checked = true;
    });
    document.querySelectorAll(".animation img[id^=_anim_img]").forEach(function (img) {
      var player = window["anim" + img.id.slice("_anim_img".length)];
      if (player && player.pause_animation) player.pause_animation();
    });
    document.querySelectorAll("video").forEach(function (video) {
      video.autoplay = false;
      video.loop = false;
      video.controls = true;
      video.pause();
    });
  }

  function togglerButton(img) {
    var row = img.closest("tr");
    var what = row ? row.textContent.replace(/\s+/g, " ").trim() : "";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "lg-toggler";
    img.parentNode.insertBefore(button, img);
    button.appendChild(img);
    img.setAttribute("alt", "");
    img.setAttribute("aria-hidden", "true");
    function sync() {
      var open = /minus\.png$/.test(img.getAttribute("src") || "");
      var label = open ? T.collapse : T.expand;
      button.setAttribute("aria-expanded", String(open));
      button.setAttribute("aria-label", label.replace("{module}", what).trim());
    }
    sync();
    new MutationObserver(sync).observe(img, {attributes: true, attributeFilter: ["src"]});
    // doctools.js listens on the <img>: a keyboard press clicks the button, pass it on.
    button.addEventListener("click", function (event) { if (event.target !== img) img.click(); });
  }

  function run() {
    document.querySelectorAll("img.toggler").forEach(togglerButton);
    document.querySelectorAll(".animation").forEach(labelPlayer);
    calm();
    // The players are created in a setTimeout(…, 0) after their markup: calm them again.
    setTimeout(calm, 50);
    if (reduce && reduce.addEventListener) reduce.addEventListener("change", calm);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
