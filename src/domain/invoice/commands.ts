// Issuing is not a command: the bill run creates invoices from subscriptions, usage and the catalog.

export type MarkInvoiceOverdue = { type: 'MarkInvoiceOverdue'; invoiceId: string; at: string };

export type CancelInvoice = {
  type: 'CancelInvoice';
  invoiceId: string;
  creditNoteId: string;
  reason: string;
  at: string;
};

export type InvoiceCommand = MarkInvoiceOverdue | CancelInvoice;
