// Keeps the columns of sample output (a table like `runbook verify`'s) when the address form
// changes a value in it. The page is built with the documented defaults, and the source pads
// each column for them; a longer or shorter value would push the rest of its row sideways.
// After the markers change, each run of two or more spaces that follows a marker on its line
// takes up the difference (never shrinking below two spaces, so columns stay apart).

/** The build's text of every gap we may change, to start again from it on each change. */
const built = new WeakMap<Text, string>();
const GAP = / {2,}/g;

/** Call before a marker's text first changes: records the width its column was padded for. */
export function rememberWidth(marker: HTMLElement): void {
  marker.dataset.rbWidth ??= String(marker.textContent?.length ?? 0);
}

export function realignOutput(root: ParentNode = document): void {
  for (const line of root.querySelectorAll<HTMLElement>('.rb-output .ec-line')) {
    if (!line.querySelector('.rb-var--site')) continue;
    let shift = 0; // how much wider than the build this line is so far
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node as Text;
      const marker = text.parentElement?.closest<HTMLElement>('.rb-var--site');
      if (marker) {
        shift += text.data.length - Number(marker.dataset.rbWidth ?? text.data.length);
        continue;
      }
      const original = built.get(text) ?? text.data;
      built.set(text, original);
      text.data = original.replace(GAP, (gap) => {
        const width = Math.max(2, gap.length - shift);
        shift -= gap.length - width;
        return ' '.repeat(width);
      });
    }
  }
}
