import type { TicketSystem } from '../../triage/model.ts';
import type { Connector } from '../connector.ts';
import { GITHUB } from './github.ts';
import { JIRA } from './jira.ts';
import { TAPD } from './tapd.ts';
import { WEBHOOK } from './webhook.ts';

export const CONNECTORS: Record<TicketSystem, Connector<any>> = { jira: JIRA, tapd: TAPD, github: GITHUB, webhook: WEBHOOK };
