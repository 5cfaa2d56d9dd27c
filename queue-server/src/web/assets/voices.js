// The voice recording page: "Record" records one word from the microphone (press to start,
// press again to stop; it also stops by itself after the longest clip), encodes it as a
// 16-bit mono WAV and sends it with the session's CSRF token. Without a microphone or
// without a secure connection the buttons stay hidden and the upload forms remain.
(() => {
  "use strict";
  const table = document.querySelector("table.voices");
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content;
  if (!table || !csrf || !navigator.mediaDevices?.getUserMedia || !window.AudioContext) {
    return;
  }
  const language = table.dataset.language;
  // The texts come from the page, in the account's language.
  const { stop: STOP, cannotRecord: CANNOT_RECORD } = table.dataset;
  const MAX_SECONDS = 8;
  const RATE = 16000;
  let active = null;

  for (const button of table.querySelectorAll("button.record")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      if (active && active.button === button) {
        active.stop();
      } else if (!active) {
        start(button).catch((error) => report(`${CANNOT_RECORD} ${error.message || error}`));
      }
    });
  }

  async function start(button) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const context = new AudioContext();
    const source = context.createMediaStreamSource(stream);
    // ScriptProcessor is old but works everywhere without a separate worklet file.
    const processor = context.createScriptProcessor(4096, 1, 1);
    const chunks = [];
    processor.onaudioprocess = (event) => chunks.push(new Float32Array(event.inputBuffer.getChannelData(0)));
    source.connect(processor);
    processor.connect(context.destination);
    const key = button.closest("tr").dataset.key;
    const label = button.textContent;
    button.textContent = STOP;
    button.setAttribute("aria-pressed", "true");
    const timer = setTimeout(() => active && active.stop(), MAX_SECONDS * 1000 - 200);
    active = {
      button,
      stop: async () => {
        clearTimeout(timer);
        active = null;
        processor.disconnect();
        source.disconnect();
        stream.getTracks().forEach((track) => track.stop());
        const rate = context.sampleRate;
        await context.close();
        button.textContent = label;
        button.removeAttribute("aria-pressed");
        await send(key, wav(resample(join(chunks), rate, RATE), RATE));
      },
    };
  }

  async function send(key, body) {
    const response = await fetch(`/staff/admin/voices/${encodeURIComponent(language)}/${encodeURIComponent(key)}`, {
      method: "POST",
      headers: { "Content-Type": "audio/wav", "X-CSRF-Token": csrf },
      body,
    });
    if (response.ok) {
      location.reload();
    } else {
      const answer = await response.json().catch(() => ({}));
      report(`${key}: ${answer.message || response.status}`);
    }
  }

  function report(text) {
    const message = document.getElementById("message");
    if (message) {
      message.textContent = text;
      message.hidden = false;
    }
  }

  function join(chunks) {
    const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all;
  }

  // Nearest-sample resampling is enough for speech at 16 kHz.
  function resample(samples, from, to) {
    const out = new Float32Array(Math.floor((samples.length * to) / from));
    for (let i = 0; i < out.length; i++) {
      out[i] = samples[Math.min(samples.length - 1, Math.floor((i * from) / to))];
    }
    return out;
  }

  function wav(samples, rate) {
    const buffer = new ArrayBuffer(44 + samples.length * 2);
    const view = new DataView(buffer);
    const text = (at, s) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
    text(0, "RIFF");
    view.setUint32(4, 36 + samples.length * 2, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, rate, true);
    view.setUint32(28, rate * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, "data");
    view.setUint32(40, samples.length * 2, true);
    samples.forEach((s, i) => view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, s)) * 0x7fff, true));
    return buffer;
  }
})();
