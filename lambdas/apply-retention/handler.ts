import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { retentionSettings } from '../shared/config.js';
import { applyRetention } from './applyRetention.js';
import { scheduledTime } from './scheduledTime.js';

const settings = retentionSettings();

/** Invoked by the schedule; the rules apply as of the tick's time. */
export const handler = middy<ScheduledEvent>().handler(async (event) => applyRetention(scheduledTime(event), settings));
