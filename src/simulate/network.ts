/**
 * Network and client vocabulary: autonomous systems (consumer, mobile, hosting, campus), IP generation inside
 * them, countries with time zones, SDK user agents and e-mail domains. Prefixes are plausible, not authoritative.
 */
import type { Rng } from './rng.js';

export interface Asn {
  asn: number;
  country: string;
  /** First two octets of the IPv4 ranges handed out. */
  prefixes: ReadonlyArray<readonly [number, number]>;
  kind: 'consumer' | 'mobile' | 'hosting' | 'campus' | 'business';
}

export const ASNS: readonly Asn[] = [
  { asn: 7922, country: 'US', prefixes: [[73, 12], [24, 60], [98, 207]], kind: 'consumer' },
  { asn: 20115, country: 'US', prefixes: [[71, 83], [97, 93]], kind: 'consumer' },
  { asn: 7018, country: 'US', prefixes: [[99, 36], [108, 220]], kind: 'consumer' },
  { asn: 701, country: 'US', prefixes: [[108, 28], [71, 175]], kind: 'consumer' },
  { asn: 22773, country: 'US', prefixes: [[68, 4], [70, 178]], kind: 'consumer' },
  { asn: 21928, country: 'US', prefixes: [[172, 56], [172, 58]], kind: 'mobile' },
  { asn: 3320, country: 'DE', prefixes: [[79, 192], [87, 160]], kind: 'consumer' },
  { asn: 3209, country: 'DE', prefixes: [[88, 64], [94, 134]], kind: 'consumer' },
  { asn: 2856, country: 'GB', prefixes: [[81, 129], [86, 150]], kind: 'consumer' },
  { asn: 5089, country: 'GB', prefixes: [[82, 12], [86, 0]], kind: 'consumer' },
  { asn: 3215, country: 'FR', prefixes: [[90, 12], [86, 242]], kind: 'consumer' },
  { asn: 12322, country: 'FR', prefixes: [[82, 64], [88, 120]], kind: 'consumer' },
  { asn: 3352, country: 'ES', prefixes: [[80, 24], [83, 45]], kind: 'consumer' },
  { asn: 3269, country: 'IT', prefixes: [[79, 12], [93, 36]], kind: 'consumer' },
  { asn: 1136, country: 'NL', prefixes: [[77, 160], [84, 80]], kind: 'consumer' },
  { asn: 5617, country: 'PL', prefixes: [[83, 24], [89, 64]], kind: 'consumer' },
  { asn: 12389, country: 'RU', prefixes: [[95, 24], [178, 64]], kind: 'consumer' },
  { asn: 9155, country: 'TR', prefixes: [[78, 160], [88, 230]], kind: 'consumer' },
  { asn: 4134, country: 'CN', prefixes: [[113, 64], [183, 14]], kind: 'consumer' },
  { asn: 4837, country: 'CN', prefixes: [[123, 112], [112, 224]], kind: 'consumer' },
  { asn: 9808, country: 'CN', prefixes: [[117, 136], [223, 104]], kind: 'mobile' },
  { asn: 4766, country: 'KR', prefixes: [[121, 128], [175, 192]], kind: 'consumer' },
  { asn: 2516, country: 'JP', prefixes: [[106, 128], [111, 86]], kind: 'consumer' },
  { asn: 4713, country: 'JP', prefixes: [[114, 150], [153, 200]], kind: 'consumer' },
  { asn: 55836, country: 'IN', prefixes: [[49, 36], [157, 32]], kind: 'mobile' },
  { asn: 9498, country: 'IN', prefixes: [[122, 161], [182, 64]], kind: 'consumer' },
  { asn: 28573, country: 'BR', prefixes: [[177, 8], [179, 100]], kind: 'consumer' },
  { asn: 27699, country: 'BR', prefixes: [[187, 56], [189, 100]], kind: 'consumer' },
  { asn: 8151, country: 'MX', prefixes: [[187, 188], [189, 216]], kind: 'consumer' },
  { asn: 7552, country: 'VN', prefixes: [[113, 160], [171, 224]], kind: 'consumer' },
  { asn: 7713, country: 'ID', prefixes: [[36, 64], [180, 244]], kind: 'consumer' },
  { asn: 8452, country: 'EG', prefixes: [[41, 32], [156, 196]], kind: 'consumer' },
  { asn: 25019, country: 'SA', prefixes: [[93, 168], [188, 48]], kind: 'consumer' },
  { asn: 6327, country: 'CA', prefixes: [[24, 64], [70, 64]], kind: 'consumer' },
  { asn: 1221, country: 'AU', prefixes: [[101, 160], [120, 144]], kind: 'consumer' },
  { asn: 16509, country: 'US', prefixes: [[3, 80], [52, 14], [54, 160]], kind: 'hosting' },
  { asn: 15169, country: 'US', prefixes: [[34, 82], [35, 190]], kind: 'hosting' },
  { asn: 8075, country: 'US', prefixes: [[20, 42], [52, 170]], kind: 'hosting' },
  { asn: 14061, country: 'US', prefixes: [[134, 209], [164, 90]], kind: 'hosting' },
  { asn: 24940, country: 'DE', prefixes: [[88, 198], [95, 216]], kind: 'hosting' },
  { asn: 16276, country: 'FR', prefixes: [[51, 75], [141, 94]], kind: 'hosting' },
  { asn: 45102, country: 'SG', prefixes: [[47, 74], [8, 219]], kind: 'hosting' },
  { asn: 132203, country: 'HK', prefixes: [[43, 135], [119, 28]], kind: 'hosting' },
  { asn: 20473, country: 'JP', prefixes: [[45, 76], [149, 28]], kind: 'hosting' },
  { asn: 63949, country: 'US', prefixes: [[172, 104], [45, 79]], kind: 'hosting' },
  { asn: 3, country: 'US', prefixes: [[18, 7]], kind: 'campus' },
  { asn: 25, country: 'US', prefixes: [[128, 32]], kind: 'campus' },
  { asn: 59, country: 'US', prefixes: [[128, 104]], kind: 'campus' },
  { asn: 786, country: 'GB', prefixes: [[131, 111], [192, 76]], kind: 'campus' },
  { asn: 680, country: 'DE', prefixes: [[141, 20], [129, 69]], kind: 'campus' },
  { asn: 2200, country: 'FR', prefixes: [[193, 48], [194, 199]], kind: 'campus' },
  { asn: 4538, country: 'CN', prefixes: [[166, 111], [202, 112]], kind: 'campus' },
  { asn: 7377, country: 'US', prefixes: [[132, 239]], kind: 'campus' },
  { asn: 174, country: 'US', prefixes: [[38, 104], [66, 28]], kind: 'business' },
  { asn: 3356, country: 'US', prefixes: [[4, 14], [8, 40]], kind: 'business' },
  { asn: 1299, country: 'SE', prefixes: [[62, 115], [80, 239]], kind: 'business' },
  { asn: 6453, country: 'GB', prefixes: [[63, 243], [80, 231]], kind: 'business' },
];

