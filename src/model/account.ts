/** Account records (`accounts.jsonl`, optional): what the provider knows about each account. */
import { z } from 'zod';
import { IpSchema, TimestampSchema } from './interaction.js';

export const ACCOUNT_TIERS = ['free', 'education', 'startup', 'paid', 'enterprise', 'trial', 'internal', 'other'] as const;

export const AccountInputSchema = z.looseObject({
  account_id: z.union([z.string().min(1).max(512), z.number().finite()]).transform((v) => String(v)),
  created_at: TimestampSchema.nullish(),
  /** Free text is kept, lower-cased; the usual values are listed in ACCOUNT_TIERS. */
  tier: z
    .string()
    .max(64)
    .transform((v) => v.trim().toLowerCase())
    .nullish(),
  verified: z.boolean().nullish(),
  email_domain: z
    .string()
    .max(255)
    .transform((v) => v.trim().toLowerCase().replace(/^.*@/, ''))
    .nullish(),
  payment_fingerprint: z.string().max(512).nullish(),
  signup_ip: IpSchema.nullish(),
  country: z.string().max(64).nullish(),
  org_id: z.union([z.string().max(512), z.number()]).transform((v) => String(v)).nullish(),
});
export type AccountInput = z.output<typeof AccountInputSchema>;

export interface Account {
  account_id: string;
  /** Epoch milliseconds. */
  created_at: number | null;
  tier: string | null;
  verified: boolean | null;
  email_domain: string | null;
  payment_fingerprint: string | null;
  signup_ip: string | null;
  country: string | null;
  org_id: string | null;
}

export const ACCOUNT_COLUMNS: ReadonlyArray<readonly [keyof Account, string]> = [
  ['account_id', 'VARCHAR'],
  ['created_at', 'BIGINT'],
  ['tier', 'VARCHAR'],
  ['verified', 'BOOLEAN'],
  ['email_domain', 'VARCHAR'],
  ['payment_fingerprint', 'VARCHAR'],
  ['signup_ip', 'VARCHAR'],
  ['country', 'VARCHAR'],
  ['org_id', 'VARCHAR'],
];

export function toAccount(a: AccountInput): Account {
  return {
    account_id: a.account_id,
    created_at: a.created_at ?? null,
    tier: a.tier ?? null,
    verified: a.verified ?? null,
    email_domain: a.email_domain ?? null,
    payment_fingerprint: a.payment_fingerprint ?? null,
    signup_ip: a.signup_ip ?? null,
    country: a.country ?? null,
    org_id: a.org_id ?? null,
  };
}
