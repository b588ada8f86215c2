import { companionHandler } from '../shared/companion/companionHandler.js';
import { companionParams } from './companionParams.js';

export const handler = companionHandler(companionParams);
