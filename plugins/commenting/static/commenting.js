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
})();
