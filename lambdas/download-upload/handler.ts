import { httpHandler } from '../shared/http/httpHandler.js';
import { downloadUpload } from './downloadUpload.js';

export const handler = httpHandler(downloadUpload);
