(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var all = function (sel, el) { return Array.prototype.slice.call((el || doc).querySelectorAll(sel)); };
  var byId = function (id) { return doc.getElementById(id); };
  var events = all("article[data-id]");
  var items = all("#lanes li > a").map(function (a) {
    return { li: a.parentNode, ref: a.getAttribute("href").slice(1) };
  });
  var months = all("section.month");
  var rows = all("#lanes tbody tr");
  var views = all("main > .view");
  var form = byId("controls");
  var fFormat = byId("f-format");
  var fStatus = byId("f-status");
  var fQ = byId("f-q");
  var count = byId("f-count");
  var dialog = byId("card-dialog");
  var view = "timeline";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The server's data for scripts (JSON, escaped): when the page was generated.
  var config = {};
  try { config = JSON.parse(byId("summits-data").textContent); } catch (e) { config = {}; }
  var age = byId("age");
  var generated = Date.parse(config.now || "");
  if (age && !isNaN(generated)) {
    var old = Math.floor((Date.now() - generated) / 86400000);
    if (old >= 1) { age.textContent = " (" + old + (old === 1 ? " day" : " days") + " ago)"; }
  }

  // Reader's zone: the same layout as the venue times ("Mon 10 Jan 2022, 17:00 GMT+9").
  var partsFmt = null;
  var zoneFmt = null;
  try {
    partsFmt = new Intl.DateTimeFormat("en-GB", {
      year: "numeric", month: "numeric", day: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
    zoneFmt = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });
  } catch (e) { partsFmt = null; }

  function readerText(ms) {
    var p = {};
    partsFmt.formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = x.value; });
    var y = +p.year;
    var m = +p.month;
    var d = +p.day;
    var zone = "";
    zoneFmt.formatToParts(new Date(ms)).forEach(function (x) {
      if (x.type === "timeZoneName") { zone = x.value; }
    });
    var hour = p.hour === "24" ? "00" : p.hour;
    var wd = DAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
    return wd + " " + d + " " + MONTHS[m - 1] + " " + y + ", " + hour + ":" + p.minute + " " + zone;
  }

  if (partsFmt) {
    all("time.rt").forEach(function (el) {
      var ms = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(ms)) { el.textContent = "(your time: " + readerText(ms) + ")"; }
    });
  }

  // Live countdowns of upcoming events.
  var countdowns = all("article[data-id] .cd").map(function (el) {
    return { el: el, at: Date.parse(el.closest("article").getAttribute("data-start-utc")),
      end: Date.parse(el.getAttribute("data-end") || "") };
  }).filter(function (c) { return !isNaN(c.at); });

  function countdownText(c, now) {
    var diff = c.at - now;
    if (diff <= 0) {
      if (!isNaN(c.end) && c.end > now) { return "under way"; }
      var ago = Math.floor((now - (isNaN(c.end) ? c.at : c.end)) / 60000);
      var verb = isNaN(c.end) ? "started " : "ended ";
      if (ago < 60) { return verb + ago + " min ago"; }
      if (ago < 2880) { return verb + Math.floor(ago / 60) + " h ago"; }
      return verb + Math.floor(ago / 1440) + " days ago";
    }
    var s = Math.floor(diff / 1000);
    var d = Math.floor(s / 86400);
    s -= d * 86400;
    var clock = pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
    return "in " + (d ? d + (d === 1 ? " day " : " days ") : "") + clock;
  }

  function tick() {
    var now = Date.now();
    countdowns.forEach(function (c) {
      var text = countdownText(c, now);
      if (c.el.textContent !== text) { c.el.textContent = text; }
    });
  }
  if (countdowns.length) { tick(); setInterval(tick, 1000); }

  // Filters, with their state in the URL fragment (#format=geneva&status=held&q=x&view=lanes).
  function searchText(el) {
    if (el._q === undefined) {
      el._q = all("h3, .q", el).map(function (x) { return x.textContent; }).join(" ").toLowerCase();
    }
    return el._q;
  }

  function state() {
    return { format: fFormat.value, status: fStatus.value, q: fQ.value.trim(), view: view };
  }

  function writeHash(st) {
    var p = new URLSearchParams();
    ["format", "status", "q"].forEach(function (k) { if (st[k]) { p.set(k, st[k]); } });
    if (st.view !== "timeline") { p.set("view", st.view); }
    var s = p.toString();
    var url = location.href.split("#")[0] + (s ? "#" + s : "");
    if (url !== location.href) {
      try { history.replaceState(null, "", url); } catch (e) { location.hash = s; }
    }
  }

  function apply(write) {
    var st = state();
    var q = st.q.toLowerCase();
    var fmt = st.format === "-" ? "" : st.format;
    var shown = {};
    var n = 0;
    events.forEach(function (el) {
      var ok = (!st.format || el.getAttribute("data-format") === fmt) &&
        (!st.status || el.getAttribute("data-status") === st.status) &&
        (!q || searchText(el).indexOf(q) >= 0);
      el.hidden = !ok;
      shown[el.id] = ok;
      if (ok) { n += 1; }
    });
    items.forEach(function (it) { it.li.hidden = !shown[it.ref]; });
    months.forEach(function (sec) { sec.hidden = !sec.querySelector("article:not([hidden])"); });
    var filtered = !!(st.format || st.status || q);
    rows.forEach(function (tr) {
      tr.hidden = filtered && !tr.querySelector("li:not([hidden])");
    });
    views.forEach(function (v) { v.hidden = v.id !== view; });
    all("button[data-view]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-view") === view));
    });
    count.textContent = n + " of " + events.length + " events";
    if (write) { writeHash(st); }
  }

  function readHash() {
    var h = location.hash.replace(/^#/, "");
    if (h.indexOf("=") < 0) { return false; }
    var p = new URLSearchParams(h);
    fFormat.value = p.get("format") || "";
    fStatus.value = p.get("status") || "";
    fQ.value = p.get("q") || "";
    view = p.get("view") === "lanes" ? "lanes" : "timeline";
    return true;
  }

  if (form) {
    form.hidden = false;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    fFormat.addEventListener("change", function () { apply(true); });
    fStatus.addEventListener("change", function () { apply(true); });
    fQ.addEventListener("input", function () { apply(true); });
    byId("f-clear").addEventListener("click", function () {
      fFormat.value = ""; fStatus.value = ""; fQ.value = "";
      apply(true);
    });
    all("button[data-view]").forEach(function (b) {
      b.addEventListener("click", function () { view = b.getAttribute("data-view"); apply(true); });
    });
    window.addEventListener("hashchange", function () { if (readHash()) { apply(false); } });
    readHash();
    apply(false);
  }

  // In the lanes view a meeting opens its card in a dialog (without scripts: a link to it).
  var lanes = byId("lanes");
  if (lanes && dialog && typeof dialog.showModal === "function") {
    var body = dialog.querySelector(".dlg");
    lanes.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("#lanes li > a") : null;
      var art = a ? byId(a.getAttribute("href").slice(1)) : null;
      if (!art) { return; }
      e.preventDefault();
      var copy = art.cloneNode(true);
      ["id", "data-id", "data-occurrence", "data-start-utc"]  // one data-id per event
        .forEach(function (k) { copy.removeAttribute(k); });
      copy.classList.add("copy");
      all("[id]", copy).forEach(function (x) { x.removeAttribute("id"); });
      var det = copy.querySelector("details");
      if (det) { det.open = true; }
      body.textContent = "";
      body.appendChild(copy);
      dialog.showModal();
      var sum = copy.querySelector("summary");
      if (sum) { sum.focus(); }
    });
    dialog.querySelector(".close").addEventListener("click", function () { dialog.close(); });
  }

  // Print: every card expanded.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    reopened = all("details:not([open])");
    reopened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });

  root.classList.add("js");
  root.setAttribute("data-ready", "1");
  window.summitsReadyAt = performance.now();
}());