export function asnsOf(kind: Asn['kind'], country?: string): Asn[] {
  const all = ASNS.filter((a) => a.kind === kind);
  if (!country) return all;
  const local = all.filter((a) => a.country === country);
  return local.length > 0 ? local : all;
}

/** An IPv4 address inside one of the ASN's prefixes. */
export function ipIn(asn: Asn, rng: Rng): string {
  const p = rng.pick(asn.prefixes);
  return `${p[0]}.${p[1]}.${rng.int(256)}.${1 + rng.int(254)}`;
}

/** A /24 inside the ASN (first three octets), for addresses that share a subnet. */
export function subnetIn(asn: Asn, rng: Rng): string {
  const p = rng.pick(asn.prefixes);
  return `${p[0]}.${p[1]}.${rng.int(256)}`;
}

/** An IPv6 address in a provider-looking /32 (some consumer and mobile traffic is v6). */
export function ipv6For(asn: Asn, rng: Rng): string {
  const h = (n: number) => n.toString(16);
  return `2${h(0x400 + (asn.asn % 0x3ff))}:${h(asn.asn & 0xffff)}:${h(rng.int(65536))}:${h(rng.int(65536))}::${h(1 + rng.int(65535))}`;
}

/** Countries: weight among ordinary users, UTC offset (hours), main language. */
export const COUNTRIES: ReadonlyArray<readonly [string, number, number, string]> = [
  ['US', 30, -6, 'en'],
  ['CA', 3, -5, 'en'],
  ['GB', 6, 0, 'en'],
  ['AU', 2, 10, 'en'],
  ['DE', 5, 1, 'de'],
  ['FR', 4, 1, 'fr'],
  ['ES', 3, 1, 'es'],
  ['IT', 2.5, 1, 'it'],
  ['NL', 1.5, 1, 'nl'],
  ['PL', 1.5, 1, 'pl'],
  ['RU', 2, 3, 'ru'],
  ['TR', 1.5, 3, 'tr'],
  ['IN', 8, 5.5, 'en'],
  ['CN', 3, 8, 'zh'],
  ['JP', 3, 9, 'ja'],
  ['KR', 3, 9, 'ko'],
  ['VN', 1.5, 7, 'vi'],
  ['ID', 2, 7, 'id'],
  ['BR', 5, -3, 'pt'],
  ['MX', 2.5, -6, 'es'],
  ['EG', 1, 2, 'ar'],
  ['SA', 1, 3, 'ar'],
];

