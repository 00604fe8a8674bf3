/**
 * Text from Fivetran (connection ids and names, reasons, task messages) may hold terminal control
 * sequences: `ESC ] 52 ; … BEL` writes the clipboard, `ESC [ 2K` erases a line, a bidi override reorders
 * what is shown. Before such text reaches a terminal or a log line, every C0 control (newline included:
 * a forged log line is a forged fact), DEL, every C1 control and the bidi embedding, override and isolate
 * characters (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) are replaced by their `\uXXXX` escape. That form is also a
 * valid JSON escape, so applying this to JSON text keeps it valid and means the same value.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same, minus the layout we write ourselves: newlines, tabs and colour (SGR) sequences. */
const UNSAFE_KEEPING_LAYOUT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escaped = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One string from outside, safe to print anywhere: no control or bidi character is left raw. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/**
 * A whole block of output whose own layout (lines, tabs, colours) this program wrote: everything else that
 * could move the cursor, talk to the terminal or reorder text is escaped. Strings from Fivetran inside it
 * must already have gone through `terminalSafe` (their newlines and colours are not this program's).
 */
export function terminalSafeOutput(text: string): string {
  return text.replace(UNSAFE_KEEPING_LAYOUT, (match) => (match.length > 1 ? match : escaped(match)));
}
