// Activation is not a command: a completed order emits subscription.activated.

export type SuspendSubscription = { type: 'SuspendSubscription'; subscriptionId: string; reason?: string; at: string };
export type ResumeSubscription = { type: 'ResumeSubscription'; subscriptionId: string; at: string };
export type CancelSubscription = { type: 'CancelSubscription'; subscriptionId: string; reason?: string; at: string };

export type SubscriptionCommand = SuspendSubscription | ResumeSubscription | CancelSubscription;
