import type { Severity } from '../emit/rows.ts';

/** A value a condition compares with. */
export type Scalar = string | number | boolean | null;

/** One key-value test on a field of the event (or of the endpoint). Exactly one operator is set. */
export interface FieldCondition {
  field: string;
  equals?: Scalar;
  in?: Scalar[];
  prefix?: string;
  contains?: string;
  /** RE2 syntax (linear time): no backreferences or lookaround. Matches anywhere; anchor with ^ and $. */
  regex?: string;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  /** true: field present and not null; false: absent or null. */
  exists?: boolean;
  /** Case-insensitive equals / in / prefix / contains / regex. */
  ignoreCase?: boolean;
}

export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/** Fire when at least `count` matching events fall within `within` (e.g. `10m`), optionally per value of `groupBy`. */
export interface Threshold {
  count: number;
  within: string;
  groupBy?: string;
}

/** A custom defect rule as written in the rules file (YAML or JSON). */
export interface CustomRule {
  id: string;
  title: string;
  severity: Severity;
  /** OWASP API Top 10 (2023) item, e.g. `API4:2023`; `custom` when none applies. */
  owasp: string;
  fix: string;
  description?: string;
  when: Condition;
  threshold?: Threshold;
  enabled?: boolean;
}
