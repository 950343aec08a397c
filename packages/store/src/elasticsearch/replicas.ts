import type { Client } from "@elastic/elasticsearch";

/**
 * Brings existing indices to the configured replica count. A template only shapes indices created after
 * it, and number_of_replicas is a dynamic setting: changing REGRADAR_ES_REPLICAS takes effect on the
 * next start, with no reindex. Indices already right are left alone (no settings write on every start).
 */
export async function matchReplicas(client: Client, indices: string[], replicas: number): Promise<void> {
  const live = await client.indices.getSettings({ index: indices, name: "index.number_of_replicas", flat_settings: true });
  const differing = Object.entries(live)
    .filter(([, state]) => Number((state.settings as Record<string, unknown> | undefined)?.["index.number_of_replicas"]) !== replicas)
    .map(([index]) => index);
  if (differing.length) await client.indices.putSettings({ index: differing, settings: { number_of_replicas: replicas } });
}
