/** The report's one inline script and its CSP hash. */
import { createHash } from 'node:crypto';

/** Filters, copy buttons, deep links. Static: it reads data only from the JSON block. */
export const SCRIPT = `(function () {
  'use strict';
  var dataEl = document.getElementById('report-data');
  var data = dataEl ? JSON.parse(dataEl.textContent || '{}') : { requirements: [] };
  var replays = {};
  (data.requirements || []).forEach(function (r) { if (r.failure) replays[r.id] = r.failure.replay; });
  var FILTERS = {
    all: function () { return true; },
    failures: function (v) { return v === 'FAILED' || v === 'ERRORED'; },
    warnings: function (v) { return v === 'WARNING'; }
  };
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  var current = 'all';
  // Filtering is one attribute on <body>; the style sheet hides rows, groups and sections (fast at thousands of rows).
  function applyFilter(name) {
    if (!Object.prototype.hasOwnProperty.call(FILTERS, name)) name = 'all';
    current = name;
    all('[data-filter]').forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === name)); });
    document.body.setAttribute('data-active-filter', name);
  }
  // A requirement's details are a <template> until it is first opened.
  function render(el) {
    var t = el.querySelector('template[data-lazy]');
    if (t) t.replaceWith(t.content);
  }
  function showMore(button) {
    var t = button.previousElementSibling;
    if (t && t.matches('template[data-more]')) t.replaceWith(t.content);
    button.remove();
  }
  function openRequirement(id) {
    var el = document.getElementById('req-' + id);
    if (!el) { all('button[data-more]').forEach(showMore); el = document.getElementById('req-' + id); }
    if (!el) return;
    if (!FILTERS[current](el.getAttribute('data-verdict'))) applyFilter('all');
    render(el);
    el.open = true;
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }
  function fallbackCopy(text) {
    var ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var f = t.closest('[data-filter]');
    if (f) {
      var name = f.getAttribute('data-filter');
      applyFilter(name);
      try { history.replaceState(null, '', name === 'all' ? location.pathname + location.search : '#' + name); } catch (e) {}
      return;
    }
    var m = t.closest('button[data-more]');
    if (m) { showMore(m); return; }
    var x = t.closest('[data-expand-all]');
    if (x) {
      var open = x.getAttribute('data-expand-all') === 'open';
      all('details.req').forEach(function (d) { if (FILTERS[current](d.getAttribute('data-verdict'))) { if (open) render(d); d.open = open; } });
      return;
    }
    var c = t.closest('[data-copy]');
    if (c) {
      var id = c.getAttribute('data-copy');
      var text = replays[id] || '';
      copyText(text).then(function (ok) {
        c.textContent = ok ? 'Copied' : 'Select & copy';
        if (!ok) {
          var pre = c.parentNode && c.parentNode.querySelector('pre');
          if (pre) { var range = document.createRange(); range.selectNodeContents(pre); var sel = getSelection(); sel.removeAllRanges(); sel.addRange(range); }
        }
        setTimeout(function () { c.textContent = 'Copy'; }, 1600);
      });
      return;
    }
    var a = t.closest('a[href^="#req-"]');
    if (a) { openRequirement(a.getAttribute('href').slice(5)); return; }
    var s = t.closest('details.req > summary');
    if (s) render(s.parentNode);
  });
  document.addEventListener('toggle', function (ev) {
    var d = ev.target;
    if (d instanceof Element && d.matches('details.req') && d.open) render(d);
  }, true);
  window.addEventListener('beforeprint', function () { all('details.req').forEach(render); });
  var hash = location.hash.slice(1);
  if (hash === 'failures' || hash === 'warnings') applyFilter(hash);
  else {
    applyFilter('all');
    if (hash.indexOf('req-') === 0) openRequirement(hash.slice(4));
  }
})();`;

export const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
