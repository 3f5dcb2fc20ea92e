// End-to-end turns: distinct customers each send one message at a fixed offered
// rate; a turn ends when the sandbox's Graph API receives the reply to that
// customer. Also drives the "Meta" side of the baseline comparison: a sender that
// gives up after Meta's delivery timeout and delivers again, as Meta does.
import type { Sandbox } from '../../src/sandbox/server';
import { customerNumber, textWebhook, type WebhookRequest } from './payloads';
import { startAtFixedRate } from './pacing';
import { summarise, type Distribution } from './stats';

export interface TurnLoad {
  sandbox: Sandbox;
  webhookUrl: string;
  phoneNumberId: string;
  appSecret: string;
  /** Offered turns per second and for how long. */
  rate: number;
  durationSeconds: number;
  /** Distinguishes customers and wamids between measurements. */
  run: number;
  text: string;
  /**
   * The longest to wait for the last replies after the last message was sent.
   * Waiting also ends once every delivery is settled and no reply has come for
   * QUIET_MS: a design that never answers some customers is not waited for.
   */
  drainSeconds?: number;
  /** Simulated Meta: abandon a delivery after this long and deliver again (off when undefined). */
  metaTimeoutMs?: number;
  maxRedeliveries?: number;
}

export interface TurnsResult {
  offeredPerSecond: number;
  sent: number;
  acknowledged: number;
  replied: number;
  /** Replies beyond the first for a customer: the same message answered more than once. */
  duplicateReplies: number;
  redeliveries: number;
  /** Replies per second between the first and the last reply: the steady rate, whatever the latency. */
  turnsPerSecond: number;
  ackMs: Distribution;
  webhookToReplyMs: Distribution;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** No reply for this long, with every delivery settled: the rest are not coming. */
const QUIET_MS = 10_000;

export async function runTurns(load: TurnLoad): Promise<TurnsResult> {
  const count = Math.round(load.rate * load.durationSeconds);
  const sentAt = new Map<string, number>();
  const repliesTo = new Map<string, number[]>();
  const ackMs: number[] = [];
  let acknowledged = 0;
  let redeliveries = 0;
  let outstanding = count;
  let lastReplyAt = performance.now();

  load.sandbox.graph.onSent = (message) => {
    if (!sentAt.has(message.to)) return;
    const times = repliesTo.get(message.to) ?? [];
    times.push(performance.now());
    repliesTo.set(message.to, times);
    lastReplyAt = performance.now();
    if (times.length === 1) outstanding--;
  };

  const deliver = async (webhook: WebhookRequest, attempt: number): Promise<void> => {
    const started = performance.now();
    try {
      const response = await fetch(load.webhookUrl, {
        method: 'POST',
        headers: webhook.headers,
        body: webhook.body,
        signal: load.metaTimeoutMs ? AbortSignal.timeout(load.metaTimeoutMs) : undefined,
      });
      await response.arrayBuffer();
      if (response.ok) {
        acknowledged += attempt === 0 ? 1 : 0;
        ackMs.push(performance.now() - started);
        return;
      }
    } catch {
      // Timed out or refused: Meta counts it as not delivered.
    }
    if (attempt < (load.maxRedeliveries ?? 0)) {
      redeliveries++;
      await sleep(1000 * 2 ** attempt);
      await deliver(webhook, attempt + 1);
    }
  };

  const { first, finished } = await startAtFixedRate(load.rate, count, (i) => {
    const from = customerNumber(load.run, i);
    const webhook = textWebhook({
      phoneNumberId: load.phoneNumberId,
      wamid: `wamid.bench.turn.${load.run}.${i}`,
      from,
      text: load.text,
      appSecret: load.appSecret,
    });
    sentAt.set(from, performance.now());
    return deliver(webhook, 0);
  });
  let settled = false;
  void finished.then(() => (settled = true));
  // Quiet is counted from the last reply or the last message sent, whichever is later.
  lastReplyAt = Math.max(lastReplyAt, performance.now());
  const drainDeadline = performance.now() + (load.drainSeconds ?? 60) * 1000;
  while (performance.now() < drainDeadline) {
    if (settled && (outstanding === 0 || performance.now() - lastReplyAt > QUIET_MS)) break;
    await sleep(100);
  }
  // Late duplicates (a redelivery answered again) need a moment to show up.
  if (load.metaTimeoutMs) await sleep(3000);
  load.sandbox.graph.onSent = undefined;

  const latencies: number[] = [];
  let firstReply = Infinity;
  let lastReply = first;
  let duplicateReplies = 0;
  for (const [to, times] of repliesTo) {
    latencies.push(times[0]! - sentAt.get(to)!);
    firstReply = Math.min(firstReply, times[0]!);
    lastReply = Math.max(lastReply, times[0]!);
    duplicateReplies += times.length - 1;
  }
  return {
    offeredPerSecond: load.rate,
    sent: count,
    acknowledged,
    replied: repliesTo.size,
    duplicateReplies,
    redeliveries,
    turnsPerSecond: repliesTo.size > 1 ? (repliesTo.size - 1) / ((lastReply - firstReply) / 1000) : NaN,
    ackMs: summarise(ackMs),
    webhookToReplyMs: summarise(latencies),
  };
}
