// `npm run migrate`: apply pending migrations and say which ones ran.
import { migrate } from '../platform/migrate.ts';
import { processConfig } from './process-config.ts';

const report = await migrate(processConfig('migrate'), () => undefined);
console.log(report.applied.length ? `applied ${report.applied.length} migration(s): ${report.applied.join(', ')}` : 'database schema is up to date');
