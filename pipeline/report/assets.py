"""The review page's inline CSS and JavaScript (no network: the page's
Content-Security-Policy forbids any fetch) and its frame.

The script, small and dependency-free:

* search: the box filters the rows of every table on the page (a query
  without diacritics matches with or without them: ``thi dua`` finds
  ``thi đua``); a document section is shown when its heading or one of its
  rows matches, with the number of matching rows; ``?q=...`` in the address
  fills the box;
* filters: ``<select class="filter" data-table=ID data-attr=NAME>`` keeps the
  rows of table ID whose ``data-NAME`` is the value chosen (the summary's
  status and kind also hide the documents' sections); ``?NAME=value`` sets one;
* sort: a click on a column header sorts its table (numbers by value, dates
  by date, text the Vietnamese way), a second click reverses;
* links to a span open the sections it is in, scroll to it and flash it;
* print: every section opened before printing and closed again after; what
  is printed (summary only, the documents' tables too, their texts too) is
  chosen in the toolbar or by ``?print=summary|tables|texts``.
"""

CSS = """
:root{--check:#d93025;--nav:250px;--bar:48px}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:#1d1d1f;background:#f6f7f9}
nav{position:fixed;top:0;left:0;bottom:0;width:var(--nav);overflow:auto;background:#1f2937;color:#e5e7eb;padding:12px}
nav a{color:#e5e7eb;text-decoration:none}nav a:hover{text-decoration:underline}
nav ul{list-style:none;padding:0;margin:4px 0 12px}nav li{padding:2px 0;font-size:13px;overflow-wrap:anywhere}
nav h2{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:#9ca3af;margin:12px 0 4px}
main{margin-left:var(--nav);padding:0 24px 16px;max-width:1500px}
.toolbar{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:6px 8px;align-items:center;
 min-height:var(--bar);padding:6px 0;background:#f6f7f9;border-bottom:1px solid #e5e7eb}
.toolbar input[type=search]{flex:1 1 240px;max-width:420px;padding:6px 10px;font:inherit;border:1px solid #cbd5e1;border-radius:6px}
.filters{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin:6px 0;font-size:13px}
.toolbar select,.toolbar button,.filters select{font:inherit;font-size:13px;padding:5px 8px;border:1px solid #cbd5e1;border-radius:6px;background:#fff;cursor:pointer}
.toolbar label{font-size:13px}
.toolbar .count{font-size:12.5px;color:#4b5563}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 18px;margin:0 0 14px}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:4px 0 6px}h3{font-size:15px;margin:12px 0 4px}
.path{color:#6b7280;margin:0 0 6px;font-size:12px;overflow-wrap:anywhere}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:0 12px;margin:4px 0 8px;font-size:13px}
dl.meta dt{color:#6b7280}dl.meta dd{margin:0;overflow-wrap:anywhere}
dl.totals{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 10px}
dl.totals div{border:1px solid #e5e7eb;border-radius:6px;padding:4px 10px;background:#f9fafb;min-width:110px}
dl.totals dt{font-size:12px;color:#6b7280}dl.totals dd{margin:0;font-size:16px;font-weight:600}
dl.totals dd small{font-size:12px;font-weight:400;color:#374151}
.text{white-space:pre-wrap;font:14px/1.65 Georgia,"Noto Serif","DejaVu Serif",serif;max-height:30em;overflow:auto;
 border:1px solid #e5e7eb;border-radius:6px;padding:10px 14px;background:#fcfcfd;overflow-wrap:anywhere}
mark.hl{border-radius:3px;padding:0 1px;color:#111;cursor:help}
mark.p-check{background:#fde2e1}
mark.k-check{text-decoration:underline wavy var(--check);text-underline-offset:3px}
mark.flash{outline:2px solid #d93025;background:#fff176!important}
body.hide-check mark.p-check{background:none}
body.hide-check mark.k-check{text-decoration:none}
.legend-item{display:block;font-size:13px;margin:2px 0}.legend-item mark{font-size:12px}
.tablebox{max-height:75vh;overflow:auto;border:1px solid #eef0f3;border-radius:6px;margin:4px 0 8px}
.tablebox table.data{margin:0}
table.data{border-collapse:collapse;width:100%;font-size:12.5px;margin:4px 0 8px}
table.data th,table.data td{border-bottom:1px solid #eef0f3;padding:3px 6px;text-align:left;vertical-align:top}
table.data td{overflow-wrap:anywhere}
table.data th{background:#f3f4f6;position:sticky;top:var(--bar);z-index:1;overflow-wrap:break-word}
.tablebox table.data th{top:0}
table.fixed{table-layout:fixed}
th[data-sortable]{cursor:pointer;user-select:none}
th[data-sortable]:hover{background:#e5e7eb}
th[aria-sort=ascending]::after{content:" ▲";font-size:10px}
th[aria-sort=descending]::after{content:" ▼";font-size:10px}
td.num,th.num{text-align:right}table.data th.num{font-size:11px;padding:3px 4px 3px 2px;text-align:right}.nw{white-space:nowrap}.small{font-size:11.5px;color:#4b5563}
tr.sev-error td:first-child,li.sev-error .rule{color:#b91c1c;font-weight:600}
tr.sev-warning td:first-child,li.sev-warning .rule{color:#b45309;font-weight:600}
.st{display:inline-block;border-radius:9px;padding:0 7px;font-size:12px;white-space:nowrap}
.st-ok{background:#dcfce7;color:#166534}.st-error{background:#fee2e2;color:#991b1b}
.st-needs_ocr{background:#fef3c7;color:#92400e}
td.na{color:#9ca3af;text-align:center}
a.go{text-decoration:none;color:#2563eb}
a.go.pos{white-space:nowrap}
details>summary{cursor:pointer;font-weight:600;margin:8px 0 2px}
section.doc{padding:0 18px}
section.doc>details>summary{margin:0;padding:9px 0;font-weight:400}
section.doc>details>summary h2{display:inline;font-size:15px;margin:0 6px 0 0}
section.doc>details[open]>summary{border-bottom:1px solid #eef0f3;margin-bottom:8px}
.sub{color:#6b7280;font-size:12.5px}
.hits{color:#1d4ed8;font-size:12.5px;margin-left:6px}
.badge{background:#d93025;color:#fff;border-radius:9px;padding:0 6px;font-size:11px}
.note{color:#b45309}.ok{color:#15803d}
figure{margin:6px 0 14px}svg.chart{max-width:100%;height:auto;font:12px system-ui,"DejaVu Sans",sans-serif}
.chart-title{font-weight:600;font-size:13px}.chart-label,.chart-value,.chart-legend{font-size:11.5px;fill:#374151}
.anchor{scroll-margin-top:30vh}
section,[id^=doc-],[id^=unread-],[id^=check-]{scroll-margin-top:calc(var(--bar) + 8px)}
[hidden]{display:none!important}
.printonly{display:none}
@media (max-width:900px){nav{position:static;width:auto;max-height:40vh}main{margin-left:0;padding:0 10px}}
@media print{
 @page{size:A4;margin:10mm 9mm}
 :root{--bar:0px}
 body{background:#fff;font-size:10pt;line-height:1.35}
 nav,.toolbar,.noprint,.c-go{display:none!important}
 .printonly{display:block}
 main{margin:0;padding:0;max-width:none}
 section{border:0;border-radius:0;padding:0;margin:0 0 8pt;background:none}
 section.doc{padding:4pt 0 0;border-top:1.5pt solid #374151;margin:0 0 6pt}
 section.doc>details>summary{padding:0 0 2pt;border:0}
 section.doc>details>summary h2{font-size:11.5pt}
 details>summary{list-style:none;margin:4pt 0 1pt}
 details>summary::-webkit-details-marker{display:none}
 details>summary::marker{content:""}
 .tablebox{max-height:none;overflow:visible;border:0}
 table.data{font-size:7.5pt;margin:2pt 0 4pt;line-height:1.25}
 table.data th,table.data td{padding:1pt 3pt;border-bottom:.5pt solid #d1d5db}
 table.data th{position:static;background:#f3f4f6}
 table.data tr{break-inside:avoid}
 th[aria-sort]::after{content:""}
 h1,h2,h3,summary{break-after:avoid}
 dl.meta{font-size:8.5pt;margin:0 0 3pt;grid-template-columns:max-content 1fr max-content 1fr}
 dl.totals div{padding:2pt 6pt}
 .path{font-size:8pt;margin:0}
 .text{display:none}
 body.print-summary section.doc,body.print-summary h2.group{display:none!important}
 body.print-texts .text{display:block;max-height:none;overflow:visible;border:0;padding:0;font-size:9.5pt;line-height:1.4}
 figure{break-inside:avoid;margin:2pt 0 6pt}
 a{color:inherit;text-decoration:none}
 mark.hl,.badge,.st{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
@media print{details::details-content{content-visibility:visible;display:contents}}
"""

