/** What a simulated connection of each service looks like: its source schema, tables and `config`. */
export interface ServiceProfile {
  readonly service: string;
  readonly sourceSchema: string;
  readonly tables: readonly string[];
  /** Shaped like Fivetran's `config`: secrets arrive masked, other fields (hosts, users) do not. */
  readonly config: () => Record<string, unknown>;
}

export const SERVICES: readonly ServiceProfile[] = [
  {
    service: 'salesforce',
    sourceSchema: 'salesforce',
    tables: ['account', 'contact', 'opportunity', 'lead', 'user', 'task'],
    config: () => ({ domain: 'acme.my.salesforce.com', is_sandbox: false }),
  },
  {
    service: 'postgres',
    sourceSchema: 'public',
    tables: ['orders', 'customers', 'order_items', 'products', 'payments'],
    config: () => ({
      host: 'db.internal.example.com',
      port: 5432,
      database: 'app',
      user: 'fivetran',
      password: '******',
      update_method: 'WAL',
    }),
  },
  {
    service: 'mysql',
    sourceSchema: 'shop',
    tables: ['carts', 'sessions', 'inventory', 'refunds'],
    config: () => ({ host: 'mysql.internal.example.com', port: 3306, user: 'fivetran', password: '******' }),
  },
  {
    service: 'google_sheets',
    sourceSchema: 'google_sheets',
    tables: ['budget', 'targets'],
    config: () => ({ sheet_id: 'https://docs.google.com/spreadsheets/d/example', named_range: 'data' }),
  },
  {
    service: 'hubspot',
    sourceSchema: 'hubspot',
    tables: ['company', 'contact', 'deal', 'engagement'],
    config: () => ({}),
  },
  {
    service: 'stripe',
    sourceSchema: 'stripe',
    tables: ['charge', 'customer', 'invoice', 'subscription', 'balance_transaction'],
    config: () => ({ secret_key: '******' }),
  },
  {
    service: 'google_ads',
    sourceSchema: 'google_ads',
    tables: ['campaign_stats', 'ad_group_stats', 'keyword_stats'],
    config: () => ({ customer_id: '123-456-7890', sync_mode: 'AllAccounts' }),
  },
  {
    service: 'facebook_ads',
    sourceSchema: 'facebook_ads',
    tables: ['basic_ad', 'basic_campaign', 'ad_set_history'],
    config: () => ({ accounts: ['act_1234567890'] }),
  },
  {
    service: 'shopify',
    sourceSchema: 'shopify',
    tables: ['order', 'product', 'customer', 'fulfillment'],
    config: () => ({ shop: 'acme-store' }),
  },
  {
    service: 'zendesk',
    sourceSchema: 'zendesk',
    tables: ['ticket', 'ticket_comment', 'user', 'organization'],
    config: () => ({ subdomain: 'acme' }),
  },
  {
    service: 'jira',
    sourceSchema: 'jira',
    tables: ['issue', 'project', 'sprint', 'comment'],
    config: () => ({
      host: 'acme.atlassian.net',
      port: 443,
      username: 'fivetran@example.com',
      password: '******',
    }),
  },
];

export function serviceProfile(service: string): ServiceProfile | undefined {
  return SERVICES.find((profile) => profile.service === service);
}

/** dbt models a Quickstart package or a dbt project writes for a service (connection → model lineage). */
export function modelNamesFor(service: string): string[] {
  const profile = serviceProfile(service);
  const tables = profile?.tables.slice(0, 2) ?? ['records'];
  return tables.map((table) => `${service}__${table}`);
}
