import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeOutput } from '#commons/lib/terminal-text';

/** Anything a terminal would act on rather than show, or show reordered. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const hostile = fc
  .stringMatching(/^.{0,40}$/u)
  .chain((plain) =>
    fc
      .array(
        fc.constantFrom(
          '\u001b]52;c;aGVsbG8=\u0007',
          '\u001b[2K',
          '\u001b[31m',
          '\u009b6n',
          '\u202e',
          '\u2066',
          '\r',
          '\n',
          '\u0000',
          '\u007f',
        ),
        { maxLength: 6 },
      )
      .map((controls) =>
        controls.reduce((text, control, i) => text.slice(0, i * 3) + control + text.slice(i * 3), plain),
      ),
  );

describe('Function: terminalSafe', () => {
  it('leaves no control, C1 or bidi character raw, and keeps the visible text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), hostile), (text) => {
        // Act
        const safe = terminalSafe(text);
        // Assess
        expect(safe).not.toMatch(ACTIVE);
        expect(safe.replace(/\\u[0-9a-f]{4}/g, '')).toBe(
          text.replace(new RegExp(ACTIVE, 'g'), '').replace(/\\u[0-9a-f]{4}/g, ''),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('escapes the clipboard write, line erase and bidi override seen in connection names', () => {
    // Act / Assess
    expect(terminalSafe('pg\u001b]52;c;aGk=\u0007\u001b[2K\u202egnp')).toBe(
      'pg\\u001b]52;c;aGk=\\u0007\\u001b[2K\\u202egnp',
    );
    expect(terminalSafe('line one\nforged line')).toBe('line one\\u000aforged line');
  });

  it('keeps JSON valid and equal in meaning', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Act
        const safe = terminalSafe(JSON.stringify(value));
        // Assess
        expect(safe).not.toMatch(ACTIVE);
        expect(JSON.parse(safe)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Function: terminalSafeOutput', () => {
  it('keeps our own lines, tabs and colours, and escapes every other control', () => {
    // Act
    const out = terminalSafeOutput(
      '\u001b[31mfailing\u001b[0m\tok\nnext \u001b]52;c;x\u0007 \u009b2J \u202e',
    );

    // Assess
    expect(out).toBe('\u001b[31mfailing\u001b[0m\tok\nnext \\u001b]52;c;x\\u0007 \\u009b2J \\u202e');
  });
});
