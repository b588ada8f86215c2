import { companionHandler } from '../shared/companion/companionHandler.js';
import { companionAbort } from './companionAbort.js';

export const handler = companionHandler(companionAbort);
