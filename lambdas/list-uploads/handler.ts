import { httpHandler } from '../shared/http/httpHandler.js';
import { listUploads } from './listUploads.js';

export const handler = httpHandler(listUploads);
