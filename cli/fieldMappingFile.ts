import { FieldMappingError, parseFieldMapping, type FieldMapping } from '../shared/normalize/fieldMapping.ts';
import { CliError } from './cliError.ts';
import { readFlagFile } from './checkPaths.ts';

/**
 * `--field-mapping FILE`: a JSON object like `{"ip":"sourceIp","resourcePath":"routeKey"}`, validated by
 * the same schema `cdk synth` applies to the config's `fieldMapping` and with its messages (a wrong key is
 * named as `fieldMapping.<key>`), through the function the Lambda uses for APISCOPE_FIELD_MAPPING.
 */
export function readFieldMappingFile(flag: string, file: string): FieldMapping {
  const text = readFlagFile(flag, file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${flag} ${file}: not valid JSON (${(e as Error).message}); write an object like {"ip":"sourceIp"}`);
  }
  try {
    return parseFieldMapping(json);
  } catch (e) {
    if (e instanceof FieldMappingError) throw new CliError(`${flag} ${file}: ${e.message}`);
    throw e;
  }
}
