// Progressive enhancement only: every page works without this script.
// - progress pages poll their status and open the results when ready;
// - the meeting page checks a change as soon as it is typed.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function text(id, value) {
    var el = document.getElementById(id);
    if (el && el.textContent !== value) { el.textContent = value; }
  }

  function poll(box) {
    var url = box.getAttribute("data-status");
    var lastPhase = "";
    function tick() {
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.state === "done") { window.location.assign(s.results); return; }
          if (s.state === "failed" || s.state === "none") { window.location.reload(); return; }
          var phase = s.stopping ? "Stopping: the best plan so far is being kept." : s.phase + ".";
          if (phase !== lastPhase) { text("phase", phase); lastPhase = phase; }  // announced once per phase
          if (s.placed !== null && s.placed !== undefined) {
            text("best", s.placed + " of " + s.total + " meetings placed");
          }
          text("elapsed", Math.round(s.elapsed) + " of at most " + Math.round(s.time_limit) + " seconds");
          var bar = document.getElementById("time-bar");
          if (bar) { bar.value = Math.min(s.elapsed, s.time_limit); }
          window.setTimeout(tick, 700);
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    window.setTimeout(tick, 300);
  }

  function checker(form) {
    var url = form.getAttribute("data-check");
    var result = document.getElementById("check-result");
    var timer = null;
    function run() {
      var data = new FormData(form);
      fetch(url, {method: "POST", body: data, credentials: "same-origin",
                  headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (c) { render(result, c); })
        .catch(function () {});
    }
    form.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 250);
    });
  }

  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (content) { e.textContent = content; }
    return e;
  }

  function render(box, c) {
    box.textContent = "";
    if (c.problems && c.problems.length) {
      var p = el("p"); p.appendChild(el("strong", "", "Check the form:")); box.appendChild(p);
      var ul = el("ul");
      c.problems.forEach(function (t) { ul.appendChild(el("li", "", t)); });
      box.appendChild(ul);
      return;
    }
    var head = el("p");
    head.appendChild(el("strong", "", "At " + c.slot.date + ", " + c.slot.start + ", " + c.slot.venue + ": "));
    var verdict;
    if (!c.hard.length && !c.soft.length) { verdict = "this keeps every rule."; }
    else if (!c.hard.length) { verdict = "this keeps every hard rule, and relaxes " + c.soft.length + (c.soft.length === 1 ? " preference." : " preferences."); }
    else { verdict = "this breaks " + c.hard.length + (c.hard.length === 1 ? " hard rule." : " hard rules."); }
    head.appendChild(document.createTextNode(verdict));
    box.appendChild(head);
    [["Hard rules it breaks", c.hard, "tag tag-bad"], ["Preferences it relaxes", c.soft, "tag tag-warn"]].forEach(function (part) {
      if (!part[1].length) { return; }
      box.appendChild(el("h3", "", part[0]));
      var list = el("ul", "findings");
      part[1].forEach(function (f) {
        var li = el("li");
        li.appendChild(el("span", part[2], f.rule));
        li.appendChild(document.createTextNode(" " + f.summary + (f.other ? " (for " + f.where + ")" : "") + ": " + f.message));
        list.appendChild(li);
      });
      box.appendChild(list);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("progress");
    if (box && document.getElementById("phase")) { poll(box); }
    var form = document.getElementById("fix-form");
    if (form && window.fetch && window.FormData) { checker(form); }
  });
}());
