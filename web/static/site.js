// Progressive improvements only: every page works without this file.
(function () {
  "use strict";

  // Character counters for fields with maxlength and data-count.
  document.querySelectorAll("textarea[data-count][maxlength], input[data-count][maxlength]").forEach(function (el) {
    var max = parseInt(el.getAttribute("maxlength"), 10);
    var out = document.createElement("p");
    out.className = "counter";
    out.setAttribute("aria-live", "polite");
    el.insertAdjacentElement("afterend", out);
    var update = function () {
      var n = Array.from(el.value).length;
      out.textContent = n + " / " + max;
      out.classList.toggle("over", n > max);
    };
    el.addEventListener("input", update);
    update();
  });

  // Copy buttons: <button data-copy="text">.
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      if (!navigator.clipboard) { return; }
      navigator.clipboard.writeText(btn.getAttribute("data-copy")).then(function () {
        var done = btn.getAttribute("data-copied");
        if (done) { btn.textContent = done; }
      });
    });
  });

  // Jump to an article by its number without a round trip.
  document.querySelectorAll("form[data-jump]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var n = form.querySelector("input[name=article]").value.trim();
      var target = document.querySelector('.article[data-number="' + CSS.escape(n) + '"]');
      if (!target || !target.id) { return; } // let the server answer
      ev.preventDefault();
      location.hash = "#" + target.id; // scrolls and applies :target
      var link = target.querySelector(".art-no");
      if (link) { link.focus(); }
    });
  });

  // "打印 / 另存为 PDF": hidden without JavaScript (the browser's own print
  // command works the same), shown and wired here.
  document.querySelectorAll("button[data-print]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () { window.print(); });
  });

  // Jumping to an article from the contents opens nothing and loses no
  // place; focus follows the jump so keyboard users continue from there.
  document.querySelectorAll(".toc a[href^='#'], a.to-toc").forEach(function (a) {
    a.addEventListener("click", function () {
      var target = document.getElementById(a.getAttribute("href").slice(1));
      if (!target) { return; }
      setTimeout(function () {
        var focusable = target.matches(".toc") ? target : target.querySelector(".art-no") || target;
        if (focusable.tabIndex < 0 && !focusable.matches("a, .toc")) { focusable.setAttribute("tabindex", "-1"); }
        focusable.focus({ preventScroll: true });
      }, 0);
    });
  });

  // After a failed POST the error summary gets focus, so screen readers
  // read it and Tab goes through its links to the fields.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // "All on this page" also ticks every checkbox of the list (the server
  // reads the all field without JavaScript).
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.form;
    var boxes = function () { return document.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-select-all") + '"][form="' + form.id + '"]'); };
    all.addEventListener("change", function () { boxes().forEach(function (b) { b.checked = all.checked; }); });
  });

  // The answer form's article picker: find an article by its number (12
  // finds 第十二条) or by words of its current wording, and keep the list
  // of ticked articles up to date.
  var wording = {};
  document.querySelectorAll("#latest-wording [data-id]").forEach(function (p) { wording[p.getAttribute("data-id")] = p.textContent; });
  document.querySelectorAll("[data-picker-search]").forEach(function (box) { box.hidden = false; });
  document.querySelectorAll("input[data-picker-filter]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-picker-filter"));
    if (!list) { return; }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      var details = list.closest("details");
      if (details && q) { details.open = true; }
      list.querySelectorAll("li").forEach(function (li) {
        var box = li.querySelector("input");
        var label = li.textContent.trim();
        var hit = !q || li.getAttribute("data-n") === q || label.indexOf(q) >= 0 || (wording[box.value] || "").indexOf(q) >= 0;
        li.hidden = !hit;
      });
    });
  });
  document.querySelectorAll("[data-picked]").forEach(function (out) {
    var list = document.getElementById(out.getAttribute("data-picked"));
    if (!list) { return; }
    var span = out.querySelector("span"), none = span.textContent;
    var sep = document.documentElement.lang === "en" ? ", " : "、";
    list.addEventListener("change", function () {
      var picked = [];
      list.querySelectorAll("input:checked").forEach(function (b) { picked.push(b.labels[0].textContent); });
      span.textContent = picked.length ? picked.join(sep) : (span.getAttribute("data-none") || none);
    });
    if (!list.querySelector("input:checked")) { span.setAttribute("data-none", none); } else { span.setAttribute("data-none", document.documentElement.lang === "en" ? "none" : "无"); }
  });
})();
