// The summary report's "Print / save as PDF" button: hidden in the page, shown only where this script runs,
// because without JavaScript it could not work (the browser's own print menu still prints the page).
document.querySelectorAll("[data-results-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
