// Restoring a consumer group whose members run on another instance (distributed mode): the test joins a
// group on the service's live topic from its own Kafka client, standing for another instance. The page
// shows the member elsewhere, the restore is refused with the API's clear 409 (this instance cannot stop
// another's consumers), and once that member leaves, the same restore goes through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaEventLog } from '../../../src/log/kafka/kafka-event-log.ts';
import type { Subscription } from '../../../src/log/event-log.ts';
import { uniqueName } from '../../support/env.ts';
import { waitFor } from '../../support/wait.ts';
import { assertAccessible } from './browser.ts';
import { ADMIN_KEY, type Harness } from './harness.ts';

interface Groups {
  groups: { group: string; members: number; membersHere: number; partitions: { committed: number | null }[] }[];
}

export function groupElsewhereSuite(h: () => Harness): void {
  test('admin: Consumer groups — a group active on another instance: shown, restore refused clearly, then done', async () => {
    const { admin, newPage, signIn, kafka } = h();
    assert.ok(kafka, 'distributed mode');
    const group = uniqueName('console-elsewhere');
    const elsewhere = createKafkaEventLog({ brokers: kafka.brokers, clientId: group });
    let member: Subscription | undefined = await elsewhere.subscribe({
      group,
      topic: kafka.topic,
      onBatch: async () => {},
    });
    try {
      const listed = async () => (await admin<Groups>('GET', '/consumer-groups')).groups.find((g) => g.group === group);
      // Listed once it has committed (the seeded history gives it records to commit).
      await waitFor('the group committed and listed', async () => (await listed())?.members === 1);
      assert.equal((await listed())!.membersHere, 0, 'none of its members runs in the service');

      const page = await newPage();
      await signIn(page, 'api-key', ADMIN_KEY);
      await page.getByRole('link', { name: 'Consumer groups' }).click();
      const card = page.getByTestId(`group-${group}`);
      await card.getByTestId('group-members').getByText('1 member, 0 on this instance').waitFor();
      await card.getByTestId('group-elsewhere').getByText('Active on another instance').waitFor();

      await page.locator('#rs-group').selectOption(group);
      await page.locator('#rs-by').selectOption('earliest');
      await page.getByRole('button', { name: 'Plan restore (dry run)' }).click();
      const plan = page.getByTestId('restore-plan');
      await plan.getByText('Dry run').waitFor();
      await plan.getByTestId('group-elsewhere').waitFor();
      await assertAccessible(page, 'consumer groups, a group active elsewhere');
      page.once('dialog', (dialog) => void dialog.accept());
      await plan.getByRole('button', { name: `Restore ${group}` }).click();
      // The API waits up to 15 s for the members to leave, then refuses: the page shows its words.
      const refused = page.getByRole('alert').getByText(/active member\(s\) on other instances: stop their consumers/);
      await refused.waitFor({ timeout: 40_000 });
      assert.ok(
        (await listed())!.partitions.some((p) => (p.committed ?? 0) > 0),
        'the offsets did not move',
      );

      // The other instance stops its consumer: the same restore, planned again, is done.
      await member.close();
      member = undefined;
      await waitFor('the member left', async () => (await listed())?.members === 0);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await card.getByTestId('group-members').getByText('0 members, 0 on this instance').waitFor();
      assert.equal(await card.getByTestId('group-elsewhere').count(), 0);
      await page.locator('#rs-group').selectOption(group);
      await page.locator('#rs-by').selectOption('earliest');
      await page.getByRole('button', { name: 'Plan restore (dry run)' }).click();
      await plan.getByText('Dry run').waitFor();
      page.once('dialog', (dialog) => void dialog.accept());
      await plan.getByRole('button', { name: `Restore ${group}` }).click();
      await plan.getByText('Restored').waitFor({ timeout: 40_000 });
      const after = await listed();
      assert.ok(
        after!.partitions.every((p) => p.committed === 0),
        'every partition back at the earliest offset',
      );
    } finally {
      await member?.close();
      await elsewhere.close();
    }
  });
}
