/* Paragraph discussions open in place: the toggle is a link to the paragraph's page (works without
   JavaScript); htmx loads the thread below the paragraph; this script keeps aria-expanded right and
   lets the toggle close and reopen the discussion without loading it again. */
(function () {
  "use strict";
  function regionOf(toggle) { return document.getElementById(toggle.getAttribute("aria-controls")); }
  function isToggle(el) { return el && el.classList && el.classList.contains("discussion-toggle"); }

  document.addEventListener("htmx:confirm", function (evt) {
    var toggle = evt.detail.elt;
    if (!isToggle(toggle)) { return; }
    var region = regionOf(toggle);
    if (toggle.getAttribute("aria-expanded") === "true") {
      evt.preventDefault();
      region.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    } else if (region.getAttribute("data-loaded") === "true") {
      evt.preventDefault();
      region.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
    }
  });

  document.addEventListener("htmx:afterSwap", function (evt) {
    var toggle = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (!isToggle(toggle)) { return; }
    var region = regionOf(toggle);
    region.hidden = false;
    region.setAttribute("data-loaded", "true");
    toggle.setAttribute("aria-expanded", "true");
  });

  /* The comments plugin announces a changed thread (HX-Trigger "comments:changed" with the new count,
     after new comments, replies and deletions alike): update the paragraph's count, the heat bars of
     the whole chapter and the chapter's total in the contents beside it. */
  function levelOf(n, most) { return n === 0 ? 0 : Math.max(1, Math.ceil(4 * n / most)); }
  function countText(el, n) {
    return (el.getAttribute(n === 1 ? "data-label-one" : "data-label-other") || "{n}").replace("{n}", String(n));
  }
  function updateChapterTotal() {
    var total = document.querySelector(".doc-toc .toc-count[data-own-count]");
    if (!total) { return; }
    var n = parseInt(total.getAttribute("data-own-count"), 10) || 0;
    document.querySelectorAll(".discussion-toggle[data-count]").forEach(function (t) {
      n += parseInt(t.getAttribute("data-count"), 10) || 0;
    });
    total.textContent = countText(total, n);
  }
  document.addEventListener("comments:changed", function (evt) {
    var d = evt.detail || {};
    if (typeof d.count !== "number") { return; }
    if (d.target_type === "chapter") {
      var own = document.querySelector('#chapter-' + d.target_id + ' .toc-count[data-own-count]');
      if (own) { own.setAttribute("data-own-count", String(d.count)); updateChapterTotal(); }
      return;
    }
    if (d.target_type !== "paragraph") { return; }
    var toggle = document.querySelector('.discussion-toggle[aria-controls="d-' + d.target_id + '"]');
    if (!toggle) { return; }
    toggle.setAttribute("data-count", String(d.count));
    toggle.querySelector(".count-value").textContent = countText(toggle, d.count);
    updateChapterTotal();
    var toggles = document.querySelectorAll(".discussion-toggle[data-count]");
    var most = 0;
    toggles.forEach(function (t) { most = Math.max(most, parseInt(t.getAttribute("data-count"), 10) || 0); });
    toggles.forEach(function (t) {
      var level = levelOf(parseInt(t.getAttribute("data-count"), 10) || 0, most);
      var heat = t.querySelector(".heat");
      if (heat) { heat.className = "heat heat-" + level; }
      var section = t.closest(".para");
      if (section) { section.className = section.className.replace(/heat-level-\d/, "heat-level-" + level); }
    });
  });
})();
