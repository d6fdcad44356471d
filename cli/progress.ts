/** A one-line progress bar on stderr (only used when stderr is a TTY). */
export function progressBar(total: number) {
  const width = 30;
  let last = 0;
  return {
    update(current: number, note = "") {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const ratio = total > 0 ? Math.min(1, current / total) : 0;
      const filled = Math.round(ratio * width);
      process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${note}   `);
    },
    done() {
      process.stderr.write("\r\x1b[K");
    },
  };
}
