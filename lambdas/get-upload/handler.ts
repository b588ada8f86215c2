import { httpHandler } from '../shared/http/httpHandler.js';
import { getUpload } from './getUpload.js';

export const handler = httpHandler(getUpload);
