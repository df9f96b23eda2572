/** ACTIVE <-> SUSPENDED; both -> CANCELLED (final). */
export type SubscriptionStatus = 'ACTIVE' | 'SUSPENDED' | 'CANCELLED';

/** A stretch of time during which the subscription was ACTIVE: [from, to), to = null while it lasts. */
export type ActivePeriod = { from: string; to: string | null };

export type Subscription = {
  subscriptionId: string;
  customerId: string;
  orderId: string;
  planId: string;
  status: SubscriptionStatus;
  activatedAt: string;
  cancelledAt: string | null;
  /**
   * The history of activity, kept in the state because usage rating ("was it
   * active when the call started?") and pro-rating ("how many days active in the
   * period?") look at the past, not only at the current status.
   */
  activePeriods: ActivePeriod[];
  updatedAt: string;
};

export type SubscriptionState = Subscription | null;

export const initialState: SubscriptionState = null;
