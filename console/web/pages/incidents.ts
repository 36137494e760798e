// Open incidents across all orders (engine search), each linked to its order's page where an
// operator retries it.
import { h, show } from '../dom.ts';
import { activeIncidents, orderIdsOfInstances } from '../farm.ts';
import { link } from '../router.ts';
import { incidentTable } from './order.ts';

export async function incidentsPage(outlet: HTMLElement): Promise<void> {
  const holder = h('div', { class: 'table-holder' }, h('p', { class: 'loading' }, 'Loading incidents…'));
  show(outlet, h('h1', {}, 'Incidents'), h('p', { class: 'hint' }, 'Open an order to retry its incidents.'), holder);
  const incidents = await activeIncidents();
  const orderOfInstance = await orderIdsOfInstances(incidents.map((incident) => incident.processInstanceKey));
  show(holder, incidents.length === 0 ? h('p', { testid: 'incidents-empty' }, 'No open incident.') : incidentTable(incidents, (incident) => {
    const orderId = orderOfInstance.get(incident.processInstanceKey);
    return orderId ? h('a', { href: link(`/orders/${encodeURIComponent(orderId)}`), testid: 'incident-order-link' }, orderId) : `instance ${incident.processInstanceKey}`;
  }));
}
