// digest: the RIS of a paper page (the RefMan format Zotero, EndNote and Mendeley import), built
// when its "Download .ris" link is clicked, from what the page already says: the Highwire
// citation_* tags of its head, its abstract, its tags and its BibTeX's entry type; the page
// carries no second copy. The link is a <a data-ris download="NAME.ris" hidden> of the page, or
// else made here beside the BibTeX's download (site.js makes that row; this script runs after
// it), named by the same key. Loaded by paper pages only (site.js, which every page loads,
// stays small).
(function () {
  "use strict";
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
  window.digestRis = function () {
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
  };
  var bib = document.querySelector('a[data-download][download$=".bib"]');
  if (bib && !document.querySelector("a[data-ris]")) {
    var made = document.createElement("a");
    made.className = "link";
    made.href = "#cite";
    made.hidden = true;
    made.setAttribute("data-ris", "");
    made.setAttribute("download", bib.getAttribute("download").replace(/\.bib$/, ".ris"));
    made.textContent = "Download .ris";
    bib.parentNode.insertBefore(made, bib.nextSibling);
    bib.parentNode.insertBefore(document.createTextNode(" "), made);
  }
  document.querySelectorAll("a[data-ris]").forEach(function (link) {
    if (!window.Blob || !window.URL) { return; }
    link.hidden = false;
    // The file is made when asked for: the link's own click then saves it.
    link.addEventListener("click", function () {
      if (link.href.indexOf("blob:") === 0) { URL.revokeObjectURL(link.href); }
      link.href = URL.createObjectURL(new Blob([window.digestRis()],
        { type: "application/x-research-info-systems;charset=utf-8" }));
    });
  });
})();
