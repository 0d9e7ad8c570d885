/**
 * A spreadsheet runs a cell that begins with = + - @ (and, in some, tab or carriage return)
 * as a formula, which turns a supporter's name into a link or a command (CSV injection).
 * Such a text cell gets a leading apostrophe, which spreadsheets show as plain text.
 * Only text cells pass through here: amounts such as -20.00 stay numbers.
 */
export function neutraliseCell(text: string): string {
  const first = text.charCodeAt(0);
  // = + - @ \t \r
  if (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13) return `'${text}`;
  return text;
}
