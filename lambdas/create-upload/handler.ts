import { httpHandler } from '../shared/http/httpHandler.js';
import { createUpload } from './createUpload.js';

export const handler = httpHandler(createUpload);
