/* "Print / save as PDF": the button exists only where this script runs; without JavaScript the
   browser's own print menu prints the same page with the same print stylesheet. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
