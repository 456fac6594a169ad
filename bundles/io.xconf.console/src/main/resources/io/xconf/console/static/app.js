// Xconf console: plain DOM, no framework. Every change goes through the server's JSON API, which
// turns it into a CCMP request with the signed-in account's rights. Text from the server is only
// ever put into the page as text (textContent), never as markup.
"use strict";

const $ = (id) => document.getElementById(id);
let current = null; // the conference open, its XCON-URI
let events = null; // its EventSource
let speaking = new Set();
const passwords = new Map(); // conference XCON-URI -> its password, as given on this page

function withPassword(uri) {
  return passwords.has(uri) ? "&p=" + encodeURIComponent(passwords.get(uri)) : "";
}

async function api(path, form) {
  const options = { credentials: "same-origin", headers: { "X-Xconf-Console": "1" } };
  if (form) {
    options.method = "POST";
    options.body = new URLSearchParams(form);
  }
  const response = await fetch("api/" + path, options);
  let body = {};
  try { body = await response.json(); } catch (e) { /* empty */ }
  if (response.status === 401 && path !== "login") { showSignIn(); }
  return { ok: response.ok, status: response.status, body };
}

function show(section) {
  for (const id of ["signin", "conferences", "conference"]) { $(id).hidden = id !== section; }
}

function showSignIn() {
  closeEvents();
  $("who").hidden = true;
  show("signin");
  $("signin-user").focus();
}

async function start() {
  const session = await api("session");
  if (session.ok) { signedIn(session.body); } else { showSignIn(); }
}

function signedIn(who) {
  $("user").textContent = who.user + (who.administrator ? " (administrator)" : "");
  $("who").hidden = false;
  route();
}

