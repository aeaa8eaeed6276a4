// digest: small enhancements for pages that work without JavaScript.
// Copy buttons: <button data-copy="ID" hidden> copies the text of the element with id ID.
// Downloads: <a href="#ID" data-download="ID" download="NAME" hidden> saves the text of that
// element as
// NAME (the blob URL is made here, so a page does not carry the text twice; the href is there
// for valid HTML and leads to the text without scripts).
// RIS: <a data-ris download="NAME.ris" hidden> saves the paper as RIS (the RefMan format
// Zotero, EndNote and Mendeley import), built on click from what the page already says: the
// Highwire citation_* tags of its head, its abstract, its tags and its BibTeX's entry type.
// Orders: a list with class "sortable" whose items carry --u/--t is ordered by CSS when the
// fragment is #most-upvoted or #by-title; here the items are also moved, so that screen
// readers and the Tab key follow the order shown, and the current order is marked.
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for http:// previews: select a temporary textarea and copy it.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }
  document.querySelectorAll("a[data-download]").forEach(function (link) {
    var source = document.getElementById(link.getAttribute("data-download"));
    if (!source || !window.Blob || !window.URL) { return; }
    var blob = new Blob([source.textContent], { type: "application/x-bibtex;charset=utf-8" });
    link.href = URL.createObjectURL(blob);
    link.hidden = false;
  });
  // Formulas are MathML on the page: written back as TeX-like text for the abstract.
  function mathText(node) {
    var kids = Array.prototype.slice.call(node.children || []);
    var group = function (n) {
      var t = mathText(n);
      return t.length > 1 ? "{" + t + "}" : t;
    };
    switch (node.localName) {
      case "msup": return mathText(kids[0]) + "^" + group(kids[1]);
      case "msub": return mathText(kids[0]) + "_" + group(kids[1]);
      case "msubsup": return mathText(kids[0]) + "_" + group(kids[1]) + "^" + group(kids[2]);
      case "mfrac": return "\\frac{" + mathText(kids[0]) + "}{" + mathText(kids[1]) + "}";
      case "msqrt": return "\\sqrt{" + kids.map(mathText).join("") + "}";
      default: return kids.length ? kids.map(mathText).join("") : node.textContent.trim();
    }
  }
  function risOfPage() {
    var lines = [];
    var add = function (tag, value) {
      value = (value || "").replace(/\s+/g, " ").trim();
      if (value) { lines.push(tag + "  - " + value); }
    };
    var metas = function (name) {
      return Array.prototype.map.call(
        document.querySelectorAll('meta[name="' + name + '"]'),
        function (m) { return m.getAttribute("content"); });
    };
    var bibtex = document.getElementById("bibtex");
    var kind = /^@(\w+)/.exec(bibtex ? bibtex.textContent.trim() : "");
    add("TY", { article: "JOUR", inproceedings: "CONF" }[kind && kind[1].toLowerCase()] || "GEN");
    add("TI", metas("citation_title")[0]);
    metas("citation_author").forEach(function (name) { add("AU", name); });
    var date = metas("citation_publication_date")[0] || "";
    add("PY", date.slice(0, 4));
    add("DA", date);
    add("DO", metas("citation_doi")[0]);
    var arxiv = metas("citation_arxiv_id")[0];
    var canonical = document.querySelector('link[rel="canonical"]');
    add("UR", arxiv ? "https://arxiv.org/abs/" + arxiv : canonical && canonical.href);
    add("L1", metas("citation_pdf_url")[0]);
    var summary = document.querySelector(".paper .abstract");
    if (summary) {
      var copy = summary.cloneNode(true);
      copy.querySelectorAll("h2").forEach(function (h) { h.remove(); });
      copy.querySelectorAll("math").forEach(function (m) {
        m.replaceWith("$" + mathText(m) + "$");
      });
      add("AB", copy.textContent);
    }
    document.querySelectorAll(".paper > footer .tags a").forEach(function (a) { add("KW", a.textContent); });
    lines.push("ER  - ");
    // The RIS specification ends every line with CR LF.
    return lines.join("\r\n") + "\r\n";
  }
  document.querySelectorAll("a[data-ris]").forEach(function (link) {
    if (!window.Blob || !window.URL) { return; }
    link.hidden = false;
    // The file is made when asked for: the link's own click then saves it.
    link.addEventListener("click", function () {
      var blob = new Blob([risOfPage()], { type: "application/x-research-info-systems;charset=utf-8" });
      if (link.href.indexOf("blob:") === 0) { URL.revokeObjectURL(link.href); }
      link.href = URL.createObjectURL(blob);
    });
  });
  var sortable = document.querySelector(".sortable");
  if (sortable) {
    var original = Array.prototype.slice.call(sortable.children);
    var keys = { "#most-upvoted": "--u", "#by-title": "--t" };
    var reorder = function () {
      var key = keys[location.hash];
      var items = original.slice();
      if (key) {
        var place = function (item) {
          return parseInt(item.style.getPropertyValue(key), 10) || 0;
        };
        items.sort(function (a, b) { return place(a) - place(b); });
      }
      items.forEach(function (item) { sortable.appendChild(item); });
      var anchors = document.querySelectorAll(".sort-anchor");
      var current = Array.prototype.some.call(anchors, function (a) { return "#" + a.id === location.hash; })
        ? location.hash : null;
      document.querySelectorAll(".sorts a").forEach(function (link) {
        var on = current ? link.getAttribute("href") === current : link.classList.contains("default");
        if (on) { link.setAttribute("aria-current", "true"); } else { link.removeAttribute("aria-current"); }
      });
    };
    window.addEventListener("hashchange", reorder);
    reorder();
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(source.textContent).then(function () {
        if (status) { status.textContent = "Copied to the clipboard."; }
        button.setAttribute("data-copied", "");
      }, function () {
        if (status) { status.textContent = "Could not copy: select the text and copy it by hand."; }
      });
    });
  });
})();
