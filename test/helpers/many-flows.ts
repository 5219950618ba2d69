/**
 * A flow file with `count` flows (about 590 bytes each: 10,000 flows ≈ 5.9 MB), for measuring and
 * guarding how validate and run scale with the size of a project. Every tenth flow hands its
 * records on to a pipeline stage (`next:`), so pipeline checks are part of the work.
 */
export function manyFlowsYaml(count: number): string {
  const lines = [
    'connections:',
    '  files: { type: file, dir: data }',
    '  warehouse: { type: sqlite, path: warehouse.db }',
    'flows:',
  ];
  for (let i = 0; i < count; i++) {
    const name = `flow-${String(i).padStart(5, '0')}`;
    const stage = i % 10 === 9;
    lines.push(`  ${name}:`);
    if (stage) {
      lines.push(`    source: { flow: flow-${String(i - 1).padStart(5, '0')} }`);
    } else {
      lines.push(
        `    source: { connection: files, type: file.csv, path: shop-${i}.csv, columns: { order_id: integer, total: number } }`,
      );
    }
    lines.push(
      '    steps:',
      '      - filter: { field: status, op: ne, value: voided }',
      '      - map:',
      '          order_no: { template: "SO-{{order_id}}" }',
      '          email: { from: customer_email, transform: [trim, lowercase] }',
      '          state: { from: status, values: { pending: draft, shipped: fulfilled }, default: draft }',
      `          shop: { value: ${i} }`,
    );
    if (i % 10 === 8) lines.push(`    next: flow-${String(i + 1).padStart(5, '0')}`);
    lines.push(
      '    destinations:',
      `      - { connection: warehouse, type: sqlite.table, table: orders_${i}, operation: upsert, key: [order_no] }`,
    );
  }
  return `${lines.join('\n')}\n`;
}
