// Every event's data carries `customerId` (the log's partition key) and `at` (ISO time of the fact).

export type DomainEventOf<Type extends string, Data extends { customerId: string; at: string }> = {
  type: Type;
  data: Data;
};

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
