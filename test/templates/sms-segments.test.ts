import { describe, expect, it } from 'vitest';
import { smsSegments } from '../../src/templates/sms-segments.js';

const gsm = (n: number) => 'a'.repeat(n);
const ucs = (n: number) => 'ж'.repeat(n);
const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASIC_TABLE = `@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà${LETTERS_AND_DIGITS}`;
const EMOJI = '😀'; // U+1F600: a surrogate pair, 2 UTF-16 units

describe('smsSegments', () => {
  it.each([
    ['empty text (sent as one segment)', '', 'GSM-7', 0, 1],
    ['one GSM char', 'a', 'GSM-7', 1, 1],
    ['160 GSM chars', gsm(160), 'GSM-7', 160, 1],
    ['161 GSM chars', gsm(161), 'GSM-7', 161, 2],
    ['153 * 2 GSM chars', gsm(306), 'GSM-7', 306, 2],
    ['153 * 2 + 1 GSM chars', gsm(307), 'GSM-7', 307, 3],
    ['the whole basic table (127 chars, ESC aside)', BASIC_TABLE, 'GSM-7', 127, 1],
    ['extension chars count 2 septets', '^{}\\[~]|€\f', 'GSM-7', 20, 1],
    ['€ stays GSM-7 but counts 2', `${gsm(158)}€`, 'GSM-7', 160, 1],
    ['€ pushes 159 chars over one segment', `${gsm(159)}€`, 'GSM-7', 161, 2],
    ['80 extension chars fill one segment', '['.repeat(80), 'GSM-7', 160, 1],
    ['an escape pair is not split: 152 + € moves € to segment 2', `${gsm(152)}€${gsm(153)}`, 'GSM-7', 307, 3],
    ['ç (lowercase) is not GSM-7', 'ça', 'UCS-2', 2, 1],
    ['curly apostrophe forces UCS-2', 'don’t', 'UCS-2', 5, 1],
    ['one emoji forces UCS-2', `${gsm(10)}${EMOJI}`, 'UCS-2', 12, 1],
    ['70 UCS-2 units', ucs(70), 'UCS-2', 70, 1],
    ['71 UCS-2 units', ucs(71), 'UCS-2', 71, 2],
    ['134 UCS-2 units', ucs(134), 'UCS-2', 134, 2],
    ['135 UCS-2 units', ucs(135), 'UCS-2', 135, 3],
    ['a surrogate pair counts 2 units', EMOJI.repeat(35), 'UCS-2', 70, 1],
    ['one more surrogate pair needs a second segment', `${EMOJI.repeat(35)}a`, 'UCS-2', 71, 2],
    ['a surrogate pair is not split: 66 + emoji moves it to segment 2', `${ucs(66)}${EMOJI}${ucs(66)}`, 'UCS-2', 134, 3],
    ['a lone surrogate is UCS-2, 1 unit', '\ud83d', 'UCS-2', 1, 1],
    ['Korean', '인증번호는 [123456]입니다.', 'UCS-2', 18, 1],
  ] as const)('%s', (_name, text, encoding, units, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, units, segments });
  });

  it('does not treat ESC as a character of the alphabet', () => {
    expect(smsSegments('\u001b').encoding).toBe('UCS-2');
  });
});
