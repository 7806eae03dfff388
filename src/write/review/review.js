(function () {
  'use strict';
  var root = document.documentElement;
  window.addEventListener('error', function (e) {
    root.setAttribute('data-js-error', String(e.message));
  });

  // index: sort by a column, filter by text, status and failed checks
  var table = document.getElementById('report-table');
  if (table) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var heads = table.tHead.rows[0].cells;
    var key = function (row, i, numeric) {
      var cell = row.cells[i];
      var v = cell.getAttribute('data-value');
      if (numeric) { return v === null || v === '' ? -Infinity : Number(v); }
      return cell.textContent;
    };
    Array.prototype.forEach.call(heads, function (th, i) {
      th.setAttribute('tabindex', '0');
      var sort = function () {
        var numeric = th.getAttribute('data-type') === 'number';
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        rows.sort(function (a, b) {
          var x = key(a, i, numeric), y = key(b, i, numeric);
          var c = numeric ? x - y : String(x).localeCompare(String(y), 'zh');
          return asc ? c : -c;
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sort(); } });
    });
    var text = document.getElementById('filter');
    var status = document.getElementById('status-filter');
    var failedOnly = document.getElementById('failed-only');
    var shown = document.getElementById('shown');
    var filter = function () {
      var q = text.value.trim().toLowerCase();
      var n = 0;
      rows.forEach(function (r) {
        var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) &&
          (!status.value || r.getAttribute('data-status') === status.value) &&
          (!failedOnly.checked || r.getAttribute('data-failed') !== '0');
        r.hidden = !ok;
        if (ok) { n += 1; }
      });
      shown.textContent = '显示 ' + n + ' / ' + rows.length;
    };
    text.addEventListener('input', filter);
    status.addEventListener('change', filter);
    failedOnly.addEventListener('change', filter);
    document.getElementById('filters').hidden = false;
    filter();
  }

  // report: a value cell and its box on the picture find each other
  var select = function (metric) {
    Array.prototype.forEach.call(document.querySelectorAll('.selected'), function (el) {
      el.classList.remove('selected');
    });
    var cell = document.getElementById('m-' + metric);
    var box = document.getElementById('box-' + metric);
    if (cell) { cell.classList.add('selected'); }
    if (box) { box.classList.add('selected'); }
    return box;
  };
  document.addEventListener('click', function (e) {
    var cell = e.target.closest ? e.target.closest('td.v[data-box]') : null;
    if (cell && !e.target.closest('a')) {
      var box = select(cell.getAttribute('data-metric'));
      if (box) { box.scrollIntoView({ block: 'center' }); }
    }
  });
  var fromHash = function () {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf('m-') === 0) { select(id.slice(2)); }
    if (id.indexOf('box-') === 0) { select(id.slice(4)); }
  };
  window.addEventListener('hashchange', fromHash);
  fromHash();
  root.setAttribute('data-js', 'ready');
}());
