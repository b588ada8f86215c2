import { httpHandler } from '../shared/http/httpHandler.js';
import { signParts } from './signParts.js';

export const handler = httpHandler(signParts);
