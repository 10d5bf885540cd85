(function () {
  "use strict";
  var form = document.getElementById("ms-form");
  if (!form) return;
  var input = document.getElementById("ms-q");
  var status = document.getElementById("ms-status");
  var list = document.getElementById("ms-results");
  function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
  function show(data) {
    list.innerHTML = "";
    status.textContent = data.total + " results" + (data.corrected ? " — showing results for " + data.corrected : "");
    data.hits.forEach(function (hit) {
      var li = document.createElement("li");
      li.innerHTML = '<a href="' + text(hit.url) + '">' + text(hit.title) + "</a> <small>" +
        text(hit.section_label) + "</small><p>" + hit.snippet + "</p>";
      list.appendChild(li);
    });
  }
  function search(q) {
    if (!q) return;
    fetch("/search?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
      .then(show).catch(function () { status.textContent = "The search service is unreachable."; });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); search(input.value.trim()); });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; search(q); }
})();
