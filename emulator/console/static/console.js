// glue-emulator console: live refresh of the page's content, the account/region picker, and the buttons.
"use strict";
(function () {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
  const token = meta("console-token");
  const prefix = meta("console-prefix");
  const content = document.getElementById("content");
  const live = document.getElementById("live");
  let busy = false;

  document.getElementById("scope").addEventListener("change", (event) => {
    document.cookie = `glue_emulator_console_scope=${encodeURIComponent(event.target.value)}; path=/_emulator/console; SameSite=Strict`;
    location.reload();
  });

  // What the user has typed or ticked survives a refresh; so does a log scrolled to its end (it follows).
  function keep() {
    const fields = {};
    content.querySelectorAll("input").forEach((input, index) => {
      fields[input.id || input.className + ":" + input.value + ":" + index] = input.type === "checkbox" ? input.checked : input.value;
    });
    const logs = {};
    content.querySelectorAll("pre.log").forEach((log) => {
      logs[log.id] = log.scrollTop + log.clientHeight >= log.scrollHeight - 4 ? "end" : log.scrollTop;
    });
    return { fields, logs, x: window.scrollX, y: window.scrollY };
  }

  function restore(state) {
    content.querySelectorAll("input").forEach((input, index) => {
      const key = input.id || input.className + ":" + input.value + ":" + index;
      if (!(key in state.fields)) return;
      if (input.type === "checkbox") input.checked = state.fields[key];
      else input.value = state.fields[key];
    });
    content.querySelectorAll("pre.log").forEach((log) => {
      const at = state.logs[log.id];
      log.scrollTop = at === undefined || at === "end" ? log.scrollHeight : at;
    });
    window.scrollTo(state.x, state.y);
  }

  let last = content.innerHTML;
  async function refresh() {
    if (busy || document.hidden) return;
    try {
      const answer = await fetch(location.href, { headers: { "X-Console-Partial": "1" }, cache: "no-store" });
      const html = await answer.text();
      live.className = answer.ok ? "ok" : "stale";
      if (html !== last && !busy) {
        const state = keep();
        content.innerHTML = html;
        last = content.innerHTML;
        restore(state);
      }
    } catch (error) {
      live.className = "stale";  // the server is gone or restarting: keep the page, try again
    }
  }
  setInterval(refresh, 2000);
  content.querySelectorAll("pre.log").forEach((log) => { log.scrollTop = log.scrollHeight; });

  async function press(button) {
    const outcome = button.parentElement.querySelector(".outcome");
    const params = JSON.parse(button.dataset.params);
    if (button.dataset.withProperties) {
      const text = document.getElementById(button.dataset.withProperties).value.trim();
      if (text) {
        try { params.RunProperties = JSON.parse(text); } catch (error) {
          outcome.textContent = "Run properties must be a JSON object"; outcome.className = "outcome error"; return;
        }
      }
    }
    if (button.dataset.withNodes) {
      params.NodeIds = [...content.querySelectorAll(button.dataset.withNodes)].filter((c) => c.checked).map((c) => c.value);
    }
    busy = true;
    button.disabled = true;
    try {
      const answer = await fetch(`${prefix}/actions/${button.dataset.operation}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Console-Token": token },
        body: JSON.stringify(params),
      });
      const result = await answer.json();
      if (!answer.ok) {
        outcome.textContent = `${result.__type}: ${result.Message}`;
        outcome.className = "outcome error";
        return;
      }
      outcome.textContent = "done";
      outcome.className = "outcome ok";
      if (button.dataset.then === "workflow-run" && result.RunId) {
        location.href = `${prefix}/workflows/${encodeURIComponent(params.Name)}/runs/${encodeURIComponent(result.RunId)}`;
      } else if (button.dataset.then === "job-run" && result.JobRunId) {
        location.href = `${prefix}/jobs/${encodeURIComponent(params.JobName)}/runs/${encodeURIComponent(result.JobRunId)}`;
      }
    } finally {
      busy = false;
      button.disabled = false;
    }
  }
  content.addEventListener("click", (event) => {
    const button = event.target.closest("button.action");
    if (button) press(button);
  });
})();
