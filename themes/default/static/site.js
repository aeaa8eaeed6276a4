// digest: small enhancements for pages that work without JavaScript.
// Copy buttons: <button data-copy="ID" hidden> copies the text of the element with id ID.
// Downloads: <a href="#ID" data-download="ID" download="NAME" hidden> saves the text of that
// element as NAME (the blob URL is made here, so a page does not carry the text twice; the href
// is there for valid HTML and leads to the text without scripts).
// Citations: a <pre class="bibtex" id="ID"> with no such controls gets them here, below it (a
// copy button, a download named by the entry's key, a status line): they work only with a
// script, so the page does not carry them for readers without one.
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
  document.querySelectorAll("pre.bibtex[id]").forEach(function (pre) {
    if (document.querySelector('[data-copy="' + pre.id + '"]')) { return; }
    var key = /^@\w+\{([^,\s]+),/.exec(pre.textContent.trim());
    var row = document.createElement("p");
    row.className = "actions";
    row.innerHTML = '<button type="button" class="link copy" hidden>Copy BibTeX</button> ' +
      '<a class="link" hidden>Download .bib</a> <span class="copy-status" role="status"></span>';
    row.firstChild.setAttribute("data-copy", pre.id);
    var download = row.querySelector("a");
    download.href = "#" + pre.id;
    download.setAttribute("data-download", pre.id);
    download.setAttribute("download", (key ? key[1] : "citation") + ".bib");
    pre.parentNode.insertBefore(row, pre.nextSibling);
  });
  document.querySelectorAll("a[data-download]").forEach(function (link) {
    var source = document.getElementById(link.getAttribute("data-download"));
    if (!source || !window.Blob || !window.URL) { return; }
    var blob = new Blob([source.textContent], { type: "application/x-bibtex;charset=utf-8" });
    link.href = URL.createObjectURL(blob);
    link.hidden = false;
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
