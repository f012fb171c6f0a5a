/** A fresh event id, `evt_` + 32 hex digits. */
export function newEventId(): string {
  return `evt_${crypto.randomUUID().replaceAll('-', '')}`;
}

/** A fresh delivery id, `dlv_` + 32 hex digits. */
export function newDeliveryId(): string {
  return `dlv_${crypto.randomUUID().replaceAll('-', '')}`;
}
