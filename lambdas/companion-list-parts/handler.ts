import { companionHandler } from '../shared/companion/companionHandler.js';
import { companionListParts } from './companionListParts.js';

export const handler = companionHandler(companionListParts);
