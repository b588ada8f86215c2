import { httpHandler } from '../shared/http/httpHandler.js';
import { getConfig } from './getConfig.js';

export const handler = httpHandler(getConfig);
