import { companionHandler } from '../shared/companion/companionHandler.js';
import { companionSignParts } from './companionSignParts.js';

export const handler = companionHandler(companionSignParts);
