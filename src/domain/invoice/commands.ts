// Issuing is not a command of this aggregate: invoices are created by the bill
// run (billCustomer), which needs subscriptions, usage and the catalog.

export type MarkInvoiceOverdue = { type: 'MarkInvoiceOverdue'; invoiceId: string; at: string };

/** Cancels the invoice with a credit note for its whole total. */
export type CancelInvoice = {
  type: 'CancelInvoice';
  invoiceId: string;
  creditNoteId: string;
  reason: string;
  at: string;
};

export type InvoiceCommand = MarkInvoiceOverdue | CancelInvoice;
