// The application's use cases, built over a command bus and the database: what the API and CLI call.
import type { Db } from '../store/db.ts';
import type { CommandBus } from './commands/command-bus.ts';
import { customerCommands, type CustomerCommands } from './commands/customers.ts';
import type { Clock } from './clock.ts';

export interface Application {
  readonly db: Db;
  readonly bus: CommandBus;
  readonly clock: Clock;
  readonly customers: CustomerCommands;
}

export function createApplication(db: Db, bus: CommandBus, clock: Clock): Application {
  return { db, bus, clock, customers: customerCommands(bus, clock) };
}
