/* digest search: results as you type from the static index in <base>search/ (see src/search.rs).
   Fetches meta.json, the term shards of the query's words and the document chunks of the top
   results only. Text is inserted as DOM text, never as HTML. */
(function () {
  'use strict';
  var D = typeof document === 'object' ? document : null;
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  var MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  /* Site base path: <html data-base>, else the folder of this script. */
  var base = D ? D.documentElement.getAttribute('data-base') ||
    (D.currentScript ? D.currentScript.src.replace(/[^/]*$/, '') : '/') : '/';
  var cache = new Map();

  function own(o, k) { return o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : null; }
  function get(url) {
    if (!cache.has(url)) {
      cache.set(url, fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return r.json();
      }).catch(function (e) { cache.delete(url); throw e; }));
    }
    return cache.get(url);
  }
  function meta() {
    return get(base + 'search/meta.json').then(function (m) {
      if (m.v !== 1) throw new Error('search index format ' + m.v);
      if (!m.stopSet) m.stopSet = new Set(m.stop);
      return m;
    });
  }

  /* Whether code point c is in one of ranges ([[lo, hi], ..] from meta.json). */
  function inRanges(c, ranges) {
    for (var i = 0; i < ranges.length; i++) if (c >= ranges[i][0] && c <= ranges[i][1]) return true;
    return false;
  }
  /* Tokens of text like crate::terms::for_each_token_at: [token, start, end] (UTF-16 offsets
     into text). CJK width and compatibility forms (m.nfkc), each with the voicing marks or
     jamo after it (m.join), are read through NFKC; CJK letters (m.cjk) make overlapping
     bigrams, a lone one a unigram; other letters and digits make words of 2 to m.max. */
  function tokens(text, m) {
    var out = [], tok = '', n = 0, start = 0, end = 0, prev = null, run = 0;
    var cjk = m.cjk || [], nfkc = m.nfkc || [], join = m.join || [];
    function endRun() {
      if (prev && run === 1) out.push([prev[0], prev[1], prev[2]]);
      prev = null; run = 0;
    }
    function flushWord() {
      if (n >= 2 && n <= m.max) out.push([tok, start, end]);
      tok = ''; n = 0;
    }
    function wordPart(s, len, a, b) {
      endRun();
      if (!tok) start = a;
      tok += s; n += len; end = b;
    }
    function feed(c, a, b) {
      for (var l of c.toLowerCase()) {
        var f = own(m.fold, l);
        if (f !== null) wordPart(f, f.length, a, b);
        else if (!WORD.test(l)) { flushWord(); endRun(); }
        else if (inRanges(l.codePointAt(0), cjk)) {
          flushWord();
          if (prev) out.push([prev[0] + l, prev[1], b]);
          run++; prev = [l, a, b];
        } else wordPart(l, 1, a, b);
      }
    }
    var cs = Array.from(text), i = 0;
    for (var k = 0; k < cs.length; k++) {
      var c = cs[k], a = i;
      i += c.length;
      if (!inRanges(c.codePointAt(0), nfkc)) { feed(c, a, i); continue; }
      while (k + 1 < cs.length && inRanges(cs[k + 1].codePointAt(0), join)) { c += cs[++k]; i += cs[k].length; }
      for (var x of c.normalize('NFKC')) feed(x, a, i);
    }
    flushWord(); endRun();
    return out;
  }
  /* Distinct non-stop-word terms of a query; the last is a prefix when it ends the query. */
  function parse(q, m) {
    var terms = [], all = tokens(q, m), last = all[all.length - 1];
    all.forEach(function (t) {
      if (!m.stopSet.has(t[0]) && terms.indexOf(t[0]) < 0) terms.push(t[0]);
    });
    return { terms: terms, prefix: !!last && last[2] === q.length && !m.stopSet.has(last[0]) };
  }
  /* Code point order, as Rust sorts strings. */
  function cmp(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
    }
    return x.length - y.length;
  }
  /* Shard i: its file, named by the hex UTF-8 of its key. */
  function shard(m, i) {
    var key = m.shards[i], hex = key ? '' : '_';
    new TextEncoder().encode(key).forEach(function (b) { hex += (b < 16 ? '0' : '') + b.toString(16); });
    return get(base + 'search/t/' + hex + '.json');
  }
  /* Index of the shard holding term: the last key <= term. */
  function shardOf(m, term) {
    var lo = 0, hi = m.shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (cmp(m.shards[mid], term) <= 0) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  /* Map doc -> weight * idf of a term. */
  function postings(m, term) {
    return shard(m, shardOf(m, term)).then(function (s) {
      var map = new Map(), p = own(s.t, term);
      if (!Array.isArray(p)) return map;
      var idf = Math.log(1 + m.n / p[0]);
      for (var i = 1; i + 1 < p.length; i += 2 + p[i + 1]) {
        for (var j = 0, doc = 0; j < p[i + 1]; j++) {
          doc = j ? doc - p[i + 2 + j] : p[i + 2];
          map.set(doc, p[i] * idf);
        }
      }
      return map;
    });
  }
  /* The most frequent terms starting with p (p itself first). */
  function complete(m, p) {
    var i = shardOf(m, p), next = m.shards[i + 1];
    if (next !== undefined && next !== p && next.startsWith(p)) {
      /* The terms span shards: the next shard lists the top completions. */
      return shard(m, i + 1).then(function (s) { return own(s.p, p) || []; });
    }
    return shard(m, i).then(function (s) {
      return Object.keys(s.t).filter(function (t) { return t.startsWith(p); }).sort(function (a, b) {
        return (a !== p) - (b !== p) || s.t[b][0] - s.t[a][0] || cmp(a, b);
      }).slice(0, m.complete);
    });
  }
  /* Runs a query: {items: [{doc, score, row}], total, all, terms, prefix} or null when empty;
     stale() true stops before the document chunks are fetched. */
  function search(q, limit, stale) {
    return meta().then(function (m) {
      var pq = parse(q, m), k = pq.terms.length;
      if (!k) return null;
      return Promise.all(pq.terms.map(function (t, i) {
        if (!pq.prefix || i < k - 1) return postings(m, t);
        return complete(m, t).then(function (ws) {
          return Promise.all(ws.map(function (w) { return postings(m, w); }));
        }).then(function (maps) {
          var best = new Map();
          maps.forEach(function (mp) {
            mp.forEach(function (s, d) { if (!(best.get(d) >= s)) best.set(d, s); });
          });
          return best;
        });
      })).then(function (maps) {
        var scores = new Map(), all = true;
        maps[0].forEach(function (s, d) {
          for (var i = 1; i < k; i++) {
            var x = maps[i].get(d);
            if (x === undefined) return;
            s += x;
          }
          scores.set(d, s);
        });
        if (!scores.size) {
          all = false;
          maps.forEach(function (mp) {
            mp.forEach(function (s, d) { scores.set(d, (scores.get(d) || 0) + s); });
          });
        }
        var ranked = Array.from(scores).sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
        var top = stale && stale() ? [] : ranked.slice(0, limit);
        return Promise.all(top.map(function (r) {
          return get(base + 'search/d/' + Math.floor(r[0] / m.chunk) + '.json').then(function (rows) {
            return { doc: r[0], score: r[1], row: rows[r[0] % m.chunk] };
          });
        })).then(function (items) {
          /* Equal scores: newer date, then title (numbers already order by date, then slug). */
          items = items.filter(function (it) { return Array.isArray(it.row); }).sort(function (a, b) {
            return b.score - a.score || cmp(b.row[2] + '', a.row[2] + '') || cmp(a.row[1] + '', b.row[1] + '');
          });
          return { items: items, total: ranked.length, all: all, terms: pq.terms, prefix: pq.prefix, m: m };
        });
      });
    });
  }

  function el(tag, cls, text, attrs) {
    var e = D.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  /* Ranges [start, end] of text holding the query's words (the last one also as a prefix),
     overlapping ones (a CJK run's bigrams) joined. */
  function matches(text, res) {
    var last = res.terms[res.terms.length - 1], out = [];
    tokens(text, res.m).forEach(function (t) {
      if (res.terms.indexOf(t[0]) < 0 && !(res.prefix && t[0].startsWith(last))) return;
      var p = out[out.length - 1];
      if (p && t[1] <= p[1]) p[1] = Math.max(p[1], t[2]); else out.push([t[1], t[2]]);
    });
    return out;
  }
  /* text[from, to) with the query's words in <mark>, "…" where it is cut. */
  function marked(text, res, from, to) {
    var f = D.createDocumentFragment();
    from = from || 0; to = to === undefined ? text.length : to;
    var at = from;
    if (from > 0) f.append('\u2026');
    matches(text, res).forEach(function (r) {
      var a = Math.max(r[0], from), b = Math.min(r[1], to);
      if (a >= b) return;
      f.append(text.slice(at, a), el('mark', '', text.slice(a, b)));
      at = b;
    });
    f.append(text.slice(at, to));
    if (to < text.length) f.append('\u2026');
    return f;
  }
  /* A snippet: the text around its first match, at most SNIPPET characters, cut at spaces
     where there are some (CJK text has none). */
  var SNIPPET = 240;
  function snippet(text, res) {
    if (text.length <= SNIPPET) return marked(text, res);
    var first = matches(text, res)[0], from = first ? Math.max(0, first[0] - 60) : 0;
    if (from > 0) {
      var space = text.indexOf(' ', from);
      if (space >= 0 && space < first[0]) from = space + 1;
    }
    var to = Math.min(text.length, from + SNIPPET), cut = text.lastIndexOf(' ', to);
    if (to < text.length && cut > from + SNIPPET / 2) to = cut;
    /* Never split a surrogate pair. */
    if (/[\uDC00-\uDFFF]/.test(text.charAt(from))) from--;
    if (/[\uDC00-\uDFFF]/.test(text.charAt(to))) to++;
    return marked(text, res, from, to);
  }
  function href(row) { return base + 'papers/' + encodeURIComponent(row[0]) + '/'; }
  function date(s) {
    var p = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s || '');
    return p ? MONTHS[+p[2] - 1] + ' ' + +p[3] + ', ' + p[1] : s;
  }
  function summary(res) {
    if (!res || !res.items.length) return 'No papers found';
    return (res.all ? '' : 'No paper has all words; papers with any of them. ') +
      res.total + (res.total === 1 ? ' paper' : ' papers');
  }

  /* The full results page: <div id="search-results" data-limit="50">. */
  function page(out, q) {
    var note = D.getElementById('search-summary') || el('p');
    if (!q.trim()) { note.textContent = 'Type words of a title, an author, a tag or an abstract.'; return; }
    search(q, +out.getAttribute('data-limit') || 50).then(function (res) {
      /* The snippets of the results shown; a missing file leaves a result without one. */
      var items = res ? res.items : [];
      return Promise.all(items.map(function (it) {
        if (!res.m.snip) return null;
        return get(base + 'search/s/' + Math.floor(it.doc / res.m.snip) + '.json').then(function (s) {
          var t = s[it.doc % res.m.snip];
          return typeof t === 'string' ? t : null;
        }, function () { return null; });
      })).then(function (texts) { return [res, texts]; });
    }).then(function (both) {
      var res = both[0], texts = both[1];
      note.textContent = summary(res) + ' for \u201c' + q + '\u201d';
      out.replaceChildren();
      if (res && res.items.length) out.append(el('h2', 'vh', 'Results'));
      (res ? res.items : []).forEach(function (it, i) {
        var r = it.row, h = el('h3', 'card-title'), link = el('a', '', null, { href: href(r) });
        var meta = el('p', 'meta'), t = el('time', '', date(r[2]), { datetime: r[2] });
        var day = /^(\d{4})-(\d\d)-(\d\d)$/.test(r[2]) ? el('a', '', null, { href: base + r[2].replace(/-/g, '/') + '/' }) : meta;
        link.append(marked(r[1], res));
        h.append(link);
        if (r[3]) meta.append(el('span', 'authors', r[3]));
        day.append(t);
        if (day !== meta) meta.append(day);
        if (r[4] != null) {
          var up = el('span', 'upvotes');
          up.append(el('span', '', '\u25b2', { 'aria-hidden': 'true' }), ' ' + r[4], el('span', 'vh', r[4] === 1 ? ' upvote' : ' upvotes'));
          meta.append(up);
        }
        var card = el('article', 'card');
        card.append(h, meta);
        if (texts[i]) {
          var p = el('p', 'summary search-snippet');
          p.append(snippet(texts[i], res));
          card.append(p);
        }
        out.append(card);
      });
    }).catch(function () { note.textContent = 'Search is unavailable right now.'; });
  }

  /* The combobox on every page (partials/search_form.html). */
  function box(form) {
    var input = form.querySelector('input[name="q"]');
    if (!input) return;
    /* The popup and the live region are made here, not sent with every page: a page only needs
       them once this script runs. A theme may still put its own in the page (same ids). */
    var list = D.getElementById('search-list'), pop = D.getElementById('search-pop');
    var status = D.getElementById('search-status'), live = D.getElementById('search-live');
    if (!pop) {
      pop = el('div', 'search-pop', null, { id: 'search-pop' });
      pop.hidden = true;
      status = el('p', 'search-status', null, { id: 'search-status' });
      list = el('ul', 'search-list', null, { id: 'search-list', role: 'listbox', 'aria-label': 'Papers found' });
      pop.append(status, list);
      live = el('p', 'vh', null, { id: 'search-live', role: 'status', 'aria-live': 'polite' });
      form.append(pop, live);
    }
    if (!list || !status || !live) return;
    var seq = 0, timer = 0, active = -1;
    [['role', 'combobox'], ['aria-autocomplete', 'list'], ['aria-controls', 'search-list'], ['aria-expanded', 'false']]
      .forEach(function (a) { input.setAttribute(a[0], a[1]); });
    function options() { return list.querySelectorAll('[role="option"]'); }
    function open(yes) {
      pop.hidden = !yes;
      input.setAttribute('aria-expanded', String(yes));
      if (!yes) move(-1);
    }
    /* Active option i; -1 is the input itself, below -1 the last option. */
    function move(i) {
      var os = options();
      if (active >= 0 && os[active]) os[active].setAttribute('aria-selected', 'false');
      active = i < -1 ? os.length - 1 : i >= os.length ? -1 : i;
      if (active >= 0) {
        os[active].setAttribute('aria-selected', 'true');
        os[active].scrollIntoView({ block: 'nearest' });
        input.setAttribute('aria-activedescendant', os[active].id);
      } else input.removeAttribute('aria-activedescendant');
    }
    /* An option: no link inside (an option may not hold interactive content); a click or
       Enter goes to its data-href. The keyboard stays in the input. */
    function option(id, cls, url, text) {
      var li = el('li', cls, text, { id: 'search-opt-' + id, role: 'option', 'aria-selected': 'false', 'data-href': url });
      list.append(li);
      return li;
    }
    /* Keep the focus in the input on a click, so the list stays open until the click lands. */
    list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    list.addEventListener('click', function (e) {
      var li = e.target.closest ? e.target.closest('[role="option"]') : null;
      if (li) location.href = li.getAttribute('data-href');
    });
    function show(res, q) {
      list.replaceChildren();
      move(-1);
      (res ? res.items : []).forEach(function (it, i) {
        var t = el('span', 'search-title');
        t.append(marked(it.row[1], res));
        option(i, 'search-option', href(it.row)).append(t,
          el('span', 'search-meta', [it.row[3], date(it.row[2])].filter(Boolean).join(' \u00b7 ')));
      });
      if (res && res.total > res.items.length) {
        option('all', 'search-option search-all', form.action + '?q=' + encodeURIComponent(q),
          'All ' + res.total + ' results for \u201c' + q + '\u201d');
      }
      list.hidden = !list.firstChild;
      status.textContent = live.textContent = summary(res);
      open(true);
    }
    function update() {
      var q = input.value, mine = ++seq;
      if (!q.trim()) { open(false); live.textContent = ''; return; }
      search(q, 8, function () { return mine !== seq; }).then(function (res) {
        if (mine === seq && input.value === q) show(res, q);
      }).catch(function () {
        if (mine === seq) { status.textContent = live.textContent = 'Search is unavailable right now.'; list.hidden = true; open(true); }
      });
    }
    input.addEventListener('focus', function () { meta().catch(function () {}); }, { once: true });
    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(update, 80); });
    input.addEventListener('keydown', function (e) {
      var os = options();
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!os.length) return;
        e.preventDefault();
        if (pop.hidden) open(true);
        move(e.key === 'ArrowDown' ? active + 1 : active < 0 ? -2 : active - 1);
      } else if (e.key === 'Enter' && !pop.hidden && active >= 0 && os[active]) {
        e.preventDefault();
        location.href = os[active].getAttribute('data-href');
      } else if (e.key === 'Escape' && !pop.hidden) {
        e.preventDefault();
        open(false);
      }
    });
    form.addEventListener('focusout', function (e) {
      if (!form.contains(e.relatedTarget)) open(false);
    });
    list.addEventListener('mousedown', function (e) { e.preventDefault(); });
  }

  if (D) {
    var form = D.querySelector('form.search');
    var q = new URLSearchParams(location.search).get('q') || '';
    var out = D.getElementById('search-results');
    if (form) {
      var input = form.querySelector('input[name="q"]');
      if (out && input && !input.value) input.value = q;
      box(form);
    }
    if (out) page(out, q);
  }
  if (typeof module === 'object' && module.exports) module.exports = { tokens: tokens, parse: parse, search: search, matches: matches, cmp: cmp, cache: cache, setBase: function (b) { base = b; } };
})();
