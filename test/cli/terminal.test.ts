import { describe, expect, it, vi } from "vitest";
import { startProgress, wantsColour } from "../../src/cli/terminal.js";

describe("wantsColour", () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it("colours a terminal and not a pipe", () => {
    expect(wantsColour(tty, {})).toBe(true);
    expect(wantsColour(pipe, {})).toBe(false);
  });
  it("never colours with NO_COLOR set, whatever else says so", () => {
    expect(wantsColour(tty, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColour(pipe, { NO_COLOR: "1", FORCE_COLOR: "1" })).toBe(false);
  });
  it("treats an empty NO_COLOR as unset, as no-color.org says", () => {
    expect(wantsColour(tty, { NO_COLOR: "" })).toBe(true);
  });
  it("FORCE_COLOR colours a pipe, except 0 or false; TERM=dumb turns a terminal's colour off", () => {
    expect(wantsColour(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(wantsColour(pipe, { FORCE_COLOR: "0" })).toBe(false);
    expect(wantsColour(pipe, { FORCE_COLOR: "false" })).toBe(false);
    expect(wantsColour(tty, { TERM: "dumb" })).toBe(false);
  });
});

/** Collects what is written, synchronously, with the isTTY the test chooses. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WritableStream & { isTTY?: boolean }; written: () => string } {
  let text = "";
  const stream = {
    isTTY,
    write(chunk: string) {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  return { stream, written: () => text };
}

describe("startProgress", () => {
  it("shows nothing during the first second, then a counter redrawn in place, erased at the end", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      let clock = 0;
      const { stream, written } = fakeStream(true);
      const progress = startProgress(stream, "scanning", { now: () => clock });
      progress.update(3, 10);
      clock = 900;
      vi.advanceTimersByTime(900);
      expect(written()).toBe("");
      clock = 1100;
      vi.advanceTimersByTime(200);
      expect(written()).toBe("\r\x1b[Kscanning 3/10 files");
      progress.stop();
      expect(written()).toBe("\r\x1b[Kscanning 3/10 files\r\x1b[K");
    } finally {
      vi.useRealTimers();
    }
  });

  it("says it is reading files before the first file is parsed", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      let clock = 0;
      const { stream, written } = fakeStream(true);
      const progress = startProgress(stream, "scanning", { now: () => clock });
      clock = 1500;
      vi.advanceTimersByTime(1500);
      expect(written()).toContain("\r\x1b[Kscanning reading files...");
      progress.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("never writes to a stream that is not a terminal, nor erases a line it never drew", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      let clock = 0;
      const pipe = fakeStream(false);
      const p1 = startProgress(pipe.stream, "scanning", { now: () => clock });
      clock = 5000;
      vi.advanceTimersByTime(5000);
      p1.update(1, 2);
      p1.stop();
      const quick = fakeStream(true);
      const p2 = startProgress(quick.stream, "scanning", { now: () => clock });
      p2.stop();
      expect(pipe.written()).toBe("");
      expect(quick.written()).toBe("");
    } finally {
      vi.useRealTimers();
    }
  });
});
