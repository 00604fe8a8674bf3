import { memoryAlertOutbox } from '#commons/alerts/memory-alert-outbox';
import { describeAlertOutboxContract } from './support/outbox-contract.ts';

describeAlertOutboxContract('in memory', async () => memoryAlertOutbox());
