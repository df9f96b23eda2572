import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { customerRoutes } from './customers.ts';
import { orderRoutes } from './orders.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { usageRoutes } from './usage.ts';
import { catalogRoutes } from './catalog.ts';
import { billingRoutes } from './billing.ts';
import { invoiceRoutes } from './invoices.ts';
import { paymentRoutes } from './payments.ts';
import { meRoutes } from './me.ts';
import { customerSearchRoutes } from './customer-search.ts';
import { upcomingInvoiceRoutes } from './upcoming-invoice.ts';

export function apiV1(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    await api.register(meRoutes);
    await api.register(customerSearchRoutes(application));
    await api.register(customerRoutes(application));
    await api.register(orderRoutes(application));
    await api.register(subscriptionRoutes(application));
    await api.register(usageRoutes(application));
    await api.register(catalogRoutes(application));
    await api.register(billingRoutes(application));
    await api.register(invoiceRoutes(application));
    await api.register(upcomingInvoiceRoutes(application));
    await api.register(paymentRoutes(application));
  };
}
