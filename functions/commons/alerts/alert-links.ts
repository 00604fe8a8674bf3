import type { ConnectionRef } from './alert-model.ts';

/** Where messages point their readers. */
export interface AlertLinkSettings {
  /** Base of our dashboard (`ALERT_DASHBOARD_URL`), or null: then messages carry only the Fivetran link. */
  readonly dashboardUrl: string | null;
  /** Fivetran's web app; overridable only so tests and the simulator can point elsewhere. */
  readonly fivetranAppUrl?: string;
}

export const FIVETRAN_APP_URL = 'https://fivetran.com';

/**
 * The connection's status page in Fivetran. The dashboard's own links have the form
 * `/dashboard/connections/{id}/status?groupId={group}&service={service}` (Fivetran renamed "connectors" to
 * "connections"; the id alone opens the page, group and service only help it render).
 */
export function fivetranConnectionUrl(connection: ConnectionRef, settings: AlertLinkSettings): string {
  const base = (settings.fivetranAppUrl ?? FIVETRAN_APP_URL).replace(/\/+$/, '');
  const url = new URL(`${base}/dashboard/connections/${encodeURIComponent(connection.id)}/status`);
  if (connection.group_id) url.searchParams.set('groupId', connection.group_id);
  if (connection.service) url.searchParams.set('service', connection.service);
  return url.toString();
}

/**
 * The connection in our dashboard. The fragment form keeps the id out of server logs and needs no route;
 * the dashboard opens the connection it names.
 */
export function dashboardConnectionUrl(
  connection: ConnectionRef,
  settings: AlertLinkSettings,
): string | null {
  if (!settings.dashboardUrl) return null;
  return `${settings.dashboardUrl.replace(/\/+$/, '')}/#connection=${encodeURIComponent(connection.id)}`;
}

/** The dashboard's front page (digest and test messages), or null when no base URL is configured. */
export function dashboardHomeUrl(settings: AlertLinkSettings): string | null {
  return settings.dashboardUrl ? `${settings.dashboardUrl.replace(/\/+$/, '')}/` : null;
}
