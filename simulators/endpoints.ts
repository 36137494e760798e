// Where each simulated system is served below the simulators' base URL, and the farm settings that
// point the adapters there (tests, benches and replicas all wire a farm to a simulator this way).
export const SYSTEM_PATHS = {
  crm: '/crm',
  inventory: '/inventory',
  provisioning: '/provisioning',
  billing: '/billing',
  notification: '/notify',
} as const;

/** The farm's adapter URL settings for simulators at `baseUrl` (no trailing slash). */
export function adapterUrlsFor(baseUrl: string): { CRM_URL: string; INVENTORY_URL: string; PROVISIONING_URL: string; BILLING_URL: string; NOTIFICATION_URL: string } {
  return {
    CRM_URL: `${baseUrl}${SYSTEM_PATHS.crm}`,
    INVENTORY_URL: `${baseUrl}${SYSTEM_PATHS.inventory}`,
    PROVISIONING_URL: `${baseUrl}${SYSTEM_PATHS.provisioning}`,
    BILLING_URL: `${baseUrl}${SYSTEM_PATHS.billing}`,
    NOTIFICATION_URL: `${baseUrl}${SYSTEM_PATHS.notification}`,
  };
}
