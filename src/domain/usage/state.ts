import type { UsageRatedData, UsageRejectedData } from './events.ts';

// The usage aggregate is ONE record, keyed by recordId: its only job besides
// rating is to remember that the record was seen, so a repeat is ignored.
export type UsageRecord = ({ status: 'RATED' } & UsageRatedData) | ({ status: 'REJECTED' } & UsageRejectedData);

export type UsageState = UsageRecord | null;

export const initialState: UsageState = null;
