import type { UsageRatedData, UsageRejectedData } from './events.ts';

// One record, keyed by recordId: besides rating it remembers that the record was seen, so a repeat is ignored.
export type UsageRecord = ({ status: 'RATED' } & UsageRatedData) | ({ status: 'REJECTED' } & UsageRejectedData);

export type UsageState = UsageRecord | null;

export const initialState: UsageState = null;
