/**
 * Example prompts in reports and (on request) in exported bundles: truncated and, by default, redacted, since a
 * report travels to people who must not see customers' e-mail addresses, credentials, account or card numbers, or
 * the URLs of their systems. Redaction is a best effort on the common shapes; truncation bounds what slips through.
 */

export interface PromptOptions {
  /** Characters kept (the rest is cut with an ellipsis). */
  maxChars: number;
  /** Replace e-mail addresses, keys and tokens, long digit runs and URLs. */
  redact: boolean;
}

export const DEFAULT_PROMPT_OPTIONS: PromptOptions = { maxChars: 300, redact: true };

const RULES: Array<[RegExp, string]> = [
  // URLs first (they may hold e-mail-like user info and long digit runs)
  [/\b(?:https?|ftp|wss?):\/\/[^\s<>"'`)\]]+/gi, '[url]'],
  [/\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>"'`)\]]*/gi, '[url]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  // API keys, bearer tokens and other long secrets: known prefixes, then long mixed alphanumeric runs
  [/\b(?:sk|pk|rk|ak|api|key|token|ghp|gho|xox[abpr]|AKIA|AIza)[-_][A-Za-z0-9_-]{8,}/g, '[key]'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '[key]'],
  [/\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/g, 'Bearer [key]'],
  [/\b(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b/g, '[key]'],
  // six or more digits, possibly grouped by spaces or dashes (card, phone, account numbers)
  [/\d(?:[ -]?\d){5,}/g, '[number]'],
];

export function redactText(s: string): string {
  let out = s;
  for (const [re, rep] of RULES) out = out.replace(re, rep);
  return out;
}

/** A prompt as shown in a report: redacted (unless turned off), whitespace runs kept, cut to maxChars. */
export function examplePrompt(s: string, o: PromptOptions = DEFAULT_PROMPT_OPTIONS): string {
  const text = o.redact ? redactText(s) : s;
  const chars = [...text];
  return chars.length > o.maxChars ? chars.slice(0, Math.max(0, o.maxChars)).join('').trimEnd() + ' …' : text;
}
