// The moderators' queue: "Select all on this page" also ticks each row's box, so the selection shows.
// Without JavaScript the server reads "select all" itself; nothing here is needed for the queue to work.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) {
    return;
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.queue-select"));
  all.addEventListener("change", function () {
    boxes.forEach(function (box) {
      box.checked = all.checked;
    });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      if (!box.checked) {
        all.checked = false;
      } else if (boxes.every(function (other) { return other.checked; })) {
        all.checked = true;
      }
    });
  });
})();
