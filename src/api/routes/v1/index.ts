// Every /api/v1 route module, registered under the prefix. Add new resources here.
import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { customerRoutes } from './customers.ts';
import { billingRoutes } from './billing.ts';
import { invoiceRoutes } from './invoices.ts';
import { paymentRoutes } from './payments.ts';

export function apiV1(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    await api.register(customerRoutes(application));
    await api.register(billingRoutes(application));
    await api.register(invoiceRoutes(application));
    await api.register(paymentRoutes(application));
  };
}
