// digest: small enhancements for pages that work without JavaScript.
// Copy buttons: <button data-copy="ID" hidden> copies the text of the element with id ID.
// Downloads: <a data-download="ID" download="NAME" hidden> saves the text of that element as
// NAME (made here, so a page does not carry the text twice).
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
