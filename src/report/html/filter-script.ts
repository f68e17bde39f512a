/**
 * The only script report.html runs, inline and allowed by its SHA-256 in the page's CSP
 * (html-report.ts computes the hash from this exact text). It reads nothing from the network
 * and writes nothing but the page: it shows the filter bar (hidden when scripts are off), and
 * hides the control sections and finding rows that do not match the chosen control, severity,
 * status and search text. The choice lives in the URL's fragment (#severity=critical&status=FAIL),
 * so a filtered view can be bookmarked, sent, or opened by `chromium --screenshot URL#…`.
 * Fragments without "=" are the contents' anchors and leave the filter alone.
 *
 * The markup it relies on: #filters holds inputs with data-key (control, severity, status, q);
 * section.control[data-control][data-severity] holds rows ([data-status]); p.names rows carry
 * data-count (how many resources the paragraph names); details.passing are opened while a
 * filter shows something inside them, and for printing; body.filtering hides the contents and
 * charts while a filter is set.
 */
export const FILTER_SCRIPT = `
(function () {
  'use strict';
  var bar = document.getElementById('filters');
  if (!bar) return;
  var inputs = Array.prototype.slice.call(bar.querySelectorAll('[data-key]'));
  var count = document.getElementById('filter-count');
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.control'));
  var texts = new WeakMap();
  function text(el) {
    var t = texts.get(el);
    if (t === undefined) { t = el.textContent.toLowerCase(); texts.set(el, t); }
    return t;
  }
  function state() {
    var s = {};
    inputs.forEach(function (input) { s[input.dataset.key] = input.value.trim(); });
    return s;
  }
  function fromFragment() {
    var fragment = location.hash.replace(/^#/, '');
    if (fragment.indexOf('=') < 0) return false;
    var params = new URLSearchParams(fragment);
    inputs.forEach(function (input) {
      var value = params.get(input.dataset.key) || '';
      if (input.tagName === 'SELECT' && !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) value = '';
      input.value = value;
    });
    return true;
  }
  function toFragment(s) {
    var params = new URLSearchParams();
    Object.keys(s).forEach(function (key) { if (s[key]) params.set(key, s[key]); });
    var fragment = params.toString();
    try {
      history.replaceState(null, '', fragment ? '#' + fragment : location.pathname + location.search);
    } catch (e) { /* a file: URL in a browser that refuses it: the filter still applies */ }
  }
  function apply() {
    var s = state();
    var q = s.q.toLowerCase();
    var active = Boolean(s.control || s.severity || s.status || q);
    var shown = 0;
    sections.forEach(function (section) {
      var inScope = (!s.control || section.dataset.control === s.control) && (!s.severity || section.dataset.severity === s.severity);
      var any = false;
      Array.prototype.forEach.call(section.querySelectorAll('[data-status]'), function (row) {
        var match = inScope && (!s.status || row.dataset.status === s.status) && (!q || text(row).indexOf(q) >= 0);
        row.hidden = active && !match;
        if (match) {
          any = true;
          if (!row.dataset.count) shown += 1;
          else if (!q) shown += Number(row.dataset.count);
          else shown += text(row).split(', ').filter(function (name) { return name.indexOf(q) >= 0; }).length;
        }
      });
      section.hidden = active && !(inScope && any);
      Array.prototype.forEach.call(section.querySelectorAll('details.passing'), function (details) {
        var inside = details.querySelector('[data-status]:not([hidden])') !== null;
        details.open = active && inside;
        details.hidden = active && !inside;
      });
    });
    bar.classList.toggle('active', active);
    // While filtering, the contents and charts step aside so the matching findings start near the top.
    document.body.classList.toggle('filtering', active);
    count.textContent = active ? shown.toLocaleString('en-US') + ' finding' + (shown === 1 ? '' : 's') + ' match' + (shown === 1 ? 'es' : '') : '';
    return s;
  }
  inputs.forEach(function (input) {
    input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', function () { toFragment(apply()); });
  });
  window.addEventListener('hashchange', function () { if (fromFragment()) apply(); });
  var printed = [];
  window.addEventListener('beforeprint', function () {
    printed = Array.prototype.filter.call(document.querySelectorAll('details.passing'), function (d) { return !d.open; });
    printed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () { printed.forEach(function (d) { d.open = false; }); printed = []; });
  bar.hidden = false;
  if (fromFragment()) apply();
})();
`;
