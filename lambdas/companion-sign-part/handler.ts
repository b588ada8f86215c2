import { companionHandler } from '../shared/companion/companionHandler.js';
import { companionSignPart } from './companionSignPart.js';

export const handler = companionHandler(companionSignPart);
