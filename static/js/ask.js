// The "is this true?" form: while the citizen types the claim, the published
// clarifications that match are offered (the "check first" button does the same without
// this file). Only our own JSON is read; every text is set with textContent.
(function () {
  "use strict";

  var region = document.getElementById("ask-matches");
  var field = document.getElementById("id_claim");
  if (!region || !field || !window.fetch) {
    return;
  }
  var url = region.getAttribute("data-matches-url");
  var timer = null;
  var last = "";
  var pending = null;

  function show(results) {
    region.textContent = "";
    if (!results.length) {
      if (field.value.trim().length >= 3) {
        var none = document.createElement("p");
        none.className = "hint";
        none.textContent = region.getAttribute("data-none");
        region.appendChild(none);
      }
      return;
    }
    var title = document.createElement("h2");
    title.className = "ask-matches__title";
    title.textContent = region.getAttribute("data-title");
    region.appendChild(title);
    var list = document.createElement("ul");
    list.className = "ask-matches__list";
    results.forEach(function (result) {
      var item = document.createElement("li");
      item.className = "ask-match";
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      item.appendChild(link);
      if (result.verdict) {
        var verdict = document.createElement("span");
        verdict.className = "ask-match__verdict";
        verdict.textContent = result.verdict;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(verdict);
      }
      list.appendChild(item);
    });
    region.appendChild(list);
  }

  function look() {
    var text = field.value.trim();
    if (text === last) {
      return;
    }
    last = text;
    if (text.length < 3) {
      show([]);
      return;
    }
    if (pending && pending.abort) {
      pending.abort();
    }
    pending = window.AbortController ? new AbortController() : null;
    window
      .fetch(url + "?q=" + encodeURIComponent(text.slice(0, 300)), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending ? pending.signal : undefined,
      })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        show(data.results || []);
      })
      .catch(function () {
        // Offline or aborted: the "check first" button still works.
      });
  }

  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(look, 400);
  });
  if (field.value.trim()) {
    look();
  }
})();
