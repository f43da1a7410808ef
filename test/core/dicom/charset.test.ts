import { describe, it, expect } from 'vitest';
import { decodeDicomText, parseCharacterSets } from '../../../src/core/dicom/charset';

/** Bytes from a mix of ASCII text and byte values, e.g. b('Buc^J', 0xe9, 'r'). */
function b(...parts: (string | number)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else for (const ch of p) out.push(ch.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

const ESC = 0x1b;
/** ISO 2022 escape sequences (ESC + the intermediate/final bytes). */
const G0_ASCII = [ESC, 0x28, 0x42]; // ESC ( B
const G0_ROMAJI = [ESC, 0x28, 0x4a]; // ESC ( J
const G0_JIS0208 = [ESC, 0x24, 0x42]; // ESC $ B
const G0_JIS0212 = [ESC, 0x24, 0x28, 0x44]; // ESC $ ( D
const G1_KATAKANA = [ESC, 0x29, 0x49]; // ESC ) I
const G1_KSX1001 = [ESC, 0x24, 0x29, 0x43]; // ESC $ ) C
const G1_GB2312 = [ESC, 0x24, 0x29, 0x41]; // ESC $ ) A
const G1_LATIN1 = [ESC, 0x2d, 0x41]; // ESC - A
const G1_GREEK = [ESC, 0x2d, 0x46]; // ESC - F

// JIS X 0208 (GL) bytes from the PS3.5 Annex H tables.
const YAMADA = [0x3b, 0x33, 0x45, 0x44]; // 山田
const TAROU = [0x42, 0x40, 0x4f, 0x3a]; // 太郎
const YAMADA_KANA = [0x24, 0x64, 0x24, 0x5e, 0x24, 0x40]; // やまだ
const TAROU_KANA = [0x24, 0x3f, 0x24, 0x6d, 0x24, 0x26]; // たろう

describe('parseCharacterSets', () => {
  it('splits values and keeps an empty value 1', () => {
    expect(parseCharacterSets('\\ISO 2022 IR 87')).toEqual(['', 'ISO 2022 IR 87']);
    expect(parseCharacterSets('ISO 2022 IR 13\\ISO 2022 IR 87 ')).toEqual(['ISO 2022 IR 13', 'ISO 2022 IR 87']);
  });

  it('returns no terms for an absent or blank value', () => {
    expect(parseCharacterSets(undefined)).toEqual([]);
    expect(parseCharacterSets('')).toEqual([]);
    expect(parseCharacterSets('  \0')).toEqual([]);
  });

  it('normalises common misspellings', () => {
    expect(parseCharacterSets('iso_ir 100')).toEqual(['ISO_IR 100']);
    expect(parseCharacterSets('ISO-IR 144')).toEqual(['ISO_IR 144']);
    expect(parseCharacterSets('ISO_IR_192')).toEqual(['ISO_IR 192']);
    expect(parseCharacterSets('ISO IR 126')).toEqual(['ISO_IR 126']);
    expect(parseCharacterSets('ISO2022 IR 149')).toEqual(['ISO 2022 IR 149']);
    expect(parseCharacterSets(' ISO  2022  IR  6\\ISO_IR 100\0')).toEqual(['ISO 2022 IR 6', 'ISO_IR 100']);
    expect(parseCharacterSets('utf-8')).toEqual(['ISO_IR 192']);
    expect(parseCharacterSets('gb18030')).toEqual(['GB18030']);
  });
});

describe('decodeDicomText: default repertoire and single-byte sets', () => {
  it('decodes ASCII and trims padding', () => {
    expect(decodeDicomText(b('Smith^John '), undefined, 'PN')).toBe('Smith^John');
    expect(decodeDicomText(b(' CT\0'), '', 'CS')).toBe('CT');
    expect(decodeDicomText(b(''), 'ISO_IR 100', 'LO')).toBe('');
  });

  it('keeps leading spaces for ST, LT, UT and UC', () => {
    expect(decodeDicomText(b('  indented  '), undefined, 'LT')).toBe('  indented');
    expect(decodeDicomText(b('  indented  '), undefined, 'UC')).toBe('  indented');
    expect(decodeDicomText(b('  indented  '), undefined, 'LO')).toBe('indented');
  });

  it('reads non-ASCII bytes of the default repertoire as Latin-1', () => {
    expect(decodeDicomText(b('Buc^J', 0xe9, 'r', 0xf4, 'me'), undefined, 'PN')).toBe('Buc^Jérôme');
  });

  it('decodes ISO_IR 100 (Latin-1), C1 bytes stay C1 controls', () => {
    expect(decodeDicomText(b('Buc^J', 0xe9, 'r', 0xf4, 'me'), 'ISO_IR 100', 'PN')).toBe('Buc^Jérôme');
    expect(decodeDicomText(b(0x80, 0x9f), 'ISO_IR 100')).toBe('\u0080\u009f');
  });

  it('decodes ISO_IR 101 (Latin-2) and ISO_IR 203 (Latin-9)', () => {
    expect(decodeDicomText(b('Dvo', 0xf8, 0xe1, 'k'), 'ISO_IR 101')).toBe('Dvořák');
    expect(decodeDicomText(b(0xa4, ' ', 0xbd), 'ISO_IR 203')).toBe('€ œ');
  });

  it('decodes ISO_IR 148 (Latin-5) as ISO 8859-9, not windows-1254', () => {
    expect(decodeDicomText(b(0xd0, 0xfd, 0xfe, 0x80), 'ISO_IR 148')).toBe('Ğış\u0080');
  });

  it('decodes the Greek example, ISO_IR 126', () => {
    const bytes = b(0xc4, 0xe9, 0xef, 0xed, 0xf5, 0xf3, 0xe9, 0xef, 0xf2);
    expect(decodeDicomText(bytes, 'ISO_IR 126', 'PN')).toBe('Διονυσιος');
  });

  it('decodes the Cyrillic example, ISO_IR 144 (Latin c, e, y, p as in the sample)', () => {
    const bytes = b(0xbb, 0xee, 0xda, 0x63, 0x65, 0xdc, 0xd1, 0x79, 0x70, 0xd3);
    expect(decodeDicomText(bytes, 'ISO_IR 144', 'PN')).toBe('Люкceмбypг');
  });

  it('decodes Hebrew, ISO_IR 138', () => {
    const bytes = b(0xf9, 0xf8, 0xe5, 0xef, '^', 0xe3, 0xe1, 0xe5, 0xf8, 0xe4);
    expect(decodeDicomText(bytes, 'ISO_IR 138', 'PN')).toBe('שרון^דבורה');
  });

  it('decodes Arabic, ISO_IR 127, unassigned bytes fall back to Latin-1', () => {
    expect(decodeDicomText(b(0xe2, 0xc8, 0xc7, 0xe6, 0xea), 'ISO_IR 127', 'PN')).toBe('قباني');
    expect(decodeDicomText(b(0xa1), 'ISO_IR 127')).toBe('¡');
  });

  it('decodes Thai, ISO_IR 166', () => {
    expect(decodeDicomText(b(0xbc, 0xd9, 0xe9, 0xbb, 0xe8, 0xc7, 0xc2), 'ISO_IR 166', 'LO')).toBe('ผู้ป่วย');
  });

  it('decodes ISO_IR 13 (JIS X 0201): Katakana in GR, Romaji in GL', () => {
    expect(decodeDicomText(b(0xd4, 0xcf, 0xc0, 0xde, '^', 0xc0, 0xdb, 0xb3), 'ISO_IR 13', 'PN')).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ');
  });
});

describe('decodeDicomText: multi-byte sets without code extensions', () => {
  it('decodes ISO_IR 192 (UTF-8), PS3.5 J.2', () => {
    const bytes = b('Wang^XiaoDong=', 0xe7, 0x8e, 0x8b, '^', 0xe5, 0xb0, 0x8f, 0xe6, 0x9d, 0xb1, '=');
    expect(decodeDicomText(bytes, 'ISO_IR 192', 'PN')).toBe('Wang^XiaoDong=王^小東=');
  });

  it('decodes GB18030, PS3.5 J.3', () => {
    const bytes = b('Wang^XiaoDong=', 0xcd, 0xf5, '^', 0xd0, 0xa1, 0xb6, 0xab, '=');
    expect(decodeDicomText(bytes, 'GB18030', 'PN')).toBe('Wang^XiaoDong=王^小东=');
  });

  it('decodes GBK', () => {
    expect(decodeDicomText(b(0xd5, 0xc5, '^', 0xd0, 0xa1, 0xb6, 0xab), 'GBK', 'PN')).toBe('张^小东');
  });

  it('does not split UTF-8 at byte values that look like delimiters', () => {
    expect(decodeDicomText(b(0xe2, 0x80, 0x94, 0xc3, 0x9e), 'ISO_IR 192', 'PN')).toBe('—Þ');
  });

  it('falls back to Latin-1 for invalid UTF-8', () => {
    expect(decodeDicomText(b('Buc^J', 0xe9, 'r', 0xf4, 'me'), 'ISO_IR 192', 'PN')).toBe('Buc^Jérôme');
  });

  it('falls back to the other declared set for invalid UTF-8', () => {
    expect(decodeDicomText(b(0xc4, 0xe9), 'ISO_IR 192\\ISO_IR 126')).toBe('Δι');
  });
});

describe('decodeDicomText: ISO 2022 code extensions', () => {
  it('decodes PS3.5 H.3.1 (\\ISO 2022 IR 87)', () => {
    const bytes = b(
      'Yamada^Tarou=',
      ...G0_JIS0208, ...YAMADA, ...G0_ASCII, '^', ...G0_JIS0208, ...TAROU, ...G0_ASCII, '=',
      ...G0_JIS0208, ...YAMADA_KANA, ...G0_ASCII, '^', ...G0_JIS0208, ...TAROU_KANA, ...G0_ASCII,
    );
    expect(decodeDicomText(bytes, '\\ISO 2022 IR 87', 'PN')).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
    // The same bytes spelled as text: ESC $ B ;3ED ESC ( B …
    expect(bytes.slice(13, 23)).toEqual(b(0x1b, '$B;3ED', 0x1b, '(B'));
  });

  it('decodes PS3.5 H.3.2 (ISO 2022 IR 13\\ISO 2022 IR 87)', () => {
    const bytes = b(
      0xd4, 0xcf, 0xc0, 0xde, '^', 0xc0, 0xdb, 0xb3, '=',
      ...G0_JIS0208, ...YAMADA, ...G0_ROMAJI, '^', ...G0_JIS0208, ...TAROU, ...G0_ROMAJI, '=',
      ...G0_JIS0208, ...YAMADA_KANA, ...G0_ROMAJI, '^', ...G0_JIS0208, ...TAROU_KANA, ...G0_ROMAJI,
    );
    expect(decodeDicomText(bytes, 'ISO 2022 IR 13\\ISO 2022 IR 87', 'PN')).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
  });

  it('decodes JIS X 0212 (ISO 2022 IR 159) mixed with JIS X 0208', () => {
    const bytes = b(
      'Mori^Ogai=', ...G0_JIS0208, 0x3f, 0x39, ...G0_ASCII, '^', ...G0_JIS0212, 0x6c, 0x3f,
      ...G0_JIS0208, 0x33, 0x30, ...G0_ASCII, '=', ...G0_JIS0208, 0x24, 0x62, 0x24, 0x6a, ...G0_ASCII,
    );
    expect(decodeDicomText(bytes, 'ISO 2022 IR 6\\ISO 2022 IR 87\\ISO 2022 IR 159', 'PN')).toBe('Mori^Ogai=森^鷗外=もり');
  });

  it('decodes Katakana designated with ESC ) I', () => {
    const bytes = b('==', ...G1_KATAKANA, 0xd4, 0xcf, 0xc0, 0xde, '^', ...G1_KATAKANA, 0xc0, 0xdb, 0xb3);
    expect(decodeDicomText(bytes, '\\ISO 2022 IR 13', 'PN')).toBe('==ﾔﾏﾀﾞ^ﾀﾛｳ');
  });

  it('decodes PS3.5 I.2 Korean (\\ISO 2022 IR 149)', () => {
    const bytes = b(
      'Hong^Gildong=', ...G1_KSX1001, 0xfb, 0xf3, '^', ...G1_KSX1001, 0xd1, 0xce, 0xd4, 0xd7, '=',
      ...G1_KSX1001, 0xc8, 0xab, '^', ...G1_KSX1001, 0xb1, 0xe6, 0xb5, 0xbf,
    );
    expect(decodeDicomText(bytes, '\\ISO 2022 IR 149', 'PN')).toBe('Hong^Gildong=洪^吉洞=홍^길동');
  });

  it('decodes Korean EUC-KR bytes that omit the escape sequences', () => {
    expect(decodeDicomText(b(0xc8, 0xab, '^', 0xb1, 0xe6, 0xb5, 0xbf), '\\ISO 2022 IR 149', 'PN')).toBe('홍^길동');
    expect(decodeDicomText(b(0xc8, 0xab, '^', 0xb1, 0xe6, 0xb5, 0xbf), 'ISO 2022 IR 149', 'PN')).toBe('홍^길동');
  });

  it('decodes PS3.5 K.2 Chinese (\\ISO 2022 IR 58)', () => {
    const bytes = b('Zhang^XiaoDong=', ...G1_GB2312, 0xd5, 0xc5, '^', ...G1_GB2312, 0xd0, 0xa1, 0xb6, 0xab, '=');
    expect(decodeDicomText(bytes, '\\ISO 2022 IR 58', 'PN')).toBe('Zhang^XiaoDong=张^小东=');
  });

  it('switches between 96-character sets (ISO 2022 IR 100\\ISO 2022 IR 126)', () => {
    const bytes = b('Buc', 0xe9, '=', ...G1_GREEK, 0xc4, ...G1_LATIN1, 0xe9);
    expect(decodeDicomText(bytes, 'ISO 2022 IR 100\\ISO 2022 IR 126', 'PN')).toBe('Bucé=Δé');
  });

  it('returns to the value 1 designations at PN delimiters', () => {
    // Greek designated but not undone before '^': the next component is Latin-1 again.
    const bytes = b(...G1_GREEK, 0xc4, '^', 0xc4, '=', ...G1_GREEK, 0xe9, '=', 0xe9);
    expect(decodeDicomText(bytes, 'ISO 2022 IR 100\\ISO 2022 IR 126', 'PN')).toBe('Δ^Ä=ι=é');
    // '^' is no delimiter outside PN.
    expect(decodeDicomText(bytes, 'ISO 2022 IR 100\\ISO 2022 IR 126', 'LO')).toBe('Δ^Δ=ι=ι');
  });

  it('returns to the value 1 designations at control characters and value delimiters', () => {
    const bytes = b(...G1_GREEK, 0xc4, '\\', 0xc4, ...G1_GREEK, 0xc4, '\r\n', 0xc4, ...G1_GREEK, 0xc4, '\t', 0xc4);
    expect(decodeDicomText(bytes, 'ISO 2022 IR 100\\ISO 2022 IR 126', 'LO')).toBe('Δ\\ÄΔ\r\nÄΔ\tÄ');
    // A backslash is text in ST, LT and UT: no reset there.
    expect(decodeDicomText(b(...G1_GREEK, 0xc4, '\\', 0xc4), 'ISO 2022 IR 100\\ISO 2022 IR 126', 'LT')).toBe('Δ\\Δ');
  });

  it('does not treat delimiter byte values inside JIS X 0208 as delimiters', () => {
    // ま is 0x24 0x5e: the 0x5e is not a '^' and must not reset G0 to ASCII.
    const bytes = b(...G0_JIS0208, 0x24, 0x5e, 0x24, 0x5e, ...G0_ASCII, '^');
    expect(decodeDicomText(bytes, '\\ISO 2022 IR 87', 'PN')).toBe('まま^');
  });

  it('keeps undeclared but known escape sequences working, and unknown ones as text', () => {
    expect(decodeDicomText(b(...G0_JIS0208, ...YAMADA, ...G0_ASCII), undefined, 'PN')).toBe('山田');
    expect(decodeDicomText(b('A', ESC, '%GB'), '\\ISO 2022 IR 87')).toBe('A\u001b%GB');
    expect(decodeDicomText(b('A', ESC), '\\ISO 2022 IR 87')).toBe('A\u001b');
  });
});

describe('decodeDicomText: leniency', () => {
  it('reads an unknown character set as the default repertoire', () => {
    expect(decodeDicomText(b('Buc^J', 0xe9, 'r', 0xf4, 'me'), 'ISO_IR 999', 'PN')).toBe('Buc^Jérôme');
    expect(decodeDicomText(b('Smith'), 'KLINGON', 'PN')).toBe('Smith');
  });

  it('falls back to Latin-1 for invalid multi-byte sequences', () => {
    expect(decodeDicomText(b(...G1_KSX1001, 0xc8, 'A'), '\\ISO 2022 IR 149')).toBe('ÈA');
    expect(decodeDicomText(b(0x81, 0x20), 'GB18030')).toBe('\u0081');
  });

  it('never throws on arbitrary bytes', () => {
    const all = Uint8Array.from({ length: 512 }, (_, i) => (i * 37 + 11) & 0xff);
    for (const cs of [undefined, 'ISO_IR 100', 'ISO_IR 127', 'ISO_IR 192', 'GB18030', '\\ISO 2022 IR 87', 'ISO 2022 IR 13\\ISO 2022 IR 87\\ISO 2022 IR 159', '\\ISO 2022 IR 149']) {
      for (const vr of [undefined, 'PN', 'LT']) expect(typeof decodeDicomText(all, cs, vr)).toBe('string');
    }
  });
});
