/* Hashmark — small progressive enhancements. Loaded with `defer`; no dependencies.
   Every page works without this file: it only adds the nav toggle, confirmations,
   auto-submitting selects and double-submit protection. Uses event delegation, so
   content swapped in by htmx is covered without re-binding. */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  root.classList.add("js");

  // Elements that only matter without JavaScript (e.g. the language switcher's button).
  function hideJsHidden(scope) {
    var els = (scope || doc).querySelectorAll(".js-hide");
    for (var i = 0; i < els.length; i++) els[i].hidden = true;
  }
  hideJsHidden();
  doc.addEventListener("htmx:load", function (e) { hideJsHidden(e.target); });

  // (a) Navigation toggle (small screens). The button is `hidden` in the markup so that,
  // without JS, the nav is simply always shown.
  var toggle = doc.querySelector("[data-nav-toggle]");
  var nav = toggle && doc.getElementById(toggle.getAttribute("aria-controls"));
  function setNav(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  }
  if (toggle && nav) {
    toggle.hidden = false;
    setNav(false);
    toggle.addEventListener("click", function () {
      setNav(toggle.getAttribute("aria-expanded") !== "true");
    });
    doc.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setNav(false);
        toggle.focus();
      }
    });
  }

  function isHtmxForm(form) {
    return ["hx-post", "hx-get", "hx-put", "hx-patch", "hx-delete",
      "data-hx-post", "data-hx-get", "data-hx-put", "data-hx-patch", "data-hx-delete"]
      .some(function (a) { return form.hasAttribute(a); });
  }

  // (b) form[data-confirm]: ask before destructive actions. Capture phase, so it runs
  // before anything else (htmx included) sees the submit.
  doc.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (form.getAttribute("aria-busy") === "true") return; // already confirmed and sending
    if (!window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // (d) Double-submit protection: mark the form busy and disable its submit buttons.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "BUTTON" && (el.type || "submit") === "submit") ||
        (el.tagName === "INPUT" && (el.type === "submit" || el.type === "image"));
    });
  }
  function setBusy(form, busy) {
    if (busy) form.setAttribute("aria-busy", "true"); else form.removeAttribute("aria-busy");
    submitButtons(form).forEach(function (btn) {
      if (busy) {
        btn.setAttribute("aria-disabled", "true");
        // Disable after the browser has built the form data, so the clicked button's
        // name/value (e.g. action=approve) is still sent.
        window.setTimeout(function () { if (form.getAttribute("aria-busy") === "true") btn.disabled = true; }, 0);
      } else {
        btn.removeAttribute("aria-disabled");
        btn.disabled = false;
      }
    });
  }
  doc.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-no-busy")) return;
    if (form.getAttribute("aria-busy") === "true") { e.preventDefault(); return; }
    var htmx = isHtmxForm(form);
    if (e.defaultPrevented && !htmx) return; // someone else cancelled it
    setBusy(form, true);
    if (htmx) {
      form.addEventListener("htmx:afterRequest", function done() {
        form.removeEventListener("htmx:afterRequest", done);
        setBusy(form, false);
      });
    }
  });
  // Coming back through the back/forward cache: forms must be usable again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    Array.prototype.forEach.call(doc.querySelectorAll("form[aria-busy='true']"), function (f) { setBusy(f, false); });
  });

  // (c) select[data-autosubmit]: submit the owning form on change (language switcher).
  doc.addEventListener("change", function (e) {
    var el = e.target;
    if (!(el instanceof HTMLSelectElement) || !el.hasAttribute("data-autosubmit") || !el.form) return;
    if (typeof el.form.requestSubmit === "function") el.form.requestSubmit();
    else el.form.submit();
  });
})();