/** SDK and tool user agents; {v} is replaced by a version. */
export const USER_AGENTS: ReadonlyArray<readonly [string, number]> = [
  ['anthropic-python/0.{v}.0', 28],
  ['Anthropic/Python 0.{v}.1', 10],
  ['anthropic-typescript/0.{v}.0', 12],
  ['OpenAI/Python 1.{v}.0', 18],
  ['OpenAI/JS 4.{v}.2', 8],
  ['python-httpx/0.2{v1}.0', 6],
  ['python-requests/2.3{v1}.3', 5],
  ['Go-http-client/1.1', 3],
  ['curl/8.{v1}.1', 2],
  ['langchain-anthropic/0.3.{v1}', 4],
  ['litellm/1.{v}.3', 4],
];

export function userAgent(template: string, rng: Rng): string {
  return template.replace('{v}', String(40 + rng.int(35))).replace('{v1}', String(rng.int(9)));
}

/** Coding-agent CLI user agent (the look-alike group and some attackers that impersonate it). */
export function agentUserAgent(rng: Rng): string {
  return `claude-cli/2.0.${rng.range(10, 40)} (external, cli)`;
}

export const COMMON_EMAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'hotmail.com', 'proton.me', 'qq.com', '163.com', 'yandex.ru', 'naver.com', 'gmx.de', 'mail.ru'];
export const DISPOSABLE_EMAIL = ['mailinator.com', 'guerrillamail.com', '10minutemail.com', 'yopmail.com', 'sharklasers.com', 'tempmail.dev', 'maildrop.cc', 'dispostable.com', 'trashmail.com', 'getnada.com', 'mail.tm', 'emailondeck.com'];
export const UNIVERSITY_DOMAINS = ['mit.edu', 'berkeley.edu', 'wisc.edu', 'ox.ac.uk', 'tum.de', 'ens.fr', 'tsinghua.edu.cn', 'ucsd.edu', 'utoronto.ca', 'unimelb.edu.au', 'kaist.ac.kr', 'iitb.ac.in'];
const COMPANY_A = ['north', 'blue', 'bright', 'iron', 'cloud', 'data', 'quant', 'green', 'silver', 'rapid', 'clear', 'nova', 'vertex', 'harbor', 'summit'];
const COMPANY_B = ['labs', 'works', 'systems', 'soft', 'analytics', 'health', 'logistics', 'bank', 'media', 'ai', 'tech', 'retail', 'energy', 'capital'];

/** A company e-mail domain. */
export function companyDomain(rng: Rng): string {
  return `${rng.pick(COMPANY_A)}${rng.pick(COMPANY_B)}${rng.chance(0.3) ? rng.range(1, 99) : ''}.${rng.pick(['com', 'io', 'co', 'de', 'net', 'ai'])}`;
}