JS = r"""
(function(){
  var T = __STRINGS__;
  function fill(s, o){ return s.replace(/\{(\w+)\}/g, function(_, k){ return o[k]; }); }
  function $$(sel, root){ return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // --- a link to a span or a section: open what holds it, scroll to it, flash a span
  function reveal(el){
    for(var p = el; p; p = p.parentElement){
      if(p.tagName === 'DETAILS' && !p.open) p.open = true;
      if(p.hidden) p.hidden = false;
    }
  }
  function go(){
    $$('mark.flash').forEach(function(m){ m.classList.remove('flash'); });
    var id = decodeURIComponent(location.hash.slice(1));
    if(!id) return;
    if(/^s\d/.test(id)){
      var first = null;
      $$('mark[data-spans]').forEach(function(m){
        if((' '+m.getAttribute('data-spans')+' ').indexOf(' '+id+' ') >= 0){ m.classList.add('flash'); first = first || m; }
      });
      if(first){ reveal(first); first.scrollIntoView({block: 'center'}); return; }
    }
    var el = document.getElementById(id);
    if(el){ reveal(el); el.scrollIntoView({block: 'start'}); }
  }
  window.addEventListener('hashchange', go);

  $$('input[data-kind]').forEach(function(cb){
    cb.addEventListener('change', function(){ document.body.classList.toggle('hide-'+cb.getAttribute('data-kind'), !cb.checked); });
  });

  // --- sort: a click on a header sorts its table, a second click reverses
  var coll = window.Intl ? new Intl.Collator(document.documentElement.lang || 'vi', {numeric: true, sensitivity: 'base'}) : null;
  function keyOf(td){
    if(!td) return '';
    var k = td.getAttribute('data-sort');
    return k === null ? td.textContent.trim() : k;
  }
  function sortBy(th){
    var table = th.closest('table'), body = table.tBodies[0];
    if(!body) return;
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    $$('th', th.parentNode).forEach(function(h){ h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows).map(function(r, i){
      var k = keyOf(r.cells[idx]);
      return {r: r, k: k, n: (k !== '' && !isNaN(k)) ? Number(k) : null, i: i};
    });
    rows.sort(function(a, b){
      if(a.k === '' || b.k === '') return ((a.k === '') - (b.k === '')) || (a.i - b.i);
      var c = (a.n !== null && b.n !== null) ? a.n - b.n : (coll ? coll.compare(a.k, b.k) : (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      return c * dir || a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function(x){ frag.appendChild(x.r); });
    body.appendChild(frag);
  }
  $$('table.data thead th').forEach(function(th){
    if(th.classList.contains('nosort')) return;
    th.setAttribute('data-sortable', '');
    th.tabIndex = 0;
    th.title = T.sort_hint;
    th.addEventListener('click', function(){ sortBy(th); });
    th.addEventListener('keydown', function(e){ if(e.key === 'Enter' || e.key === ' '){ e.preventDefault(); sortBy(th); } });
  });

  // --- search and filters
  var box = document.getElementById('q'), count = document.getElementById('q-count');
  var none = document.getElementById('q-none');
  var filters = $$('select.filter');
  var sections = $$('section.doc');
  function fold(s){ return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u0111/g, 'd'); }
  function textOf(el, plain){
    if(plain) return el._f !== undefined ? el._f : (el._f = fold(el.textContent));
    return el._l !== undefined ? el._l : (el._l = el.textContent.toLowerCase().normalize('NFC'));
  }
  function passes(el, table){
    for(var i = 0; i < filters.length; i++){
      var f = filters[i];
      if(f.value && f.getAttribute('data-table') === table && el.getAttribute('data-' + f.getAttribute('data-attr')) !== f.value) return false;
    }
    return true;
  }
  function show(el, yes){ if(el.hidden === yes) el.hidden = !yes; }
  function apply(){
    var q = box ? box.value.trim() : '';
    var plain = fold(q) === q.toLowerCase();
    var needle = plain ? fold(q) : q.toLowerCase().normalize('NFC');
    function match(el){ return !q || textOf(el, plain).indexOf(needle) >= 0; }
    var total = 0, shown = 0, visible = {};
    sections.forEach(function(sec){
      var head = sec.querySelector('.dochead');
      var headHit = !!q && !!head && match(head);
      var hits = 0;
      $$('table.data tbody tr', sec).forEach(function(tr){
        var ok = headHit || match(tr);
        show(tr, ok); total++; if(ok){ shown++; hits++; }
      });
      var box2 = sec.querySelector('details[data-status]');
      var ok = (!box2 || passes(box2, 'docs-table')) && (!q || headHit || hits > 0);
      show(sec, ok);
      visible[sec.id] = ok;
      var h = sec.querySelector('.hits');
      if(h) h.textContent = (q && !headHit && ok) ? fill(T.hits, {n: hits}) : '';
    });
    $$('table.data').forEach(function(table){
      if(table.closest('section.doc')) return;
      var id = table.id;
      $$('tbody tr', table).forEach(function(tr){
        var doc = tr.getAttribute('data-doc');
        var ok = passes(tr, id) && (match(tr) || (doc !== null && visible['doc-' + doc] === true && !!q));
        show(tr, ok); total++; if(ok) shown++;
      });
    });
    if(count) count.textContent = (q || filters.some(function(f){ return f.value; })) ? fill(T.search_count, {shown: shown, total: total}) : '';
    if(none) none.hidden = !(q && shown === 0);
  }
  var timer = null, many = $$('table.data tbody tr').length > 3000;
  function later(){ if(!many){ apply(); return; } clearTimeout(timer); timer = setTimeout(apply, 150); }
  if(box){ box.addEventListener('input', later); box.addEventListener('search', later); }
  filters.forEach(function(f){ f.addEventListener('change', apply); });
  var params = new URLSearchParams(location.search);
  var preset = false;
  if(box && params.get('q')){ box.value = params.get('q'); preset = true; }
  filters.forEach(function(f){
    var v = params.get(f.name);
    if(v !== null && $$('option', f).some(function(o){ return o.value === v; })){ f.value = v; preset = true; }
  });
  if(preset) apply();

  // --- open / close every document, print
  function docs(open){ sections.forEach(function(sec){ var d = sec.querySelector('details'); if(d) d.open = open; }); }
  $$('button[data-act]').forEach(function(b){
    b.addEventListener('click', function(){
      var act = b.getAttribute('data-act');
      if(act === 'expand') docs(true);
      else if(act === 'collapse') docs(false);
      else if(act === 'print') window.print();
    });
  });
  var mode = document.getElementById('print-mode');
  function printMode(){
    ['tables', 'summary', 'texts'].forEach(function(m){ document.body.classList.toggle('print-' + m, mode.value === m); });
  }
  if(mode){
    var pm = params.get('print');
    if(pm && $$('option', mode).some(function(o){ return o.value === pm; })) mode.value = pm;
    mode.addEventListener('change', printMode);
    printMode();
  }
  var closed = null;
  window.addEventListener('beforeprint', function(){
    closed = $$('details:not([open])');
    closed.forEach(function(d){ d.open = true; });
  });
  window.addEventListener('afterprint', function(){
    (closed || []).forEach(function(d){ d.open = false; });
    closed = null;
  });
  window.tdkt = {apply: apply, sortBy: sortBy, go: go};
  go();
})();
"""

PAGE_HEAD = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<nav>
<h2>{nav_head}</h2>
<ul>{nav_top}</ul>
<h2>{nav_highlights}</h2>
{legend}
<h2>{nav_list_title}</h2>
<ul>{nav}</ul>
<p class="small">{generated}</p>
</nav>
<main>
{toolbar}
"""

PAGE_TAIL = """</main>
<script>{js}</script>
</body>
</html>
"""


def kind_css(colors: dict) -> str:
    """The highlight of each kind of mention (``{"citation": "#cfe2ff"}``: its
    extractor's colour) and the rule that hides it when its box is unticked."""
    rules = [f"mark.p-{k}{{background:{c}}}body.hide-{k} mark.p-{k}{{background:none}}" for k, c in colors.items()]
    return "\n".join(rules) + "\n"
