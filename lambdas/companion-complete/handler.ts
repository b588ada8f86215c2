import { companionHandler } from '../shared/companion/companionHandler.js';
import { companionComplete } from './companionComplete.js';

export const handler = companionHandler(companionComplete);
