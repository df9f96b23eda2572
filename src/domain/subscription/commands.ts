// Activation is not a command here: a subscription is born from a completed
// order (order/decide emits subscription.activated).

export type SuspendSubscription = { type: 'SuspendSubscription'; subscriptionId: string; reason?: string; at: string };
export type ResumeSubscription = { type: 'ResumeSubscription'; subscriptionId: string; at: string };
export type CancelSubscription = { type: 'CancelSubscription'; subscriptionId: string; reason?: string; at: string };

export type SubscriptionCommand = SuspendSubscription | ResumeSubscription | CancelSubscription;
