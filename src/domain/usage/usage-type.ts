export const USAGE_UNITS = {
  voice: 'second',
  sms: 'message',
  data: 'kilobyte', // 1 KB = 1024 bytes; 1 MB = 1024 KB
} as const;

export type UsageType = keyof typeof USAGE_UNITS;
export type UsageUnit = (typeof USAGE_UNITS)[UsageType];

export function isUsageType(value: unknown): value is UsageType {
  return typeof value === 'string' && Object.hasOwn(USAGE_UNITS, value);
}
