import { join } from 'node:path';
import { runConformance } from '@neonhub/sdk/testing';
import plugin from '../src/index.js';

runConformance({ dir: join(import.meta.dirname, '..'), plugin });
