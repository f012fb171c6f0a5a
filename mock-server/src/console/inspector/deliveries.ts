/** The deliveries the page shows, loaded once and then kept current from the live stream. */
import { useEffect, useState } from 'preact/hooks';
import { type Api, query } from './api.js';
import { type LiveStream, onReconnect } from './live.js';
import type { Delivery, DeliveryFilter } from './types.js';

/** The table shows the latest deliveries only; older ones stay reachable through the API and the CLI. */
export const SHOWN_DELIVERIES = 200;
const PAGE_SIZE = 1000;

/**
 * How far a delivery has got: more attempts, or settled, is later. A delivery only moves forward, so
 * of two copies (one from a page, one from the stream) the further one is the current one.
 */
const progress = (delivery: Delivery) => delivery.attempts.length * 2 + (delivery.status === 'pending' ? 0 : 1);

function matches(delivery: Delivery, filter: DeliveryFilter): boolean {
  return (
    (filter.webhookId === undefined || delivery.webhookId === filter.webhookId) &&
    (filter.event === undefined || delivery.event === filter.event) &&
    (filter.status === undefined || delivery.status === filter.status)
  );
}

/** `list` (newest first) with `delivery` put in: replaced in place, or added at the top if new. */
function withDelivery(list: Delivery[], delivery: Delivery, filter: DeliveryFilter): Delivery[] {
  const index = list.findIndex((item) => item.id === delivery.id);
  if (index === -1) {
    return matches(delivery, filter) ? [delivery, ...list].slice(0, SHOWN_DELIVERIES) : list;
  }
  if (progress(delivery) < progress(list[index]!)) return list;
  // A status filter drops a delivery that moved on to another status.
  if (!matches(delivery, filter)) return list.filter((_, i) => i !== index);
  return list.map((item, i) => (i === index ? delivery : item));
}

/** The latest matching deliveries, newest first: the pages come oldest first, so only the last ones are kept. */
async function latestDeliveries(api: Api, filter: DeliveryFilter): Promise<Delivery[]> {
  let kept: Delivery[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<{ data: Delivery[]; nextCursor: string | null }>(
      `/_mock/deliveries${query({ ...filter, limit: PAGE_SIZE, cursor })}`,
    );
    kept = [...kept, ...page.data].slice(-SHOWN_DELIVERIES);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return kept.reverse();
}

export interface DeliveriesView {
  deliveries: Delivery[];
  loading: boolean;
  error: string | null;
}

/**
 * The view, and a function that loads it again: the stream reports each change of a delivery, but not
 * deliveries removed by a reset, so after one the table keeps them until reloaded.
 */
export function useDeliveries(api: Api, live: LiveStream, filter: DeliveryFilter): [DeliveriesView, () => void] {
  const [view, setView] = useState<DeliveriesView>({ deliveries: [], loading: true, error: null });
  const [generation, setGeneration] = useState(0);
  const { webhookId, event, status } = filter;
  useEffect(() => {
    const current = { webhookId, event, status };
    let stopped = false;
    // Changes that arrive while a load is under way are applied on top of it once it is in.
    let pending: Delivery[] | null = null;
    const load = () => {
      pending = [];
      setView((before) => ({ ...before, loading: true }));
      latestDeliveries(api, current).then(
        (loaded) => {
          if (stopped) return;
          const deliveries = pending!.reduce((list, delivery) => withDelivery(list, delivery, current), loaded);
          pending = null;
          setView({ deliveries, loading: false, error: null });
        },
        (error: Error) => {
          pending = null;
          if (!stopped) setView((before) => ({ ...before, loading: false, error: error.message }));
        },
      );
    };
    const stopDeliveries = live.onDelivery((delivery) => {
      if (pending) pending.push(delivery);
      else setView((before) => ({ ...before, deliveries: withDelivery(before.deliveries, delivery, current) }));
    });
    const stopStates = onReconnect(live, load);
    load();
    return () => {
      stopped = true;
      stopDeliveries();
      stopStates();
    };
    // generation: only there so that a reload runs this again.
  }, [api, live, webhookId, event, status, generation]);
  return [view, () => setGeneration((before) => before + 1)];
}

/** One delivery, kept current from the stream; null until loaded. */
export function useDelivery(
  api: Api,
  live: LiveStream,
  id: string,
): { delivery: Delivery | null; error: string | null } {
  const [state, setState] = useState<{ delivery: Delivery | null; error: string | null }>({
    delivery: null,
    error: null,
  });
  useEffect(() => {
    let stopped = false;
    setState({ delivery: null, error: null });
    const newer = (before: Delivery | null, next: Delivery) =>
      before === null || progress(next) >= progress(before) ? next : before;
    const stop = live.onDelivery((delivery) => {
      if (delivery.id === id) setState((before) => ({ delivery: newer(before.delivery, delivery), error: null }));
    });
    api.get<{ data: Delivery }>(`/_mock/deliveries/${encodeURIComponent(id)}`).then(
      ({ data }) => !stopped && setState((before) => ({ delivery: newer(before.delivery, data), error: null })),
      (error: Error) => !stopped && setState({ delivery: null, error: error.message }),
    );
    return () => {
      stopped = true;
      stop();
    };
  }, [api, live, id]);
  return state;
}
