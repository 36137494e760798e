import type { Component } from '../component.ts';
import { camunda } from './camunda.ts';
import { kafka } from './kafka.ts';
import { opensearch } from './opensearch.ts';
import { postgres } from './postgres.ts';

/** Start order (Camunda exports to OpenSearch, so it comes after it); `down` stops them in reverse. */
export const stackComponents: readonly Component[] = [postgres, kafka, opensearch, camunda];
