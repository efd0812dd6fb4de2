/**
 * Traffic Light Protocol 2.0 markings as STIX 2.1 marking definitions: the objects OASIS publishes
 * (cti-stix-common-objects, extension-definition-specifications/tlp-2.0), with their fixed ids, so every tool
 * recognises them. The TLP 2.0 extension is well known and is not repeated in bundles.
 */

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

const IDS: Record<TlpLevel, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

export function isTlpLevel(s: string): s is TlpLevel {
  return (TLP_LEVELS as readonly string[]).includes(s);
}

/** The marking-definition object of a TLP 2.0 level. */
export function tlpMarking(level: TlpLevel): Record<string, unknown> {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: IDS[level],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}

/** The TLP level of a marking-definition id, if it is one of the TLP 2.0 markings. */
export function tlpOfId(id: string): TlpLevel | undefined {
  return TLP_LEVELS.find((l) => IDS[l] === id);
}
