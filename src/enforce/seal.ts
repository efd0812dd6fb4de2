/**
 * Sealed thinking: how degrade withholds Anthropic thinking without breaking tool-use conversations.
 *
 * The Messages API requires the thinking blocks of an assistant turn to come back complete and unmodified
 * (their `signature` covers the text) while a tool-use loop continues, and it rejects edited blocks. So the
 * gateway does what the API itself does for redacted thinking: it replaces each `thinking` block with a
 * `redacted_thinking` block whose opaque `data` is the original block (text + signature) encrypted with a
 * gateway key (AES-256-GCM, bound to the account id). The caller cannot read it; when the caller passes it back
 * in its next request, the gateway opens it and forwards the original signed block, so upstream sees exactly
 * the conversation it produced. All replicas must share the key (DISTILLGUARD_SEAL_KEY) for this to work
 * across them.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'dgseal1.';

export class Sealer {
  private readonly key: Buffer;

  /** `secret`: any string (hashed to a 256-bit key); a random key when omitted (one process only). */
  constructor(secret?: string) {
    this.key = secret === undefined || secret === '' ? randomBytes(32) : createHash('sha256').update(`distillguard-seal:${secret}`).digest();
  }

  /** Seals a thinking block's text and signature for one account. */
  seal(account: string, thinking: string, signature: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(account));
    const body = Buffer.concat([c.update(JSON.stringify({ t: thinking, s: signature }), 'utf8'), c.final()]);
    return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
  }

  /** Opens sealed data, or null when it is not ours, was tampered with, or belongs to another account. */
  open(account: string, data: string): { thinking: string; signature: string } | null {
    if (!data.startsWith(PREFIX)) return null;
    try {
      const raw = Buffer.from(data.slice(PREFIX.length), 'base64url');
      if (raw.length < 29) return null;
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      d.setAAD(Buffer.from(account));
      d.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
      const v = JSON.parse(plain) as { t?: unknown; s?: unknown };
      if (typeof v.t !== 'string' || typeof v.s !== 'string') return null;
      return { thinking: v.t, signature: v.s };
    } catch {
      return null;
    }
  }
}

/** Whether a request body may hold sealed blocks (cheap test on the raw bytes before walking messages). */
export function mayHoldSealed(raw: Buffer): boolean {
  return raw.includes(PREFIX);
}
