import { z } from 'zod';
import { SEVERITIES } from '../api/filters.ts';

/**
 * The alert-topic messages the ticket function consumes. `defect` is the existing defect alert
 * (shared/emit/renderAlert.ts of shared/check/buildAlert.ts): kind, severity, dedupKey `<defectId>#<generation>`,
 * defectId, where, ... . `defect_resolved` is sent by the pipeline when a defect resolves (message attribute
 * `kind=defect_resolved`), shaped:
 *
 * ```json
 * {"kind": "defect_resolved", "severity": "high", "dedupKey": "<defectId>#<generation>#resolved",
 *  "time": "<ISO>", "defectId": "...", "defectType": "...", "what": "...", "generation": 1,
 *  "where": {"domain": "...", "method": "GET", "template": "/v1/files/{id}"}, "lastSeen": "<ISO>"}
 * ```
 */
const severity = z.enum(SEVERITIES);
const defectId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_:.-]{0,127}$/);

export const defectAlertSchema = z.looseObject({ kind: z.literal('defect'), severity, dedupKey: z.string().max(300), defectId });
export const defectResolvedSchema = z.looseObject({ kind: z.literal('defect_resolved'), severity, defectId, lastSeen: z.string().max(40).default(''), generation: z.number().int().min(1).optional() });

export const notificationSchema = z.discriminatedUnion('kind', [defectAlertSchema, defectResolvedSchema]);
export type Notification = z.output<typeof notificationSchema>;
