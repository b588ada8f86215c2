import { companionHandler } from '../shared/companion/companionHandler.js';
import { companionCreate } from './companionCreate.js';

export const handler = companionHandler(companionCreate);
