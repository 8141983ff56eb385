/* The admin's change forms (templates/admin/change_form.html): what axe-core asks of
   modeltranslation's language tabs, and the error list's links into hidden tabs. */
(function () {
  "use strict";

  function panelOf(element) {
    return element && element.closest(".ui-tabs-panel");
  }

  function showTabOf(element) {
    var panel = panelOf(element);
    if (panel && panel.hidden !== true && panel.offsetParent !== null) return;
    var tab = panel && document.querySelector('[role="tab"][aria-controls="' + panel.id + '"]');
    if (tab) tab.click();
  }

  function ready() {
    // A tab (li role="tab") must hold no focusable element (axe: nested-interactive), so
    // the link inside it loses its address. jQuery UI finds the panel by the tab's
    // aria-controls; only its "is this a local panel?" test reads the address (an empty
    // one throws), so a tab without one counts as local.
    var tabs = window.django.jQuery.ui && window.django.jQuery.ui.tabs;
    if (tabs) {
      var isLocal = tabs.prototype._isLocal;
      tabs.prototype._isLocal = function (anchor) {
        return !anchor.hasAttribute("href") || isLocal.call(this, anchor);
      };
      document.querySelectorAll(".ui-tabs-nav .ui-tabs-anchor[href]").forEach(function (anchor) {
        anchor.removeAttribute("href");
      });
    }
    // The language switch modeltranslation adds has no label (axe: select-name).
    var mainSwitch = document.getElementById("modeltranslation-main-switch");
    if (mainSwitch && document.getElementById("translation-switch-label")) {
      mainSwitch.setAttribute("aria-labelledby", "translation-switch-label");
    }
    // The error list's links reach fields in a language tab that is not shown.
    var errors = document.getElementById("error-list");
    if (errors) {
      errors.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        var field = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!field) return;
        event.preventDefault();
        showTabOf(field);
        field.focus();
      });
      errors.focus();
    }
  }

  // The search box of an autocomplete field (select2: the sources' news article) names
  // neither its combobox nor the text shown in it (axe: aria-input-field-name): both are
  // named by the field's label. Inline forms added later get theirs when they appear.
  function nameAutocompletes(root) {
    root.querySelectorAll(".select2-selection[role='combobox']").forEach(function (box) {
      var shown = box.querySelector(".select2-selection__rendered");
      var match = shown && /^select2-(.+)-container$/.exec(shown.id);
      var label = match && document.querySelector('label[for="' + match[1] + '"]');
      if (!label) return;
      if (!label.id) label.id = match[1] + "-label";
      box.setAttribute("aria-labelledby", label.id + " " + shown.id);
      shown.setAttribute("aria-labelledby", label.id);
    });
  }

  window.django.jQuery(ready);
  window.django.jQuery(function () {
    nameAutocompletes(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) nameAutocompletes(node.parentNode || node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
