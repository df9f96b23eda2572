// Exact (BigInt) and rounded once per record, half up; invoices add these amounts without re-rounding.

import type { Tariffs } from '../catalog/plan.ts';
import { assertNever } from '../event.ts';
import type { Money } from '../money.ts';
import { mulDivRoundHalfUp } from '../rounding.ts';
import type { UsageType } from './usage-type.ts';

export const TARIFF_UNITS = { voice: 'minute', sms: 'message', data: 'megabyte' } as const;
export type TariffUnit = (typeof TARIFF_UNITS)[UsageType];

export type Rating = { tariff: Money; tariffUnit: TariffUnit; amount: Money };

export function rate(usageType: UsageType, quantity: number, tariffs: Tariffs): Rating {
  switch (usageType) {
    case 'voice':
      return priced(tariffs.voicePerMinute, 'minute', quantity, 60);
    case 'sms':
      return priced(tariffs.smsPerMessage, 'message', quantity, 1);
    case 'data':
      return priced(tariffs.dataPerMb, 'megabyte', quantity, 1024);
    default:
      return assertNever(usageType);
  }
}

function priced(tariff: Money, tariffUnit: TariffUnit, quantity: number, unitsPerTariffUnit: number): Rating {
  const amount = mulDivRoundHalfUp(tariff.amount, quantity, unitsPerTariffUnit);
  return { tariff, tariffUnit, amount: { amount, currency: tariff.currency } };
}
