/*
 * Gemeentetolk chat widget. Plain JavaScript, no build step, no dependencies.
 *
 * Embed with one tag (see docs/website.md):
 *   <script src="https://ASSISTENT/widget.js" defer
 *     data-server="https://ASSISTENT-SERVER" data-municipality="dijkstede"
 *     data-title="Gemeentetolk" data-municipality-name="Gemeente Dijkstede"
 *     data-color="#1f4e8c" data-color-text="#ffffff"
 *     data-privacy-url="https://www.dijkstede.example/privacy"></script>
 *
 * Everything the assistant sends is rendered as text (textContent), never as HTML.
 * Links are made only for http(s), mailto and tel addresses.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__gemeentetolkLoaded) {
    return;
  }
  window.__gemeentetolkLoaded = true;

  var DEFAULT_COLOR = "#1f4e8c";
  var DEFAULT_COLOR_TEXT = "#ffffff";
  var MAX_CHARS = 1000;
  var REQUEST_TIMEOUT_MS = 60000;
  var SAFE_PROTOCOLS = ["http:", "https:", "mailto:", "tel:"];

  var data = script.dataset || {};
  var cfg = {
    server: String(data.server || "").replace(/\/+$/, ""),
    municipality: String(data.municipality || "").trim().toLowerCase(),
    title: data.title || "Gemeentetolk",
    municipalityName: data.municipalityName || "",
    privacyUrl: data.privacyUrl || "",
    color: data.color || DEFAULT_COLOR,
    colorText: data.colorText || DEFAULT_COLOR_TEXT
  };
  var endpoint = cfg.server + "/webhooks/website";
  var storeKey = "gemeentetolk:" + cfg.server + ":" + cfg.municipality;

  // ---- colours: only #rrggbb pairs with at least 4.5:1 contrast (WCAG AA) ----------
  function luminance(hex) {
    var rgb = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }
  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function pickColors(color, text) {
    var hex = /^#[0-9a-fA-F]{6}$/;
    if (hex.test(color) && hex.test(text) && contrast(color, text) >= 4.5 &&
        contrast(color, "#ffffff") >= 3) {
      return [color, text];
    }
    if (window.console) {
      console.warn("Gemeentetolk: data-color en data-color-text hebben te weinig contrast " +
        "(minimaal 4,5:1). De standaardkleuren worden gebruikt.");
    }
    return [DEFAULT_COLOR, DEFAULT_COLOR_TEXT];
  }

  // ---- small DOM helpers ----------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attrs[key];
      } else if (key === "className") {
        node.className = attrs[key];
      } else {
        node.setAttribute(key, attrs[key]);
      }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function srOnly(text) {
    return el("span", { className: "gt-sr", text: text });
  }

  function safeHref(url) {
    try {
      var parsed = new URL(url);
      return SAFE_PROTOCOLS.indexOf(parsed.protocol) >= 0 ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(label, href) {
    var a = el("a", { href: href, text: label });
    if (/^https?:/.test(href)) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.appendChild(srOnly(" (opent in een nieuw tabblad)"));
    }
    return a;
  }

  // Markdown links [label](url), bare http(s)/mailto/tel addresses and e-mail addresses.
  var LINKS = /\[([^\]\n]{1,200})\]\(([^()\s]{1,2000})\)|((?:https?:\/\/|mailto:|tel:)[^\s<>"]+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;

  function richText(text) {
    var frag = document.createDocumentFragment();
    var last = 0;
    var match;
    LINKS.lastIndex = 0;
    while ((match = LINKS.exec(text)) !== null) {
      var whole = match[0];
      var trail = "";
      frag.appendChild(document.createTextNode(text.slice(last, match.index)));
      last = match.index + whole.length;
      if (match[1] !== undefined) {
        var href = safeHref(match[2]);
        frag.appendChild(href ? link(match[1], href) : document.createTextNode(whole));
        continue;
      }
      var raw = match[3] || match[4];
      var m = /[.,;:!?)]+$/.exec(raw);
      if (m) {
        trail = m[0];
        raw = raw.slice(0, -trail.length);
      }
      var url = match[4] ? "mailto:" + raw : raw;
      var safe = safeHref(url);
      frag.appendChild(safe ? link(raw, safe) : document.createTextNode(raw));
      if (trail) {
        frag.appendChild(document.createTextNode(trail));
      }
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  // ---- state ----------------------------------------------------------------------
  function loadState() {
    try {
      return JSON.parse(window.sessionStorage.getItem(storeKey)) || {};
    } catch (e) {
      return {};
    }
  }
  var state = loadState();
  function saveState() {
    try {
      window.sessionStorage.setItem(storeKey, JSON.stringify({ token: state.token, open: !!state.open }));
    } catch (e) { /* private mode: the conversation just won't survive a reload */ }
  }

  // ---- build the widget -----------------------------------------------------------
  var colors = pickColors(cfg.color, cfg.colorText);
  var root = el("div", { className: "gt-root", lang: "nl" });
  root.style.setProperty("--gt-primary", colors[0]);
  root.style.setProperty("--gt-on-primary", colors[1]);

  var launcher = el("button", {
    type: "button", className: "gt-launcher", "aria-expanded": "false", "aria-controls": "gt-panel"
  }, [el("span", { className: "gt-launcher-icon", "aria-hidden": "true", text: "?" }),
      el("span", { text: "Vraag het " + cfg.title })]);

  var titleId = "gt-title";
  var closeButton = el("button", { type: "button", className: "gt-close" },
    [el("span", { "aria-hidden": "true", text: "\u00d7 " }), "Sluiten"]);
  closeButton.setAttribute("aria-label", "Chat sluiten");
  var subtitle = cfg.municipalityName
    ? "Uitleg over ondernemen en de gemeente, voor " + cfg.municipalityName
    : "Uitleg over ondernemen en de gemeente";
  var header = el("div", { className: "gt-header" }, [
    el("div", { className: "gt-heading" }, [
      el("h2", { id: titleId, className: "gt-title", text: cfg.title }),
      el("p", { className: "gt-subtitle", text: subtitle })
    ]),
    closeButton
  ]);

  // Shown in full before the first message; afterwards only the short warning stays.
  var privacy = el("p", { id: "gt-privacy", className: "gt-privacy" }, [
    el("strong", { text: "Privacy. " }),
    el("span", { className: "gt-privacy-more", text: "Je praat met een computerprogramma. " +
      "Het gesprek wordt bewaard, zodat je het terugziet als je de pagina opnieuw laadt, en " +
      "daarna gewist. " }),
    "Typ geen BSN, medische of andere gevoelige gegevens."
  ]);
  var privacyHref = cfg.privacyUrl ? safeHref(cfg.privacyUrl) : null;
  if (privacyHref) {
    privacy.appendChild(document.createTextNode(" "));
    privacy.appendChild(link("Lees de privacyverklaring", privacyHref));
  }

  var log = el("div", {
    className: "gt-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Gesprek met " + cfg.title, tabindex: "0"
  });
  var typing = el("div", { className: "gt-typing", role: "status" });
  // Short confirmations for screen readers ("Dank je wel voor je reactie").
  var announcer = el("div", { className: "gt-sr gt-announce", role: "status", "aria-live": "polite" });

  var contactButton = el("button", { type: "button", className: "gt-secondary gt-contact",
    text: "Praat met een medewerker" });
  var newButton = el("button", { type: "button", className: "gt-secondary gt-new", text: "Nieuw gesprek" });
  var actions = el("div", { className: "gt-actions" }, [contactButton, newButton]);

  var input = el("textarea", {
    id: "gt-input", className: "gt-input", rows: "2", "aria-describedby": "gt-hint",
    autocomplete: "off", spellcheck: "true"
  });
  var counter = el("span", { className: "gt-counter", text: "0 van " + MAX_CHARS + " tekens" });
  var hint = el("p", { id: "gt-hint", className: "gt-hint" },
    ["Enter verstuurt, Shift + Enter geeft een nieuwe regel. ", counter]);
  var sendButton = el("button", { type: "submit", className: "gt-send", text: "Verstuur" });
  var form = el("form", { className: "gt-form", novalidate: "" }, [
    el("label", { "for": "gt-input", className: "gt-label", text: "Je vraag" }),
    el("div", { className: "gt-row" }, [input, sendButton]),
    hint
  ]);

  var panel = el("div", {
    id: "gt-panel", className: "gt-panel", role: "dialog", "aria-labelledby": titleId,
    "aria-describedby": "gt-privacy"
  }, [header, privacy, log, typing, announcer, actions, form]);
  panel.hidden = true;

  root.appendChild(panel);
  root.appendChild(launcher);

  // ---- rendering --------------------------------------------------------------------
  function disableOldQuickReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".gt-quick button"), function (b) {
      b.disabled = true;
    });
  }

  function renderTerms(terms) {
    var box = el("div", { className: "gt-terms" });
    terms.forEach(function (term) {
      var body = el("div", { className: "gt-term-body" }, [
        el("p", {}, [el("strong", { text: "In gewone woorden: " }), term.plain])
      ]);
      if (term.definition) {
        body.appendChild(el("p", {}, [el("strong", { text: "Uitleg: " }), term.definition]));
      }
      if (term.source) {
        var p = el("p", { className: "gt-source" }, [el("strong", { text: "Bron: " })]);
        p.appendChild(richText(term.source));
        body.appendChild(p);
      }
      box.appendChild(el("details", { className: "gt-term" }, [
        el("summary", {}, ["Wat betekent ", el("span", { className: "gt-term-name", text: term.term }), "?"]),
        body
      ]));
    });
    return box;
  }

  // ---- "Had je hier iets aan?" under an answer: Ja or Nee once, then an optional comment ----
  var MAX_COMMENT = 300;
  var feedbackCount = 0;
  function announce(text) {
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 50);
  }
  function renderFeedback(ref) {
    feedbackCount += 1;
    var id = "gt-feedback-" + feedbackCount;
    var question = el("span", { id: id, className: "gt-feedback-question", text: "Had je hier iets aan?" });
    var yes = el("button", { type: "button", className: "gt-feedback-button", "aria-pressed": "false",
      text: "Ja" });
    var no = el("button", { type: "button", className: "gt-feedback-button", "aria-pressed": "false",
      text: "Nee" });
    var note = el("p", { className: "gt-feedback-note" });
    var box = el("div", { className: "gt-feedback", role: "group", "aria-labelledby": id },
      [question, yes, no, note]);
    var busyFeedback = false;
    function finish(text) {
      box.setAttribute("data-done", "true");
      [yes, no].forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
      note.textContent = text;
      announce(text);
    }
    function choose(helpful, button) {
      if (busyFeedback || box.getAttribute("data-done")) {
        return;
      }
      busyFeedback = true;
      api("POST", "/feedback", { ref: ref, helpful: helpful }).then(function (res) {
        if (res.status === 201) {
          button.setAttribute("aria-pressed", "true");
          finish(res.data.message || "Dank je wel voor je reactie.");
          box.appendChild(commentForm(ref, box, id));
        } else if (res.status === 409) {
          finish(res.data.message || "Je hebt op dit antwoord al gereageerd.");
        } else {
          note.textContent = res.data.message || "Je reactie is niet verstuurd. Probeer het opnieuw.";
          announce(note.textContent);
        }
      }).catch(function () {
        note.textContent = "Je reactie is niet verstuurd. Controleer je internetverbinding.";
        announce(note.textContent);
      }).then(function () { busyFeedback = false; });
    }
    yes.addEventListener("click", function () { choose(true, yes); });
    no.addEventListener("click", function () { choose(false, no); });
    return box;
  }
  function commentForm(ref, box, id) {
    var fieldId = id + "-comment";
    var hintId = fieldId + "-hint";
    var area = el("textarea", { id: fieldId, className: "gt-comment", rows: "2",
      maxlength: String(MAX_COMMENT), "aria-describedby": hintId });
    var send = el("button", { type: "submit", className: "gt-secondary", text: "Verstuur toelichting" });
    var sent = false;
    var commentBox = el("form", { className: "gt-comment-form", novalidate: "" }, [
      el("label", { "for": fieldId, text: "Wil je iets toelichten? Dat hoeft niet." }),
      el("p", { id: hintId, className: "gt-hint", text: "Hooguit " + MAX_COMMENT +
        " tekens. Typ geen naam, e-mailadres of telefoonnummer." }),
      area, send
    ]);
    commentBox.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = area.value.trim();
      if (!text || sent) {
        return;
      }
      sent = true;
      api("POST", "/feedback", { ref: ref, comment: text.slice(0, MAX_COMMENT) }).then(function (res) {
        var message = res.data.message || "Dank je wel. Je toelichting is doorgegeven.";
        if (res.status === 200 || res.status === 409) {
          var done = el("p", { className: "gt-feedback-note", text: message });
          box.replaceChild(done, commentBox);
          announce(message);
        } else {
          sent = false;
          announce(message);
        }
      }).catch(function () {
        sent = false;
        announce("Je toelichting is niet verstuurd. Controleer je internetverbinding.");
      });
    });
    return commentBox;
  }

  function addMessage(msg) {
    var from = msg.from === "user" ? "user" : msg.from === "notice" ? "notice" : "bot";
    var who = from === "user" ? "Jij: " : from === "notice" ? "Melding: " : cfg.title + ": ";
    var item = el("div", { className: "gt-msg gt-msg-" + from });
    var bubble = el("div", { className: "gt-bubble" }, [srOnly(who)]);
    if (msg.text) {
      var text = el("div", { className: "gt-text" });
      text.appendChild(richText(String(msg.text)));
      bubble.appendChild(text);
    }
    item.appendChild(bubble);
    if (Array.isArray(msg.terms) && msg.terms.length) {
      item.appendChild(renderTerms(msg.terms));
    }
    if (from === "bot" && msg.feedback && typeof msg.feedback.ref === "string") {
      item.appendChild(renderFeedback(msg.feedback.ref));
    }
    if (Array.isArray(msg.buttons) && msg.buttons.length) {
      var group = el("div", { className: "gt-quick", role: "group", "aria-label": "Kies een antwoord" });
      msg.buttons.forEach(function (button) {
        var b = el("button", { type: "button", className: "gt-quick-button", text: button.title });
        b.addEventListener("click", function () {
          send({ payload: button.payload, title: button.title }, button.title);
          input.focus();
        });
        group.appendChild(b);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    if (from !== "notice") {
      root.classList.add("gt-has-messages");
    }
    return item;
  }

  function setTyping(on) {
    typing.textContent = "";
    if (on) {
      typing.appendChild(el("span", { className: "gt-dots", "aria-hidden": "true" },
        [el("span"), el("span"), el("span")]));
      typing.appendChild(el("span", { className: "gt-typing-text", text: cfg.title + " typt\u2026" }));
    }
  }

  // ---- talking to the channel -------------------------------------------------------
  function api(method, path, body) {
    var headers = {};
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    if (state.token) {
      headers.Authorization = "Bearer " + state.token;
    }
    // A network timeout, not a time limit for the user: a hanging server must not leave the
    // typing indicator on for ever.
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    return fetch(endpoint + path, {
      method: method, headers: headers, mode: "cors", credentials: "omit", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (resp) {
      clearTimeout(timer);
      return resp.json().catch(function () { return {}; }).then(function (json) {
        return { status: resp.status, data: json || {} };
      });
    });
  }

  function newSession() {
    return api("POST", "/session").then(function (res) {
      if (res.status !== 201 || !res.data.session) {
        throw res;
      }
      state.token = res.data.session;
      saveState();
    });
  }

  // Every answer carries a fresh token for the same conversation (it expires after a long
  // silence, not after a fixed time).
  function keepToken(token) {
    if (typeof token === "string" && token) {
      state.token = token;
      saveState();
    }
  }

  var busy = false;
  function send(body, shown) {
    if (busy) {
      return;
    }
    busy = true;
    disableOldQuickReplies();
    addMessage({ from: "user", text: shown });
    setTyping(true);
    sendButton.setAttribute("aria-disabled", "true");
    body.metadata = cfg.municipality ? { municipality: cfg.municipality } : {};
    var attempt = function (retry) {
      return (state.token ? Promise.resolve() : newSession())
        .then(function () { return api("POST", "/webhook", body); })
        .then(function (res) {
          if (res.status === 401 && res.data.error === "session_expired") {
            // Long silence: say so (the message asks to reload the page); the next message
            // starts a new conversation.
            state.token = null;
            saveState();
            return res;
          }
          if (res.status === 401 && retry) {
            state.token = null;
            return attempt(false);
          }
          return res;
        });
    };
    attempt(true).then(function (res) {
      if (res.status === 200 && Array.isArray(res.data.messages)) {
        keepToken(res.data.session);
        res.data.messages.forEach(addMessage);
      } else {
        addMessage({ from: "notice", text: res.data.message ||
          "Er ging iets mis. Probeer het opnieuw." });
      }
    }).catch(function (res) {
      var text = res && res.data && res.data.message;
      addMessage({ from: "notice", text: text ||
        "Ik kan de assistent nu niet bereiken. Controleer je internetverbinding en probeer het " +
        "opnieuw. Heb je haast? Bel de gemeente op 14 met het netnummer." });
    }).then(function () {
      busy = false;
      setTyping(false);
      sendButton.removeAttribute("aria-disabled");
    });
  }

  function loadHistory() {
    if (!state.token) {
      return Promise.resolve();
    }
    log.setAttribute("aria-live", "off"); // don't read the whole history aloud again
    return api("GET", "/history").then(function (res) {
      if (res.status === 200 && Array.isArray(res.data.messages)) {
        keepToken(res.data.session);
        res.data.messages.forEach(addMessage);
        // Only the quick replies of the very last message can still be used.
        Array.prototype.forEach.call(log.querySelectorAll(".gt-quick"), function (group) {
          if (group.parentNode !== log.lastElementChild) {
            Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
              b.disabled = true;
            });
          }
        });
      } else if (res.status === 401) {
        state.token = null;
        saveState();
      }
    }).catch(function () { /* offline: start empty */ }).then(function () {
      log.setAttribute("aria-live", "polite");
    });
  }

  // ---- opening and closing --------------------------------------------------------
  function open(focus) {
    panel.hidden = false;
    panel.setAttribute("aria-modal", isFullScreen() ? "true" : "false");
    root.classList.add("gt-open");
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    saveState();
    if (focus) {
      input.focus();
    }
  }
  function close() {
    panel.hidden = true;
    root.classList.remove("gt-open");
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) {
      open(true);
    } else {
      close();
    }
  });
  closeButton.addEventListener("click", close);
  // On a phone (or at high zoom) the chat covers the whole page: then it is modal and Tab
  // stays inside it, so focus never lands on a hidden part of the page behind it.
  var fullScreen = window.matchMedia ? window.matchMedia("(max-width: 32em), (max-height: 32em)") : null;
  function isFullScreen() {
    return !!(fullScreen && fullScreen.matches);
  }
  function focusables() {
    var nodes = panel.querySelectorAll(
      "button:not([disabled]), a[href], textarea, summary, [tabindex='0']");
    return Array.prototype.filter.call(nodes, function (node) {
      return node.getClientRects().length > 0;
    });
  }
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    } else if (event.key === "Tab" && !panel.hidden && isFullScreen()) {
      var nodes = focusables();
      if (!nodes.length) {
        return;
      }
      var first = nodes[0];
      var last = nodes[nodes.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  contactButton.addEventListener("click", function () {
    send({ action: "contact" }, "Praat met een medewerker");
    input.focus();
  });
  newButton.addEventListener("click", function () {
    state.token = null;
    saveState();
    log.textContent = "";
    root.classList.remove("gt-has-messages");
    addMessage({ from: "notice", text: "Je bent een nieuw gesprek begonnen." });
    input.focus();
  });

  function updateCounter() {
    var n = input.value.length;
    counter.textContent = n + " van " + MAX_CHARS + " tekens";
    counter.classList.toggle("gt-over", n > MAX_CHARS);
  }
  input.addEventListener("input", updateCounter);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  function submit() {
    var text = input.value.trim();
    if (!text || busy) {
      return;
    }
    if (text.length > MAX_CHARS) {
      addMessage({ from: "notice", text: "Je bericht is te lang (" + text.length + " tekens). " +
        "Ik kan maximaal " + MAX_CHARS + " tekens lezen. Maak je vraag korter." });
      return;
    }
    input.value = "";
    updateCounter();
    send({ message: text }, text);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });

  // ---- start ------------------------------------------------------------------------
  function start() {
    var css = el("link", { rel: "stylesheet", href: new URL("widget.css", script.src).href });
    document.head.appendChild(css);
    document.body.appendChild(root);
    loadHistory().then(function () {
      if (state.open) {
        open(false);
      }
      root.setAttribute("data-ready", "true");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