function route() {
  const wanted = decodeURIComponent(location.hash.replace(/^#/, ""));
  if (wanted.startsWith("xcon:")) { openConference(wanted); } else { listConferences(); }
}

async function listConferences() {
  closeEvents();
  current = null;
  const answer = await api("conferences");
  if (!answer.ok) { return; }
  const list = $("conference-list");
  list.replaceChildren();
  for (const conference of answer.body) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "#" + encodeURIComponent(conference.conference);
    const title = document.createElement("strong");
    title.textContent = conference.title || "(untitled)";
    const uri = document.createElement("small");
    uri.textContent = conference.conference;
    link.append(title, uri);
    item.append(link);
    list.append(item);
  }
  $("no-conferences").hidden = answer.body.length > 0;
  show("conferences");
}

async function openConference(uri) {
  if (current !== uri) {
    closeEvents();
    current = uri;
    speaking = new Set();
    events = new EventSource("api/events?c=" + encodeURIComponent(uri) + withPassword(uri));
    events.addEventListener("changed", (event) => {
      if (JSON.parse(event.data).kind === "deleted") { location.hash = ""; return; }
      refresh();
    });
    events.addEventListener("speakers", (event) => {
      speaking = new Set(JSON.parse(event.data));
      markSpeakers();
    });
    events.addEventListener("hello", () => { $("live").textContent = "Live"; });
    events.onerror = () => {
      $("live").textContent = "Reconnecting…";
      // The browser retries a dropped stream itself, but not one refused (signed out, gone):
      // then the page finds out why and opens it again, or asks to sign in.
      if (events && events.readyState === EventSource.CLOSED) {
        const lost = current;
        closeEvents();
        current = null;
        setTimeout(async () => {
          const session = await api("session");
          if (session.ok && location.hash === "#" + encodeURIComponent(lost)) { openConference(lost); }
        }, 2000);
      }
    };
  }
  await refresh();
  show("conference");
}

function closeEvents() {
  if (events) { events.close(); events = null; }
}

async function refresh() {
  if (!current) { return; }
  const answer = await api("conference?c=" + encodeURIComponent(current) + withPassword(current));
  if (answer.body.code === 423) {
    // RFC 6503: a password-protected conference wants its password in every request.
    const password = prompt("This conference has a password:");
    if (password) {
      passwords.set(current, password);
      const uri = current;
      closeEvents();
      current = null;
      return openConference(uri);
    }
  }
  if (!answer.ok) {
    $("action-error").textContent = answer.body.reason || answer.body.error || "not available";
    return;
  }
  const conference = answer.body.conference;
  $("title").textContent = conference.title || "(untitled)";
  $("sip").textContent = (conference.sipUris || []).join(" ");
  const locked = conference.joinHandling === "block";
  $("lock-state").textContent = locked ? "Locked" : "Open";
  $("lock-state").className = "badge" + (locked ? " locked" : "");
  $("lock").textContent = locked ? "Unlock" : "Lock";
  $("lock").dataset.locked = locked ? "yes" : "no";
  renderRoster(answer.body.roster);
}

function statusOf(line) {
  switch (line.status) {
    case "connected": return ["In the call", "connected"];
    case "muted-via-focus": return ["Muted", "muted"];
    case "on-hold": return ["On hold", "muted"];
    case "dialing-in": return ["Waiting", "waiting"];
    case "dialing-out": case "alerting": return ["Ringing", "waiting"];
    case null: case undefined: return ["Listed", "gone"];
    default: return [line.status, "gone"];
  }
}

function renderRoster(roster) {
  const body = $("roster").tBodies[0];
  body.replaceChildren();
  for (const line of roster) {
    if (!line.endpoint) { continue; }
    const row = document.createElement("tr");
    row.dataset.endpoint = line.endpoint;
    const who = document.createElement("td");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = line.displayText || line.endpoint;
    const address = document.createElement("span");
    address.className = "address";
    address.textContent = line.endpoint;
    who.append(name, address);
    const [label, kind] = statusOf(line);
    const status = document.createElement("td");
    const badge = document.createElement("span");
    badge.className = "badge " + kind;
    badge.textContent = label;
    status.append(badge);
    const buttons = document.createElement("td");
    buttons.className = "buttons";
    if (line.status === "dialing-in") {
      buttons.append(button("Let in", () => act("admit", { who: line.endpoint })),
                     button("Deny", () => act("deny", { who: line.endpoint })));
    } else if (["connected", "muted-via-focus", "on-hold"].includes(line.status)) {
      buttons.append(line.muted
        ? button("Unmute", () => act("unmute", { who: line.endpoint }))
        : button("Mute", () => act("mute", { who: line.endpoint })));
    }
    if (line.status && line.status !== "disconnected") {
      buttons.append(button("Remove", () => act("kick", { who: line.endpoint }), "danger"));
    }
    row.append(who, status, buttons);
    body.append(row);
  }
  markSpeakers();
}

function markSpeakers() {
  for (const row of $("roster").tBodies[0].rows) {
    row.classList.toggle("speaking", speaking.has(row.dataset.endpoint));
  }
}

function button(label, onClick, kind) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  if (kind) { element.className = kind; }
  element.addEventListener("click", onClick);
  return element;
}

async function act(action, fields) {
  $("action-error").textContent = "";
  const form = Object.assign({ c: current, a: action }, fields || {});
  if (passwords.has(current)) { form.p = passwords.get(current); }
  const answer = await api("action", form);
  if (!answer.ok) {
    $("action-error").textContent = answer.body.reason || answer.body.error || "refused";
  }
  if (action !== "end") { await refresh(); }
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  const answer = await api("login", { user: $("signin-user").value, password: $("signin-password").value });
  $("signin-password").value = "";
  if (answer.ok) { signedIn(answer.body); } else {
    $("signin-error").textContent = answer.status === 429 ? "Too many tries; wait a moment." : "Wrong account or password.";
  }
});
$("logout").addEventListener("click", async () => { await api("logout", {}); showSignIn(); });
$("back").addEventListener("click", () => { location.hash = ""; });
$("lock").addEventListener("click", () => act($("lock").dataset.locked === "yes" ? "unlock" : "lock"));
$("end").addEventListener("click", async () => {
  if (confirm("End this conference for everyone and delete it?")) {
    await act("end");
    location.hash = "";
  }
});
$("dial-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  await act("dial", { target: $("dial-target").value });
  $("dial-target").value = "";
});
window.addEventListener("hashchange", route);
start();
