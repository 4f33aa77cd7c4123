/** One problem in a rules file: which rule, which field, what is wrong. */
export interface RuleProblem {
  /** `rules[2] (id "bulk-export")`, or the file itself. */
  rule: string;
  /** Dotted path inside the rule, e.g. `when.all[0].regex`. */
  field: string;
  message: string;
}

/**
 * A rules file failed validation. `problems` lists every problem found (not only the first); `message`
 * prints them one per line, e.g. `rules[2] (id "bulk-export"): when.all[0].regex: pattern is not valid RE2: ...`.
 */
export class RuleValidationError extends Error {
  override readonly name = 'RuleValidationError';
  constructor(readonly sourceName: string, readonly problems: RuleProblem[]) {
    super(`${sourceName}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in custom rules:\n` +
      problems.map((p) => `  ${p.rule}: ${p.field ? p.field + ': ' : ''}${p.message}`).join('\n'));
  }
}
