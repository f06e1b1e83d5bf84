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
  function init() {
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
