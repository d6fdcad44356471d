const SAMPLE_BYTES = 64 * 1024;

/** The first bytes of the file as text (decompressed for .gz), for the preview. */
export async function sampleOf(file: File): Promise<{ text: string; whole: boolean }> {
  if (!file.name.toLowerCase().endsWith(".gz")) {
    return { text: await file.slice(0, SAMPLE_BYTES).text(), whole: file.size <= SAMPLE_BYTES };
  }
  const reader = file.stream().pipeThrough(new DecompressionStream("gzip")).pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let whole = false;
  try {
    while (text.length < SAMPLE_BYTES) {
      const { done, value } = await reader.read();
      if (done) {
        whole = true;
        break;
      }
      text += value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return { text: text.slice(0, SAMPLE_BYTES), whole };
}
