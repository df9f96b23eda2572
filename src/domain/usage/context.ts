import type { Catalog } from '../catalog/plan.ts';
import type { SubscriptionState } from '../subscription/state.ts';

/** Rating needs the subscription (history of activity, plan) and the catalog (tariffs). */
export type UsageContext = { subscription: SubscriptionState; catalog: Catalog };
