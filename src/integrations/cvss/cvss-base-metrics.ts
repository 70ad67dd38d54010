// The base metrics of each supported CVSS version, in specification order, with the names the
// FIRST specifications use. ae-cvss-calculator does the parsing and scoring; this table exists
// because the library is too lax about base values (it accepts "X"/Not Defined, and a hidden
// "S" on CVSS 4.0 SC/SI/SA, both of which the specs forbid in a base metric) and some of its
// display names are ambiguous ("Confidentiality" for both VC and SC) or from an older version
// ("Adjacent Network" in 4.0). A unit test checks this table against the library's registry.

export type CvssVersion = '3.0' | '3.1' | '4.0';

export interface BaseMetricSpec {
  key: string;
  name: string;
  /** Allowed values in spec order, abbreviation → readable name. */
  values: ReadonlyArray<readonly [string, string]>;
}

const NLH: BaseMetricSpec['values'] = [
  ['N', 'None'],
  ['L', 'Low'],
  ['H', 'High'],
];
const HLN: BaseMetricSpec['values'] = [
  ['H', 'High'],
  ['L', 'Low'],
  ['N', 'None'],
];

// CVSS 3.0 and 3.1 share the base metric group (3.1 changed Roundup and environmental formulas only).
const BASE_3: readonly BaseMetricSpec[] = [
  {
    key: 'AV',
    name: 'Attack Vector',
    values: [
      ['N', 'Network'],
      ['A', 'Adjacent Network'],
      ['L', 'Local'],
      ['P', 'Physical'],
    ],
  },
  {
    key: 'AC',
    name: 'Attack Complexity',
    values: [
      ['L', 'Low'],
      ['H', 'High'],
    ],
  },
  { key: 'PR', name: 'Privileges Required', values: NLH },
  {
    key: 'UI',
    name: 'User Interaction',
    values: [
      ['N', 'None'],
      ['R', 'Required'],
    ],
  },
  {
    key: 'S',
    name: 'Scope',
    values: [
      ['U', 'Unchanged'],
      ['C', 'Changed'],
    ],
  },
  { key: 'C', name: 'Confidentiality Impact', values: HLN },
  { key: 'I', name: 'Integrity Impact', values: HLN },
  { key: 'A', name: 'Availability Impact', values: HLN },
];

const BASE_4: readonly BaseMetricSpec[] = [
  {
    key: 'AV',
    name: 'Attack Vector',
    values: [
      ['N', 'Network'],
      ['A', 'Adjacent'],
      ['L', 'Local'],
      ['P', 'Physical'],
    ],
  },
  {
    key: 'AC',
    name: 'Attack Complexity',
    values: [
      ['L', 'Low'],
      ['H', 'High'],
    ],
  },
  {
    key: 'AT',
    name: 'Attack Requirements',
    values: [
      ['N', 'None'],
      ['P', 'Present'],
    ],
  },
  { key: 'PR', name: 'Privileges Required', values: NLH },
  {
    key: 'UI',
    name: 'User Interaction',
    values: [
      ['N', 'None'],
      ['P', 'Passive'],
      ['A', 'Active'],
    ],
  },
  { key: 'VC', name: 'Vulnerable System Confidentiality Impact', values: HLN },
  { key: 'VI', name: 'Vulnerable System Integrity Impact', values: HLN },
  { key: 'VA', name: 'Vulnerable System Availability Impact', values: HLN },
  { key: 'SC', name: 'Subsequent System Confidentiality Impact', values: HLN },
  { key: 'SI', name: 'Subsequent System Integrity Impact', values: HLN },
  { key: 'SA', name: 'Subsequent System Availability Impact', values: HLN },
];

export const BASE_METRICS: Readonly<Record<CvssVersion, readonly BaseMetricSpec[]>> = {
  '3.0': BASE_3,
  '3.1': BASE_3,
  '4.0': BASE_4,
};
