import type { Component } from '../component.ts';
import { engine } from './engine.ts';
import { kafka } from './kafka.ts';
import { postgres } from './postgres.ts';

/** Start order; `down` stops them in reverse. */
export const stackComponents: readonly Component[] = [postgres, kafka, engine];
