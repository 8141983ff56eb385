// News pages: the "copy link" button. Without JavaScript the link stays in a read-only
// field that can be selected and copied, so the button is only shown when it can work.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copyTarget);
    var status = button.closest(".share__copy").querySelector(".share__status");
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = button.dataset.copied;
      }, function () {
        field.select();
      });
    });
  });
})();
