/* Sortable and filterable tables (our own code). Works with Material's instant navigation. */
(function () {
  "use strict";
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) return numeric ? -Infinity : "";
    var text = cell.getAttribute("data-sort") || cell.textContent.trim();
    if (numeric) { var n = parseFloat(text); return isNaN(n) ? -Infinity : n; }
    return text.toLocaleLowerCase();
  }
  function makeSortable(table) {
    if (table.dataset.atlasSortable) return;
    table.dataset.atlasSortable = "1";
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "atlas-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-type") === "number";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        // Keep note rows attached to the row above them.
        var groups = [];
        Array.prototype.forEach.call(body.rows, function (row) {
          if (row.classList.contains("atlas-link-note") && groups.length) groups[groups.length - 1].push(row);
          else groups.push([row]);
        });
        groups.sort(function (a, b) {
          var x = cellValue(a[0], index, numeric), y = cellValue(b[0], index, numeric);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        groups.forEach(function (group) { group.forEach(function (row) { body.appendChild(row); }); });
      });
    });
  }
  function makeFilter(input) {
    if (input.dataset.atlasFilter) return;
    input.dataset.atlasFilter = "1";
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) return;
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLocaleLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLocaleLowerCase().indexOf(needle) === -1;
      });
    });
  }
  // A long table of links: its rows by type, status and the years they were signed (_m.html, link_filters).
  function wanted(row, form) {
    var type = form.elements.type.value, status = form.elements.status.value;
    var from = parseInt(form.elements.from.value, 10), to = parseInt(form.elements.to.value, 10);
    var year = parseInt(row.getAttribute("data-year"), 10);
    if (type && row.getAttribute("data-type") !== type) return false;
    if (status && row.getAttribute("data-status") !== status) return false;
    if ((!isNaN(from) || !isNaN(to)) && isNaN(year)) return false; // years asked for: undated links are out
    return !(year < from || year > to);
  }
  function makeLinkFilters(form) {
    if (form.dataset.atlasFilter) return;
    form.dataset.atlasFilter = "1";
    var table = document.getElementById(form.getAttribute("data-table")), count = form.querySelector("output");
    if (!table) return;
    function update() {
      var shown = 0, all = 0, last = true;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        if (row.classList.contains("atlas-link-note")) { row.hidden = !last; return; } // with its link
        last = wanted(row, form);
        row.hidden = !last;
        all += 1;
        shown += last ? 1 : 0;
      });
      // The words are the page's, in its language (data-all, data-some, data-undated: _m.html).
      var words = form.getAttribute(shown === all ? "data-all" : "data-some");
      var dated = form.elements.from.value || form.elements.to.value ? form.getAttribute("data-undated") : "";
      count.textContent = words.replace("{shown}", shown).replace("{all}", all) + (shown === all ? "" : dated);
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    update();
  }
  function init() {
    document.querySelectorAll("form.atlas-table-filters").forEach(makeLinkFilters);
    document.querySelectorAll("table.atlas-sortable").forEach(makeSortable);
    document.querySelectorAll("input.atlas-filter").forEach(makeFilter);
  }
  // This file loads in <head>, before Material's bundle defines document$ (at the end of
  // <body>); by DOMContentLoaded it exists and re-emits after every instant navigation.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
    else init();
  });
})();
