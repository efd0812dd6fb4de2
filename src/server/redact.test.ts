/** Prompt redaction: what identifies people or grants access is masked, the wording an analyst needs is kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from './redact.js';

test('redact: e-mail, URL, IP, key-like strings and long numbers are masked; the wrapper text is kept', () => {
  const cases: Array<[string, string]> = [
    ['mail jane.doe+x@corp.example.com now', 'mail [email] now'],
    ['see https://internal.example.com/a?b=1 and ftp://x.org/f', 'see [url] and [url]'],
    ['from 203.0.113.7 and 2001:db8::1:2:3', 'from [ip] and [ip]'],
    ['key sk-ant-api03-AbCdEfGhIjKlMnOp please', 'key [secret] please'],
    ['token ZXhhbXBsZXNlY3JldHRva2VudGhhdGlzbG9uZw== end', 'token [secret] end'],
    ['call +1 (415) 555-0100 or card 4111 1111 1111 1111', 'call [number] or card [number]'],
    ['Think step by step. Grade the answer 1-10 against the rubric.', 'Think step by step. Grade the answer 1-10 against the rubric.'],
    ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
  ];
  for (const [input, want] of cases) assert.equal(redact(input), want, input);
});
