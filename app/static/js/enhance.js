// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-receipt], [data-error-summary]");
    if (first) first.focus();
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();

// The language menu closes with Escape (focus back on its button) and when focus leaves it,
// so that it never covers the link the reader moves on to.
(function () {
  "use strict";
  var menu = document.querySelector(".language-switcher");
  if (!menu) return;
  menu.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  menu.addEventListener("focusout", function (event) {
    if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
  });
})();

// Quorum: refresh the count while a meeting is open, without reloading the page.
(function () {
  "use strict";
  var box = document.querySelector("[data-quorum-url]");
  if (!box || !window.fetch) return;
  window.setInterval(function () {
    fetch(box.getAttribute("data-quorum-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && box.textContent.trim() !== data.text.trim()) box.textContent = data.text;
      })
      .catch(function () {});
  }, 5000);
})();

// Polls: follow a vote live (every 2 s). The count updates in place, silently; what matters
// (the vote opened, closed, everyone voted) is said once, with a link to the vote as it is
// now. The page never reloads under the reader; the projector, which nobody reads with a
// screen reader, does reload, until the result is published. A finished vote stops asking.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll-status]");
  if (!box || !window.fetch) return;
  var state = box.getAttribute("data-poll-state");
  var notice = document.querySelector("[data-poll-announce]");
  if (state === "published" || (state === "closed" && notice)) return;
  var everyone = false;
  function say(key) {
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = notice.getAttribute("data-link-text");
    var text = document.createElement("p");
    text.textContent = notice.getAttribute(key) + " ";
    text.appendChild(link);
    notice.replaceChildren(text);
  }
  var timer = window.setInterval(function () {
    fetch(box.getAttribute("data-poll-status"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        document.querySelectorAll(".ballot-count").forEach(function (count) {
          if (count.textContent.trim() !== data.text) count.textContent = data.text;
        });
        if (data.state === state) {
          if (notice && state === "open" && !everyone && data.entitled && data.ballots >= data.entitled) {
            everyone = true;
            say("data-all-text");
          }
          return;
        }
        if (!notice) { window.location.reload(); return; }
        state = data.state;
        say(state === "open" ? "data-opened-text" : "data-closed-text");
        if (state !== "open") window.clearInterval(timer);
      })
      .catch(function () {});
  }, 2000);
})();

// A meeting page tells members when a vote opens or closes, without moving their focus.
(function () {
  "use strict";
  var box = document.querySelector("[data-polls-url]");
  if (!box || !window.fetch) return;
  var known = box.getAttribute("data-polls");
  window.setInterval(function () {
    fetch(box.getAttribute("data-polls-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var now = data.polls.map(function (p) { return p.id + ":" + p.state; });
        if (now.join(",") === known) return;
        var before = known.split(",");
        known = now.join(",");
        var open = data.polls.filter(function (p) {
          return p.state === "open" && before.indexOf(p.id + ":open") === -1;
        });
        var link = document.createElement("a");
        link.href = open.length ? open[0].url : window.location.pathname;
        link.textContent = box.getAttribute(open.length ? "data-open-text" : "data-changed-text");
        box.replaceChildren(link);
      })
      .catch(function () {});
  }, 2000);
})();

// A button that copies a link (the page shows the link itself without JavaScript).
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    var status = button.parentNode.querySelector(".copy-status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      }).catch(function () {});
    });
  });
})();

// A part of the page that follows the server (a workshop's counts): refreshed in place every
// 3 s from a JSON answer holding its HTML, rendered by our own template.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-url]");
  if (!box || !window.fetch) return;
  window.setInterval(function () {
    fetch(box.getAttribute("data-live-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && box.innerHTML !== data.html) box.innerHTML = data.html; })
      .catch(function () {});
  }, 3000);
})();

// "Listen": reads a text aloud in its own language (its lang attribute), with the browser's
// speech synthesis. The button exists only when the browser has a voice for that language.
(function () {
  "use strict";
  var speech = window.speechSynthesis;
  var blocks = document.querySelectorAll("[data-listen]");
  if (!speech || !window.SpeechSynthesisUtterance || !blocks.length) return;
  var stopText = document.body.getAttribute("data-stop-text");
  var playing = null;
  function primary(lang) { return (lang || "").toLowerCase().split("-")[0]; }
  function voiceFor(lang) {
    return speech.getVoices().filter(function (v) { return primary(v.lang) === primary(lang); })[0];
  }
  function langOf(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    var owner = el && el.closest("[lang]");
    return owner ? owner.getAttribute("lang") : document.documentElement.lang;
  }
  // The block's text in runs of one language each, skipping what is not shown.
  function runs(block) {
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var el = node.parentElement;
        if (el.closest("button, [hidden], [aria-hidden='true'], details:not([open]) > :not(summary)"))
          return NodeFilter.FILTER_REJECT;
        return node.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
    });
    var list = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var lang = langOf(node), last = list[list.length - 1];
      if (last && last.lang === lang) last.text += " " + node.data.trim();
      else list.push({ lang: lang, text: node.data.trim() });
    }
    return list;
  }
  function stop() {
    speech.cancel();
    if (playing) playing.textContent = playing.getAttribute("data-label");
    playing = null;
  }
  function addButtons() {
    blocks.forEach(function (block) {
      if (block.listenButton || !voiceFor(langOf(block))) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary listen";
      button.textContent = block.getAttribute("data-listen");
      button.setAttribute("data-label", button.textContent);
      button.addEventListener("click", function () {
        var mine = playing === button;
        stop();
        if (mine) return;
        var parts = runs(block);
        parts.forEach(function (part, index) {
          var utterance = new window.SpeechSynthesisUtterance(part.text);
          utterance.lang = part.lang;
          var voice = voiceFor(part.lang);
          if (voice) utterance.voice = voice;
          if (index === parts.length - 1) utterance.onend = function () { if (playing === button) stop(); };
          speech.speak(utterance);
        });
        playing = button;
        button.textContent = stopText;
      });
      block.listenButton = button;
      block.parentNode.insertBefore(button, block);
    });
  }
  addButtons();
  if (speech.addEventListener) speech.addEventListener("voiceschanged", addButtons);
})();
