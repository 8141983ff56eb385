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

// The filter form sends only the fields that hold something: no "q=&category=" in the
// address (the server redirects such addresses to the clean one anyway).
(function () {
  "use strict";
  document.querySelectorAll("form.news-filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && !field.disabled && field.value.trim() === "") field.disabled = true;
      });
      // Re-enabled when the page is shown again from the back-forward cache.
      window.addEventListener("pageshow", function () {
        Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
      }, { once: true });
    });
  });
})();
