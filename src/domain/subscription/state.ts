/** ACTIVE <-> SUSPENDED; both -> CANCELLED (final). */
export type SubscriptionStatus = 'ACTIVE' | 'SUSPENDED' | 'CANCELLED';

/** [from, to); to = null while it lasts. */
export type ActivePeriod = { from: string; to: string | null };

export type Subscription = {
  subscriptionId: string;
  customerId: string;
  orderId: string;
  planId: string;
  status: SubscriptionStatus;
  activatedAt: string;
  cancelledAt: string | null;
  /** Rating and pro-rating look at past activity, not only the current status. */
  activePeriods: ActivePeriod[];
  updatedAt: string;
};

export type SubscriptionState = Subscription | null;

export const initialState: SubscriptionState = null;
