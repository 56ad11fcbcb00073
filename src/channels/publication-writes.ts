/**
 * The group-commit writer of publications on channels with history (issue 10):
 * publications queued on any number of channels share one transaction; each
 * channel's run takes its offsets with one upsert and is inserted with multi-row
 * statements (HistoryRepo.append). Offsets follow submission order per channel, and
 * the publisher broadcasts each publication only after the transaction committed.
 */
import { type BatchSpec, outcome } from '../store/batch-writer.js';
import type { HistoryRepo, NewPublication } from './history-repo.js';

export interface PublicationWrite extends NewPublication {
  channel: string;
  namespace: string;
}

export function publicationWrites(history: HistoryRepo): BatchSpec<PublicationWrite, number> {
  return {
    name: 'publication',
    async write(trx, items) {
      const byChannel = new Map<string, number[]>();
      items.forEach((item, i) => {
        const list = byChannel.get(item.channel);
        if (list) list.push(i);
        else byChannel.set(item.channel, [i]);
      });
      const offsets: number[] = [];
      for (const [channel, indexes] of byChannel) {
        const run = indexes.map((i) => items[i] as PublicationWrite);
        const first = await history.append(channel, (run[0] as PublicationWrite).namespace, run, trx);
        indexes.forEach((itemIndex, k) => {
          offsets[itemIndex] = first + k;
        });
      }
      return offsets.map((offset) => outcome.ok(offset));
    },
  };
}
