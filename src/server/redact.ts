/**
 * Redaction of prompt text shown on the account page (the default; an analyst may reveal the text, which is
 * audited). Masks what identifies people or grants access — e-mail addresses, URLs, IP addresses, card-like and
 * phone-like digit runs, key-like tokens — and keeps the wording, which is what an analyst needs to see
 * (wrappers, "think step by step", rubrics). Plain text in, plain text out: the web app renders it as text.
 */

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, '[email]'],
  [/\b(?:https?|ftp):\/\/[^\s<>"']+/gi, '[url]'],
  [/\b(?:sk|pk|rk|ak|key|tok|ghp|gho|xox[abp])[-_][A-Za-z0-9_-]{12,}\b/g, '[secret]'],
  [/\b[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9])/g, '[secret]'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '[ip]'],
  [/\b(?:[0-9a-fA-F]{1,4}:){4,7}[0-9a-fA-F]{1,4}\b/g, '[ip]'],
  [/\b(?:[0-9a-fA-F]{1,4}:)+:(?:[0-9a-fA-F]{1,4}:)*[0-9a-fA-F]{1,4}\b/g, '[ip]'],
  [/\+?\d[\d ().-]{7,}\d/g, '[number]'],
];

export function redact(text: string): string {
  let s = text;
  for (const [re, rep] of RULES) s = s.replace(re, rep);
  return s;
}
