// Feedback forms: progressive enhancements only (the forms work without this file).
(function () {
  "use strict";

  // Character counters: "Characters remaining: N", announced politely while typing.
  document.querySelectorAll("[data-counter]").forEach(function (group) {
    var field = group.querySelector("input, textarea");
    var limit = parseInt(group.getAttribute("data-maxlength"), 10);
    if (!field || !limit) {
      return;
    }
    var staticHint = group.querySelector(".counter-static");
    if (staticHint) {
      staticHint.hidden = true;
    }
    var counter = document.createElement("p");
    counter.className = "hint counter";
    counter.id = field.id + "_counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    // Latin digits in both languages, as the server writes them (docs/decisions.md,
    // "Dates and numbers"): a bare "ar" would give Arabic-Indic digits.
    var numbers = new Intl.NumberFormat(document.documentElement.lang + "-u-nu-latn");
    var timer = null;
    function update() {
      var left = limit - field.value.length;
      var over = left < 0;
      counter.textContent = over
        ? group.getAttribute("data-over") + " " + numbers.format(-left)
        : group.getAttribute("data-remaining") + " " + numbers.format(left);
      counter.classList.toggle("counter--over", over);
    }
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 300);
    });
    update();
  });
  // Copy buttons (the private link): shown only where the clipboard can be written; the
  // link itself stays on the page to select by hand.
  document.querySelectorAll("[data-copy]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-copy"));
    var button = box.querySelector("button");
    var status = box.querySelector("[role=status]");
    if (!source || !button || !navigator.clipboard || !window.isSecureContext) {
      return;
    }
    box.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () {
          status.textContent = box.getAttribute("data-copied");
        },
        function () {
          status.textContent = box.getAttribute("data-failed");
        }
      );
    });
  });
})();
