/** C0 controls and DEL. (A character loop, not a regex: the linter rightly flags control ranges in one.) */
const isControl = (code: number) => code < 0x20 || code === 0x7f;
const isBreak = (code: number) => code === 0x09 || code === 0x0a;

function replaceControls(text: string, keep: (code: number) => boolean): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += isControl(code) && !keep(code) ? ' ' : char;
  }
  return out;
}

export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** Text for one log line: every control character (line breaks too) becomes a space, runs collapse. */
export function oneLine(text: string, max: number): string {
  return replaceControls(text.slice(0, max * 4), () => false)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

/** Text for a message: line breaks and tabs kept (a stack trace reads better), other controls spaced. */
export function messageText(text: string, max: number): string {
  return replaceControls(text.slice(0, max * 2), isBreak)
    .trim()
    .slice(0, max);
}
