import { stringify } from 'csv-stringify/sync';
import { prng } from '../factories/seeded-random';
import { csvField } from '../../src/exports/donation-columns';
import { neutraliseCell } from '../../src/exports/csv-cells';


const ALPHABET = ['a', 'Z', '0', ' ', ',', '"', '\r', '\n', '\t', '=', '+', '-', '@', "'", ';', 'é', 'ñ', '€', '😀', '\\'];

describe('the export\'s CSV encoding', () => {
  // csv-stringify quotes a field holding the whole record delimiter (CRLF) but not a lone CR or
  // LF, which spreadsheets then read as a line break; told to quote those too, it must agree.
  it('writes the same bytes as csv-stringify quoting every CR and LF, for hostile and random text', () => {
    const random = prng(6);
    const samples = ['', 'plain', '=HYPERLINK("http://x","y")', 'Pérez, "Jr"', 'a\r\nb', '"', ',', '\n', 'ends with "'];
    for (let i = 0; i < 5000; i += 1) {
      samples.push(Array.from({ length: Math.floor(random() * 12) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join(''));
    }
    for (let i = 0; i + 3 <= samples.length; i += 3) {
      const record = samples.slice(i, i + 3) as string[];
      expect(`${record.map(csvField).join(',')}\r\n`).toBe(stringify([record], { record_delimiter: 'windows', quoted_match: /[\r\n]/ }));
    }
  });

  it('neutralises text that a spreadsheet would run as a formula, and nothing else', () => {
    expect(['=1+1', '+1', '-2', '@x', '\tx', '\rx'].map(neutraliseCell)).toEqual(["'=1+1", "'+1", "'-2", "'@x", "'\tx", "'\rx"]);
    expect(['', 'Ana', ' =1', "'=1", 'a=b', '1-2', 'é'].map(neutraliseCell)).toEqual(['', 'Ana', ' =1', "'=1", 'a=b', '1-2', 'é']);
  });
});
