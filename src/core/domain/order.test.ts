// The order contract refuses what its snapshot could not hold: NUL in free text (PostgreSQL's jsonb
// cannot store U+0000), and unbounded technical parameters.
import { sampleOrder } from '../../../tools/demo/sample-orders.ts';
import { orderRequestSchema } from './order.ts';

const issuesOf = (order: unknown) => {
  const parsed = orderRequestSchema.safeParse(order);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

test('a sample order is valid', () => {
  expect(issuesOf(sampleOrder({ items: 2 }))).toEqual([]);
});

test('NUL in a display name or a technical parameter is refused, naming the field', () => {
  const order = sampleOrder({ items: 1 });
  const bad = { ...order, contact: { ...order.contact, displayName: 'Jane\u0000Doe' }, items: [{ ...order.items[0], technicalParameters: { speed: 'fast\u0000' } }] };
  expect(issuesOf(bad)).toEqual(['items.0.technicalParameters.speed: must not contain the NUL character (U+0000)', 'contact.displayName: must not contain the NUL character (U+0000)']);
});

test('more than 50 technical parameters are refused', () => {
  const order = sampleOrder({ items: 1 });
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`p${index}`, index]));
  expect(issuesOf({ ...order, items: [{ ...order.items[0], technicalParameters: many }] })).toEqual(['items.0.technicalParameters: at most 50 technical parameters']);
});
