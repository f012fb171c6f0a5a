import { Agent, type Dispatcher } from 'undici';
import { createGuardedConnector } from '../ssrf/index.js';

/** How long an idle keep-alive connection stays open; also how often unused dispatchers are swept. */
const KEEP_ALIVE_MS = 4_000;

export interface WebhookDispatcherOptions {
  allowPrivateUrls: boolean;
  deliveryTimeoutMs: number;
  /** Connections per webhook and origin: the engine's limit of attempts on the wire per webhook. */
  connectionsPerWebhook: number;
}

/**
 * One undici Agent per webhook, never the global dispatcher. Each has as many connections as the
 * webhook may have attempts on the wire, so an attempt never waits inside undici for a connection
 * (its timer would otherwise count that wait), and webhooks that share a receiver host never take
 * each other's connections. Every connection goes through the SSRF-checking connector. An agent
 * with no connection left (they close after the keep-alive time) is dropped by a periodic sweep.
 */
export class WebhookDispatchers {
  private readonly agents = new Map<number, Agent>();
  private readonly connect: ReturnType<typeof createGuardedConnector>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: WebhookDispatcherOptions) {
    // One connector for all agents: it holds the TLS session cache, which then serves every webhook.
    this.connect = createGuardedConnector({
      allowPrivateUrls: options.allowPrivateUrls,
      timeoutMs: options.deliveryTimeoutMs,
    });
    this.sweeper = setInterval(() => this.sweep(), KEEP_ALIVE_MS).unref();
  }

  for(webhookId: number): Dispatcher {
    let agent = this.agents.get(webhookId);
    if (agent === undefined) {
      agent = new Agent({
        connections: this.options.connectionsPerWebhook,
        keepAliveTimeout: KEEP_ALIVE_MS,
        // The sender's own timer bounds the whole exchange; these are only backstops behind it.
        headersTimeout: this.options.deliveryTimeoutMs + 1_000,
        bodyTimeout: this.options.deliveryTimeoutMs + 1_000,
        connect: this.connect,
      });
      this.agents.set(webhookId, agent);
    }
    return agent;
  }

  async destroy(): Promise<void> {
    clearInterval(this.sweeper);
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.destroy()));
  }

  private sweep(): void {
    for (const [webhookId, agent] of this.agents) {
      // `connected` is a count for a pool and a flag for a single-connection client.
      const busy = Object.values(agent.stats).some((origin) => Number(origin.connected) > 0 || origin.size > 0);
      if (busy) continue;
      this.agents.delete(webhookId);
      void agent.close();
    }
  }
}
