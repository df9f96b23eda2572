import type { Catalog } from '../catalog/plan.ts';
import type { SubscriptionState } from '../subscription/state.ts';

export type UsageContext = { subscription: SubscriptionState; catalog: Catalog };
