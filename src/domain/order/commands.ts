export type OrderItemInput = { planId: string };

export type PlaceOrder = {
  type: 'PlaceOrder';
  orderId: string;
  customerId: string;
  items: OrderItemInput[];
  at: string;
};
export type ApproveOrder = { type: 'ApproveOrder'; orderId: string; at: string };
export type RejectOrder = { type: 'RejectOrder'; orderId: string; reason: string; at: string };
/** `subscriptionIds[i]` is the id of the subscription activated for `items[i]`. */
export type CompleteOrder = { type: 'CompleteOrder'; orderId: string; subscriptionIds: string[]; at: string };
export type CancelOrder = { type: 'CancelOrder'; orderId: string; reason?: string; at: string };

export type OrderCommand = PlaceOrder | ApproveOrder | RejectOrder | CompleteOrder | CancelOrder;
